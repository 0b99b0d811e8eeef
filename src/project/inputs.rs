//! A run's inputs, owned: every framework, inspection (with its case export) and aggregate
//! definition that loaded, and what is known of those that did not. Nothing here borrows a
//! run: the preview server keeps its `Inputs` between edits and plans again from them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Filter, Settings, Tally};
use crate::error::{Location, Problem, Problems};
use crate::framework::{Comparison, FrameworkSpec};
use crate::ingest::{self, CaseTable};
use crate::inspection::{self, AggregateSpec, InspectionSpec};

/// A comparison set: framework id and period.
pub type SetKey = (String, String);

/// An inspection that loaded: its file and its case export.
pub type Loaded = (Arc<InspectionSpec>, Arc<CaseTable>);

/// What a run reads, loaded.
pub struct Inputs {
    pub frameworks: BTreeMap<String, FrameworkSpec>,
    /// Inspections that loaded, with their exports: those of the comparison sets the filter's
    /// reports need (`build --area X` reads the exports of X's set, not of the corpus).
    pub inspections: Vec<Loaded>,
    /// Inspections that did not load: no published report that would compare with one of them
    /// (or cover it) is made.
    pub broken: Vec<Broken>,
    /// Aggregate report definitions that loaded, each id used once.
    pub aggregates: Vec<Arc<AggregateSpec>>,
    /// Part of the aggregates folder could not be read: an aggregate definition may hide there.
    pub unreadable_aggregates: bool,
    /// The comparison sets of the loaded inspections, sorted; a set is named by its position.
    pub set_keys: Vec<SetKey>,
    /// The run's filter, with the frameworks of its shard.
    pub filter: Filter,
    /// The publisher's front matter by era (`data/publisher.yaml`).
    pub publisher: Arc<crate::publisher::Publisher>,
    /// Position in `inspections` by framework and id (ids are unique in a framework).
    by_id: std::collections::HashMap<(String, String), usize>,
}

/// What is known of an inspection that failed to load.
#[derive(Debug, Clone)]
pub struct Broken {
    /// Its publication date, if it could be read: a report published before it never
    /// compares with it (comparison `to_date`).
    pub published: Option<crate::date::Date>,
    /// Its folder name.
    pub id: String,
    /// Its framework and period, if its inspection file could be read.
    pub set: Option<SetKey>,
}

impl Inputs {
    /// Discovers and loads the inputs of `settings`, reporting every problem to `tally`. Only
    /// an unreadable data folder stops it.
    pub(crate) fn load(settings: &Settings, tally: &mut Tally<'_>) -> Result<Inputs, Problems> {
        let clock = std::time::Instant::now();
        let (found, walk_problems) = crate::discover::discover(&settings.data)?;
        for p in walk_problems.0 {
            tally.fail(p);
        }
        tally.summary.timings.discover = clock.elapsed();
        tracing::debug!(frameworks = found.frameworks.len(), inspections = found.inspections.len(), aggregates = found.aggregates.len(), "discovered");
        let clock = std::time::Instant::now();

        // Every report's front matter comes from it: without it, no report is made.
        let publisher = Arc::new(crate::publisher::load(&settings.data)?);
        let (frameworks, broken_frameworks, problems) = crate::framework::load_all(&found.frameworks);
        tally.note(problems);

        // Inspections, each on its own: a broken one is reported and skipped. For a broken one,
        // what is known of it (its folder, framework and period) is kept, so that no report that
        // compares with it is published without it.
        let specs: Vec<Result<InspectionSpec, (Broken, Problems)>> = found
            .inspections
            .par_iter()
            .map(|path| {
                let folder = path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let spec = inspection::load_inspection(path)
                    .map_err(|p| (Broken { id: folder.clone(), set: inspection::peek_set(path), published: inspection::peek_date(path) }, p))?;
                if broken_frameworks.contains(&spec.framework) {
                    let p =
                        Problem::data(Location::file(path).key("framework"), format!("not built: framework `{}` has errors (listed above)", spec.framework))
                            .with_hint("fix the framework file; its inspections build once it loads");
                    return Err((broken_of(&spec), p.into()));
                }
                Ok(spec)
            })
            .collect();
        // Two inspections with one id in one framework (a copied folder): neither is built, as
        // neither can be told apart in aggregate lists or output paths.
        let specs = refuse_duplicate_ids(specs);
        // A shard keeps the reports of its frameworks only.
        let mut filter = settings.filter.clone();
        if let Some(shard) = settings.shard {
            // Expected pages: about ten plus one for every four questions, per report.
            let mut weights: BTreeMap<String, u64> = BTreeMap::new();
            for s in specs.iter().filter_map(|r| r.as_ref().ok()) {
                let questions = frameworks.get(&s.framework).map_or(0, |f| f.questions.len() as u64);
                *weights.entry(s.framework.clone()).or_default() += 10 + questions / 4;
            }
            let all: BTreeSet<String> = weights.keys().cloned().collect();
            filter.shard_frameworks = Some((shard.frameworks(&weights), (shard.index == 0).then_some(all)));
        }
        // Exports are read only for the comparison sets of the reports asked for. A report
        // compared with the areas inspected to date may compare with any period of its framework.
        let to_date = |fw: &str| frameworks.get(fw).is_some_and(|f| f.comparison == Comparison::ToDate);
        let kept: Vec<&InspectionSpec> = specs.iter().filter_map(|r| r.as_ref().ok()).filter(|s| filter.keeps_area(s)).collect();
        let needed: BTreeSet<SetKey> = kept.iter().map(|s| (s.framework.clone(), s.period.clone())).collect();
        let needed_frameworks: BTreeSet<String> = kept.iter().filter(|s| to_date(&s.framework)).map(|s| s.framework.clone()).collect();
        let loaded: Vec<Result<(InspectionSpec, CaseTable), (Broken, Problems)>> = specs
            .into_par_iter()
            .filter(|r| r.as_ref().map_or(true, |s| needed.contains(&(s.framework.clone(), s.period.clone())) || needed_frameworks.contains(&s.framework)))
            .map(|spec| {
                let spec = spec?;
                let broken = broken_of(&spec);
                let path = spec.source.clone();
                load_cases(&path, spec, &frameworks).map_err(|p| (broken, p))
            })
            .collect();
        let mut broken: Vec<Broken> = Vec::new();
        let mut inspections: Vec<Loaded> = Vec::new();
        for r in loaded {
            match r {
                Ok((spec, table)) => {
                    for w in &table.warnings {
                        tally.warn(w.clone());
                    }
                    inspections.push((Arc::new(spec), Arc::new(table)));
                }
                Err((b, p)) => {
                    // A shard reports the inspections of its own frameworks; one whose framework
                    // cannot be told, shard 1 (so that it is reported once, not by every shard).
                    let ours = match (&b.set, settings.shard) {
                        (_, None) => true,
                        (Some((fw, _)), Some(_)) => filter.in_shard(fw),
                        (None, Some(shard)) => shard.index == 0,
                    };
                    if ours {
                        tally.fail(p);
                    }
                    broken.push(b);
                }
            }
        }
        // A folder under inspections/ that could not be read may hold any inspection.
        for path in &found.unreadable_inspections {
            broken.push(Broken { id: path.display().to_string(), set: None, published: None });
        }
        tally.summary.timings.ingest = clock.elapsed();

        let mut set_keys: Vec<SetKey> = inspections.iter().map(|(s, _)| (s.framework.clone(), s.period.clone())).collect();
        set_keys.sort();
        set_keys.dedup();

        // Aggregate report definitions; two with one id are both refused (one would overwrite
        // the other's PDF).
        let mut aggregates: Vec<AggregateSpec> = Vec::new();
        for path in &found.aggregates {
            match inspection::load_aggregate(path) {
                Ok(spec) => aggregates.push(spec),
                Err(p) => tally.fail(p),
            }
        }
        let mut aggregates_ok = Vec::new();
        for spec in &aggregates {
            let others: Vec<String> =
                aggregates.iter().filter(|o| o.id.eq_ignore_ascii_case(&spec.id) && o.source != spec.source).map(|o| o.source.display().to_string()).collect();
            if others.is_empty() {
                aggregates_ok.push(Arc::new(spec.clone()));
            } else {
                tally.fail(
                    Problem::data(
                        Location::file(&spec.source).key("id"),
                        format!("not built: aggregate id `{}` is also used by {}", spec.id, others.join(", ")),
                    )
                    .with_hint("give each aggregate report definition its own id: the id names its PDF"),
                );
            }
        }
        let unreadable_aggregates = found.unreadable_other.iter().any(|p| p.starts_with(settings.data.join("aggregates")));
        let by_id = inspections.iter().enumerate().map(|(k, (s, _))| ((s.framework.clone(), s.id.clone()), k)).collect();
        Ok(Inputs { frameworks, inspections, broken, aggregates: aggregates_ok, unreadable_aggregates, set_keys, filter, publisher, by_id })
    }

    /// The position of an inspection's comparison set.
    pub fn set_of(&self, s: &InspectionSpec) -> Option<usize> {
        self.set_keys.binary_search_by(|k| (k.0.as_str(), k.1.as_str()).cmp(&(s.framework.as_str(), s.period.as_str()))).ok()
    }

    /// The loaded inspection `id` of `framework`.
    pub fn inspection(&self, framework: &str, id: &str) -> Option<&Loaded> {
        self.by_id.get(&(framework.to_string(), id.to_string())).map(|&k| &self.inspections[k])
    }
}

fn broken_of(spec: &InspectionSpec) -> Broken {
    Broken { id: spec.id.clone(), set: Some((spec.framework.clone(), spec.period.clone())), published: Some(spec.publication_date) }
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
            let same_id = &by_id[&id_key(&spec)];
            if same_id.len() > 1 {
                let p = Problem::data(
                    Location::file(&spec.source),
                    format!("not built: inspection id `{}` of framework `{}` is also used by {}", spec.id, spec.framework, others(same_id, &spec.source)),
                )
                .with_hint("give each inspection folder its own name (or its own `id`): the id names the report's PDF and is how aggregate reports list it");
                return Err((broken_of(&spec), p.into()));
            }
            let same_area = &by_area[&area_key(&spec)];
            if same_area.len() > 1 {
                let p = Problem::data(
                    Location::file(&spec.source).key("area"),
                    format!("not built: `{}` is also inspected in {} {} by {}", spec.area, spec.framework, spec.period, others(same_area, &spec.source)),
                )
                .with_hint("one area is inspected once in a period: remove the copy, or tell the two apart in `area`");
                return Err((broken_of(&spec), p.into()));
            }
            Ok(spec)
        })
        .collect()
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
