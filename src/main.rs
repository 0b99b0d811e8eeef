//! The thin binary: parse arguments, run the library, map the outcome to an exit code.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use inspection_reports::error::Kind;
use inspection_reports::project;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let (settings, verb) = cli.settings();
    let quiet = cli.quiet();
    let progress = move |line: &str| {
        if !quiet {
            eprintln!("{line}");
        }
    };
    if !quiet && std::io::stderr().is_terminal() {
        eprintln!("{verb} reports from {}", settings.data.display());
    }
    let summary = project::run(&settings, &progress);
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    for p in &summary.problems.0 {
        eprintln!("error: {p}");
    }
    let pages: usize = summary.built.iter().map(|b| b.pages).sum();
    let done = if settings.write { "built" } else { "checked" };
    eprintln!(
        "{} reports {done} ({pages} pages), {} failed, {} warnings, in {:.1} s",
        summary.built.len(),
        summary.failed,
        summary.warnings.len(),
        summary.elapsed.as_secs_f64()
    );
    ExitCode::from(match summary.worst() {
        None => cli::EXIT_OK,
        Some(Kind::Data) => cli::EXIT_DATA,
        Some(Kind::Template) => cli::EXIT_TEMPLATE,
        Some(Kind::Internal) => cli::EXIT_INTERNAL,
    })
}
