//! `--draft` marks every page, and a published build carries no mark.

use crate::common::*;

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

/// The draft's data-quality page: blank questions, figures below the minimum, cases without
/// characteristics, and what changed since the previous build of the same report.
#[test]
fn draft_has_a_data_quality_page_that_compares_with_the_previous_build() {
    let dir = tempfile::tempdir().unwrap();
    // q3 is blank in 2 of 4 cases (50%): listed. q1 has 4 relevant cases (minimum 3): shown.
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,\nc2,Female,Yes,No,\nc3,Male,No,Yes,Yes\nc4,Male,Yes,Yes,No\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases), ("b", "Area B", "Summary.", cases)]);
    let out = dir.path().join("out");
    let first = build(dir.path(), &out, true);
    assert!(first.problems.is_empty(), "{}", first.problems);
    // Drafts have their own place: they never replace a published PDF.
    let pdf = out.join("drafts/mini/2020-21/a.pdf");
    assert!(!out.join("mini/2020-21/a.pdf").exists(), "a draft written in the published place");
    let text = without_watermark(&pdf_text(&pdf));
    assert!(text.contains("Data quality: to check before sign-off"), "no data-quality page");
    assert!(text.contains("q3 Question three? 2 50%"), "q3's blanks not listed:\n{text}");
    // Headline two pools q3 alone: 2 relevant cases, under the minimum of 3.
    // (Read from the table's section: pdftotext may give a table column by column.)
    let section =
        text.split("Fewer than 3 cases were relevant to these figures").nth(1).and_then(|t| t.split("Cases without characteristics").next()).unwrap_or("");
    assert!(section.contains("Headline two") && section.contains("1 of 2"), "figure below the minimum not listed:\n{text}");
    assert!(text.contains("No earlier build of this report was found"), "first build cannot compare");

    // A correction: c4's q1 becomes No. The next draft lists the figures that moved.
    let corrected = cases.replace("c4,Male,Yes,Yes,No", "c4,Male,No,Yes,No");
    std::fs::write(dir.path().join("data/inspections/a/cases.csv"), corrected).unwrap();
    let second = build(dir.path(), &out, true);
    assert!(second.problems.is_empty(), "{}", second.problems);
    let text = without_watermark(&pdf_text(&pdf));
    // Headline one pools q1 and q2: 6 of 8 before, 5 of 8 after; q1 3 of 4 → 2 of 4.
    // In order, as pdftotext reads the table (it may interleave a two-line header with a row).
    let in_order = |parts: &[&str]| {
        let mut rest = text.as_str();
        parts.iter().all(|p| rest.find(p).map(|i| rest = &rest[i + p.len()..]).is_some())
    };
    assert!(in_order(&["Headline one", "75% (6 of 8)", "63% (5 of 8)"]), "changed headline not listed:\n{text}");
    assert!(in_order(&["Question one?", "75% (3 of 4)", "50% (2 of 4)"]), "changed question not listed:\n{text}");
    assert!(!text.contains("Headline two 1 of 2 1 of 2"), "an unchanged figure is listed as changed");

    // Published reports carry no data-quality page.
    let published = build(dir.path(), &out, false);
    assert!(published.problems.is_empty(), "{}", published.problems);
    let published_pdf = out.join("mini/2020-21/a.pdf");
    let published_bytes = std::fs::read(&published_pdf).unwrap();
    assert!(!squash(&pdf_text(&published_pdf)).contains("Data quality"));

    // Once published, a draft compares with the published report: c3's q2 becomes No, so
    // headline one goes from the published 5 of 8 to 4 of 8.
    let again = cases.replace("c4,Male,Yes,Yes,No", "c4,Male,No,Yes,No").replace("c3,Male,No,Yes,Yes", "c3,Male,No,No,Yes");
    std::fs::write(dir.path().join("data/inspections/a/cases.csv"), again).unwrap();
    let third = build(dir.path(), &out, true);
    assert!(third.problems.is_empty(), "{}", third.problems);
    let text = without_watermark(&pdf_text(&pdf));
    let mut rest = text.as_str();
    let in_order = ["Published", "Headline one", "63% (5 of 8)", "50% (4 of 8)"].iter().all(|p| rest.find(p).map(|i| rest = &rest[i + p.len()..]).is_some());
    assert!(in_order, "not compared with the published figures:\n{text}");
    assert_eq!(std::fs::read(&published_pdf).unwrap(), published_bytes, "a draft build rewrote the published PDF");
}

/// The text with the letters of the diagonal draft watermark taken out: pdftotext places them
/// one by one among the words of the page.
fn without_watermark(text: &str) -> String {
    squash(text).split(' ').filter(|w| !(w.chars().count() == 1 && w.chars().all(|c| c.is_alphabetic() || c == '–'))).collect::<Vec<_>>().join(" ")
}
