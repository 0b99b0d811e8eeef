//! The pipeline end to end, for `build` and `check`, in four steps that each own their part:
//!
//! 1. [`inputs`]: discover and load the frameworks, inspections, exports and aggregate
//!    definitions (owned; a broken one is reported and known as broken);
//! 2. [`plan`]: every report to make with its declared inputs and outputs, less the reports the
//!    refusal rules take out; then [`publication::prepare`] reads the record (input hashes,
//!    corrections, `--changed`);
//! 3. [`execute`]: one warm engine, worker threads, each report to a sink;
//! 4. the disk sink and the publication record ([`publication`]).
//!
//! What happens is told as [`Event`]s to one listener: the terminal, the JSON lines and the
//! preview server all read them.

pub mod execute;
pub mod inputs;
pub mod plan;
pub mod publication;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Kind, Location, Problem, Problems};
use crate::inspection::{AggregateSpec, InspectionSpec};
use crate::publish::OutputLock;
use crate::render::TextModel;
use crate::typeset::Engine;

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
    /// Draw each report's pages as SVG images, not a PDF (the preview server).
    pub svg_pages: bool,
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
    pub(crate) fn frameworks(&self, weights: &BTreeMap<String, u64>) -> std::collections::BTreeSet<String> {
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
            svg_pages: false,
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
    pub(crate) shard_frameworks: Option<(std::collections::BTreeSet<String>, Option<std::collections::BTreeSet<String>>)>,
}

impl Filter {
    /// A filter of these; `None` keeps all.
    pub fn new(framework: Option<String>, inspection: Option<String>, area: Option<String>) -> Filter {
        Filter { framework, inspection, area, shard_frameworks: None }
    }
    pub(crate) fn in_shard(&self, framework: &str) -> bool {
        self.shard_frameworks.as_ref().is_none_or(|(mine, all)| mine.contains(framework) || all.as_ref().is_some_and(|all| !all.contains(framework)))
    }
    pub(crate) fn keeps_area(&self, i: &InspectionSpec) -> bool {
        self.in_shard(&i.framework)
            && self.framework.as_ref().is_none_or(|f| *f == i.framework)
            && self.inspection.as_ref().is_none_or(|id| *id == i.id)
            && self.area.as_ref().is_none_or(|a| a.eq_ignore_ascii_case(&i.area))
    }
    pub(crate) fn keeps_aggregate(&self, a: &AggregateSpec) -> bool {
        self.in_shard(&a.framework) && self.inspection.is_none() && self.area.is_none() && self.framework.as_ref().is_none_or(|f| *f == a.framework)
    }
}

/// One report built (or checked).
#[derive(Debug, Clone)]
pub struct Built {
    pub pdf: PathBuf,
    pub pages: usize,
    /// Content hashes of the PDF and figures CSV made.
    pub hashes: (String, String),
    /// Content hashes of its HTML edition and data annexe.
    pub editions: (Option<String>, Option<String>),
    /// The correction it publishes, if it corrects a published report.
    pub correction: Option<crate::record::Correction>,
    /// Hashes of its text, by part, for the record.
    pub text: BTreeMap<String, String>,
    /// Time this report spent in each per-report stage.
    pub timings: Timings,
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
    /// The HTML edition and the data annexe.
    pub editions: Duration,
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
    fn fields_mut(&mut self) -> [&mut Duration; 9] {
        [
            &mut self.discover,
            &mut self.ingest,
            &mut self.aggregate,
            &mut self.render,
            &mut self.charts,
            &mut self.editions,
            &mut self.typeset,
            &mut self.pdf_export,
            &mut self.write,
        ]
    }

    /// `(stage, time)` in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 9] {
        [
            ("discover", self.discover),
            ("ingest", self.ingest),
            ("aggregate", self.aggregate),
            ("render", self.render),
            ("charts", self.charts),
            ("editions", self.editions),
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

/// What a run tells its listener as it goes (a progress bar, plain lines, JSON lines, the
/// preview's browsers).
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// How many reports this run will produce.
    Planned(usize),
    /// A report was started.
    Started(&'a Path),
    /// A report was built (written) or, for `check`, typeset.
    Done { pdf: &'a Path, pages: usize, written: bool },
    /// A report failed (its problems are told as `Problem`s and are in the summary).
    Failed(&'a Path),
    /// A report built and, for `build`, written.
    Built(&'a Built),
    /// An error: a report (or more) is not built because of it.
    Problem(&'a Problem),
    /// A warning: the reports build.
    Warning(&'a Problem),
}

/// Problems and warnings as a run finds them: told to the listener and kept in the summary.
pub(crate) struct Tally<'a> {
    pub summary: &'a mut Summary,
    listener: &'a (dyn Fn(Event<'_>) + Sync),
}

impl<'a> Tally<'a> {
    pub(crate) fn new(summary: &'a mut Summary, listener: &'a (dyn Fn(Event<'_>) + Sync)) -> Self {
        Tally { summary, listener }
    }

    /// Problems that fail one report (or one input).
    pub fn fail(&mut self, problems: impl Into<Problems>) {
        self.note(problems.into());
        self.summary.failed += 1;
    }

    /// A problem that fails `n` reports.
    pub fn fail_many(&mut self, problem: Problem, n: usize) {
        self.note(problem.into());
        self.summary.failed += n;
    }

    /// Problems that fail no report of their own (their reports are counted where they fail).
    pub fn note(&mut self, problems: Problems) {
        for p in problems.0 {
            (self.listener)(Event::Problem(&p));
            self.summary.problems.push(p);
        }
    }

    pub fn warn(&mut self, warning: Problem) {
        (self.listener)(Event::Warning(&warning));
        self.summary.warnings.push(warning);
    }
}

/// Runs the pipeline; `listener` hears of every report as it starts and ends, and of every
/// problem.
pub fn run(settings: &Settings, listener: &(dyn Fn(Event<'_>) + Sync)) -> Summary {
    let start = Instant::now();
    let mut summary = Summary::default();
    let mut tally = Tally { summary: &mut summary, listener };
    if let Err(p) = run_inner(settings, &mut tally) {
        tally.fail(p);
    }
    summary.elapsed = start.elapsed();
    summary
}

/// The inputs and plan of `settings`, made and checked as `build` makes them but with nothing
/// typeset or written (the preview server plans again after each edit; tests ask a plan what
/// an edit affects). `None` when the data folder cannot be read.
pub fn plan(settings: &Settings, listener: &(dyn Fn(Event<'_>) + Sync)) -> (Option<(inputs::Inputs, plan::Plan)>, Summary) {
    let mut summary = Summary::default();
    let mut tally = Tally { summary: &mut summary, listener };
    let made = inputs::Inputs::load(settings, &mut tally).and_then(|inputs| {
        let mut plan = plan::Plan::make(&inputs, settings, &mut tally)?;
        plan.order();
        Ok((inputs, plan))
    });
    let made = match made {
        Ok(m) => Some(m),
        Err(p) => {
            tally.fail(p);
            None
        }
    };
    (made, summary)
}

fn run_inner(settings: &Settings, tally: &mut Tally<'_>) -> Result<(), Problems> {
    let _lock = match (settings.write, settings.shard) {
        (false, _) => None,
        (true, None) => Some(OutputLock::acquire(&settings.output)?),
        (true, Some(shard)) => Some(OutputLock::acquire_shard(&settings.output, shard.index, shard.count)?),
    };
    let inputs = inputs::Inputs::load(settings, tally)?;
    let mut plan = plan::Plan::make(&inputs, settings, tally)?;
    // `check` reads the record too: it refuses what `build` would (a correction without a date).
    let mut record = crate::record::load(&settings.output)?;
    publication::prepare(&mut plan, &inputs, &record, settings, tally)?;
    let text = TextModel::load(&settings.templates.join("text"))?;
    let engine = Engine::new(&settings.templates, &settings.fonts)?;
    execute::refuse_undrawable(&mut plan, &inputs, &engine, tally);
    plan.order();
    let workers = settings.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let listener = tally.listener;
    // Writing (each file synced to disk before it replaces the old one) waits on the disk, not
    // the CPU: one writer thread does it while the workers typeset the next reports.
    let (to_writer, writes) = std::sync::mpsc::sync_channel::<publication::Output>(workers * 2);
    let (results, mut written) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || publication::write_all(writes, listener));
        let sink = |job: &plan::Job, out: publication::Output| -> Result<bool, Problems> {
            if !settings.write {
                return Ok(false);
            }
            to_writer.send(out).map_err(|_| Problem::internal(Location::file(&job.pdf), "the writer thread stopped"))?;
            Ok(true)
        };
        let jobs: Vec<&plan::Job> = plan.jobs.iter().collect();
        let results = execute::execute(&jobs, &inputs, settings, &engine, &text, workers, listener, &sink);
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
                listener(Event::Built(&b));
                tally.summary.timings += b.timings;
                tally.summary.built.push(b);
            }
            Err(p) => tally.fail(p),
        }
    }
    if settings.write {
        publication::record_built(&mut record, &plan, &tally.summary.built, settings)?;
        tally.summary.corrected = tally.summary.built.iter().filter(|b| b.correction.is_some()).count();
    }
    Ok(())
}
