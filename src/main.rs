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
    if let Some(n) = settings.jobs {
        // Typst's own parallel work (layout, export) shares the same number of threads.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
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
        json!({
            "type": "summary",
            "built": summary.built.len(),
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
