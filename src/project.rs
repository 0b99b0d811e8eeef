//! The pipeline end to end, for `build` and `check`: discover → load → ingest → aggregate →
//! render → typeset → publish. One bad inspection is reported and skipped; the others build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::aggregate::{self, AreaCases, SetFigures};
use crate::error::{Kind, Location, Problem, Problems};
use crate::framework::{Comparison, FrameworkSpec};
use crate::ingest::{self, CaseTable};
use crate::inspection::{self, AggregateSpec, InspectionSpec, Selection};
use crate::publish::{self, OutputLock};
use crate::render::aggregate_report::{self, AggregateInput};
use crate::render::area::{self, AreaInput};
use crate::render::{RenderedReport, TextModel};
use crate::typeset::{Engine, TypesetJob};

/// Where the project's folders are and what to do: validated once, from the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data: PathBuf,
    pub templates: PathBuf,
    pub fonts: PathBuf,
    pub output: PathBuf,
    /// Mark every page as a draft not for publication.
    pub draft: bool,
    /// Write PDFs (`build`) or only run every stage and report (`check`).
    pub write: bool,
    pub filter: Filter,
    /// Report workers (default: one per core).
    pub jobs: Option<usize>,
    /// Also write each report's Typst job (template name, generated files) under this folder.
    pub dump_typst: Option<PathBuf>,
    /// Build only this part of the plan (`--shard k/n`).
    pub shard: Option<Shard>,
    /// Build only the published reports whose inputs changed since the publication record
    /// (`build --changed`): the scheduled job after a data correction.
    pub changed_only: bool,
    /// The date and reason of a correction this run publishes (`--as-of`, `--reason`): a
    /// published report whose figures change is republished with them, never with the clock.
    pub correction: Option<(crate::date::Date, String)>,
}

/// Part `index` (0-based) of `count` of a plan: every framework's reports go to one shard, so
/// that no comparison set is read or aggregated twice, and the frameworks are spread over the
/// shards by their expected pages, largest first onto the lightest shard. The same data gives
/// the same parts on every machine, so a batch scheduler's tasks split the work without talking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// `k/n`, 1-based as schedulers number their tasks (`--shard 2/3`).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text.split_once('/').ok_or_else(|| format!("`{text}` is not of the form k/n, such as 2/3"))?;
        let (k, n): (usize, usize) =
            (k.trim().parse().map_err(|_| format!("`{k}` is not a number"))?, n.trim().parse().map_err(|_| format!("`{n}` is not a number"))?);
        if n == 0 || k == 0 || k > n || n > 10_000 {
            return Err(format!("shard {k} of {n}: k must be from 1 to n, and n at most 10000"));
        }
        Ok(Shard { index: k - 1, count: n })
    }

    /// The frameworks of this shard, from every framework's expected pages.
    fn frameworks(&self, weights: &BTreeMap<String, u64>) -> std::collections::BTreeSet<String> {
        let mut order: Vec<(&String, u64)> = weights.iter().map(|(f, w)| (f, *w)).collect();
        order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut load = vec![0u64; self.count];
        let mut mine = std::collections::BTreeSet::new();
        for (fw, w) in order {
            let lightest = (0..self.count).min_by_key(|&i| (load[i], i)).expect("at least one shard");
            load[lightest] += w;
            if lightest == self.index {
                mine.insert(fw.clone());
            }
        }
        mine
    }
}

impl Settings {
    /// The standard layout under a project root.
    pub fn for_root(root: &Path) -> Settings {
        Settings {
            data: root.join("data"),
            templates: root.join("report-templates"),
            fonts: root.join("fonts"),
            output: root.join("output"),
            draft: false,
            write: true,
            filter: Filter::default(),
            jobs: None,
            dump_typst: None,
            shard: None,
            changed_only: false,
            correction: None,
        }
    }
}

/// Which reports to build; empty means all.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub framework: Option<String>,
    pub inspection: Option<String>,
    pub area: Option<String>,
    /// The frameworks of this run's shard (set by the run from `Settings::shard`).
    /// Shard 1 also keeps every framework no shard was given (an aggregate of a framework with no
    /// inspection, a misspelt framework), so that its problems are reported once, not never.
    shard_frameworks: Option<(std::collections::BTreeSet<String>, Option<std::collections::BTreeSet<String>>)>,
}

impl Filter {
    /// A filter of these; `None` keeps all.
    pub fn new(framework: Option<String>, inspection: Option<String>, area: Option<String>) -> Filter {
        Filter { framework, inspection, area, shard_frameworks: None }
    }
    fn in_shard(&self, framework: &str) -> bool {
        self.shard_frameworks.as_ref().is_none_or(|(mine, all)| mine.contains(framework) || all.as_ref().is_some_and(|all| !all.contains(framework)))
    }
    fn keeps_area(&self, i: &InspectionSpec) -> bool {
        self.in_shard(&i.framework)
            && self.framework.as_ref().is_none_or(|f| *f == i.framework)
            && self.inspection.as_ref().is_none_or(|id| *id == i.id)
            && self.area.as_ref().is_none_or(|a| a.eq_ignore_ascii_case(&i.area))
    }
    fn keeps_aggregate(&self, a: &AggregateSpec) -> bool {
        self.in_shard(&a.framework) && self.inspection.is_none() && self.area.is_none() && self.framework.as_ref().is_none_or(|f| *f == a.framework)
    }
}

/// One report built (or checked).
#[derive(Debug, Clone)]
pub struct Built {
    pub pdf: PathBuf,
    pub pages: usize,
    /// Content hashes of the PDF and figures CSV made.
    hashes: (String, String),
    /// The correction it publishes, if it corrects a published report.
    pub correction: Option<crate::record::Correction>,
    /// Time this report spent in each per-report stage.
    timings: Timings,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub built: Vec<Built>,
    /// Published reports whose inputs had not changed since the publication record
    /// (`build --changed`): neither made nor written.
    pub unchanged: usize,
    /// Published reports republished with a correction notice.
    pub corrected: usize,
    pub failed: usize,
    pub problems: Problems,
    pub warnings: Vec<Problem>,
    pub elapsed: Duration,
    pub timings: Timings,
}

/// Time spent in each stage, summed over reports (stages run in parallel, so the sum can
/// exceed the wall time).
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub discover: Duration,
    /// Frameworks, inspection files and case exports.
    pub ingest: Duration,
    pub aggregate: Duration,
    /// Report model and text (charts excluded).
    pub render: Duration,
    pub charts: Duration,
    pub typeset: Duration,
    pub pdf_export: Duration,
    pub write: Duration,
}

impl std::ops::AddAssign for Timings {
    fn add_assign(&mut self, o: Timings) {
        for (mine, theirs) in self.fields_mut().into_iter().zip(o.stages()) {
            *mine += theirs.1;
        }
    }
}

impl Timings {
    fn fields_mut(&mut self) -> [&mut Duration; 8] {
        [
            &mut self.discover,
            &mut self.ingest,
            &mut self.aggregate,
            &mut self.render,
            &mut self.charts,
            &mut self.typeset,
            &mut self.pdf_export,
            &mut self.write,
        ]
    }

    /// `(stage, time)` in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 8] {
        [
            ("discover", self.discover),
            ("ingest", self.ingest),
            ("aggregate", self.aggregate),
            ("render", self.render),
            ("charts", self.charts),
            ("typeset", self.typeset),
            ("pdf export", self.pdf_export),
            ("write", self.write),
        ]
    }
}

impl Summary {
    /// The most serious kind of problem, for the exit code.
    pub fn worst(&self) -> Option<Kind> {
        self.problems.0.iter().map(|p| p.kind).max()
    }
}

/// A typeset report on its way to the writer thread.
struct Output {
    pdf: PathBuf,
    csv: Vec<u8>,
    bytes: Vec<u8>,
    pages: usize,
    /// Where to keep the PDF (and figures CSV) this one replaces, a correction, with the
    /// recorded hashes of the published PDF and CSV.
    supersede: Option<(PathBuf, (String, String))>,
}

/// A report to produce: where it goes and how to render it.
struct Job<'a> {
    pdf: PathBuf,
    /// A draft: never in the publication record.
    draft: bool,
    /// Content hash of every input, for the publication record (published reports only).
    inputs: BTreeMap<String, String>,
    /// The inspections it is compared with, or covers.
    comparison: Vec<String>,
    /// A published report made again: what it needs to publish a correction.
    correction: Option<crate::render::CorrectionInput>,
    /// Where the published version of this report is (the same as `pdf` unless it is a
    /// draft): a draft compares its figures with it.
    published: PathBuf,
    what: JobKind<'a>,
    /// Position in the order reports are started.
    start: usize,
}

enum JobKind<'a> {
    /// `set`: the set its own figures are aggregated in; `members`: its comparison set (id,
    /// set), itself included; `without`: inspections of its comparison set that could not be
    /// read (a draft only).
    Area {
        inspection: &'a InspectionSpec,
        cases: &'a CaseTable,
        set: usize,
        members: Vec<(String, usize)>,
        without: Vec<String>,
    },
    Aggregate {
        spec: &'a AggregateSpec,
        figures: AggregateFigures,
        inspections: Vec<&'a InspectionSpec>,
    },
}

/// Where an aggregate report's figures come from.
enum AggregateFigures {
    /// A whole comparison set (by position): its figures as aggregated.
    Set(usize),
    /// Chosen inspections (id, comparison set), pooled.
    Members(Vec<(String, usize)>),
}

impl Job<'_> {
    /// The comparison sets this report reads.
    fn sets(&self) -> impl Iterator<Item = usize> + '_ {
        let (one, many) = match &self.what {
            JobKind::Aggregate { figures: AggregateFigures::Set(set), .. } => (Some(*set), &[][..]),
            JobKind::Area { members: m, .. } | JobKind::Aggregate { figures: AggregateFigures::Members(m), .. } => (None, &m[..]),
        };
        let mut sets: Vec<usize> = one.into_iter().chain(many.iter().map(|(_, k)| *k)).collect();
        sets.sort_unstable();
        sets.dedup();
        sets.into_iter()
    }
}

/// Values made when a first user asks for them and dropped when their last user is done (the
/// comparison sets of a run). Asked for again after that, a value is made again: the counts
/// only decide how long memory is held, never what a report shows.
struct OnDemand<T> {
    slots: Vec<Slot<T>>,
}

struct Slot<T> {
    value: std::sync::Mutex<Option<Result<Arc<T>, ()>>>,
    users: std::sync::atomic::AtomicUsize,
}

/// Why [`OnDemand::get`] has no value.
enum Failed {
    /// Making it failed in this call, for these reasons.
    Here(Problems),
    /// Making it failed for an earlier user (whose reasons were reported there).
    Before,
}

impl<T> OnDemand<T> {
    /// `users[k]`: how many users will [`OnDemand::release`] slot `k`.
    fn new(users: Vec<usize>) -> Self {
        OnDemand { slots: users.into_iter().map(|n| Slot { value: std::sync::Mutex::new(None), users: n.into() }).collect() }
    }

    /// The value of slot `k`, made by `make` if nobody holds it; other users of `k` wait.
    fn get(&self, k: usize, make: impl FnOnce() -> Result<T, Problems>) -> Result<Arc<T>, Failed> {
        let mut value = self.slots[k].value.lock().unwrap_or_else(|e| e.into_inner());
        match &*value {
            Some(Ok(v)) => Ok(Arc::clone(v)),
            Some(Err(())) => Err(Failed::Before),
            None => match make() {
                Ok(v) => {
                    let v = Arc::new(v);
                    *value = Some(Ok(Arc::clone(&v)));
                    Ok(v)
                }
                Err(p) => {
                    *value = Some(Err(()));
                    Err(Failed::Here(p))
                }
            },
        }
    }

    /// One user of slot `k` is done; the last one drops the value.
    fn release(&self, k: usize) {
        if self.slots[k].users.fetch_sub(1, std::sync::atomic::Ordering::AcqRel) == 1 {
            *self.slots[k].value.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    #[cfg(test)]
    fn held(&self) -> usize {
        self.slots.iter().filter(|s| matches!(*s.value.lock().unwrap(), Some(Ok(_)))).count()
    }
}

/// Releases a report's sets when it is done, whether it was built or failed.
struct Release<'a, T> {
    sets: &'a OnDemand<T>,
    keys: Vec<usize>,
}

impl<T> Drop for Release<'_, T> {
    fn drop(&mut self) {
        for &k in &self.keys {
            self.sets.release(k);
        }
    }
}

/// What a run tells its caller as it goes (a progress bar, plain lines, nothing).
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// How many reports this run will produce.
    Planned(usize),
    /// A report was started.
    Started(&'a Path),
    /// A report was built (written) or, for `check`, typeset.
    Done { pdf: &'a Path, pages: usize, written: bool },
    /// A report failed (its problems are in the summary).
    Failed(&'a Path),
}

/// Runs the pipeline; `progress` hears of every report as it starts and ends.
pub fn run(settings: &Settings, progress: &(dyn Fn(Progress<'_>) + Sync)) -> Summary {
    let start = Instant::now();
    let mut summary = Summary::default();
    let result = run_inner(settings, progress, &mut summary);
    if let Err(p) = result {
        summary.problems.extend(p);
        summary.failed += 1;
    }
    summary.elapsed = start.elapsed();
    summary
}

fn run_inner(settings: &Settings, progress: &(dyn Fn(Progress<'_>) + Sync), summary: &mut Summary) -> Result<(), Problems> {
    let _lock = match (settings.write, settings.shard) {
        (false, _) => None,
        (true, None) => Some(OutputLock::acquire(&settings.output)?),
        (true, Some(shard)) => Some(OutputLock::acquire_shard(&settings.output, shard.index, shard.count)?),
    };
    let clock = Instant::now();
    let (inputs, walk_problems) = crate::discover::discover(&settings.data)?;
    summary.failed += walk_problems.0.len();
    summary.problems.extend(walk_problems);
    summary.timings.discover = clock.elapsed();
    tracing::debug!(frameworks = inputs.frameworks.len(), inspections = inputs.inspections.len(), aggregates = inputs.aggregates.len(), "discovered");
    let clock = Instant::now();

    // Frameworks.
    let (frameworks, broken_frameworks, problems) = crate::framework::load_all(&inputs.frameworks);
    summary.problems.extend(problems);

    // Inspections and their exports, each on its own: a broken one is reported and skipped.
    // For a broken one, what is known of it (its folder, framework and period) is kept, so that
    // no report that compares with it is published without it.
    let specs: Vec<Result<InspectionSpec, (Broken, Problems)>> = inputs
        .inspections
        .par_iter()
        .map(|path| {
            let folder = path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let spec = inspection::load_inspection(path)
                .map_err(|p| (Broken { id: folder.clone(), set: inspection::peek_set(path), published: inspection::peek_date(path) }, p))?;
            if broken_frameworks.contains(&spec.framework) {
                let p = Problem::data(Location::file(path).key("framework"), format!("not built: framework `{}` has errors (listed above)", spec.framework))
                    .with_hint("fix the framework file; its inspections build once it loads");
                return Err((
                    Broken { id: spec.id.clone(), set: Some((spec.framework.clone(), spec.period.clone())), published: Some(spec.publication_date) },
                    p.into(),
                ));
            }
            Ok(spec)
        })
        .collect();
    // Two inspections with one id in one framework (a copied folder): neither is built, as
    // neither can be told apart in aggregate lists or output paths.
    let specs = refuse_duplicate_ids(specs);
    // A shard keeps the reports of its frameworks only.
    let mut settings = settings.clone();
    if let Some(shard) = settings.shard {
        // Expected pages: about ten plus one for every four questions, per report.
        let mut weights: BTreeMap<String, u64> = BTreeMap::new();
        for s in specs.iter().filter_map(|r| r.as_ref().ok()) {
            let questions = frameworks.get(&s.framework).map_or(0, |f| f.questions.len() as u64);
            *weights.entry(s.framework.clone()).or_default() += 10 + questions / 4;
        }
        let all: std::collections::BTreeSet<String> = weights.keys().cloned().collect();
        settings.filter.shard_frameworks = Some((shard.frameworks(&weights), (shard.index == 0).then_some(all)));
    }
    let settings = &settings;
    // Exports are read only for the comparison sets of the reports asked for: `build --area X`
    // reads the exports of X's set, not of the whole corpus.
    // A report compared with the areas inspected to date may compare with any period of its
    // framework.
    let to_date = |fw: &str| frameworks.get(fw).is_some_and(|f| f.comparison == Comparison::ToDate);
    let kept: Vec<&InspectionSpec> = specs.iter().filter_map(|r| r.as_ref().ok()).filter(|s| settings.filter.keeps_area(s)).collect();
    let needed: std::collections::BTreeSet<(String, String)> = kept.iter().map(|s| (s.framework.clone(), s.period.clone())).collect();
    let needed_frameworks: std::collections::BTreeSet<String> = kept.iter().filter(|s| to_date(&s.framework)).map(|s| s.framework.clone()).collect();
    let loaded: Vec<Result<(InspectionSpec, CaseTable), (Broken, Problems)>> = specs
        .into_par_iter()
        .filter(|r| r.as_ref().map_or(true, |s| needed.contains(&(s.framework.clone(), s.period.clone())) || needed_frameworks.contains(&s.framework)))
        .map(|spec| {
            let spec = spec?;
            let broken = Broken { id: spec.id.clone(), set: Some((spec.framework.clone(), spec.period.clone())), published: Some(spec.publication_date) };
            let path = spec.source.clone();
            load_cases(&path, spec, &frameworks).map_err(|p| (broken, p))
        })
        .collect();
    let mut broken: Vec<Broken> = Vec::new();
    let mut inspections: Vec<(InspectionSpec, CaseTable)> = Vec::new();
    for r in loaded {
        match r {
            Ok((spec, table)) => {
                summary.warnings.extend(table.warnings.iter().cloned());
                inspections.push((spec, table));
            }
            Err((b, p)) => {
                summary.problems.extend(p);
                summary.failed += 1;
                broken.push(b);
            }
        }
    }
    // A folder under inspections/ that could not be read may hold any inspection.
    for path in &inputs.unreadable_inspections {
        broken.push(Broken { id: path.display().to_string(), set: None, published: None });
    }

    summary.timings.ingest = clock.elapsed();

    // Sets: the inspections of one framework in one period, aggregated together (each when a
    // first report needs it). Only the exports the reports asked for need were read, so only
    // their sets are here (`build --area X` aggregates X's framework, not the corpus).
    let mut set_keys: Vec<(String, String)> = inspections.iter().map(|(s, _)| (s.framework.clone(), s.period.clone())).collect();
    set_keys.sort();
    set_keys.dedup();
    let set_of = |s: &InspectionSpec| set_keys.iter().position(|k| k.0 == s.framework && k.1 == s.period);

    // Aggregate report definitions; two with one id are both refused (one would overwrite the
    // other's PDF).
    let mut aggregates: Vec<AggregateSpec> = Vec::new();
    for path in &inputs.aggregates {
        match inspection::load_aggregate(path) {
            Ok(spec) => aggregates.push(spec),
            Err(p) => {
                summary.problems.push(p);
                summary.failed += 1;
            }
        }
    }
    let mut aggregates_ok = Vec::new();
    for spec in &aggregates {
        let others: Vec<String> =
            aggregates.iter().filter(|o| o.id.eq_ignore_ascii_case(&spec.id) && o.source != spec.source).map(|o| o.source.display().to_string()).collect();
        if others.is_empty() {
            aggregates_ok.push(spec);
        } else {
            summary.problems.push(
                Problem::data(Location::file(&spec.source).key("id"), format!("not built: aggregate id `{}` is also used by {}", spec.id, others.join(", ")))
                    .with_hint("give each aggregate report definition its own id: the id names its PDF"),
            );
            summary.failed += 1;
        }
    }
    // The jobs.
    let draft_area = |s: &InspectionSpec| settings.draft || s.status == crate::inspection::Status::Draft;
    let mut jobs: Vec<Job<'_>> = Vec::new();
    // Area reports whose comparison set lost an inspection: published ones are not rebuilt
    // (their previous PDFs stay), drafts compare with the areas that loaded and say so.
    let mut held_back: BTreeMap<SetKey, HeldBack<'_>> = BTreeMap::new();
    for (spec, cases) in inspections.iter().filter(|(s, _)| settings.filter.keeps_area(s)) {
        let fw = &frameworks[&spec.framework];
        let draft = draft_area(spec);
        // Its comparison set: the areas inspected to date (published on or before its own
        // date; a published report never compares with a draft), or its whole period.
        let compared = |m: &InspectionSpec| {
            m.framework == spec.framework
                && match fw.comparison {
                    Comparison::ToDate => {
                        m.id == spec.id || (m.publication_date <= spec.publication_date && (draft || m.status == crate::inspection::Status::Published))
                    }
                    Comparison::WholePeriod => m.period == spec.period,
                }
        };
        // An area inspected again (a later period) counts once: its latest inspection to date.
        let mut latest: BTreeMap<String, &InspectionSpec> = BTreeMap::new();
        for (m, _) in inspections.iter().filter(|(m, _)| compared(m)) {
            let slot = latest.entry(m.area.trim().to_lowercase()).or_insert(m);
            if m.id == spec.id || (slot.id != spec.id && (m.publication_date, &m.id) > (slot.publication_date, &slot.id)) {
                *slot = m;
            }
        }
        let mut members: Vec<(String, usize)> = latest.values().map(|m| (m.id.clone(), set_of(m).expect("every loaded inspection has its set"))).collect();
        members.sort();
        // An inspection that failed and would be in the set (as far as can be told).
        let would_be_member = |b: &Broken| match (&b.set, fw.comparison) {
            (None, _) => true,
            (Some(k), Comparison::WholePeriod) => k.0 == spec.framework && k.1 == spec.period,
            (Some(k), Comparison::ToDate) => k.0 == spec.framework && b.published.is_none_or(|d| d <= spec.publication_date),
        };
        let missing: Vec<String> =
            broken.iter().filter(|b| would_be_member(b)).map(|b| b.id.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        if !missing.is_empty() && !draft {
            let entry = held_back.entry((spec.framework.clone(), spec.period.clone())).or_default();
            entry.0.push(spec);
            entry.1.extend(missing);
            entry.1.sort();
            entry.1.dedup();
            continue;
        }
        let parts: Vec<&str> = if draft { vec!["drafts", &spec.framework, &spec.period] } else { vec![&spec.framework, &spec.period] };
        let pdf = match crate::ids::output_path(&settings.output, &parts, &format!("{}.pdf", spec.id)) {
            Ok(p) => p,
            Err(p) => {
                summary.problems.push(p);
                summary.failed += 1;
                continue;
            }
        };
        let published = settings.output.join(&spec.framework).join(&spec.period).join(format!("{}.pdf", spec.id));
        let set = set_of(spec).expect("every kept inspection has its set");
        let comparison = members.iter().map(|(id, _)| id.clone()).collect();
        jobs.push(Job {
            pdf,
            draft,
            correction: None,
            inputs: BTreeMap::new(),
            comparison,
            published,
            what: JobKind::Area { inspection: spec, cases, set, members, without: missing },
            start: 0,
        });
    }
    for ((fw, period), (specs, missing)) in &held_back {
        let names: Vec<String> = specs.iter().map(|s| s.id.clone()).collect();
        let shown = if names.len() > 6 { format!("{} and {} more", names[..5].join(", "), names.len() - 5) } else { names.join(", ") };
        summary.problems.push(
            Problem::data(
                Location::file(&settings.data),
                format!("not rebuilt: the {} area report(s) of {fw} {period} ({shown}), because {} of their comparison set could not be read and their comparisons would be wrong without it", specs.len(), missing.join(", ")),
            )
            .with_hint("fix the problems listed above; the previous PDFs are left as they were (`build --draft` compares with the areas that loaded, and says so on the page)"),
        );
        summary.failed += specs.len();
    }
    for spec in aggregates_ok.iter().filter(|a| settings.filter.keeps_aggregate(a)) {
        let unreadable_aggregates = inputs.unreadable_other.iter().any(|p| p.starts_with(settings.data.join("aggregates")));
        let selected = if unreadable_aggregates {
            Err(Problem::data(Location::file(&spec.source), "not built: part of the aggregates folder could not be read (see above)")
                .with_hint("an aggregate report definition may be there; fix the folder's permissions")
                .into())
        } else {
            select(spec, &frameworks, &inspections, &broken, &set_keys)
        };
        let draft = settings.draft || spec.status == crate::inspection::Status::Draft;
        let parts: Vec<&str> = if draft { vec!["drafts", "aggregate"] } else { vec!["aggregate"] };
        match selected.and_then(|s| crate::ids::output_path(&settings.output, &parts, &format!("{}.pdf", spec.id)).map(|pdf| (s, pdf)).map_err(Problems::from))
        {
            Ok(((members, figures), pdf)) => {
                let published = settings.output.join("aggregate").join(format!("{}.pdf", spec.id));
                let comparison = members.iter().map(|m| m.id.clone()).collect();
                jobs.push(Job {
                    pdf,
                    draft,
                    inputs: BTreeMap::new(),
                    correction: None,
                    comparison,
                    published,
                    what: JobKind::Aggregate { spec, figures, inspections: members },
                    start: 0,
                });
            }
            Err(p) => {
                summary.problems.extend(p);
                summary.failed += 1;
            }
        }
    }
    // No two reports may write one file (the ids above make it so; this is the last guard).
    let mut seen = std::collections::HashSet::new();
    // Compared without regard to case, as Windows and macOS compare file names.
    let key = |p: &Path| p.to_string_lossy().to_lowercase();
    let clashing: std::collections::BTreeSet<String> = jobs.iter().filter(|j| !seen.insert(key(&j.pdf))).map(|j| key(&j.pdf)).collect();
    let collisions: std::collections::BTreeSet<PathBuf> = jobs.iter().filter(|j| clashing.contains(&key(&j.pdf))).map(|j| j.pdf.clone()).collect();
    refuse(&mut jobs, summary, collisions, |pdf| {
        Problem::internal(Location::file(pdf), "not built: two reports would write this file")
            .with_hint("give every inspection and aggregate report its own id")
    });
    let filtered = settings.filter.inspection.is_some() || settings.filter.area.is_some() || settings.filter.framework.is_some();
    if filtered && jobs.is_empty() && summary.problems.is_empty() {
        return Err(Problem::data(Location::file(&settings.data), "no report matches the filter")
            .with_hint("check the spelling of --framework, --inspection or --area")
            .into());
    }

    // What each published report reads, hashed, for the publication record; with
    // `--changed`, the reports whose inputs and outputs are as recorded are left alone.
    // Every writing run records what it published; a shard into its own fragment of the record
    // (`merge-records` joins them), reading the whole record for what was published before.
    let recording = settings.write;
    // `check` reads the record too: it refuses what `build` would (a correction without a date).
    let mut record = crate::record::load(&settings.output)?;
    {
        let mut hashes = InputHashes::new(settings)?;
        let by_id: BTreeMap<(&str, &str), &InspectionSpec> = inspections.iter().map(|(s, _)| ((s.framework.as_str(), s.id.as_str()), s)).collect();
        for job in jobs.iter_mut().filter(|j| !j.draft) {
            let (framework, own, ids): (&str, Vec<PathBuf>, &[String]) = match &job.what {
                JobKind::Area { inspection, .. } => (&inspection.framework, vec![inspection.source.clone(), inspection.cases_path()], &job.comparison),
                JobKind::Aggregate { spec, .. } => (&spec.framework, vec![spec.source.clone()], &job.comparison),
            };
            let mut files: Vec<PathBuf> = own;
            files.push(frameworks[framework].source.clone());
            // The comparison set's files as one hash: a thousand areas are one entry, not two
            // thousand, in every report's record.
            let mut set = Vec::new();
            for id in ids {
                if let Some(m) = by_id.get(&(framework, id.as_str())) {
                    set.push(m.source.clone());
                    set.push(m.cases_path());
                }
            }
            job.inputs = hashes.of(&files, &set)?;
        }
        // A published report made again is a correction if its figures change: it needs the
        // published figures and the corrections it already carries.
        {
            let mut refused = Vec::new();
            for job in jobs.iter_mut().filter(|j| !j.draft) {
                let key = crate::record::key(&settings.output, &job.pdf);
                // What was published: as recorded, or, for a PDF published before there was a
                // record (or after it was deleted), the files themselves.
                let (pdf_hash, csv_hash, earlier) = match record.reports.get(&key) {
                    Some(entry) => (entry.pdf.clone(), entry.figures_csv.clone(), entry.corrections.clone()),
                    None => match (std::fs::read(&job.pdf), std::fs::read(job.pdf.with_extension("figures.csv"))) {
                        (Err(_), _) => continue,
                        (Ok(pdf), Ok(csv)) => (crate::record::hash(&pdf), crate::record::hash(&csv), Vec::new()),
                        (Ok(_), Err(_)) => {
                            refused.push(job.pdf.clone());
                            continue;
                        }
                    },
                };
                // The published figures: the CSV beside the PDF, unless a run that was stopped
                // already replaced it (its hash is not the record's); then the published one is
                // the copy that run kept first. None found: a correction could not be told.
                let Some(previous_csv) = published_figures(&job.pdf, &csv_hash) else {
                    refused.push(job.pdf.clone());
                    continue;
                };
                job.correction = Some(crate::render::CorrectionInput {
                    previous_csv,
                    earlier,
                    new: settings.correction.clone(),
                    superseded: superseded_name(&settings.output, &key, &pdf_hash, settings.correction.as_ref().map(|c| c.0)),
                    published: (pdf_hash, csv_hash),
                });
            }
            refuse(&mut jobs, summary, refused, |pdf| {
                Problem::data(Location::file(pdf), "not republished: the published figures of this report cannot be found, so whether this build corrects them cannot be told")
                    .with_hint("restore its figures CSV (`.figures.csv` beside the PDF) from the backup; or, to publish it anew, move the published PDF out of the output folder")
            });
        }
        if settings.changed_only {
            let before = jobs.len();
            jobs.retain(|job| job.draft || !as_recorded(job, &record, &settings.output));
            summary.unchanged = before - jobs.len();
        }
    }

    // Render, typeset and publish, in parallel; one warm engine for all.
    let text = TextModel::load(&settings.templates.join("text"))?;
    let engine = Engine::new(&settings.templates, &settings.fonts)?;
    // Every character of the data must be drawable by the report fonts: refuse a report whose
    // inputs hold one that is not, naming the file, key and character.
    let mut undrawable: BTreeMap<PathBuf, Problems> = BTreeMap::new();
    let mut check_file = |source: &Path, value: serde_json::Value| {
        if !undrawable.contains_key(source) {
            let mut found = Vec::new();
            undrawable_text(&engine, &value, String::new(), &mut found);
            let problems = found
                .into_iter()
                .map(|(key, c)| {
                    Problem::data(
                        Location::file(source).key(key),
                        format!("the character `{c}` (U+{:04X}) cannot be drawn by any of the report fonts", c as u32),
                    )
                    .with_hint("replace it (an emoji or a letter of another script), or add a font that has it to the fonts folder, with its licence")
                })
                .collect();
            undrawable.insert(source.to_path_buf(), Problems(problems));
        }
        undrawable[source].clone()
    };
    jobs.retain(|job| {
        let (own, fw) = match &job.what {
            JobKind::Area { inspection, .. } => ((inspection.source.clone(), serde_json::to_value(inspection)), &frameworks[&inspection.framework]),
            JobKind::Aggregate { spec, .. } => ((spec.source.clone(), serde_json::to_value(spec)), &frameworks[&spec.framework]),
        };
        let mut problems = check_file(&fw.source, serde_json::to_value(fw).unwrap_or_default());
        problems.extend(check_file(&own.0, own.1.unwrap_or_default()));
        if problems.is_empty() {
            return true;
        }
        for p in problems.0 {
            if !summary.problems.0.contains(&p) {
                summary.problems.push(p);
            }
        }
        summary.failed += 1;
        false
    });
    // Area names by framework and inspection id (ids are unique in a framework): once per
    // framework, not once per report.
    let mut names: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (s, _) in &inspections {
        names.entry(s.framework.clone()).or_default().insert(s.id.clone(), s.area.clone());
    }
    let mut set_sizes = vec![0usize; set_keys.len()];
    for (s, _) in &inspections {
        if let Some(k) = set_of(s) {
            set_sizes[k] += 1;
        }
    }
    let workers = settings.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    // Each set is aggregated when its first report starts and dropped when its last is done;
    // reports go set by set, so memory holds about one set per worker, not the corpus.
    let mut users = vec![0; set_keys.len()];
    for job in &jobs {
        for k in job.sets() {
            users[k] += 1;
        }
    }
    let sets = OnDemand::new(users);
    // `made`: time spent aggregating in this call (not waiting for another report's).
    let figures_of = |k: usize, made: &mut Duration| {
        sets.get(k, || {
            let clock = Instant::now();
            let (fw, period) = &set_keys[k];
            let members: Vec<AreaCases<'_>> =
                inspections.iter().filter(|(s, _)| set_of(s) == Some(k)).map(|(s, t)| AreaCases { inspection_id: &s.id, cases: t }).collect();
            let set = aggregate::aggregate(&frameworks[fw], &members)
                .map_err(|e| Problem::internal(Location::default(), format!("aggregation failed for {fw} {period}: {e}")).into());
            *made += clock.elapsed();
            set
        })
        .map_err(|failed| match failed {
            Failed::Here(p) => p,
            Failed::Before => Problem::internal(
                Location::default(),
                format!("not built: the figures of {} {} could not be computed (see above)", set_keys[k].0, set_keys[k].1),
            )
            .into(),
        })
    };
    // Set by set, in the order of the sets' last reports; in each set the aggregate reports,
    // the longest, first, so that no core is left working alone at the end of a set.
    jobs.sort_by_key(|job| (job.sets().max(), matches!(job.what, JobKind::Area { .. })));
    for (start, job) in jobs.iter_mut().enumerate() {
        job.start = start;
    }
    // Writing (each file synced to disk before it replaces the old one) waits on the disk, not
    // the CPU: one writer thread does it while the workers typeset the next reports.
    let (to_writer, writes) = std::sync::mpsc::sync_channel::<Output>(workers * 2);
    let (results, mut written) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || write_all(writes, progress));
        progress(Progress::Planned(jobs.len()));
        let results: Vec<Result<Built, Problems>> = run_parallel(&jobs, workers, |job| {
            progress(Progress::Started(&job.pdf));
            let _span = tracing::debug_span!("report", pdf = %job.pdf.display()).entered();
            // A panic is a bug in one report: it fails that report, named, and the others build.
            let result = contained(&job.pdf, || -> Result<Built, Problems> {
                let _done = Release { sets: &sets, keys: job.sets().collect() };
                let mut aggregate_time = Duration::ZERO;
                let figures = match &job.what {
                    // Compared with a whole set: its figures as aggregated.
                    JobKind::Area { set, members, .. } if members.len() == set_sizes[*set] && members.iter().all(|(_, k)| k == set) => {
                        figures_of(*set, &mut aggregate_time)?
                    }
                    JobKind::Aggregate { figures: AggregateFigures::Set(k), .. } => figures_of(*k, &mut aggregate_time)?,
                    JobKind::Area { members, .. } | JobKind::Aggregate { figures: AggregateFigures::Members(members), .. } => {
                        // Each member's figures from its comparison set.
                        let mut areas = Vec::new();
                        for (id, k) in members {
                            let set = figures_of(*k, &mut aggregate_time)?;
                            let own = set.areas.get(id).cloned().ok_or_else(|| {
                                Problem::internal(Location::file(&job.pdf), format!("inspection `{id}` has no figures in its comparison set"))
                            })?;
                            areas.push((id.clone(), own));
                        }
                        Arc::new(SetFigures::pooled_shared(areas))
                    }
                };
                let clock = Instant::now();
                let rendered = render_job(job, &figures, settings, &frameworks, &set_keys, &names, &text)?;
                drop(figures);
                let render_time = clock.elapsed();
                let ident = job.pdf.strip_prefix(&settings.output).unwrap_or(&job.pdf).to_string_lossy().into_owned();
                let typeset_job = TypesetJob {
                    template: rendered.template.to_string(),
                    files: rendered.files(),
                    ident: ident.clone(),
                    date: match &job.what {
                        JobKind::Area { inspection, .. } => inspection.publication_date,
                        JobKind::Aggregate { spec, .. } => spec.publication_date,
                    },
                    enforce_ua: !settings.draft,
                };
                if let Some(dir) = &settings.dump_typst {
                    typeset_job.dump(&dir.join(ident.trim_end_matches(".pdf")), job.start)?;
                }
                let typeset = engine.compile_pdf(&typeset_job)?;
                let timings = Timings {
                    aggregate: aggregate_time,
                    render: render_time - rendered.chart_time,
                    charts: rendered.chart_time,
                    typeset: typeset.compile_time,
                    pdf_export: typeset.export_time,
                    ..Timings::default()
                };
                let hashes = (crate::record::hash(&typeset.pdf), crate::record::hash(&rendered.figures_csv));
                let correction = rendered.correction.clone();
                if settings.write {
                    // A correction keeps the version it replaces, under a name with its date.
                    let supersede = rendered
                        .correction
                        .as_ref()
                        .zip(job.correction.as_ref())
                        .map(|(c, input)| (settings.output.join(&c.superseded), input.published.clone()));
                    let out = Output { pdf: job.pdf.clone(), csv: rendered.figures_csv, bytes: typeset.pdf, pages: typeset.pages, supersede };
                    to_writer.send(out).map_err(|_| Problem::internal(Location::file(&job.pdf), "the writer thread stopped"))?;
                } else {
                    progress(Progress::Done { pdf: &job.pdf, pages: typeset.pages, written: false });
                }
                Ok(Built { pdf: job.pdf.clone(), pages: typeset.pages, hashes, correction, timings })
            });
            if result.is_err() {
                progress(Progress::Failed(&job.pdf));
            }
            result
        });
        drop(to_writer);
        let written = writer.join().unwrap_or_default();
        (results, written)
    });
    for r in results {
        // A report is built once its files are written.
        let r = r.and_then(|mut b| match written.remove(&b.pdf) {
            Some(Ok(time)) => {
                b.timings.write = time;
                Ok(b)
            }
            Some(Err(p)) => Err(p.into()),
            None if settings.write => Err(Problem::internal(Location::file(&b.pdf), "typeset but never written").into()),
            None => Ok(b),
        });
        match r {
            Ok(b) => {
                summary.timings += b.timings;
                summary.built.push(b);
            }
            Err(p) => {
                summary.problems.extend(p);
                summary.failed += 1;
            }
        }
    }
    // The record: every published report built in this run, as written.
    if recording {
        let jobs_by_pdf: BTreeMap<&Path, &Job<'_>> = jobs.iter().map(|j| (j.pdf.as_path(), j)).collect();
        let mut changed = false;
        for b in &summary.built {
            let Some(job) = jobs_by_pdf.get(b.pdf.as_path()).filter(|j| !j.draft) else { continue };
            let key = crate::record::key(&settings.output, &b.pdf);
            let mut replaced = record.reports.get(&key).map(|e| e.replaced.clone()).unwrap_or_default();
            if let Some(old) = record.reports.get(&key).filter(|e| e.pdf != b.hashes.0) {
                replaced.push(old.pdf.clone());
            }
            let date = match &job.what {
                JobKind::Area { inspection, .. } => inspection.publication_date,
                JobKind::Aggregate { spec, .. } => spec.publication_date,
            };
            let mut corrections = job.correction.as_ref().map(|c| c.earlier.clone()).unwrap_or_default();
            corrections.extend(b.correction.clone());
            let entry = crate::record::Entry {
                publication_date: date.to_string(),
                comparison: job.comparison.clone(),
                inputs: job.inputs.clone(),
                pdf: b.hashes.0.clone(),
                figures_csv: b.hashes.1.clone(),
                replaced,
                corrections,
            };
            if record.reports.get(&key) != Some(&entry) {
                record.reports.insert(key, entry);
                changed = true;
            }
        }
        record.format = record.format.max(1);
        if let Some(shard) = settings.shard {
            // The fragment: this shard's reports only.
            let mine: std::collections::BTreeSet<String> = summary.built.iter().map(|b| crate::record::key(&settings.output, &b.pdf)).collect();
            let fragment = crate::record::Record {
                format: record.format,
                reports: record.reports.iter().filter(|(k, _)| mine.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect(),
            };
            crate::record::save_as(&settings.output, &crate::record::fragment_name(shard.index, shard.count), &fragment)?;
        } else if changed || !settings.output.join(crate::record::FILE).exists() {
            crate::record::save(&settings.output, &record)?;
        }
        // The corrections log, made anew from the record whenever there is a correction (after
        // shards, by `merge-records`, which alone sees every shard's corrections).
        if settings.shard.is_none() && record.reports.values().any(|e| !e.corrections.is_empty()) {
            let (csv, md) = crate::record::corrections_log(&record);
            publish::write_if_changed(&settings.output.join("corrections.csv"), &csv)?;
            publish::write_if_changed(&settings.output.join("corrections.md"), md.as_bytes())?;
        }
        summary.corrected = summary.built.iter().filter(|b| b.correction.is_some()).count();
    }
    Ok(())
}

/// Takes the reports writing `pdfs` out of the plan, each failed with its problem.
fn refuse(jobs: &mut Vec<Job<'_>>, summary: &mut Summary, pdfs: impl IntoIterator<Item = PathBuf>, problem: impl Fn(&Path) -> Problem) {
    for pdf in pdfs {
        jobs.retain(|j| j.pdf != pdf);
        summary.problems.push(problem(&pdf));
        summary.failed += 1;
    }
}

/// Where a correction keeps the published version of `key` (`omi2/2011-12/lancashire.pdf`):
/// the copy a stopped run already kept, if there is one; else `<name>.superseded-<date>.pdf`,
/// numbered (`-2`, `-3`) when a copy of another version already has that name.
fn superseded_name(output: &Path, key: &str, published: &str, date: Option<crate::date::Date>) -> String {
    let stem = key.trim_end_matches(".pdf");
    let holds_published = |name: &str| std::fs::read(output.join(name)).is_ok_and(|b| crate::record::hash(&b) == published);
    let dir = output.join(key).parent().map(Path::to_path_buf).unwrap_or_else(|| output.to_path_buf());
    let file_stem = Path::new(stem).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = Path::new(stem).parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let in_folder = |name: String| if parent.is_empty() { name } else { format!("{parent}/{name}") };
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut kept: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("{file_stem}.superseded-")) && n.ends_with(".pdf"))
            .collect();
        kept.sort();
        if let Some(name) = kept.into_iter().map(in_folder).find(|n| holds_published(n)) {
            return name;
        }
    }
    let date = date.map_or_else(|| "undated".to_string(), |d| d.to_string());
    (1..)
        .map(|n| if n == 1 { format!("{stem}.superseded-{date}.pdf") } else { format!("{stem}.superseded-{date}-{n}.pdf") })
        .find(|name| !output.join(name).exists())
        .expect("a free name")
}

/// The published figures CSV of the report `pdf` (the one whose hash the record holds): beside
/// it, or, after a run that was stopped midway through a correction, the copy kept first.
fn published_figures(pdf: &Path, recorded: &str) -> Option<String> {
    let csv = pdf.with_extension("figures.csv");
    if let Ok(text) = std::fs::read_to_string(&csv) {
        if crate::record::hash(text.as_bytes()) == recorded {
            return Some(text);
        }
    }
    let stem = pdf.file_stem()?.to_string_lossy().into_owned();
    let dir = pdf.parent()?;
    let mut kept: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(&format!("{stem}.superseded-")) && n.ends_with(".figures.csv")
            })
        })
        .collect();
    kept.sort();
    kept.into_iter().rev().find_map(|p| std::fs::read_to_string(&p).ok().filter(|t| crate::record::hash(t.as_bytes()) == recorded))
}

/// Content hashes of input files, each read once per run.
struct InputHashes<'s> {
    settings: &'s Settings,
    files: std::collections::HashMap<PathBuf, String>,
    fixed: BTreeMap<String, String>,
}

impl<'s> InputHashes<'s> {
    fn new(settings: &'s Settings) -> Result<Self, Problems> {
        let mut fixed = BTreeMap::new();
        fixed.insert("templates".to_string(), crate::record::hash_tree(&settings.templates)?);
        fixed.insert("fonts".to_string(), crate::record::hash_tree(&settings.fonts)?);
        fixed.insert("program".to_string(), concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION")).to_string());
        Ok(InputHashes { settings, files: std::collections::HashMap::new(), fixed })
    }

    /// The hashes of `files` (named `data/<path in the data folder>`), of the templates, fonts
    /// and program,
    /// and `comparison set`: one hash over the files of `set` (names and contents).
    fn of(&mut self, files: &[PathBuf], set: &[PathBuf]) -> Result<BTreeMap<String, String>, Problems> {
        let mut out = self.fixed.clone();
        for f in files {
            let (name, hash) = self.file(f)?;
            out.insert(name, hash);
        }
        let mut lines = Vec::with_capacity(set.len());
        for f in set {
            let (name, hash) = self.file(f)?;
            lines.push(format!("{name}\t{hash}"));
        }
        lines.sort();
        out.insert("comparison set".to_string(), crate::record::hash(lines.join("\n").as_bytes()));
        Ok(out)
    }

    /// A file's name in the record (`data/<path>`) and content hash, read once per run.
    fn file(&mut self, f: &Path) -> Result<(String, String), Problems> {
        let hash = match self.files.get(f) {
            Some(h) => h.clone(),
            None => {
                let h = crate::record::hash(&crate::error::read(f)?);
                self.files.insert(f.to_path_buf(), h.clone());
                h
            }
        };
        let name = f
            .strip_prefix(&self.settings.data)
            .map_or_else(|_| f.to_string_lossy().into_owned(), |r| format!("data/{}", r.to_string_lossy().replace('\\', "/")));
        Ok((name, hash))
    }
}

/// Whether a published report's inputs, PDF and figures CSV are exactly as the record has them.
fn as_recorded(job: &Job<'_>, record: &crate::record::Record, output: &Path) -> bool {
    let key = crate::record::key(output, &job.pdf);
    let Some(entry) = record.reports.get(&key) else { return false };
    let same_file = |path: &Path, hash: &str| std::fs::read(path).is_ok_and(|b| crate::record::hash(&b) == hash);
    entry.inputs == job.inputs && same_file(&job.pdf, &entry.pdf) && same_file(&job.pdf.with_extension("figures.csv"), &entry.figures_csv)
}

/// Writes each typeset report (its figures CSV, then its PDF) as it arrives; what happened to
/// each, by PDF path, with the time it took.
fn write_all(
    outputs: std::sync::mpsc::Receiver<Output>,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> std::collections::HashMap<PathBuf, Result<Duration, Problem>> {
    let mut written = std::collections::HashMap::new();
    for out in outputs {
        let clock = Instant::now();
        // The superseded version first: if the run stops after it, the published one is intact.
        // Only the published version is kept (its hash is the record's): a version written by
        // a run that was stopped is not the published one, and the published one was kept first.
        let keep = |from: &Path, to: &Path, published: &str| match std::fs::read(from) {
            Ok(old) if crate::record::hash(&old) == published => publish::write_if_changed(to, &old),
            _ => Ok(()),
        };
        let kept = match &out.supersede {
            Some((to, (pdf_hash, csv_hash))) => {
                keep(&out.pdf.with_extension("figures.csv"), &to.with_extension("figures.csv"), csv_hash).and_then(|()| keep(&out.pdf, to, pdf_hash))
            }
            None => Ok(()),
        };
        let result = kept
            .and_then(|()| publish::write_if_changed(&out.pdf.with_extension("figures.csv"), &out.csv))
            .and_then(|()| publish::write_if_changed(&out.pdf, &out.bytes));
        match &result {
            Ok(()) => progress(Progress::Done { pdf: &out.pdf, pages: out.pages, written: true }),
            Err(_) => progress(Progress::Failed(&out.pdf)),
        }
        written.insert(out.pdf, result.map(|()| clock.elapsed()));
    }
    written
}

/// Runs `work` on every job on `threads` plain worker threads, starting the jobs in the order
/// given; results in job order.
///
/// Not rayon's `par_iter`: Typst uses rayon inside compile and export, and a rayon worker
/// waiting there would steal whole other reports, which makes every per-stage time meaningless.
pub fn run_parallel<J: Sync, R: Send>(jobs: &[J], threads: usize, work: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let threads = threads.clamp(1, jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(k) else { break };
                        done.push((k, work(job)));
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a report worker panicked")).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[allow(clippy::too_many_arguments)]
fn render_job(
    job: &Job<'_>,
    figures: &SetFigures,
    settings: &Settings,
    frameworks: &BTreeMap<String, FrameworkSpec>,
    set_keys: &[(String, String)],
    names: &BTreeMap<String, BTreeMap<String, String>>,
    text: &TextModel,
) -> Result<RenderedReport, Problems> {
    match &job.what {
        JobKind::Area { inspection, cases, set, members, without } => {
            let fw = &frameworks[&inspection.framework];
            let names = &names[&inspection.framework];
            // A draft compares its figures with those of the published report, or, before
            // there is one, with the last draft.
            let draft = settings.draft || inspection.status == crate::inspection::Status::Draft;
            let previous_figures = if draft {
                let read = |pdf: &Path, what| {
                    std::fs::read_to_string(pdf.with_extension("figures.csv")).ok().map(|csv| crate::render::quality::Previous { what, csv })
                };
                read(&job.published, "published report").or_else(|| read(&job.pdf, "previous draft"))
            } else {
                None
            };
            let mut label = match fw.comparison {
                crate::framework::Comparison::ToDate => set_label_to_date(fw, members.len()),
                crate::framework::Comparison::WholePeriod => set_label(fw, members.len(), &set_keys[*set].1),
            };
            if !without.is_empty() {
                label.push_str(&format!(" whose data could be read (not {}: a draft compares without them)", without.join(", ")));
            }
            let input = AreaInput {
                framework: fw,
                inspection,
                set: figures,
                set_label: label,
                names,
                draft: settings.draft,
                cases: Some(cases),
                previous_figures,
                without,
                correction: job.correction.as_ref(),
            };
            Ok(area::render(&input, text)?)
        }
        JobKind::Aggregate { spec, inspections: members, .. } => {
            let set = figures;
            let fw = &frameworks[&spec.framework];
            let names: BTreeMap<String, String> = members.iter().map(|i| (i.id.clone(), i.area.clone())).collect();
            let mut ratings = BTreeMap::new();
            if fw.ratings.is_some() {
                for i in members {
                    let input = AreaInput {
                        framework: fw,
                        inspection: i,
                        set,
                        names: &names,
                        set_label: String::new(),
                        draft: settings.draft,
                        cases: None,
                        previous_figures: None,
                        without: &[],
                        correction: None,
                    };
                    ratings.insert(i.id.clone(), aggregate_report::area_ratings(&input)?);
                }
            }
            let mut ordered = members.clone();
            ordered.sort_by(|a, b| (&a.region, &a.area).cmp(&(&b.region, &b.area)));
            let input = AggregateInput {
                spec,
                framework: fw,
                inspections: ordered,
                set,
                set_label: set_label(fw, members.len(), &spec.period),
                draft: settings.draft,
                ratings,
                correction: job.correction.as_ref(),
            };
            Ok(aggregate_report::render(&input, text)?)
        }
    }
}

/// `the 4 Probation Trusts inspected to date`.
fn set_label_to_date(fw: &FrameworkSpec, n: usize) -> String {
    if n == 1 {
        return format!("no other {} yet (this is the first report published)", fw.unit);
    }
    format!("the {n} {}s inspected to date", fw.unit)
}

/// `the 11 Probation Trusts inspected in 2011-12`.
fn set_label(fw: &FrameworkSpec, n: usize, period: &str) -> String {
    let unit = if n == 1 { fw.unit.clone() } else { format!("{}s", fw.unit) };
    format!("the {n} {unit} inspected in {period}")
}

/// Every string in `value` (a serialised input file) with a character no font draws: its key
/// path and the character. Paths and ids are not printed text and are skipped.
fn undrawable_text(engine: &Engine, value: &serde_json::Value, path: String, out: &mut Vec<(String, char)>) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(c) = engine.first_uncovered(s) {
                out.push((path, c));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                undrawable_text(engine, v, format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if path.is_empty() && matches!(k.as_str(), "cases" | "id" | "sheet" | "framework" | "status") {
                    continue;
                }
                let key = if path.is_empty() { crate::inspection::quote_key(k) } else { format!("{path}.{}", crate::inspection::quote_key(k)) };
                undrawable_text(engine, v, key, out);
            }
        }
        _ => {}
    }
}

/// Two inspections with one id in one framework, or one area name in one framework and period
/// (a copied folder, renamed): every copy is refused, named with the others.
fn refuse_duplicate_ids(specs: Vec<Result<InspectionSpec, (Broken, Problems)>>) -> Vec<Result<InspectionSpec, (Broken, Problems)>> {
    // Ids that differ only in case name one file on the file systems of Windows and macOS.
    let id_key = |s: &InspectionSpec| (s.framework.clone(), String::new(), s.id.to_lowercase());
    let area_key = |s: &InspectionSpec| (s.framework.clone(), s.period.clone(), s.area.trim().to_lowercase());
    let mut by_id: BTreeMap<(String, String, String), Vec<PathBuf>> = BTreeMap::new();
    let mut by_area: BTreeMap<(String, String, String), Vec<PathBuf>> = BTreeMap::new();
    for s in specs.iter().filter_map(|r| r.as_ref().ok()) {
        by_id.entry(id_key(s)).or_default().push(s.source.clone());
        by_area.entry(area_key(s)).or_default().push(s.source.clone());
    }
    let others = |same: &[PathBuf], me: &Path| same.iter().filter(|p| **p != me).map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    specs
        .into_iter()
        .map(|r| {
            let spec = r?;
            let broken = || Broken { id: spec.id.clone(), set: Some((spec.framework.clone(), spec.period.clone())), published: Some(spec.publication_date) };
            let same_id = &by_id[&id_key(&spec)];
            if same_id.len() > 1 {
                let p = Problem::data(
                    Location::file(&spec.source),
                    format!("not built: inspection id `{}` of framework `{}` is also used by {}", spec.id, spec.framework, others(same_id, &spec.source)),
                )
                .with_hint("give each inspection folder its own name (or its own `id`): the id names the report's PDF and is how aggregate reports list it");
                return Err((broken(), p.into()));
            }
            let same_area = &by_area[&area_key(&spec)];
            if same_area.len() > 1 {
                let p = Problem::data(
                    Location::file(&spec.source).key("area"),
                    format!("not built: `{}` is also inspected in {} {} by {}", spec.area, spec.framework, spec.period, others(same_area, &spec.source)),
                )
                .with_hint("one area is inspected once in a period: remove the copy, or tell the two apart in `area`");
                return Err((broken(), p.into()));
            }
            Ok(spec)
        })
        .collect()
}

/// Runs the making of the report `pdf`; a panic in it (a bug) becomes that report's failure,
/// named, and leaves the other reports to build.
fn contained<T>(pdf: &Path, make: impl FnOnce() -> Result<T, Problems>) -> Result<T, Problems> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(make)).unwrap_or_else(|panic| {
        let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
        Err(Problem::internal(Location::file(pdf), format!("not built: the program failed while making this report ({what})"))
            .with_hint("this is a bug, not a problem in your data: please report it with the inputs of this report; the other reports were built")
            .into())
    })
}

/// A comparison set: framework id and period.
type SetKey = (String, String);

/// Published area reports of a set not rebuilt, and the inspections of the set that failed.
type HeldBack<'a> = (Vec<&'a InspectionSpec>, Vec<String>);

/// What is known of an inspection that failed to load.
struct Broken {
    /// Its publication date, if it could be read: a report published before it never
    /// compares with it (comparison `to_date`).
    published: Option<crate::date::Date>,
    /// Its folder name.
    id: String,
    /// Its framework and period, if its inspection file could be read.
    set: Option<(String, String)>,
}

/// Reads the case export of an inspection.
fn load_cases(path: &Path, spec: InspectionSpec, frameworks: &BTreeMap<String, FrameworkSpec>) -> Result<(InspectionSpec, CaseTable), Problems> {
    let fw = frameworks.get(&spec.framework).ok_or_else(|| {
        let hint = match crate::error::did_you_mean(&spec.framework, frameworks.keys().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`? The frameworks are: {}", frameworks.keys().cloned().collect::<Vec<_>>().join(", ")),
            None => format!("use one of: {}", frameworks.keys().cloned().collect::<Vec<_>>().join(", ")),
        };
        Problem::data(Location::file(path).key("framework"), format!("unknown framework `{}`", spec.framework)).with_hint(hint)
    })?;
    inspection::check_against(&spec, fw)?;
    let cases_path = spec.cases_path();
    if !cases_path.is_file() {
        return Err(Problem::data(Location::file(path).key("cases"), format!("the case export {} does not exist", cases_path.display()))
            .with_hint("`cases` is a path relative to the inspection file")
            .into());
    }
    let table = ingest::read_export(&cases_path, spec.sheet.as_deref(), fw)?;
    Ok((spec, table))
}

/// The inspections an aggregate report covers, and their figures: those of the comparison set
/// when it covers a whole set, else the sum of its areas' figures (taken from their sets).
fn select<'a>(
    spec: &AggregateSpec,
    frameworks: &BTreeMap<String, FrameworkSpec>,
    inspections: &'a [(InspectionSpec, CaseTable)],
    broken: &[Broken],
    set_keys: &[(String, String)],
) -> Result<(Vec<&'a InspectionSpec>, AggregateFigures), Problems> {
    let at = || Location::file(&spec.source);
    // An aggregate without one of its areas would publish wrong figures: refuse it.
    let missing: Vec<&str> = broken
        .iter()
        .filter(|b| match (&b.set, &spec.inspections) {
            (None, _) => true,
            (Some((fw, period)), Selection { period: Some(p), .. }) => *fw == spec.framework && period == p,
            (Some(_), Selection { list: Some(ids), .. }) => ids.contains(&b.id),
            _ => false,
        })
        .map(|b| b.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Problem::data(
            at(),
            format!("not built: inspection(s) {} could not be read, and the aggregate would be wrong without them", missing.join(", ")),
        )
        .with_hint("fix the problems listed above; the previous aggregate PDF is left as it was")
        .into());
    }
    frameworks.get(&spec.framework).ok_or_else(|| {
        Problem::data(at().key("framework"), format!("unknown framework `{}`", spec.framework))
            .with_hint(format!("use one of: {}", frameworks.keys().cloned().collect::<Vec<_>>().join(", ")))
    })?;
    let members: Vec<&(InspectionSpec, CaseTable)> = match &spec.inspections {
        Selection { period: Some(period), .. } => inspections.iter().filter(|(s, _)| s.framework == spec.framework && &s.period == period).collect(),
        Selection { list: Some(ids), .. } => {
            let mut out = Vec::new();
            let mut problems = Problems::default();
            for id in ids {
                match inspections.iter().find(|(s, _)| &s.id == id) {
                    Some(m) if m.0.framework != spec.framework => problems.push(
                        Problem::data(at().key("inspections.list"), format!("inspection `{id}` is of framework `{}`, not `{}`", m.0.framework, spec.framework))
                            .with_hint("an aggregate report covers inspections of one framework"),
                    ),
                    Some(m) => out.push(m),
                    None => problems.push(
                        Problem::data(at().key("inspections.list"), format!("no inspection `{id}` was loaded"))
                            .with_hint("use the folder name of an inspection; a broken inspection is listed above"),
                    ),
                }
            }
            problems.into_result(out)?
        }
        Selection { .. } => Vec::new(),
    };
    if members.is_empty() {
        return Err(Problem::data(at().key("inspections"), "the aggregate report selects no inspection")
            .with_hint("check the period or the list of inspection ids")
            .into());
    }
    let set_of = |s: &InspectionSpec| set_keys.iter().position(|k| k.0 == s.framework && k.1 == s.period);
    let whole_set = match &spec.inspections {
        Selection { period: Some(period), .. } => set_keys.iter().position(|k| k.0 == spec.framework && &k.1 == period),
        _ => None,
    };
    let figures = match whole_set {
        Some(k) => AggregateFigures::Set(k),
        None => {
            // An aggregate report is built only when no filter leaves out an area of its
            // framework, so every member's set is among the run's.
            let areas = members
                .iter()
                .map(|(s, _)| {
                    set_of(s)
                        .map(|k| (s.id.clone(), k))
                        .ok_or_else(|| Problem::internal(at(), format!("inspection `{}` has no comparison set in this run", s.id)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            AggregateFigures::Members(areas)
        }
    };
    Ok((members.into_iter().map(|(s, _)| s).collect(), figures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_for_its_users_and_dropped_after_the_last() {
        let made = std::sync::atomic::AtomicUsize::new(0);
        let make = || {
            made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(vec![1u8; 16])
        };
        let sets: OnDemand<Vec<u8>> = OnDemand::new(vec![2, 1]);
        let a = sets.get(0, make).ok().expect("made");
        let b = sets.get(0, make).ok().expect("shared");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 1);
        sets.release(0);
        assert_eq!(sets.held(), 1, "one user of slot 0 is left");
        sets.release(0);
        assert_eq!(sets.held(), 0, "the last user of slot 0 dropped it");
        // The reports still holding it keep it alive; asked for again, it is made again.
        assert_eq!(a.len(), 16);
        sets.get(0, make).ok().expect("made again");
        assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failure_is_reported_to_its_first_user_only() {
        let sets: OnDemand<u8> = OnDemand::new(vec![3]);
        let fail = || Err(Problem::internal(Location::default(), "broken").into());
        assert!(matches!(sets.get(0, fail), Err(Failed::Here(_))));
        assert!(matches!(sets.get(0, || Ok(1)), Err(Failed::Before)), "not retried for the same run's reports");
    }

    #[test]
    fn a_panic_fails_its_report_only_and_names_it() {
        let failed: Result<(), Problems> = contained(Path::new("out/a.pdf"), || panic!("index out of bounds"));
        let p = failed.unwrap_err();
        assert_eq!(p.0[0].kind, Kind::Internal, "exit code 4");
        assert_eq!(p.0[0].location.file, Path::new("out/a.pdf"));
        assert!(p.0[0].message.contains("index out of bounds"), "{p}");
        assert_eq!(contained(Path::new("out/b.pdf"), || Ok(7)).unwrap(), 7, "the next report is made as usual");
    }

    #[test]
    fn a_report_releases_every_set_it_read_when_done() {
        let sets: OnDemand<u8> = OnDemand::new(vec![1, 1]);
        {
            let _done = Release { sets: &sets, keys: vec![0, 1] };
            sets.get(0, || Ok(1)).ok().expect("made");
            sets.get(1, || Ok(2)).ok().expect("made");
            assert_eq!(sets.held(), 2);
        }
        assert_eq!(sets.held(), 0, "a finished (or failed) report releases every set it read");
    }
}
