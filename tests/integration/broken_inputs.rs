//! The corpus of broken inputs in `tests/broken/`: each case is a small project (the base
//! project of `tests/common` with the case's files laid over it, and the paths listed in its
//! `delete` file removed) and `expected.snap`, the exact problems `check` must report (an
//! `insta` snapshot: `INSTA_UPDATE=always cargo test --release --test integration
//! broken_inputs` rewrites them, `cargo insta review` shows the differences one by one).

use std::path::Path;

use crate::common::*;
use inspection_reports::project::{self, Settings};
use walkdir::WalkDir;

const CASES: &str = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";

fn run_case(case: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    mini_project(dir.path(), &[("area-a", "Area A", "Summary.", CASES), ("area-b", "Area B", "Summary.", CASES)]);
    std::fs::create_dir_all(dir.path().join("data/aggregates")).unwrap();
    std::fs::write(
        dir.path().join("data/aggregates/mini.yaml"),
        "id: mini-2020-21\ntitle: Mini aggregate\nframework: mini\ninspections: {period: 2020-21}\nperiod: 2020-21\npublication_date: 2021-01-10\nstatus: published\n",
    )
    .unwrap();
    for e in WalkDir::new(case).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = e.path().strip_prefix(case).unwrap();
        if rel == Path::new("expected.snap") || rel == Path::new("delete") || rel.extension().is_some_and(|x| x == "new") {
            continue;
        }
        let dest = dir.path().join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(e.path(), dest).unwrap();
    }
    if let Ok(list) = std::fs::read_to_string(case.join("delete")) {
        for line in list.lines().filter(|l| !l.trim().is_empty()) {
            std::fs::remove_file(dir.path().join(line.trim())).unwrap();
        }
    }
    let mut s = Settings::for_root(dir.path());
    s.templates = root().join("report-templates");
    s.fonts = root().join("fonts");
    s.write = false;
    let summary = project::run(&s, &|_| {});
    let mut out = String::new();
    for w in &summary.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    for p in &summary.problems.0 {
        out.push_str(&format!("error: {p}\n"));
    }
    out.push_str(&format!("{} built, {} failed\n", summary.built.len(), summary.failed));
    out.replace(&format!("{}/", dir.path().display()), "")
}

#[test]
fn every_broken_input_gets_its_message() {
    let corpus = root().join("tests/broken");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 15, "the corpus has {} cases", cases.len());
    for case in &cases {
        let got = run_case(case);
        insta::with_settings!({ snapshot_path => case.clone(), prepend_module_to_snapshot => false, omit_expression => true, description => case.file_name().unwrap().to_string_lossy().into_owned() }, {
            insta::assert_snapshot!("expected", got);
        });
    }
}
