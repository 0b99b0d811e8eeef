//! The preview's builder: one warm engine, the current plan, and what each report shows.
//!
//! After each change it plans again (inputs are cheap to read; the plan says which reports read
//! which file), marks stale the reports that read a changed file (every report, for a template or
//! a font), renders at once the stale reports a browser is showing and the others one at a time
//! in the background, checking for newer changes between two. A report keeps its last good pages
//! when a change breaks it; the problems are shown over them until a later change clears them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::Problem;
use crate::project::execute;
use crate::project::inputs::Inputs;
use crate::project::plan::{Job, JobKind, Plan, ReportKey};
use crate::project::publication::Output;
use crate::project::{Settings, Summary, Tally};
use crate::render::TextModel;
use crate::typeset::Engine;

/// What the builder is asked to do.
pub(crate) enum Request {
    /// Files were saved (their paths as the settings name them).
    Changed(Vec<PathBuf>),
    /// A browser opened this report.
    Wanted(String),
    Stop,
}

/// Told to every open browser: report `slug` is now at `version` (`None`: the list of reports
/// changed); `stop`: the server is stopping.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Notice {
    pub slug: Option<String>,
    pub version: u64,
    #[serde(skip)]
    pub stop: bool,
}

/// What the server shares with the builder.
pub(crate) struct Shared {
    state: Mutex<State>,
    pub notices: tokio::sync::broadcast::Sender<Notice>,
    requests: Mutex<Sender<Request>>,
}

#[derive(Default)]
pub(crate) struct State {
    pub reports: BTreeMap<String, Report>,
    /// Problems that belong to no report (a file no report reads yet), as `check` words them.
    pub general: Vec<String>,
    /// Every page of every report held, by content hash.
    pub svgs: HashMap<String, Arc<String>>,
    /// The first plan is made.
    pub ready: bool,
    /// The engine could not be made (a template folder that cannot be read): why.
    pub engine_problem: Option<String>,
    /// The reports last opened in a browser, latest last: their pages are kept in memory
    /// (a whole sample's pages would take most of a gigabyte); another report's pages are made
    /// again when it is opened.
    pub recent: std::collections::VecDeque<String>,
    /// The data folder, as given.
    pub data: String,
}

/// How many reports' pages are kept besides those open in a browser.
const KEEP: usize = 12;

/// One report as the preview shows it.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub slug: String,
    pub title: String,
    pub framework: String,
    pub period: String,
    pub aggregate: bool,
    /// `published` or `draft`, as its data says (the preview shows every report as a draft).
    pub status: &'static str,
    /// In the current plan (a report whose data is broken is not, and keeps its last pages).
    pub in_plan: bool,
    /// The files it read when last planned.
    pub reads: BTreeSet<PathBuf>,
    pub pdf: PathBuf,
    /// Where its published version is (its figures are compared with it).
    pub published: PathBuf,
    /// Content hashes of its pages, in order (the last good render), if they are kept.
    pub pages: Vec<String>,
    /// How many pages it had when last made.
    pub page_count: usize,
    /// Its figures CSV (last good render), and the published one to compare with.
    pub figures: String,
    pub published_figures: Option<String>,
    pub version: u64,
    /// When its pages were last made (seconds since the server started) and how long it took.
    pub rendered: Option<(f64, Duration)>,
    /// Problems of its inputs found by the last plan, and of its last render.
    pub data_problems: Vec<String>,
    pub render_problems: Vec<String>,
    pub stale: bool,
    pub viewers: usize,
}

impl Report {
    pub fn problems(&self) -> impl Iterator<Item = &String> {
        self.data_problems.iter().chain(&self.render_problems)
    }
}

/// The state of one report, for tests and the benchmark.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub version: u64,
    /// Content hashes of its pages.
    pub pages: Vec<String>,
    pub figures_csv: String,
    /// Its problems, as `check` words them.
    pub problems: Vec<String>,
    pub stale: bool,
}

impl Shared {
    pub(crate) fn new() -> (Arc<Shared>, Receiver<Request>) {
        let (tx, rx) = std::sync::mpsc::channel();
        let (notices, _) = tokio::sync::broadcast::channel(1024);
        (Arc::new(Shared { state: Mutex::new(State::default()), notices, requests: Mutex::new(tx) }), rx)
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn request(&self, r: Request) {
        let _ = self.requests.lock().unwrap_or_else(|e| e.into_inner()).send(r);
    }

    pub(crate) fn changed(&self, paths: Vec<PathBuf>) {
        tracing::debug!(?paths, "changed");
        self.request(Request::Changed(paths));
    }

    /// A browser shows `slug` (until the returned guard is dropped).
    pub(crate) fn view(self: &Arc<Self>, slug: &str) -> Viewing {
        {
            let mut state = self.state();
            if let Some(r) = state.reports.get_mut(slug) {
                r.viewers += 1;
            }
            state.recent.retain(|s| s != slug);
            state.recent.push_back(slug.to_string());
            while state.recent.len() > KEEP {
                state.recent.pop_front();
            }
        }
        self.request(Request::Wanted(slug.to_string()));
        Viewing { shared: Arc::clone(self), slug: slug.to_string() }
    }

    pub(crate) fn stop(&self) {
        self.request(Request::Stop);
        let _ = self.notices.send(Notice { slug: None, version: 0, stop: true });
    }

    pub(crate) fn busy(&self) -> bool {
        let state = self.state();
        !state.ready || state.reports.values().any(|r| r.stale && r.in_plan)
    }

    pub(crate) fn snapshot(&self, slug: &str) -> Option<Snapshot> {
        let state = self.state();
        let r = state.reports.get(slug)?;
        Some(Snapshot {
            version: r.version,
            pages: r.pages.clone(),
            figures_csv: r.figures.clone(),
            problems: r.problems().cloned().chain(state.engine_problem.clone()).collect(),
            stale: r.stale,
        })
    }

    fn notify(&self, slug: Option<&str>, version: u64) {
        let _ = self.notices.send(Notice { slug: slug.map(str::to_string), version, stop: false });
    }
}

/// One browser showing a report; dropped when it goes.
pub(crate) struct Viewing {
    shared: Arc<Shared>,
    slug: String,
}

impl Drop for Viewing {
    fn drop(&mut self) {
        if let Some(r) = self.shared.state().reports.get_mut(&self.slug) {
            r.viewers = r.viewers.saturating_sub(1);
        }
    }
}

/// The URL name of a report: its published path without `.pdf`.
pub(crate) fn slug(key: &ReportKey) -> String {
    match key {
        ReportKey::Area { framework, period, inspection } => format!("{framework}/{period}/{inspection}"),
        ReportKey::Aggregate { id } => format!("aggregate/{id}"),
    }
}

struct Builder {
    settings: Settings,
    engine: Option<(Engine, TextModel)>,
    current: Option<(Inputs, Plan)>,
    shared: Arc<Shared>,
    clock: Instant,
}

/// The builder thread: until asked to stop.
pub(crate) fn run(settings: Settings, shared: Arc<Shared>, requests: Receiver<Request>) {
    shared.state().data = settings.data.display().to_string();
    let mut b = Builder { settings, engine: None, current: None, shared, clock: Instant::now() };
    b.load_engine();
    b.replan(&[], true);
    loop {
        let background = b.shared.state().reports.values().any(|r| r.stale && r.in_plan);
        let first = if background {
            match requests.try_recv() {
                Ok(r) => Some(r),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match requests.recv() {
                Ok(r) => Some(r),
                Err(_) => return,
            }
        };
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut wanted: BTreeSet<String> = BTreeSet::new();
        for r in first.into_iter().chain(requests.try_iter()) {
            match r {
                Request::Changed(paths) => changed.extend(paths),
                Request::Wanted(slug) => {
                    wanted.insert(slug);
                }
                Request::Stop => return,
            }
        }
        if !changed.is_empty() {
            changed.sort();
            changed.dedup();
            let s = &b.settings;
            let engine = changed.iter().any(|c| c.starts_with(&s.templates) || c.starts_with(&s.fonts));
            // A bug met on the way is shown, and the server goes on.
            b.contained(|b| {
                if engine {
                    b.load_engine();
                }
                b.replan(&changed, false);
            });
        }
        // What a browser shows first, all at once; then the rest, one at a time.
        let now: Vec<String> = {
            let state = b.shared.state();
            state
                .reports
                .values()
                .filter(|r| r.in_plan && (r.stale || r.pages.is_empty() && r.render_problems.is_empty()) && (r.viewers > 0 || wanted.contains(&r.slug)))
                .map(|r| r.slug.clone())
                .collect()
        };
        if !now.is_empty() {
            b.contained(|b| b.render(&now));
            continue;
        }
        if changed.is_empty() && wanted.is_empty() {
            let next = b.shared.state().reports.values().find(|r| r.stale && r.in_plan).map(|r| r.slug.clone());
            if let Some(slug) = next {
                b.contained(|b| b.render(std::slice::from_ref(&slug)));
                // Not tried again and again if it failed this way.
                if let Some(r) = b.shared.state().reports.get_mut(&slug) {
                    r.stale = false;
                }
            }
        }
    }
}

impl Builder {
    /// Runs `step`; a panic in it (a bug) is shown on the index and every report page instead
    /// of stopping the builder.
    fn contained(&mut self, step: impl FnOnce(&mut Builder)) {
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(self))) {
            let what = execute::panic_message(&*panic);
            let mut state = self.shared.state();
            state.general.push(format!(
                "error: the preview failed while making the reports ({what})\n  hint: this is a bug, not a problem in your data; save a file to try again"
            ));
            for r in state.reports.values_mut() {
                r.stale = false;
            }
            drop(state);
            self.shared.notify(None, 0);
        }
    }

    /// The engine and the text model, made again (templates or fonts changed).
    fn load_engine(&mut self) {
        let made = Engine::new(&self.settings.templates, &self.settings.fonts)
            .and_then(|engine| TextModel::load(&self.settings.templates.join("text")).map(|text| (engine, text)));
        let problem = match made {
            Ok(m) => {
                self.engine = Some(m);
                None
            }
            Err(p) => {
                self.engine = None;
                Some(p.render("error", false))
            }
        };
        self.shared.state().engine_problem = problem;
    }

    /// Plans again after `changed` (everything on the first plan): every report's inputs and
    /// problems brought up to date, the reports that read a changed file marked stale.
    fn replan(&mut self, changed: &[PathBuf], first: bool) {
        let clock = Instant::now();
        let quiet = |_: crate::project::Event<'_>| {};
        let (mut made, mut summary) = crate::project::plan(&self.settings, &quiet);
        if let (Some((inputs, plan)), Some((engine, _))) = (&mut made, &self.engine) {
            let mut tally = Tally::new(&mut summary, &quiet);
            execute::refuse_undrawable(plan, inputs, engine, &mut tally);
        }
        let Summary { problems, .. } = summary;
        let everything = first || changed.iter().any(|c| c.starts_with(&self.settings.templates) || c.starts_with(&self.settings.fonts));
        let mut notify: Vec<(String, u64)> = Vec::new();
        {
            let mut state = self.shared.state();
            let state = &mut *state;
            for r in state.reports.values_mut() {
                r.in_plan = false;
            }
            if let Some((_, plan)) = &made {
                for job in &plan.jobs {
                    let slug = slug(&job.key);
                    let reads: BTreeSet<PathBuf> = job.reads().map(Path::to_path_buf).collect();
                    let affected = everything || changed.iter().any(|c| reads.contains(c));
                    let r = state.reports.entry(slug.clone()).or_insert_with(|| new_report(&slug, job));
                    planned(r, job, reads);
                    if affected {
                        r.stale = true;
                    }
                }
            }
            // Each problem shown on the reports that read its file (or would write it).
            let mut placed = vec![false; problems.0.len()];
            for r in state.reports.values_mut() {
                let mine: Vec<String> = problems
                    .0
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| belongs(p, r))
                    .map(|(i, p)| {
                        placed[i] = true;
                        p.render("error", false)
                    })
                    .collect();
                if mine != r.data_problems {
                    r.data_problems = mine;
                    r.version += 1;
                    notify.push((r.slug.clone(), r.version));
                } else if r.stale && r.viewers > 0 {
                    // Tell the browser a new render is on its way.
                    notify.push((r.slug.clone(), r.version));
                }
            }
            state.general = problems.0.iter().zip(&placed).filter(|(_, placed)| !**placed).map(|(p, _)| p.render("error", false)).collect();
            state.ready = true;
        }
        self.current = made;
        tracing::debug!(took = ?clock.elapsed(), "planned");
        for (slug, version) in notify {
            self.shared.notify(Some(&slug), version);
        }
        self.shared.notify(None, 0);
    }

    /// Renders the reports `slugs` of the current plan, in parallel; each keeps its last good
    /// pages if it fails.
    fn render(&mut self, slugs: &[String]) {
        let Some((inputs, plan)) = &self.current else { return };
        let jobs: Vec<&Job> = plan.jobs.iter().filter(|j| slugs.contains(&slug(&j.key))).collect();
        if jobs.is_empty() {
            return;
        }
        let clock = Instant::now();
        let results: Vec<(Result<Output, Vec<String>>, Duration)> = match &self.engine {
            None => {
                let why = self.shared.state().engine_problem.clone().unwrap_or_default();
                jobs.iter().map(|_| (Err(vec![why.clone()]), Duration::ZERO)).collect()
            }
            Some((engine, text)) => {
                let outputs: Mutex<HashMap<PathBuf, Output>> = Mutex::new(HashMap::new());
                let sink = |job: &Job, out: Output| {
                    outputs.lock().unwrap_or_else(|e| e.into_inner()).insert(job.pdf.clone(), out);
                    Ok(false)
                };
                let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(jobs.len());
                let made = execute::execute(&jobs, inputs, &self.settings, engine, text, workers, &|_| {}, &sink);
                let mut outputs = outputs.into_inner().unwrap_or_else(|e| e.into_inner());
                jobs.iter()
                    .zip(made)
                    .map(|(job, result)| {
                        let took = result.as_ref().map(|b| b.timings.stages().iter().map(|(_, t)| *t).sum()).unwrap_or_default();
                        let result = match result {
                            Ok(_) => outputs.remove(&job.pdf).ok_or_else(|| vec![format!("error: {}: made but not kept", job.pdf.display())]),
                            Err(p) => Err(p.0.iter().map(|p| p.render("error", false)).collect()),
                        };
                        (result, took)
                    })
                    .collect()
            }
        };
        let at = self.clock.elapsed().as_secs_f64();
        let mut notify = Vec::new();
        {
            let mut state = self.shared.state();
            let state = &mut *state;
            for (job, (result, took)) in jobs.iter().zip(results) {
                let Some(r) = state.reports.get_mut(&slug(&job.key)) else { continue };
                r.stale = false;
                r.version += 1;
                let keep = r.viewers > 0 || state.recent.contains(&r.slug);
                match result {
                    Ok(out) => {
                        r.page_count = out.svg.len();
                        r.pages = if keep { out.svg.into_iter().map(|svg| add_svg(&mut state.svgs, svg)).collect() } else { Vec::new() };
                        r.figures = String::from_utf8_lossy(&out.csv).into_owned();
                        r.published_figures = std::fs::read_to_string(job.published.with_extension("figures.csv")).ok();
                        r.render_problems.clear();
                        r.rendered = Some((at, took));
                    }
                    Err(problems) => r.render_problems = problems,
                }
                notify.push((r.slug.clone(), r.version));
            }
            // Pages no report shows any more are let go, and those of reports no longer open.
            for r in state.reports.values_mut() {
                if r.viewers == 0 && !state.recent.contains(&r.slug) {
                    r.pages.clear();
                }
            }
            let held: BTreeSet<&String> = state.reports.values().flat_map(|r| &r.pages).collect();
            state.svgs.retain(|h, _| held.contains(h));
        }
        tracing::debug!(reports = jobs.len(), took = ?clock.elapsed(), "rendered");
        for (slug, version) in notify {
            self.shared.notify(Some(&slug), version);
        }
        self.shared.notify(None, 0);
    }
}

fn add_svg(svgs: &mut HashMap<String, Arc<String>>, svg: String) -> String {
    let hash = crate::record::hash(svg.as_bytes());
    svgs.entry(hash.clone()).or_insert_with(|| Arc::new(svg));
    hash
}

/// Whether `p` is about a file `r` reads, or about `r` itself.
fn belongs(p: &Problem, r: &Report) -> bool {
    let file = &p.location.file;
    r.reads.contains(file) || *file == r.pdf || *file == r.published
}

fn new_report(slug: &str, job: &Job) -> Report {
    let mut r = Report {
        slug: slug.to_string(),
        title: String::new(),
        framework: String::new(),
        period: String::new(),
        aggregate: false,
        status: "draft",
        in_plan: true,
        reads: BTreeSet::new(),
        pdf: PathBuf::new(),
        published: PathBuf::new(),
        pages: Vec::new(),
        page_count: 0,
        figures: String::new(),
        published_figures: None,
        version: 0,
        rendered: None,
        data_problems: Vec::new(),
        render_problems: Vec::new(),
        stale: true,
        viewers: 0,
    };
    planned(&mut r, job, BTreeSet::new());
    r
}

/// What the current plan says of a report: its names, status, paths and the files it reads.
fn planned(r: &mut Report, job: &Job, reads: BTreeSet<PathBuf>) {
    let status = |s: crate::inspection::Status| if s == crate::inspection::Status::Draft { "draft" } else { "published" };
    (r.title, r.framework, r.period, r.aggregate, r.status) = match &job.what {
        JobKind::Area { inspection: i, .. } => (i.area.clone(), i.framework.clone(), i.period.clone(), false, status(i.status)),
        JobKind::Aggregate { spec, .. } => (spec.title.clone(), spec.framework.clone(), spec.period.clone(), true, status(spec.status)),
    };
    r.reads = reads;
    r.pdf = job.pdf.clone();
    r.published = job.published.clone();
    r.in_plan = true;
}
