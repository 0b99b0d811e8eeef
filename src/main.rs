//! The thin binary: parse arguments, run the library, map the outcome to an exit code.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use inspection_reports::error::Kind;
use inspection_reports::project::{self, Event};

/// `serve`: the preview until Ctrl-C.
fn serve(settings: &project::Settings, options: &inspection_reports::preview::Options) -> ExitCode {
    if !options.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the draft findings (the default, 127.0.0.1, is this machine only)",
            options.addr.ip()
        );
    }
    match inspection_reports::preview::start(settings, options) {
        Ok(server) => {
            eprintln!("Preview of {} at http://{}/ (drafts only, nothing written; Ctrl-C to stop)", settings.data.display(), server.addr());
            server.wait();
            ExitCode::from(cli::EXIT_OK)
        }
        Err(p) => {
            eprintln!("{}", p.render("error", std::io::stderr().is_terminal()));
            ExitCode::from(cli::EXIT_INTERNAL)
        }
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let (settings, verb) = cli.settings();
    if let Some(n) = settings.jobs {
        // Typst's own parallel work (layout, export) shares the same number of threads.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    init_logging();
    if let Some(options) = cli.serving() {
        return serve(&settings, &options);
    }
    if cli.merging() {
        return merge_records(&settings.output, cli.message_format() == cli::MessageFormat::Json);
    }
    let quiet = cli.quiet();
    let terminal = std::io::stderr().is_terminal();
    if !quiet && terminal {
        eprintln!("{verb} reports from {}", settings.data.display());
    }
    let json = cli.message_format() == cli::MessageFormat::Json;
    let reporter = Reporter::new(
        if json {
            Mode::Json
        } else if quiet {
            Mode::Silent
        } else if terminal {
            Mode::Bar
        } else {
            Mode::Lines
        },
        verb,
    );
    let progress = |event: Event<'_>| reporter.hear(event);
    let summary = project::run(&settings, &progress);
    reporter.finish();
    let code = match summary.worst() {
        None => cli::EXIT_OK,
        Some(Kind::Data) => cli::EXIT_DATA,
        Some(Kind::Template) => cli::EXIT_TEMPLATE,
        Some(Kind::Internal) => cli::EXIT_INTERNAL,
    };
    if json {
        print_summary(&summary, code);
        return ExitCode::from(code);
    }
    // Problems with a source excerpt are shown as `typst compile` and cargo show them.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for w in &summary.warnings {
        eprintln!("{}", w.render("warning", colour));
    }
    for p in &summary.problems.0 {
        eprintln!("{}", p.render("error", colour));
    }
    if cli.timings() {
        eprintln!("time per stage, summed over reports on {} threads:", settings.jobs.unwrap_or_else(rayon::current_num_threads));
        for (stage, t) in summary.timings.stages() {
            eprintln!("  {stage:<11} {:>9.3} s", t.as_secs_f64());
        }
        if let Some(bytes) = peak_memory() {
            eprintln!("  peak memory {:>7.1} MiB", bytes as f64 / (1024.0 * 1024.0));
        }
    }
    let pages: usize = summary.built.iter().map(|b| b.pages).sum();
    let done = if settings.write { "built" } else { "checked" };
    let unchanged = if summary.unchanged > 0 { format!(", {} unchanged", summary.unchanged) } else { String::new() };
    eprintln!(
        "{} reports {done} ({pages} pages){unchanged}, {} failed, {} warnings, in {:.1} s",
        summary.built.len(),
        summary.failed,
        summary.warnings.len(),
        summary.elapsed.as_secs_f64()
    );
    ExitCode::from(code)
}

/// One JSON object per line as the run goes: every report built, every warning and error
/// (`docs/message-format.md`).
fn print_event(event: &Event<'_>) {
    use serde_json::json;
    let problem = |severity: &str, p: &inspection_reports::error::Problem| {
        let mut message = json!({ "type": "problem", "severity": severity, "kind": p.kind, "location": p.location, "message": p.message, "hint": p.hint });
        if let Some(x) = &p.excerpt {
            message["excerpt"] = json!(x);
        }
        message
    };
    let line = match event {
        Event::Built(b) => json!({ "type": "built", "pdf": b.pdf, "pages": b.pages }),
        Event::Problem(p) => problem("error", p),
        Event::Warning(p) => problem("warning", p),
        _ => return,
    };
    println!("{line}");
}

/// The last JSON line: what the run did.
fn print_summary(summary: &project::Summary, code: u8) {
    use serde_json::json;
    println!(
        "{}",
        json!({
            "type": "summary",
            "built": summary.built.len(),
            "unchanged": summary.unchanged,
            "corrected": summary.corrected,
            "pages": summary.built.iter().map(|b| b.pages).sum::<usize>(),
            "failed": summary.failed,
            "warnings": summary.warnings.len(),
            "seconds": summary.elapsed.as_secs_f64(),
            "exit_code": code,
            "timings": summary.timings.stages().iter().map(|(s, t)| (s.replace(' ', "_"), json!(t.as_secs_f64()))).collect::<serde_json::Map<_, _>>(),
            "peak_memory_bytes": peak_memory(),
        })
    );
}

/// The process's peak resident memory (Linux: `VmHWM`), if the system tells.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// Logs for those who debug: `INSPECTION_REPORTS_LOG=debug` (any `tracing` filter directive,
/// such as `inspection_reports::project=debug`); nothing by default.
fn init_logging() {
    let Some(filter) = std::env::var_os("INSPECTION_REPORTS_LOG") else { return };
    let filter = tracing_subscriber::EnvFilter::new(filter.to_string_lossy());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `--quiet`: nothing while building.
    Silent,
    /// `--message-format json`: a JSON line for every report built and every problem.
    Json,
    /// A terminal: one progress bar (done of total, the report being made, elapsed).
    Bar,
    /// A log file or a pipe: one plain line per report.
    Lines,
}

/// Shows a run's progress as `Mode` says.
struct Reporter {
    mode: Mode,
    bar: Option<indicatif::ProgressBar>,
}

impl Reporter {
    fn new(mode: Mode, verb: &str) -> Reporter {
        let bar = (mode == Mode::Bar).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            let style = indicatif::ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} reports, {elapsed} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(verb.to_lowercase());
            bar
        });
        Reporter { mode, bar }
    }

    fn hear(&self, event: Event<'_>) {
        match (self.mode, event) {
            (Mode::Silent, _) => {}
            (Mode::Json, e) => print_event(&e),
            (Mode::Bar, e) => {
                let Some(bar) = &self.bar else { return };
                match e {
                    Event::Planned(n) => bar.set_length(n as u64),
                    Event::Started(pdf) => bar.set_message(short(pdf)),
                    Event::Done { .. } | Event::Failed(_) => bar.inc(1),
                    Event::Built(_) | Event::Problem(_) | Event::Warning(_) => {}
                }
            }
            (Mode::Lines, Event::Done { pdf, pages, written }) => {
                eprintln!("{:>8} {} ({pages} pages)", if written { "built" } else { "checked" }, pdf.display());
            }
            (Mode::Lines, Event::Failed(pdf)) => eprintln!("{:>8} {}", "failed", pdf.display()),
            (Mode::Lines, _) => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `omi2/2011-12/cumbria.pdf` from a report's full path.
fn short(pdf: &std::path::Path) -> String {
    let parts: Vec<_> = pdf.iter().rev().take(3).collect();
    parts.into_iter().rev().map(|p| p.to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// `merge-records`: the shards' record fragments joined into the record.
fn merge_records(output: &std::path::Path, json: bool) -> ExitCode {
    let _lock = match inspection_reports::publish::OutputLock::acquire(output) {
        Ok(l) => l,
        Err(p) => {
            eprintln!("{}", p.render("error", false));
            return ExitCode::from(cli::EXIT_INTERNAL);
        }
    };
    match inspection_reports::record::merge(output) {
        Ok(n) => {
            if json {
                println!("{}", serde_json::json!({ "type": "merged", "reports": n, "exit_code": 0 }));
            } else {
                eprintln!("merged the record fragments: {n} reports");
            }
            ExitCode::from(cli::EXIT_OK)
        }
        Err(p) => {
            eprintln!("{}", p.render("error", std::io::stderr().is_terminal()));
            ExitCode::from(cli::EXIT_INTERNAL)
        }
    }
}
