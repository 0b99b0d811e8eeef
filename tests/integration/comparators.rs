//! An area report is compared with the areas of its framework inspected to date (published on
//! or before its own date), or, where the framework says so, with its whole period.

use crate::common::*;

const CASES_A: &str = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
const CASES_B: &str = "case_id,sex,q1,q2,q3\nc1,Male,No,No,Yes\nc2,Female,No,No,Yes\nc3,Male,No,Yes,No\n";

fn set_date(dir: &std::path::Path, folder: &str, date: &str) {
    let yaml = dir.join("data/inspections").join(folder).join("inspection.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap().replace("publication_date: 2020-09-01", &format!("publication_date: {date}"));
    std::fs::write(&yaml, text).unwrap();
}

#[test]
fn a_later_inspection_never_changes_a_report_published_before_it() {
    let dir = tempfile::tempdir().unwrap();
    mini_project(dir.path(), &[("a", "Area A", "Summary.", CASES_A)]);
    let out = dir.path().join("out");
    let first = build(dir.path(), &out, false);
    assert!(first.problems.is_empty(), "{}", first.problems);
    let a_pdf = out.join("mini/2020-21/a.pdf");
    let a_before = std::fs::read(&a_pdf).unwrap();
    assert!(squash(&pdf_text(&a_pdf)).contains("This is the first MINI report published, so there is no other area to compare Area A’s figures with yet."));

    // B is inspected later, with much weaker figures.
    mini_project(dir.path(), &[("b", "Area B", "Summary.", CASES_B)]);
    set_date(dir.path(), "b", "2020-12-01");
    let second = build(dir.path(), &out, false);
    assert!(second.problems.is_empty(), "{}", second.problems);
    assert_eq!(std::fs::read(&a_pdf).unwrap(), a_before, "A's report changed when a later inspection was added");
    // B is compared with both: headline one pools q1 and q2 over both areas: 5 of 12 = 42%.
    let b = squash(&pdf_text(&out.join("mini/2020-21/b.pdf")));
    // (A report of 2020 writes "per cent" in its text: data/publisher.yaml.)
    assert!(b.contains("against 42 per cent across the two areas inspected to date"), "{b}");
}

#[test]
fn a_framework_may_compare_with_the_whole_period() {
    let dir = tempfile::tempdir().unwrap();
    mini_project(dir.path(), &[("a", "Area A", "Summary.", CASES_A), ("b", "Area B", "Summary.", CASES_B)]);
    set_date(dir.path(), "b", "2020-12-01");
    let fw = dir.path().join("data/frameworks/mini.yaml");
    std::fs::write(&fw, format!("{}comparison: whole_period\n", std::fs::read_to_string(&fw).unwrap())).unwrap();
    let out = dir.path().join("out");
    let summary = build(dir.path(), &out, false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    // A, published first, is still compared with B: its whole period.
    let a = squash(&pdf_text(&out.join("mini/2020-21/a.pdf")));
    assert!(a.contains("against 42 per cent across the two areas inspected in 2020–21"), "{a}");
}
