//! One broken inspection is reported and skipped: the others build, its previous PDF stays.

use crate::common::*;

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
    let a_pdf = out.join("mini/2020-21/a.pdf");
    let a_before = std::fs::read(&a_pdf).unwrap();
    let second = build(dir.path(), &out, false);
    // b fails; a is not rebuilt, since its comparisons would be wrong without b.
    assert_eq!(second.failed, 2, "{}", second.problems);
    assert_eq!(second.built.len(), 0);
    assert!(second.problems.to_string().contains("b/cases.csv, row 2, column `q2`: `Perhaps` is not an answer"), "{}", second.problems);
    assert!(
        second.problems.to_string().contains("not rebuilt: the 1 area report(s) of mini 2020-21 (a), because b of their comparison set could not be read"),
        "{}",
        second.problems
    );
    assert_eq!(std::fs::read(&b_pdf).unwrap(), before, "the broken area's previous PDF must stay as it was");
    assert_eq!(std::fs::read(&a_pdf).unwrap(), a_before, "a published report is not rewritten against a smaller set");

    // A draft build of a compares with the areas that loaded, says so, and goes to drafts/.
    let draft = build(dir.path(), &out, true);
    assert_eq!(draft.built.len(), 1, "{}", draft.problems);
    let text = squash(&pdf_text(&out.join("drafts/mini/2020-21/a.pdf")));
    assert!(text.contains("Second."), "{text}");
    assert!(text.contains("This draft compares Area A with no other area: the data of b could not be read."), "{text}");
    assert_eq!(std::fs::read(&a_pdf).unwrap(), a_before, "a draft never replaces the published PDF");
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.join("mini/2020-21"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
