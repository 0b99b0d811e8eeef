//! The publication record: what every published report was made from and what was written,
//! kept in the output folder (`publication-record.json`), so that a later run can tell which
//! reports a correction touches (`build --changed`) and rebuild only those.
//!
//! A JSON manifest, not a database: one small file per output folder, readable and diffable
//! by the publications team, written whole and atomically (temporary file, sync, rename) after
//! the reports it describes, so a run killed at any moment leaves the previous record or the
//! new one, never a mix. Each entry holds the content hash (SHA-256) of every input file the
//! report read, of the templates and fonts, the program version, its comparison set, and the
//! hashes of the PDF and figures CSV written, with the hashes of the versions it replaced.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Location, Problem};

/// The record's file name in the output folder.
pub const FILE: &str = "publication-record.json";

/// Every published report of an output folder, by its path in the folder (`omi2/2011-12/cumbria.pdf`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The format of this file; a reader refuses a newer one.
    pub format: u32,
    pub reports: BTreeMap<String, Entry>,
}

/// One published report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub publication_date: String,
    /// The inspections it is compared with (an area report) or covers (an aggregate), by id.
    pub comparison: Vec<String>,
    /// Content hash of every input, by name: `data/<path>` for its own data files (framework,
    /// inspection file and export, or aggregate definition), `comparison set` for the files of
    /// every inspection it is compared with or covers (one hash over their names and contents),
    /// `templates` and `fonts` for those folders as a whole, `program` for the version.
    pub inputs: BTreeMap<String, String>,
    /// Content hashes of what was written.
    pub pdf: String,
    pub figures_csv: String,
    /// Content hashes of its HTML edition and data annexe (absent in records written before
    /// there were any): a correction keeps the versions these name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xlsx: Option<String>,
    /// Hashes of the PDFs this one replaced, oldest first.
    #[serde(default)]
    pub replaced: Vec<String>,
    /// The corrections published in it, oldest first.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// Hashes of its text, by part of the report: a later build whose figures are the same
    /// but whose wording is not publishes a correction naming the parts revised.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub text: BTreeMap<String, String>,
}

/// A correction of a published report: its date, its reason, and what changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// `2012-09-14`.
    pub date: String,
    /// `14 September 2012`, as the notice prints it.
    pub shown_date: String,
    pub reason: String,
    pub changes: Vec<ChangedFigure>,
    /// Where the version it replaced is kept, in the output folder.
    pub superseded: String,
}

/// One figure of a correction: `Risk of harm to others: 75% (was 76%)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedFigure {
    pub figure: String,
    pub before: String,
    pub after: String,
}

/// The corrections log of a record: every correction of every report, by date, as CSV and as
/// Markdown (`corrections.csv`, `corrections.md` beside the record).
pub fn corrections_log(record: &Record) -> (Vec<u8>, String) {
    let mut rows: Vec<(&String, &String, &Correction)> = Vec::new();
    for (report, e) in &record.reports {
        for c in &e.corrections {
            rows.push((&c.date, report, c));
        }
    }
    rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut csv = csv::Writer::from_writer(Vec::new());
    let _ = csv.write_record(["date", "report", "figure", "before", "after", "reason", "superseded version"]);
    let mut md = String::from("# Corrections\n\nEvery correction of a published report, oldest first. The version each one replaced is kept beside it.\n");
    for (date, report, c) in &rows {
        md.push_str(&format!(
            "\n## {} — {report}\n\n{}\n\nSuperseded version: `{}`\n\n| figure | before | after |\n|---|---|---|\n",
            c.shown_date, c.reason, c.superseded
        ));
        for f in &c.changes {
            let cells = [
                date.as_str(),
                report.as_str(),
                &crate::render::figures_csv::cell(&f.figure),
                &f.before,
                &f.after,
                &crate::render::figures_csv::cell(&c.reason),
                &c.superseded,
            ];
            let _ = csv.write_record(cells);
            md.push_str(&format!("| {} | {} | {} |\n", f.figure.replace('|', "\\|"), f.before, f.after));
        }
    }
    (csv.into_inner().unwrap_or_default(), md)
}

const FORMAT: u32 = 1;

/// A report's key in the record: its path in the output folder, with `/` on every system
/// (`omi2/2011-12/cumbria.pdf`).
pub fn key(output: &Path, pdf: &Path) -> String {
    pdf.strip_prefix(output).unwrap_or(pdf).to_string_lossy().replace('\\', "/")
}

/// SHA-256 of `bytes`, as lowercase hex.
pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The record of `output`; an empty one when there is none yet.
pub fn load(output: &Path) -> Result<Record, Problem> {
    let path = output.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Record { format: FORMAT, reports: BTreeMap::new() }),
        Err(e) => return Err(Problem::io(&path, "read the publication record", &e)),
    };
    let record: Record = serde_json::from_str(&text).map_err(|e| {
        Problem::internal(Location::file(&path).row(e.line()), format!("the publication record is not readable: {e}")).with_hint(
            "restore it from the backup of the output folder, or delete it: the next `build` writes a new one (and `build --changed` then rebuilds everything)",
        )
    })?;
    if record.format > FORMAT {
        return Err(Problem::internal(
            Location::file(&path),
            format!("the publication record is of format {}, newer than this program's {FORMAT}", record.format),
        )
        .with_hint("build with the newer version of the program that wrote it"));
    }
    Ok(record)
}

/// Writes the record atomically.
pub fn save(output: &Path, record: &Record) -> Result<(), Problem> {
    save_as(output, FILE, record)
}

/// Writes `record` atomically as `name` in `output` (the record, or a shard's fragment).
pub fn save_as(output: &Path, name: &str, record: &Record) -> Result<(), Problem> {
    let mut text =
        serde_json::to_string_pretty(record).map_err(|e| Problem::internal(Location::file(output.join(name)), format!("could not write the record: {e}")))?;
    text.push('\n');
    crate::publish::write_atomic(&output.join(name), text.as_bytes())
}

/// The record fragment of shard `index` (0-based) of `count`.
pub fn fragment_name(index: usize, count: usize) -> String {
    format!("publication-record.shard-{}-of-{count}.json", index + 1)
}

/// Joins the fragments the shards of a run wrote into the record (`merge-records`), then
/// removes them; the corrections log is made anew. Fragments of different shard counts are
/// refused: they come from different runs. Returns how many reports the fragments held.
pub fn merge(output: &Path) -> Result<usize, Problem> {
    let mut fragments: Vec<(usize, std::path::PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(output).map_err(|e| Problem::io(output, "read the output folder", &e))? {
        let path = entry.map_err(|e| Problem::io(output, "read the output folder", &e))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(count) = name
            .strip_prefix("publication-record.shard-")
            .and_then(|r| r.strip_suffix(".json"))
            .and_then(|r| r.split_once("-of-"))
            .and_then(|(_, n)| n.parse::<usize>().ok())
        {
            fragments.push((count, path));
        }
    }
    fragments.sort();
    if fragments.is_empty() {
        return Err(Problem::internal(Location::file(output), "there is no record fragment to merge")
            .with_hint("run the shards first: `build --shard k/n` writes publication-record.shard-k-of-n.json"));
    }
    if fragments.iter().any(|(n, _)| *n != fragments[0].0) {
        return Err(Problem::internal(Location::file(output), "the record fragments come from runs of different shard counts")
            .with_hint("remove the fragments of the older run (publication-record.shard-*.json) and merge again"));
    }
    // Every part must be there: a merged record missing a part would disagree with the files.
    let count = fragments[0].0;
    let missing: Vec<String> = (0..count).map(|i| fragment_name(i, count)).filter(|n| !output.join(n).is_file()).collect();
    if !missing.is_empty() {
        return Err(Problem::internal(
            Location::file(output),
            format!("the record fragments of {} of the {count} shards are missing: {}", missing.len(), missing.join(", ")),
        )
        .with_hint("run the missing shards (`build --shard k/n`), then merge"));
    }
    let mut record = load(output)?;
    let mut merged = 0;
    for (_, path) in &fragments {
        let text = crate::error::read_to_string(path)?;
        let fragment: Record =
            serde_json::from_str(&text).map_err(|e| Problem::internal(Location::file(path), format!("the record fragment is not readable: {e}")))?;
        merged += fragment.reports.len();
        record.format = record.format.max(fragment.format).max(FORMAT);
        record.reports.extend(fragment.reports);
    }
    save(output, &record)?;
    if record.reports.values().any(|e| !e.corrections.is_empty()) {
        let (csv, md) = corrections_log(&record);
        crate::publish::write_if_changed(&output.join("corrections.csv"), &csv)?;
        crate::publish::write_if_changed(&output.join("corrections.md"), md.as_bytes())?;
    }
    for (_, path) in &fragments {
        std::fs::remove_file(path).map_err(|e| Problem::io(path, "remove the merged fragment", &e))?;
    }
    Ok(merged)
}

/// One hash for every file under `dir` (names and contents), for the templates and fonts.
pub fn hash_tree(dir: &Path) -> Result<String, Problem> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Problem::internal(Location::file(e.path().unwrap_or(dir)), format!("could not read this folder or file: {e}")))?;
        if entry.file_type().is_file() {
            let bytes = crate::error::read(entry.path())?;
            let name = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            files.push(format!("{name}\t{}", hash(&bytes)));
        }
    }
    Ok(hash(files.join("\n").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(hash(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_record_round_trips_and_a_missing_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().reports.is_empty());
        let mut r = Record { format: FORMAT, reports: BTreeMap::new() };
        r.reports.insert(
            "omi2/2011-12/cumbria.pdf".into(),
            Entry {
                publication_date: "2011-07-05".into(),
                comparison: vec!["cumbria".into()],
                inputs: [("program".to_string(), "0.1.0".to_string())].into(),
                pdf: hash(b"pdf"),
                figures_csv: hash(b"csv"),
                html: Some(hash(b"html")),
                xlsx: None,
                replaced: vec![],
                corrections: vec![],
                text: [("summary".to_string(), hash(b"text"))].into(),
            },
        );
        save(dir.path(), &r).unwrap();
        assert_eq!(load(dir.path()).unwrap(), r);
        std::fs::write(dir.path().join(FILE), "{ not json").unwrap();
        assert!(load(dir.path()).unwrap_err().message.contains("not readable"));
    }
}
