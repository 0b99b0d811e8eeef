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
    let code = match summary.worst() {
        None => cli::EXIT_OK,
        Some(Kind::Data) => cli::EXIT_DATA,
        Some(Kind::Template) => cli::EXIT_TEMPLATE,
        Some(Kind::Internal) => cli::EXIT_INTERNAL,
    };
    if cli.message_format() == cli::MessageFormat::Json {
        print_json(&summary, code);
        return ExitCode::from(code);
    }
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
    ExitCode::from(code)
}

/// One JSON object per line: every report built, every warning and error, then the summary.
fn print_json(summary: &project::Summary, code: u8) {
    use serde_json::json;
    for b in &summary.built {
        println!("{}", json!({ "type": "built", "pdf": b.pdf, "pages": b.pages }));
    }
    for (severity, list) in [("warning", &summary.warnings), ("error", &summary.problems.0)] {
        for p in list {
            println!("{}", json!({ "type": "problem", "severity": severity, "kind": p.kind, "location": p.location, "message": p.message, "hint": p.hint }));
        }
    }
    println!(
        "{}",
        json!({ "type": "summary", "built": summary.built.len(), "failed": summary.failed, "warnings": summary.warnings.len(), "seconds": summary.elapsed.as_secs_f64(), "exit_code": code })
    );
}
