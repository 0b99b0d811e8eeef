//! The plan of a run: every report to make, what it reads (its declared inputs) and what it
//! writes, made from [`Inputs`] before any work. Execution, the refusal rules, the publication
//! record, `--changed`, shards and the preview server all act on a plan; a plan owns its jobs
//! (they hold their inputs by `Arc`), so it outlives the run that made it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::inputs::{Broken, Inputs, SetKey};
use super::{Settings, Tally};
use crate::error::{Location, Problem, Problems};
use crate::framework::Comparison;
use crate::ingest::CaseTable;
use crate::inspection::{AggregateSpec, InspectionSpec, Selection, Status};

/// What decides a report's output paths, its key in the publication record and its shard.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportKey {
    Area { framework: String, period: String, inspection: String },
    Aggregate { id: String },
}

/// A report to make.
pub struct Job {
    pub key: ReportKey,
    /// Where its PDF goes (its figures CSV beside it).
    pub pdf: PathBuf,
    /// A draft: never in the publication record.
    pub draft: bool,
    /// Where the published version of this report is (the same as `pdf` unless it is a
    /// draft): a draft compares its figures with it.
    pub published: PathBuf,
    /// The inspections it is compared with, or covers.
    pub comparison: Vec<String>,
    /// Its own data files: its framework file and its inspection file and case export, or
    /// its aggregate definition.
    pub own: Vec<PathBuf>,
    /// The inspection files and case exports of the inspections of its comparison set (an
    /// area report's set holds the area itself) or that it covers, sorted.
    pub set_files: Vec<PathBuf>,
    /// Its publication date.
    pub date: crate::date::Date,
    /// Expected pages, for balancing work.
    pub weight: u64,
    /// Content hash of every input, for the publication record (published reports, once
    /// [`super::publication`] has read them).
    pub inputs: BTreeMap<String, String>,
    /// A published report made again: what it needs to publish a correction.
    pub correction: Option<crate::render::CorrectionInput>,
    pub what: JobKind,
    /// Position in the order reports are started.
    pub start: usize,
}

pub enum JobKind {
    /// `set`: the set its own figures are aggregated in; `members`: its comparison set (id,
    /// set), itself included; `without`: inspections of its comparison set that could not be
    /// read (a draft only).
    Area {
        inspection: Arc<InspectionSpec>,
        cases: Arc<CaseTable>,
        set: usize,
        members: Vec<(String, usize)>,
        without: Vec<String>,
    },
    Aggregate {
        spec: Arc<AggregateSpec>,
        figures: AggregateFigures,
        inspections: Vec<Arc<InspectionSpec>>,
    },
}

/// Where an aggregate report's figures come from.
pub enum AggregateFigures {
    /// A whole comparison set (by position): its figures as aggregated.
    Set(usize),
    /// Chosen inspections (id, comparison set), pooled.
    Members(Vec<(String, usize)>),
}

impl Job {
    /// The comparison sets this report reads.
    pub fn sets(&self) -> impl Iterator<Item = usize> + '_ {
        let (one, many) = match &self.what {
            JobKind::Aggregate { figures: AggregateFigures::Set(set), .. } => (Some(*set), &[][..]),
            JobKind::Area { members: m, .. } | JobKind::Aggregate { figures: AggregateFigures::Members(m), .. } => (None, &m[..]),
        };
        let mut sets: Vec<usize> = one.into_iter().chain(many.iter().map(|(_, k)| *k)).collect();
        sets.sort_unstable();
        sets.dedup();
        sets.into_iter()
    }

    /// Every data file it reads (its declared inputs); besides these, every report reads the
    /// templates, the fonts and the program.
    pub fn reads(&self) -> impl Iterator<Item = &Path> {
        self.own.iter().chain(&self.set_files).map(PathBuf::as_path)
    }

    /// Its framework id.
    pub fn framework(&self) -> &str {
        match &self.what {
            JobKind::Area { inspection, .. } => &inspection.framework,
            JobKind::Aggregate { spec, .. } => &spec.framework,
        }
    }

    /// Its own file: the inspection file or the aggregate definition.
    pub fn source(&self) -> &Path {
        match &self.what {
            JobKind::Area { inspection, .. } => &inspection.source,
            JobKind::Aggregate { spec, .. } => &spec.source,
        }
    }
}

/// Every report of a run, in the order they are started.
pub struct Plan {
    pub jobs: Vec<Job>,
}

impl Plan {
    /// The plan of `inputs` for `settings`: a job per report the filter keeps, less the reports
    /// refused here (reported to `tally`): a published area report whose comparison set lost an
    /// inspection, an aggregate report missing one of its areas, two reports writing one file.
    pub(crate) fn make(inputs: &Inputs, settings: &Settings, tally: &mut Tally<'_>) -> Result<Plan, Problems> {
        let filter = &inputs.filter;
        let draft_area = |s: &InspectionSpec| settings.draft || s.status == Status::Draft;
        let mut jobs: Vec<Job> = Vec::new();
        // Area reports whose comparison set lost an inspection: published ones are not rebuilt
        // (their previous PDFs stay), drafts compare with the areas that loaded and say so.
        let mut held_back: BTreeMap<SetKey, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
        for (spec, cases) in inputs.inspections.iter().filter(|(s, _)| filter.keeps_area(s)) {
            let fw = &inputs.frameworks[&spec.framework];
            let draft = draft_area(spec);
            // Its comparison set: the areas inspected to date (published on or before its own
            // date; a published report never compares with a draft), or its whole period.
            let compared = |m: &InspectionSpec| {
                m.framework == spec.framework
                    && match fw.comparison {
                        Comparison::ToDate => m.id == spec.id || (m.publication_date <= spec.publication_date && (draft || m.status == Status::Published)),
                        Comparison::WholePeriod => m.period == spec.period,
                    }
            };
            // An area inspected again (a later period) counts once: its latest inspection to date.
            let mut latest: BTreeMap<String, &InspectionSpec> = BTreeMap::new();
            for (m, _) in inputs.inspections.iter().filter(|(m, _)| compared(m)) {
                let slot = latest.entry(m.area.trim().to_lowercase()).or_insert(m);
                if m.id == spec.id || (slot.id != spec.id && (m.publication_date, &m.id) > (slot.publication_date, &slot.id)) {
                    *slot = m;
                }
            }
            let mut members: Vec<(String, usize)> =
                latest.values().map(|m| (m.id.clone(), inputs.set_of(m).expect("every loaded inspection has its set"))).collect();
            members.sort();
            // An inspection that failed and would be in the set (as far as can be told).
            let would_be_member = |b: &Broken| match (&b.set, fw.comparison) {
                (None, _) => true,
                (Some(k), Comparison::WholePeriod) => k.0 == spec.framework && k.1 == spec.period,
                (Some(k), Comparison::ToDate) => k.0 == spec.framework && b.published.is_none_or(|d| d <= spec.publication_date),
            };
            let missing: Vec<String> = inputs.broken.iter().filter(|b| would_be_member(b)).map(|b| b.id.clone()).collect::<BTreeSet<_>>().into_iter().collect();
            if !missing.is_empty() && !draft {
                let entry = held_back.entry((spec.framework.clone(), spec.period.clone())).or_default();
                entry.0.push(spec.id.clone());
                entry.1.extend(missing);
                continue;
            }
            let parts: Vec<&str> = if draft { vec!["drafts", &spec.framework, &spec.period] } else { vec![&spec.framework, &spec.period] };
            let pdf = match crate::ids::output_path(&settings.output, &parts, &format!("{}.pdf", spec.id)) {
                Ok(p) => p,
                Err(p) => {
                    tally.fail(p);
                    continue;
                }
            };
            let published = settings.output.join(&spec.framework).join(&spec.period).join(format!("{}.pdf", spec.id));
            let set = inputs.set_of(spec).expect("every kept inspection has its set");
            let comparison: Vec<String> = members.iter().map(|(id, _)| id.clone()).collect();
            let mut set_files = Vec::new();
            for id in &comparison {
                if let Some((m, _)) = inputs.inspection(&spec.framework, id) {
                    set_files.extend([m.source.clone(), m.cases_path()]);
                }
            }
            set_files.sort();
            jobs.push(Job {
                key: ReportKey::Area { framework: spec.framework.clone(), period: spec.period.clone(), inspection: spec.id.clone() },
                pdf,
                draft,
                published,
                comparison,
                own: [spec.source.clone(), spec.cases_path(), fw.source.clone()].into_iter().chain(inputs.publisher.file().map(Path::to_path_buf)).collect(),
                set_files,
                date: spec.publication_date,
                weight: 10 + fw.questions.len() as u64 / 4,
                inputs: BTreeMap::new(),
                correction: None,
                what: JobKind::Area { inspection: Arc::clone(spec), cases: Arc::clone(cases), set, members, without: missing },
                start: 0,
            });
        }
        for ((fw, period), (ids, missing)) in &held_back {
            let shown = if ids.len() > 6 { format!("{} and {} more", ids[..5].join(", "), ids.len() - 5) } else { ids.join(", ") };
            let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
            tally.fail_many(
                Problem::data(
                    Location::file(&settings.data),
                    format!("not rebuilt: the {} area report(s) of {fw} {period} ({shown}), because {} of their comparison set could not be read and their comparisons would be wrong without it", ids.len(), missing.join(", ")),
                )
                .with_hint("fix the problems listed above; the previous PDFs are left as they were (`build --draft` compares with the areas that loaded, and says so on the page)"),
                ids.len(),
            );
        }
        for spec in inputs.aggregates.iter().filter(|a| filter.keeps_aggregate(a)) {
            let selected = if inputs.unreadable_aggregates {
                Err(Problem::data(Location::file(&spec.source), "not built: part of the aggregates folder could not be read (see above)")
                    .with_hint("an aggregate report definition may be there; fix the folder's permissions")
                    .into())
            } else {
                select(spec, inputs)
            };
            let draft = settings.draft || spec.status == Status::Draft;
            let parts: Vec<&str> = if draft { vec!["drafts", "aggregate"] } else { vec!["aggregate"] };
            match selected
                .and_then(|s| crate::ids::output_path(&settings.output, &parts, &format!("{}.pdf", spec.id)).map(|pdf| (s, pdf)).map_err(Problems::from))
            {
                Ok(((members, figures), pdf)) => {
                    let fw = &inputs.frameworks[&spec.framework];
                    let mut set_files: Vec<PathBuf> = members.iter().flat_map(|m| [m.source.clone(), m.cases_path()]).collect();
                    set_files.sort();
                    jobs.push(Job {
                        key: ReportKey::Aggregate { id: spec.id.clone() },
                        published: settings.output.join("aggregate").join(format!("{}.pdf", spec.id)),
                        pdf,
                        draft,
                        comparison: members.iter().map(|m| m.id.clone()).collect(),
                        own: [spec.source.clone(), fw.source.clone()].into_iter().chain(inputs.publisher.file().map(Path::to_path_buf)).collect(),
                        set_files,
                        date: spec.publication_date,
                        weight: 20 + members.len() as u64 / 2 + fw.questions.len() as u64 / 4,
                        inputs: BTreeMap::new(),
                        correction: None,
                        what: JobKind::Aggregate { spec: Arc::clone(spec), figures, inspections: members },
                        start: 0,
                    });
                }
                Err(p) => tally.fail(p),
            }
        }
        let mut plan = Plan { jobs };
        // No two reports may write one file (the ids above make it so; this is the last guard).
        // Compared without regard to case, as Windows and macOS compare file names.
        let mut seen = std::collections::HashSet::new();
        let key = |p: &Path| p.to_string_lossy().to_lowercase();
        let clashing: BTreeSet<String> = plan.jobs.iter().filter(|j| !seen.insert(key(&j.pdf))).map(|j| key(&j.pdf)).collect();
        let collisions: BTreeSet<PathBuf> = plan.jobs.iter().filter(|j| clashing.contains(&key(&j.pdf))).map(|j| j.pdf.clone()).collect();
        plan.refuse(tally, collisions, |pdf| {
            Problem::internal(Location::file(pdf), "not built: two reports would write this file")
                .with_hint("give every inspection and aggregate report its own id")
        });
        let filtered = filter.inspection.is_some() || filter.area.is_some() || filter.framework.is_some();
        if filtered && plan.jobs.is_empty() && tally.summary.problems.is_empty() {
            return Err(Problem::data(Location::file(&settings.data), "no report matches the filter")
                .with_hint("check the spelling of --framework, --inspection or --area")
                .into());
        }
        Ok(plan)
    }

    /// Takes the reports writing `pdfs` out of the plan, each failed with its problem.
    pub(crate) fn refuse(&mut self, tally: &mut Tally<'_>, pdfs: impl IntoIterator<Item = PathBuf>, problem: impl Fn(&Path) -> Problem) {
        for pdf in pdfs {
            self.jobs.retain(|j| j.pdf != pdf);
            tally.fail(problem(&pdf));
        }
    }

    /// The jobs that read any of `changed` (files of the data folder, as the watcher reports
    /// them); a change under the templates or fonts folders affects every job.
    pub fn affected_by<'p>(&'p self, changed: &'p [PathBuf], settings: &'p Settings) -> impl Iterator<Item = &'p Job> + 'p {
        let everything = changed.iter().any(|c| c.starts_with(&settings.templates) || c.starts_with(&settings.fonts));
        self.jobs.iter().filter(move |j| everything || j.reads().any(|r| changed.iter().any(|c| c == r)))
    }

    /// Starts the reports set by set, in the order of the sets' last reports; in each set the
    /// aggregate reports, the longest, first, so that no core is left working alone at the end
    /// of a set.
    pub(crate) fn order(&mut self) {
        self.jobs.sort_by_key(|job| (job.sets().max(), matches!(job.what, JobKind::Area { .. })));
        for (start, job) in self.jobs.iter_mut().enumerate() {
            job.start = start;
        }
    }
}

/// The inspections an aggregate report covers, and their figures: those of the comparison set
/// when it covers a whole set, else the sum of its areas' figures (taken from their sets).
fn select(spec: &AggregateSpec, inputs: &Inputs) -> Result<(Vec<Arc<InspectionSpec>>, AggregateFigures), Problems> {
    let at = || Location::file(&spec.source);
    // An aggregate without one of its areas would publish wrong figures: refuse it.
    let missing: Vec<&str> = inputs
        .broken
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
    inputs.frameworks.get(&spec.framework).ok_or_else(|| {
        Problem::data(at().key("framework"), format!("unknown framework `{}`", spec.framework))
            .with_hint(format!("use one of: {}", inputs.frameworks.keys().cloned().collect::<Vec<_>>().join(", ")))
    })?;
    let members: Vec<&Arc<InspectionSpec>> = match &spec.inspections {
        Selection { period: Some(period), .. } => {
            inputs.inspections.iter().filter(|(s, _)| s.framework == spec.framework && &s.period == period).map(|(s, _)| s).collect()
        }
        Selection { list: Some(ids), .. } => {
            let mut out = Vec::new();
            let mut problems = Problems::default();
            for id in ids {
                match inputs.inspections.iter().find(|(s, _)| &s.id == id) {
                    Some((m, _)) if m.framework != spec.framework => problems.push(
                        Problem::data(at().key("inspections.list"), format!("inspection `{id}` is of framework `{}`, not `{}`", m.framework, spec.framework))
                            .with_hint("an aggregate report covers inspections of one framework"),
                    ),
                    Some((m, _)) => out.push(m),
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
    let whole_set = match &spec.inspections {
        Selection { period: Some(period), .. } => inputs.set_keys.iter().position(|k| k.0 == spec.framework && &k.1 == period),
        _ => None,
    };
    let figures = match whole_set {
        Some(k) => AggregateFigures::Set(k),
        None => {
            // An aggregate report is built only when no filter leaves out an area of its
            // framework, so every member's set is among the run's.
            let areas = members
                .iter()
                .map(|s| {
                    inputs
                        .set_of(s)
                        .map(|k| (s.id.clone(), k))
                        .ok_or_else(|| Problem::internal(at(), format!("inspection `{}` has no comparison set in this run", s.id)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            AggregateFigures::Members(areas)
        }
    };
    Ok((members.into_iter().cloned().collect(), figures))
}
