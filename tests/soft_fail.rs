//! One broken inspection is reported and skipped: the others build, its previous PDF stays.

mod common;

use common::*;

#[test]
fn broken_inspection_keeps_its_previous_pdf_and_others_build() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    mini_project(dir.path(), &[("a", "Area A", "First.", cases), ("b", "Area B", "First.", cases)]);
    let out = dir.path().join("output");
    let first = build(dir.path(), &out, false);
    assert!(first.problems.is_empty(), "{}", first.problems);
    let b_pdf = out.join("mini/2020-21/b.pdf");
    let before = std::fs::read(&b_pdf).unwrap();

    // Break b's export; change a's narrative.
    std::fs::write(dir.path().join("data/inspections/b/cases.csv"), "case_id,sex,q1,q2,q3\nc1,Male,Yes,Perhaps,Yes\n").unwrap();
    mini_project(dir.path(), &[("a", "Area A", "Second.", cases)]);
    let second = build(dir.path(), &out, false);
    assert_eq!(second.failed, 1);
    assert_eq!(second.built.len(), 1);
    assert!(second.problems.to_string().contains("b/cases.csv, row 2, column `q2`: `Perhaps` is not an answer"), "{}", second.problems);
    assert!(second.warnings.iter().any(|w| w.message.contains("compared without the inspections that failed")));
    assert_eq!(std::fs::read(&b_pdf).unwrap(), before, "the broken area's previous PDF must stay as it was");
    assert!(squash(&pdf_text(&out.join("mini/2020-21/a.pdf"))).contains("Second."));
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.join("mini/2020-21")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.contains(".tmp-")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
