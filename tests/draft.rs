//! `--draft` marks every page, and a published build carries no mark.

mod common;

use common::*;

#[test]
fn draft_marks_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases), ("b", "Area B", "Summary.", cases)]);
    let draft = build(dir.path(), &dir.path().join("draft"), true);
    assert!(draft.problems.is_empty(), "{}", draft.problems);
    let built = &draft.built[0];
    let text = pdf_text(&built.pdf);
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert!(pages >= 5, "a report has several pages, found {pages}");
    for (i, page) in text.split('\u{c}').filter(|p| !p.trim().is_empty()).enumerate() {
        assert!(squash(page).contains("DRAFT – not for publication"), "page {} has no draft mark", i + 1);
    }
    let published = build(dir.path(), &dir.path().join("published"), false);
    assert!(!pdf_text(&published.built[0].pdf).contains("DRAFT"));
}
