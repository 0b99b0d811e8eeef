//! Sampling uncertainty in the reports: 95% Wilson intervals and the flags on diversity
//! differences, against values computed by hand.

use crate::common::*;

/// 20 cases: q1 Yes in all, q2 not applicable, q3 Yes in 14. Men (10) answer q3 Yes every time,
/// women 4 times in 10.
fn cases() -> String {
    let mut csv = String::from("case_id,sex,q1,q2,q3\n");
    for i in 0..20 {
        let (sex, q3) = if i < 10 {
            ("Male", "Yes")
        } else if i < 14 {
            ("Female", "Yes")
        } else {
            ("Female", "No")
        };
        csv.push_str(&format!("c{i},{sex},Yes,N/A,{q3}\n"));
    }
    csv
}

#[test]
fn area_reports_give_wilson_intervals_and_flag_differences_beyond_chance() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    mini_project(dir.path(), &[("a", "Area A", "Summary.", &cases), ("b", "Area B", "Summary.", &cases)]);
    let summary = build(dir.path(), &dir.path().join("out"), false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let text = squash(&pdf_text(&dir.path().join("out/mini/2020-21/a.pdf")));

    // Headline two: 14 of 20. Wilson, z = 1.96: centre (0.7 + 0.09604) / 1.19208 = 0.66777,
    // half 1.64419 * sqrt(0.0105 + 0.0024) = 0.18675: 48.10% to 85.45%, shown 48–85%.
    assert!(text.contains("Headline two 70% 20 48–85%"), "interval of headline two:\n{text}");
    // Headline one: 20 of 20: lower bound n / (n + z²) = 20 / 23.8415 = 83.89%, upper 100%.
    assert!(text.contains("Headline one 100% 20 84–100%"), "interval of headline one:\n{text}");

    // Men 10 of 10 against women 4 of 10 on headline two: pooled 0.7, se = sqrt(0.21 * 0.2)
    // = 0.2049, z = 2.93, p = 0.0034 < 0.05 (two groups: one comparison).
    assert!(text.contains("% (higher)") && text.contains("% (lower)"), "difference not flagged:\n{text}");
    let annex = &text[text.rfind("Annex 2: Findings by diversity").expect("annex 2")..];
    let male = &annex[annex.find("Male").unwrap()..];
    assert!(male.starts_with("Male 10 100% 100% (higher)"), "men's row: {}", &male[..60.min(male.len())]);
    // Headline one is 100% for both: no difference, no flag.
    let female = &annex[annex.find("Female").unwrap()..];
    assert!(female.starts_with("Female 10 100% 40% (lower)"), "women's row: {}", &female[..60.min(female.len())]);

    // The methodology annex names the interval and the test.
    // (A hyphenated word may break at its hyphen at a line's end.)
    let joined = text.replace("- ", "-");
    assert!(joined.contains("Wilson score interval"));
    assert!(joined.contains("two-proportion z-test"), "{joined}");
}

#[test]
fn no_flag_when_the_difference_is_within_chance() {
    // Men 6 of 10, women 4 of 10: z = 0.2 / sqrt(0.25 * 0.2) = 0.89, p = 0.37.
    let mut csv = String::from("case_id,sex,q1,q2,q3\n");
    for i in 0..20 {
        let (sex, q3) = match i {
            0..=5 => ("Male", "Yes"),
            6..=9 => ("Male", "No"),
            10..=13 => ("Female", "Yes"),
            _ => ("Female", "No"),
        };
        csv.push_str(&format!("c{i},{sex},Yes,N/A,{q3}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    mini_project(dir.path(), &[("a", "Area A", "Summary.", &csv), ("b", "Area B", "Summary.", &csv)]);
    let summary = build(dir.path(), &dir.path().join("out"), false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let text = squash(&pdf_text(&dir.path().join("out/mini/2020-21/a.pdf")));
    let annex = &text[text.rfind("Annex 2: Findings by diversity").expect("annex 2")..];
    assert!(annex.contains("Male 10 100% 60%") && annex.contains("Female 10 100% 40%"), "{annex}");
    assert!(!text.contains("% (higher)") && !text.contains("% (lower)"), "a difference within chance is flagged");
}
