//! Helpers shared by the integration tests: run the real pipeline, read PDFs by their text.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use inspection_reports::project::{self, Settings, Summary};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/published`, beside the repository (as in CI).
pub fn published() -> PathBuf {
    let p = root().join("../shared/published");
    assert!(p.is_dir(), "{} is missing: the end-to-end tests compare with the published figures there", p.display());
    p
}

/// Builds every report of `data_root`'s project into `out`.
pub fn build(project_root: &Path, out: &Path, draft: bool) -> Summary {
    let mut s = Settings::for_root(project_root);
    s.templates = root().join("report-templates");
    s.fonts = root().join("fonts");
    s.output = out.to_path_buf();
    s.draft = draft;
    project::run(&s, &|_| {})
}

/// The text of a PDF, laid out (`pdftotext -layout`).
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext runs (install poppler-utils; .ci/run does)");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whitespace collapsed, for matching phrases across line breaks.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a CSV file into rows of (header → value).
pub fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records().map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}
