//! The live preview for inspectors (`serve`): a local web server that shows every report of the
//! data folder as a draft, page by page, and re-renders a report within a second of a save to
//! any file it reads.
//!
//! Three parts, each on its own thread:
//!
//! - the **watcher** ([`notify`] with a debouncer; polling where file events do not arrive, such
//!   as network drives) turns saves into the project's own paths;
//! - the **builder** ([`builder`]) holds one warm Typst engine, plans again after each change
//!   (the same plan as `build`, every report a draft), re-renders the reports that read a changed
//!   file (those open in a browser at once, the others in the background), and keeps the last
//!   good pages of each report with the problems found since, worded as `check` words them;
//! - the **server** ([`http`], axum on a one-thread tokio runtime) serves the pages it holds in
//!   memory and tells every open browser what changed (server-sent events).
//!
//! Nothing is written to disk: the rendered pages live in memory. The output folder is only read
//! (the published figures a draft is compared with).

mod builder;
mod http;
mod pages;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Location, Problem};
use crate::project::Settings;

pub use builder::Snapshot;

/// How the preview server listens and watches.
#[derive(Debug, Clone)]
pub struct Options {
    /// Address to listen on: the loopback address unless asked otherwise.
    pub addr: SocketAddr,
    /// Poll the folders every so often instead of waiting for file events (network drives).
    pub poll: Option<Duration>,
    /// How long a burst of file events is gathered before the reports are made again.
    pub debounce: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { addr: SocketAddr::from(([127, 0, 0, 1], 7300)), poll: None, debounce: Duration::from_millis(30) }
    }
}

/// A running preview server; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<builder::Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    _watcher: Box<dyn std::any::Any + Send>,
}

impl Server {
    /// Where it listens (the port chosen by the system when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The state of one report (`omi2/2011-12/lancashire`, `aggregate/cci-2011-12`), for
    /// tests and the benchmark.
    pub fn snapshot(&self, slug: &str) -> Option<Snapshot> {
        self.shared.snapshot(slug)
    }

    /// Whether reports are still being made (the first pass, or after a change).
    pub fn busy(&self) -> bool {
        self.shared.busy()
    }

    /// Blocks until the server stops (Ctrl-C ends the process).
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.shared.stop();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Starts the preview of the project `settings` describes: plans, starts the watcher, the
/// builder and the server, and returns once the server listens. Reports are made when a
/// browser asks for them, and in the background.
pub fn start(settings: &Settings, options: &Options) -> Result<Server, Problem> {
    let mut settings = settings.clone();
    settings.draft = true;
    settings.write = false;
    settings.svg_pages = true;
    settings.changed_only = false;
    settings.correction = None;
    settings.shard = None;
    settings.dump_typst = None;

    let listener = std::net::TcpListener::bind(options.addr).map_err(|e| {
        Problem::internal(Location::default(), format!("cannot listen on {}: {e}", options.addr))
            .with_hint("another program (or another preview) uses this port: choose another with --port")
    })?;
    listener.set_nonblocking(true).map_err(|e| Problem::internal(Location::default(), format!("cannot listen: {e}")))?;
    let addr = listener.local_addr().map_err(|e| Problem::internal(Location::default(), format!("cannot listen: {e}")))?;

    let (shared, requests) = builder::Shared::new();
    let watched = Watched::new(&settings);
    let watcher = watch(&watched, options, shared.clone())?;

    let mut threads = Vec::new();
    {
        let shared = shared.clone();
        let settings = settings.clone();
        threads.push(
            std::thread::Builder::new()
                .name("preview-builder".into())
                .spawn(move || builder::run(settings, shared, requests))
                .map_err(|e| Problem::internal(Location::default(), format!("cannot start the builder: {e}")))?,
        );
    }
    let (stop, stopped) = tokio::sync::oneshot::channel();
    {
        let shared = shared.clone();
        let loopback = options.addr.ip().is_loopback();
        threads.push(
            std::thread::Builder::new()
                .name("preview-http".into())
                .spawn(move || http::serve(listener, addr, loopback, shared, stopped))
                .map_err(|e| Problem::internal(Location::default(), format!("cannot start the server: {e}")))?,
        );
    }
    Ok(Server { addr, shared, stop: Some(stop), threads, _watcher: watcher })
}

/// The folders the preview watches, as the settings name them and as the file system does
/// (events come with absolute paths; the plan and the messages use the settings' paths, so that
/// a problem reads exactly as `check` prints it).
struct Watched {
    folders: Vec<(PathBuf, PathBuf)>,
}

impl Watched {
    fn new(settings: &Settings) -> Watched {
        let folders = [&settings.data, &settings.templates, &settings.fonts]
            .into_iter()
            .map(|p| (p.clone(), std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
            .collect();
        Watched { folders }
    }

    /// `path` as the settings name it, if it is under a watched folder.
    fn project_path(&self, path: &Path) -> Option<PathBuf> {
        self.folders.iter().find_map(|(named, real)| path.strip_prefix(real).ok().map(|rest| named.join(rest)))
    }
}

fn watch(watched: &Watched, options: &Options, shared: Arc<builder::Shared>) -> Result<Box<dyn std::any::Any + Send>, Problem> {
    use notify::event::{AccessKind, AccessMode};
    use notify::{EventKind, RecursiveMode};
    use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, NoCache, RecommendedCache};

    let folders: Vec<(PathBuf, PathBuf)> = watched.folders.clone();
    let map = Watched { folders: folders.clone() };
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            // Reading a file (the builder reads every input) is an event too: only changes count.
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| {
                    matches!(
                        e.event.kind,
                        EventKind::Create(_)
                            | EventKind::Modify(_)
                            | EventKind::Remove(_)
                            | EventKind::Any
                            | EventKind::Access(AccessKind::Close(AccessMode::Write))
                    )
                })
                .flat_map(|e| e.event.paths.iter().filter_map(|p| map.project_path(p)))
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                shared.changed(paths);
            }
        }
        Err(errors) => {
            for e in errors {
                tracing::warn!("file watcher: {e}");
            }
        }
    };
    let failed = |e: notify::Error| {
        Problem::internal(Location::default(), format!("cannot watch the project's folders: {e}"))
            .with_hint("on a network drive, where file events do not arrive, run with --poll")
    };
    match options.poll {
        Some(every) => {
            // Contents, not only times: the polling watcher reads times to the second, and two saves
            // within one second would look like one.
            let config = notify::Config::default().with_poll_interval(every).with_compare_contents(true);
            let mut d = new_debouncer_opt::<_, notify::PollWatcher, NoCache>(options.debounce, None, handler, NoCache, config).map_err(failed)?;
            for (_, real) in &folders {
                d.watch(real, RecursiveMode::Recursive).map_err(failed)?;
            }
            Ok(Box::new(d))
        }
        None => {
            let mut d = new_debouncer_opt::<_, notify::RecommendedWatcher, RecommendedCache>(
                options.debounce,
                None,
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )
            .map_err(failed)?;
            for (_, real) in &folders {
                d.watch(real, RecursiveMode::Recursive).map_err(failed)?;
            }
            Ok(Box::new(d))
        }
    }
}
