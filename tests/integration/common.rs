//! Helpers shared by the integration tests: run the real pipeline, read PDFs by their text.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use inspection_reports::project::{self, Settings, Summary};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The published 2011-12 figures the tests compare with: the copy kept in
/// `tests/fixtures/published/` (see its README), so a lone clone runs every test.
pub fn published() -> PathBuf {
    root().join("tests/fixtures/published")
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

/// The `pdfua` validator (PyPI `pdfua`, on pikepdf): `$PDFUA`, or on the PATH, or in the venv
/// `.ci/run` makes.
pub fn pdfua() -> PathBuf {
    if let Some(p) = std::env::var_os("PDFUA") {
        return PathBuf::from(p);
    }
    let venv = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/inspection-reports/venv/bin/pdfua"));
    if let Some(v) = venv.filter(|v| v.is_file()) {
        return v;
    }
    if Command::new("pdfua").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return PathBuf::from("pdfua");
    }
    panic!("the PDF/UA validator `pdfua` is missing: `bash .ci/run` installs it, or `pip install pdfua==0.1.3`");
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

/// A small framework: q1, q2 (section s1) pooled into headline `h1`; q3 (section s2) into `h2`.
pub const MINI_FRAMEWORK: &str = r#"
id: mini
name: Mini framework
short_name: MINI
era: headline
report_title: "A report on: {area}"
unit: area
answers: {yes: ["Yes"], no: ["No"], not_applicable: ["N/A", ""]}
characteristics:
  - {column: sex, label: Sex, values: [Male, Female]}
minimum_relevant_cases: 3
sections:
  - {id: s1, title: Section one}
  - {id: s2, title: Section two}
questions:
  - {id: q1, section: s1, text: "Question one?"}
  - {id: q2, section: s1, text: "Question two?"}
  - {id: q3, section: s2, text: "Question three?"}
scores:
  - {id: h1, kind: headline, title: Headline one, phrase: do the first thing, questions: [q1, q2]}
  - {id: h2, kind: headline, title: Headline two, phrase: do the second thing, questions: [q3]}
"#;

/// Writes a project under `dir` with the mini framework and the given inspections
/// (folder name, area name, narrative summary, cases CSV).
pub fn mini_project(dir: &Path, inspections: &[(&str, &str, &str, &str)]) {
    std::fs::create_dir_all(dir.join("data/frameworks")).unwrap();
    std::fs::write(dir.join("data/frameworks/mini.yaml"), MINI_FRAMEWORK).unwrap();
    for (folder, area, summary, cases) in inspections {
        let d = dir.join("data/inspections").join(folder);
        std::fs::create_dir_all(&d).unwrap();
        let yaml = format!(
            "framework: mini\narea: {}\narea_kind: Test area\nregion: Test region\nprovider: Test provider\nperiod: 2020-21\nfieldwork: {{start: 2020-05-04, end: 2020-05-08}}\npublication_date: 2020-09-01\nstatus: published\nlead_inspector: A Inspector\ncases: cases.csv\nnarrative:\n  summary: {}\n  recommendations: [{}]\n",
            serde_json::to_string(area).unwrap(),
            serde_json::to_string(summary).unwrap(),
            serde_json::to_string(summary).unwrap(),
        );
        std::fs::write(d.join("inspection.yaml"), yaml).unwrap();
        std::fs::write(d.join("cases.csv"), cases).unwrap();
    }
}

/// Copies the folder `from` to `to`, every file and folder.
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
