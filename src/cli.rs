//! Command-line arguments (clap). They become a validated `project::Settings` here and never
//! reach the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use inspection_reports::project::{Filter, Settings, Shard};

/// Everything built, nothing wrong.
pub const EXIT_OK: u8 = 0;
/// A data file is wrong (framework, inspection, export): fix the file named in the message.
pub const EXIT_DATA: u8 = 1;
/// A report template failed.
pub const EXIT_TEMPLATE: u8 = 3;
/// Reading or writing files failed, or a bug.
pub const EXIT_INTERNAL: u8 = 4;

/// Builds the inspectorate's area inspection reports and aggregate reports as PDF from scored
/// case exports.
#[derive(Debug, Parser)]
#[command(version, about, after_help = "Exit codes: 0 success, 1 data errors, 2 usage, 3 template errors, 4 internal failure.")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build reports into the output folder (every report, or those the filters select).
    Build(RunArgs),
    /// Run every stage but writing: report every problem in data and templates.
    Check(RunArgs),
    /// Join the publication record fragments written by `build --shard k/n` into the record.
    MergeRecords(RunArgs),
    /// Preview every report as a draft in the browser, made again within a second of a save
    /// (http://127.0.0.1:7300/ by default). Writes nothing.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Project root holding data/, report-templates/, fonts/ and output/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Data folder with frameworks/, inspections/ and aggregates/ (default: <root>/data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Output folder, only read: drafts are compared with the reports published there
    /// (default: <root>/output).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Only reports of this framework (for example `cci`).
    #[arg(long)]
    framework: Option<String>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 7300)]
    port: u16,
    /// Address to listen on. The default, 127.0.0.1, is reachable from this machine only;
    /// another address shows the draft findings to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Look for changes every N milliseconds instead of waiting for file events (network
    /// drives, some containers).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(50..=60_000))]
    poll: Option<u64>,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Project root holding data/, report-templates/, fonts/ and output/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Data folder with frameworks/, inspections/ and aggregates/ (default: <root>/data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Output folder (default: <root>/output).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Only reports of this framework (for example `cci`).
    #[arg(long)]
    framework: Option<String>,
    /// Only the report of this inspection (its folder name).
    #[arg(long)]
    inspection: Option<String>,
    /// Only the report of this area (its name, any case).
    #[arg(long)]
    area: Option<String>,
    /// Mark every page "DRAFT – not for publication".
    #[arg(long)]
    draft: bool,
    /// Print the time spent in each stage, summed over reports, and the peak memory.
    #[arg(long)]
    timings: bool,
    /// Number of reports typeset at once (default: one per core).
    #[arg(long, short, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Also write each report's Typst input (template name and generated files) under this
    /// folder, to see exactly what a template was given.
    #[arg(long, value_name = "DIR")]
    dump_typst: Option<PathBuf>,
    /// Build only the published reports whose inputs changed since the publication record
    /// (output/publication-record.json): after a data correction, exactly the reports it
    /// touches. Reports that come out byte for byte as before are not rewritten.
    #[arg(long)]
    changed: bool,
    /// The date a correction is published (YYYY-MM-DD): a published report whose figures
    /// change is republished with a dated notice, keeping the version it replaces.
    #[arg(long, value_name = "DATE", requires = "reason", value_parser = parse_date)]
    as_of: Option<inspection_reports::date::Date>,
    /// Why the figures were corrected, in words for readers (printed in the notice).
    #[arg(long, requires = "as_of")]
    reason: Option<String>,
    /// Build only part K of N of the reports (`--shard 2/3`), for a batch scheduler's array of
    /// tasks: each framework's reports stay in one part, parts are balanced by expected pages.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Print only the summary line and problems.
    #[arg(long, short)]
    quiet: bool,
    /// `human` (default) or `json`: one JSON object per line on standard output, for scheduled jobs.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

/// How messages are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

impl Cli {
    /// The library settings, and the verb for messages.
    pub fn settings(&self) -> (Settings, &'static str) {
        if let Command::Serve(a) = &self.command {
            let mut s = Settings::for_root(&a.root);
            if let Some(d) = &a.data {
                s.data = d.clone();
            }
            if let Some(o) = &a.output {
                s.output = o.clone();
            }
            s.write = false;
            s.draft = true;
            s.filter = Filter::new(a.framework.clone(), None, None);
            return (s, "Previewing");
        }
        let (args, write, verb) = match &self.command {
            Command::Build(a) => (a, true, "Building"),
            Command::Check(a) => (a, false, "Checking"),
            Command::MergeRecords(a) => (a, true, "Merging"),
            Command::Serve(_) => unreachable!("handled above"),
        };
        let mut s = Settings::for_root(&args.root);
        if let Some(d) = &args.data {
            s.data = d.clone();
        }
        if let Some(o) = &args.output {
            s.output = o.clone();
        }
        s.jobs = args.jobs.map(usize::from);
        s.dump_typst = args.dump_typst.clone();
        s.write = write;
        s.draft = args.draft;
        s.filter = Filter::new(args.framework.clone(), args.inspection.clone(), args.area.clone());
        s.shard = args.shard;
        s.changed_only = args.changed;
        s.correction = args.as_of.zip(args.reason.clone());
        (s, verb)
    }

    fn args(&self) -> Option<&RunArgs> {
        match &self.command {
            Command::Build(a) | Command::Check(a) | Command::MergeRecords(a) => Some(a),
            Command::Serve(_) => None,
        }
    }

    /// `serve`: how the preview listens and watches.
    pub fn serving(&self) -> Option<inspection_reports::preview::Options> {
        let Command::Serve(a) = &self.command else { return None };
        Some(inspection_reports::preview::Options {
            addr: std::net::SocketAddr::new(a.bind, a.port),
            poll: a.poll.map(std::time::Duration::from_millis),
            ..Default::default()
        })
    }

    /// `merge-records`: no build, only the record fragments joined.
    pub fn merging(&self) -> bool {
        matches!(self.command, Command::MergeRecords(_))
    }

    pub fn quiet(&self) -> bool {
        self.args().is_some_and(|a| a.quiet) || self.message_format() == MessageFormat::Json
    }

    pub fn timings(&self) -> bool {
        self.args().is_some_and(|a| a.timings)
    }

    pub fn message_format(&self) -> MessageFormat {
        self.args().map_or(MessageFormat::Human, |a| a.message_format)
    }
}

fn parse_date(text: &str) -> Result<inspection_reports::date::Date, String> {
    inspection_reports::date::Date::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
