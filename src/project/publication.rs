//! The publication side of a run: what each published report of the plan read (hashed, for
//! the record), what it needs to publish a correction, which reports are as recorded
//! (`--changed`), the disk sink that writes typeset reports, and the record written after.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::plan::{Job, Plan};
use super::{Built, Event, Settings, Tally};
use crate::error::{Location, Problem, Problems};
use crate::publish;
use crate::record::Record;

/// Reads the hashes of every published job's inputs and, for a published report made again,
/// what it needs to publish a correction; with `--changed`, takes out of the plan the reports
/// whose inputs and outputs are as recorded.
pub(crate) fn prepare(plan: &mut Plan, inputs: &super::inputs::Inputs, record: &Record, settings: &Settings, tally: &mut Tally<'_>) -> Result<(), Problems> {
    let mut hashes = InputHashes::new(settings)?;
    for job in plan.jobs.iter_mut().filter(|j| !j.draft) {
        job.inputs = hashes.of(&job.own, &job.set_files)?;
    }
    // A published report made again is a correction if its figures change: it needs the
    // published figures and the corrections it already carries.
    let mut refused = Vec::new();
    for job in plan.jobs.iter_mut().filter(|j| !j.draft) {
        let key = crate::record::key(&settings.output, &job.pdf);
        // What was published: as recorded, or, for a PDF published before there was a record
        // (or after it was deleted), the files themselves.
        let (pdf_hash, csv_hash, earlier, previous_text, editions) = match record.reports.get(&key) {
            Some(entry) => {
                (entry.pdf.clone(), entry.figures_csv.clone(), entry.corrections.clone(), entry.text.clone(), (entry.html.clone(), entry.xlsx.clone()))
            }
            None => match (std::fs::read(&job.pdf), std::fs::read(job.pdf.with_extension("figures.csv"))) {
                (Err(_), _) => continue,
                (Ok(pdf), Ok(csv)) => {
                    let edition = |ext: &str| std::fs::read(job.pdf.with_extension(ext)).ok().map(|b| crate::record::hash(&b));
                    (crate::record::hash(&pdf), crate::record::hash(&csv), Vec::new(), BTreeMap::new(), (edition("html"), edition("xlsx")))
                }
                (Ok(_), Err(_)) => {
                    refused.push(job.pdf.clone());
                    continue;
                }
            },
        };
        // The published figures: the CSV beside the PDF, unless a run that was stopped already
        // replaced it (its hash is not the record's); then the published one is the copy that
        // run kept first. None found: a correction could not be told.
        let Some(previous_csv) = published_figures(&job.pdf, &csv_hash) else {
            refused.push(job.pdf.clone());
            continue;
        };
        // The correction's date and reason: from the command line, else from the corrections
        // recorded in the data since this report was published or last corrected.
        let new = settings.correction.clone().or_else(|| recorded_correction(job, &earlier, inputs));
        job.correction = Some(crate::render::CorrectionInput {
            previous_csv,
            earlier,
            superseded: superseded_name(&settings.output, &key, &pdf_hash, new.as_ref().map(|c| c.0)),
            new,
            published: (pdf_hash, csv_hash),
            published_editions: editions,
            previous_text,
        });
    }
    plan.refuse(tally, refused, |pdf| {
        Problem::data(
            Location::file(pdf),
            "not republished: the published figures of this report cannot be found, so whether this build corrects them cannot be told",
        )
        .with_hint(
            "restore its figures CSV (`.figures.csv` beside the PDF) from the backup; or, to publish it anew, move the published PDF out of the output folder",
        )
    });
    if settings.changed_only {
        let before = plan.jobs.len();
        plan.jobs.retain(|job| job.draft || !as_recorded(job, record, &settings.output));
        tally.summary.unchanged = before - plan.jobs.len();
    }
    Ok(())
}

/// The correction a report publishes according to the data: the corrections recorded in the
/// inspection files it reads (its own and those of its comparison set, or of the areas it
/// covers) dated after its publication and after its last correction; the latest date, with
/// every reason given since.
fn recorded_correction(job: &Job, earlier: &[crate::record::Correction], inputs: &super::inputs::Inputs) -> Option<(crate::date::Date, String)> {
    let since = earlier.iter().filter_map(|c| crate::date::Date::parse(&c.date).ok()).max().map_or(job.date, |d| d.max(job.date));
    let mut found: Vec<(crate::date::Date, &str)> = Vec::new();
    for (spec, _) in job.comparison.iter().filter_map(|id| inputs.inspection(job.framework(), id)) {
        for c in spec.corrections.iter().filter(|c| c.date > since) {
            found.push((c.date, &c.reason));
        }
    }
    found.sort();
    found.dedup();
    let date = found.last()?.0;
    let reasons: Vec<&str> = found.iter().map(|(_, r)| r.trim()).collect();
    Some((date, reasons.join(" ")))
}

/// Content hashes of input files, each read once per run.
struct InputHashes<'s> {
    settings: &'s Settings,
    files: std::collections::HashMap<PathBuf, String>,
    fixed: BTreeMap<String, String>,
}

impl<'s> InputHashes<'s> {
    fn new(settings: &'s Settings) -> Result<Self, Problems> {
        let mut fixed = BTreeMap::new();
        fixed.insert("templates".to_string(), crate::record::hash_tree(&settings.templates)?);
        fixed.insert("fonts".to_string(), crate::record::hash_tree(&settings.fonts)?);
        fixed.insert("program".to_string(), concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION")).to_string());
        Ok(InputHashes { settings, files: std::collections::HashMap::new(), fixed })
    }

    /// The hashes of `files` (named `data/<path in the data folder>`), of the templates, fonts
    /// and program, and `comparison set`: one hash over the files of `set` (names and contents).
    fn of(&mut self, files: &[PathBuf], set: &[PathBuf]) -> Result<BTreeMap<String, String>, Problems> {
        let mut out = self.fixed.clone();
        for f in files {
            let (name, hash) = self.file(f)?;
            out.insert(name, hash);
        }
        let mut lines = Vec::with_capacity(set.len());
        for f in set {
            let (name, hash) = self.file(f)?;
            lines.push(format!("{name}\t{hash}"));
        }
        lines.sort();
        out.insert("comparison set".to_string(), crate::record::hash(lines.join("\n").as_bytes()));
        Ok(out)
    }

    /// A file's name in the record (`data/<path>`) and content hash, read once per run.
    fn file(&mut self, f: &Path) -> Result<(String, String), Problems> {
        let hash = match self.files.get(f) {
            Some(h) => h.clone(),
            None => {
                let h = crate::record::hash(&crate::error::read(f)?);
                self.files.insert(f.to_path_buf(), h.clone());
                h
            }
        };
        let name = f
            .strip_prefix(&self.settings.data)
            .map_or_else(|_| f.to_string_lossy().into_owned(), |r| format!("data/{}", r.to_string_lossy().replace('\\', "/")));
        Ok((name, hash))
    }
}

/// Whether a published report's inputs, PDF and figures CSV are exactly as the record has them.
fn as_recorded(job: &Job, record: &Record, output: &Path) -> bool {
    let key = crate::record::key(output, &job.pdf);
    let Some(entry) = record.reports.get(&key) else { return false };
    let same_file = |path: &Path, hash: &str| std::fs::read(path).is_ok_and(|b| crate::record::hash(&b) == hash);
    entry.inputs == job.inputs && same_file(&job.pdf, &entry.pdf) && same_file(&job.pdf.with_extension("figures.csv"), &entry.figures_csv)
}

/// Where a correction keeps the published version of `key` (`omi2/2011-12/lancashire.pdf`):
/// the copy a stopped run already kept, if there is one; else `<name>.superseded-<date>.pdf`,
/// numbered (`-2`, `-3`) when a copy of another version already has that name.
fn superseded_name(output: &Path, key: &str, published: &str, date: Option<crate::date::Date>) -> String {
    let stem = key.trim_end_matches(".pdf");
    let holds_published = |name: &str| std::fs::read(output.join(name)).is_ok_and(|b| crate::record::hash(&b) == published);
    let dir = output.join(key).parent().map(Path::to_path_buf).unwrap_or_else(|| output.to_path_buf());
    let file_stem = Path::new(stem).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = Path::new(stem).parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let in_folder = |name: String| if parent.is_empty() { name } else { format!("{parent}/{name}") };
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut kept: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("{file_stem}.superseded-")) && n.ends_with(".pdf"))
            .collect();
        kept.sort();
        if let Some(name) = kept.into_iter().map(in_folder).find(|n| holds_published(n)) {
            return name;
        }
    }
    let date = date.map_or_else(|| "undated".to_string(), |d| d.to_string());
    (1..)
        .map(|n| if n == 1 { format!("{stem}.superseded-{date}.pdf") } else { format!("{stem}.superseded-{date}-{n}.pdf") })
        .find(|name| !output.join(name).exists())
        .expect("a free name")
}

/// The published figures CSV of the report `pdf` (the one whose hash the record holds): beside
/// it, or, after a run that was stopped midway through a correction, the copy kept first.
fn published_figures(pdf: &Path, recorded: &str) -> Option<String> {
    let csv = pdf.with_extension("figures.csv");
    if let Ok(text) = std::fs::read_to_string(&csv) {
        if crate::record::hash(text.as_bytes()) == recorded {
            return Some(text);
        }
    }
    let stem = pdf.file_stem()?.to_string_lossy().into_owned();
    let dir = pdf.parent()?;
    let mut kept: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(&format!("{stem}.superseded-")) && n.ends_with(".figures.csv")
            })
        })
        .collect();
    kept.sort();
    kept.into_iter().rev().find_map(|p| std::fs::read_to_string(&p).ok().filter(|t| crate::record::hash(t.as_bytes()) == recorded))
}

/// A typeset report on its way to a sink.
pub struct Output {
    pub pdf: PathBuf,
    pub csv: Vec<u8>,
    /// The HTML edition, written beside the PDF as `<name>.html`.
    pub html: Option<String>,
    /// The data annexe, written beside the PDF as `<name>.xlsx`.
    pub xlsx: Option<Vec<u8>>,
    pub bytes: Vec<u8>,
    /// The pages as SVG images instead of a PDF (the preview).
    pub svg: Vec<String>,
    pub pages: usize,
    /// Where to keep the PDF (and figures CSV) this one replaces, a correction, with the
    /// recorded hashes of the published PDF and CSV.
    pub supersede: Option<(PathBuf, (String, String))>,
    /// The recorded hashes of the published HTML edition and data annexe, kept likewise.
    pub supersede_editions: (Option<String>, Option<String>),
}

/// The disk sink: writes each typeset report (its figures CSV, then its PDF) as it arrives;
/// what happened to each, by PDF path, with the time it took.
pub(crate) fn write_all(
    outputs: std::sync::mpsc::Receiver<Output>,
    listener: &(dyn Fn(Event<'_>) + Sync),
) -> std::collections::HashMap<PathBuf, Result<Duration, Problem>> {
    let mut written = std::collections::HashMap::new();
    for out in outputs {
        let clock = Instant::now();
        // The superseded version first: if the run stops after it, the published one is intact.
        // Only the published version is kept (its hash is the record's): a version written by
        // a run that was stopped is not the published one, and the published one was kept first.
        let keep = |from: &Path, to: &Path, published: &str| match std::fs::read(from) {
            Ok(old) if crate::record::hash(&old) == published => publish::write_if_changed(to, &old),
            _ => Ok(()),
        };
        let kept = match &out.supersede {
            Some((to, (pdf_hash, csv_hash))) => {
                let (html_hash, xlsx_hash) = &out.supersede_editions;
                let edition =
                    |ext: &str, hash: &Option<String>| hash.as_ref().map_or(Ok(()), |h| keep(&out.pdf.with_extension(ext), &to.with_extension(ext), h));
                edition("html", html_hash)
                    .and_then(|()| edition("xlsx", xlsx_hash))
                    .and_then(|()| keep(&out.pdf.with_extension("figures.csv"), &to.with_extension("figures.csv"), csv_hash))
                    .and_then(|()| keep(&out.pdf, to, pdf_hash))
            }
            None => Ok(()),
        };
        let result = kept
            .and_then(|()| publish::write_if_changed(&out.pdf.with_extension("figures.csv"), &out.csv))
            .and_then(|()| out.html.as_ref().map_or(Ok(()), |html| publish::write_if_changed(&out.pdf.with_extension("html"), html.as_bytes())))
            .and_then(|()| out.xlsx.as_ref().map_or(Ok(()), |xlsx| publish::write_if_changed(&out.pdf.with_extension("xlsx"), xlsx)))
            .and_then(|()| publish::write_if_changed(&out.pdf, &out.bytes));
        match &result {
            Ok(()) => listener(Event::Done { pdf: &out.pdf, pages: out.pages, written: true }),
            Err(_) => listener(Event::Failed(&out.pdf)),
        }
        written.insert(out.pdf, result.map(|()| clock.elapsed()));
    }
    written
}

/// The record after a writing run: every published report built, as written; a shard writes
/// its own fragment. The corrections log is made anew from the record whenever there is a
/// correction (after shards, by `merge-records`, which alone sees every shard's corrections).
pub(crate) fn record_built(record: &mut Record, plan: &Plan, built: &[Built], settings: &Settings) -> Result<(), Problems> {
    let jobs_by_pdf: BTreeMap<&Path, &Job> = plan.jobs.iter().map(|j| (j.pdf.as_path(), j)).collect();
    let mut changed = false;
    for b in built {
        let Some(job) = jobs_by_pdf.get(b.pdf.as_path()).filter(|j| !j.draft) else { continue };
        let key = crate::record::key(&settings.output, &b.pdf);
        let mut replaced = record.reports.get(&key).map(|e| e.replaced.clone()).unwrap_or_default();
        if let Some(old) = record.reports.get(&key).filter(|e| e.pdf != b.hashes.0) {
            replaced.push(old.pdf.clone());
        }
        let mut corrections = job.correction.as_ref().map(|c| c.earlier.clone()).unwrap_or_default();
        corrections.extend(b.correction.clone());
        let entry = crate::record::Entry {
            publication_date: job.date.to_string(),
            comparison: job.comparison.clone(),
            inputs: job.inputs.clone(),
            pdf: b.hashes.0.clone(),
            figures_csv: b.hashes.1.clone(),
            html: b.editions.0.clone(),
            xlsx: b.editions.1.clone(),
            replaced,
            corrections,
            text: b.text.clone(),
        };
        if record.reports.get(&key) != Some(&entry) {
            record.reports.insert(key, entry);
            changed = true;
        }
    }
    record.format = record.format.max(1);
    if let Some(shard) = settings.shard {
        // The fragment: this shard's reports only.
        let mine: std::collections::BTreeSet<String> = built.iter().map(|b| crate::record::key(&settings.output, &b.pdf)).collect();
        let fragment =
            Record { format: record.format, reports: record.reports.iter().filter(|(k, _)| mine.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect() };
        crate::record::save_as(&settings.output, &crate::record::fragment_name(shard.index, shard.count), &fragment)?;
    } else if changed || !settings.output.join(crate::record::FILE).exists() {
        crate::record::save(&settings.output, record)?;
    }
    if settings.shard.is_none() && record.reports.values().any(|e| !e.corrections.is_empty()) {
        let (csv, md) = crate::record::corrections_log(record);
        publish::write_if_changed(&settings.output.join("corrections.csv"), &csv)?;
        publish::write_if_changed(&settings.output.join("corrections.md"), md.as_bytes())?;
    }
    Ok(())
}
