//! Execution of a plan: one warm Typst engine, worker threads, each comparison set aggregated
//! when its first report starts and dropped after its last, a panic contained to its report.
//! Each typeset report goes to a sink (the disk writer of `build`, nothing for `check`, memory
//! for the preview); what happens is told as [`Event`]s.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::inputs::Inputs;
use super::plan::{AggregateFigures, Job, JobKind, Plan};
use super::publication::Output;
use super::{Built, Event, Settings, Tally, Timings};
use crate::aggregate::{self, AreaCases, SetFigures};
use crate::error::{Location, Problem, Problems};
use crate::framework::FrameworkSpec;
use crate::render::aggregate_report::{self, AggregateInput};
use crate::render::area::{self, AreaInput};
use crate::render::{RenderedReport, TextModel};
use crate::typeset::{Engine, TypesetJob};

/// Takes out of the plan every report whose inputs hold a character none of the report fonts
/// can draw, naming the file, key and character.
pub(crate) fn refuse_undrawable(plan: &mut Plan, inputs: &Inputs, engine: &Engine, tally: &mut Tally<'_>) {
    let mut undrawable: BTreeMap<std::path::PathBuf, Problems> = BTreeMap::new();
    let mut check_file = |source: &Path, value: serde_json::Value| {
        if !undrawable.contains_key(source) {
            let mut found = Vec::new();
            undrawable_text(engine, &value, String::new(), &mut found);
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
    plan.jobs.retain(|job| {
        let (own, fw) = match &job.what {
            JobKind::Area { inspection, .. } => ((inspection.source.clone(), serde_json::to_value(&**inspection)), &inputs.frameworks[&inspection.framework]),
            JobKind::Aggregate { spec, .. } => ((spec.source.clone(), serde_json::to_value(&**spec)), &inputs.frameworks[&spec.framework]),
        };
        let mut problems = check_file(&fw.source, serde_json::to_value(fw).unwrap_or_default());
        problems.extend(check_file(&own.0, own.1.unwrap_or_default()));
        if problems.is_empty() {
            return true;
        }
        let new: Vec<Problem> = problems.0.into_iter().filter(|p| !tally.summary.problems.0.contains(p)).collect();
        tally.fail(Problems(new));
        false
    });
}

/// What a sink does with a typeset report: `Ok(true)` if it will be written (the writer tells
/// when it is), `Ok(false)` if it is done with it.
pub(crate) type Sink<'s> = dyn Fn(&Job, Output) -> Result<bool, Problems> + Sync + 's;

/// Makes every report of `jobs` (a plan's, or the part of it the preview needs) on `workers` threads, each typeset report handed to `sink`.
/// Results in plan order.
#[allow(clippy::too_many_arguments)]
pub(crate) fn execute(
    jobs: &[&Job],
    inputs: &Inputs,
    settings: &Settings,
    engine: &Engine,
    text: &TextModel,
    workers: usize,
    listener: &(dyn Fn(Event<'_>) + Sync),
    sink: &Sink<'_>,
) -> Vec<Result<Built, Problems>> {
    // Area names by framework and inspection id (ids are unique in a framework): once per
    // framework, not once per report.
    let mut names: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (s, _) in &inputs.inspections {
        names.entry(s.framework.clone()).or_default().insert(s.id.clone(), s.area.clone());
    }
    let mut set_sizes = vec![0usize; inputs.set_keys.len()];
    for (s, _) in &inputs.inspections {
        if let Some(k) = inputs.set_of(s) {
            set_sizes[k] += 1;
        }
    }
    // Each set is aggregated when its first report starts and dropped when its last is done;
    // reports go set by set, so memory holds about one set per worker, not the corpus.
    let mut users = vec![0; inputs.set_keys.len()];
    for job in jobs {
        for k in job.sets() {
            users[k] += 1;
        }
    }
    let sets = OnDemand::new(users);
    // `made`: time spent aggregating in this call (not waiting for another report's).
    let figures_of = |k: usize, made: &mut Duration| {
        sets.get(k, || {
            let clock = Instant::now();
            let (fw, period) = &inputs.set_keys[k];
            let members: Vec<AreaCases<'_>> =
                inputs.inspections.iter().filter(|(s, _)| inputs.set_of(s) == Some(k)).map(|(s, t)| AreaCases { inspection_id: &s.id, cases: t }).collect();
            let set = aggregate::aggregate(&inputs.frameworks[fw], &members)
                .map_err(|e| Problem::internal(Location::default(), format!("aggregation failed for {fw} {period}: {e}")).into());
            *made += clock.elapsed();
            set
        })
        .map_err(|failed| match failed {
            Failed::Here(p) => p,
            Failed::Before => Problem::internal(
                Location::default(),
                format!("not built: the figures of {} {} could not be computed (see above)", inputs.set_keys[k].0, inputs.set_keys[k].1),
            )
            .into(),
        })
    };
    listener(Event::Planned(jobs.len()));
    run_parallel(jobs, workers, |&job| {
        listener(Event::Started(&job.pdf));
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
                        let own =
                            set.areas.get(id).cloned().ok_or_else(|| {
                                Problem::internal(Location::file(&job.pdf), format!("inspection `{id}` has no figures in its comparison set"))
                            })?;
                        areas.push((id.clone(), own));
                    }
                    Arc::new(SetFigures::pooled_shared(areas))
                }
            };
            let clock = Instant::now();
            let rendered = render_job(job, &figures, settings, inputs, &names, text)?;
            drop(figures);
            // The HTML edition, from the same model (not for the preview, which shows the pages).
            let editions_clock = Instant::now();
            let html = if settings.svg_pages { None } else { Some(text.html.render(&rendered)?) };
            // The data annexe, from the figures CSV.
            let xlsx = if settings.svg_pages {
                None
            } else {
                let fw = &inputs.frameworks[job.framework()];
                let model: serde_json::Value = serde_json::from_slice(&rendered.data).unwrap_or_default();
                let about = crate::render::annexe::About {
                    title: model["doc"]["title"].as_str().unwrap_or_default(),
                    framework: &fw.name,
                    date: job.date,
                    draft: job.draft,
                    minimum: fw.minimum_relevant_cases,
                    front: inputs.publisher.at(job.date),
                };
                Some(
                    crate::render::annexe::workbook(&rendered.figures_csv, &about)
                        .map_err(|p| Problem { location: Box::new(Location::file(&job.pdf)), ..p })?,
                )
            };
            let editions = editions_clock.elapsed();
            let render_time = clock.elapsed();
            let ident = job.pdf.strip_prefix(&settings.output).unwrap_or(&job.pdf).to_string_lossy().into_owned();
            let typeset_job = TypesetJob {
                template: rendered.template.to_string(),
                files: rendered.files(),
                ident: ident.clone(),
                date: job.date,
                enforce_ua: !settings.draft,
            };
            if let Some(dir) = &settings.dump_typst {
                typeset_job.dump(&dir.join(ident.trim_end_matches(".pdf")), job.start)?;
            }
            // The PDF, or (the preview) one SVG image per page.
            let (bytes, svg, pages, compile_time, export_time) = if settings.svg_pages {
                let t = engine.compile_svg(&typeset_job)?;
                {
                    let n = t.pages.len();
                    (Vec::new(), t.pages, n, t.compile_time, t.export_time)
                }
            } else {
                let t = engine.compile_pdf(&typeset_job)?;
                (t.pdf, Vec::new(), t.pages, t.compile_time, t.export_time)
            };
            let timings = Timings {
                aggregate: aggregate_time,
                render: render_time - rendered.chart_time,
                charts: rendered.chart_time,
                editions,
                typeset: compile_time,
                pdf_export: export_time,
                ..Timings::default()
            };
            let made = if svg.is_empty() { crate::record::hash(&bytes) } else { crate::record::hash(svg.concat().as_bytes()) };
            let hashes = (made, crate::record::hash(&rendered.figures_csv));
            let correction = rendered.correction.clone();
            let text = rendered.text.clone();
            // A correction keeps the version it replaces, under a name with its date.
            let supersede =
                rendered.correction.as_ref().zip(job.correction.as_ref()).map(|(c, input)| (settings.output.join(&c.superseded), input.published.clone()));
            let supersede_editions = job.correction.as_ref().map(|c| c.published_editions.clone()).unwrap_or_default();
            let editions = (html.as_ref().map(|h| crate::record::hash(h.as_bytes())), xlsx.as_ref().map(|x| crate::record::hash(x)));
            let out = Output { pdf: job.pdf.clone(), csv: rendered.figures_csv, html, xlsx, bytes, svg, pages, supersede, supersede_editions };
            if !sink(job, out)? {
                listener(Event::Done { pdf: &job.pdf, pages, written: false });
            }
            Ok(Built { pdf: job.pdf.clone(), pages, hashes, editions, correction, text, timings })
        });
        if result.is_err() {
            listener(Event::Failed(&job.pdf));
        }
        result
    })
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
    job: &Job,
    figures: &SetFigures,
    settings: &Settings,
    inputs: &Inputs,
    names: &BTreeMap<String, BTreeMap<String, String>>,
    text: &TextModel,
) -> Result<RenderedReport, Problems> {
    let (frameworks, set_keys) = (&inputs.frameworks, &inputs.set_keys[..]);
    let publisher = &*inputs.publisher;
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
                publisher,
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
                        publisher,
                    };
                    ratings.insert(i.id.clone(), aggregate_report::area_ratings(&input)?);
                }
            }
            let mut ordered: Vec<&crate::inspection::InspectionSpec> = members.iter().map(|m| &**m).collect();
            // In the order the programme published its tables in (the definition's `order`).
            match spec.order {
                crate::inspection::AreaOrder::Region => ordered.sort_by(|a, b| (&a.region, &a.area).cmp(&(&b.region, &b.area))),
                crate::inspection::AreaOrder::Inspection => ordered.sort_by(|a, b| (a.publication_date, &a.area).cmp(&(b.publication_date, &b.area))),
                crate::inspection::AreaOrder::Name => ordered.sort_by(|a, b| a.area.cmp(&b.area)),
            }
            let input = AggregateInput {
                spec,
                framework: fw,
                inspections: ordered,
                set,
                set_label: set_label(fw, members.len(), &spec.period),
                draft: settings.draft,
                ratings,
                correction: job.correction.as_ref(),
                publisher,
            };
            Ok(aggregate_report::render(&input, text)?)
        }
    }
}

/// `the four Probation Trusts inspected to date` (one to nine in words).
fn set_label_to_date(fw: &FrameworkSpec, n: usize) -> String {
    if n == 1 {
        return format!("no other {} yet (this is the first report published)", fw.unit);
    }
    format!("the {} {}s inspected to date", crate::render::words::count(n as u64), fw.unit)
}

/// `the 11 Probation Trusts inspected in 2011-12`.
fn set_label(fw: &FrameworkSpec, n: usize, period: &str) -> String {
    let unit = if n == 1 { fw.unit.clone() } else { format!("{}s", fw.unit) };
    format!("the {} {unit} inspected in {period}", crate::render::words::count(n as u64))
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

/// What a panic said (its message, if it was text).
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default()
}

/// Runs the making of the report `pdf`; a panic in it (a bug) becomes that report's failure,
/// named, and leaves the other reports to build.
fn contained<T>(pdf: &Path, make: impl FnOnce() -> Result<T, Problems>) -> Result<T, Problems> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(make)).unwrap_or_else(|panic| {
        let what = panic_message(&*panic);
        Err(Problem::internal(Location::file(pdf), format!("not built: the program failed while making this report ({what})"))
            .with_hint("this is a bug, not a problem in your data: please report it with the inputs of this report; the other reports were built")
            .into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;

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
