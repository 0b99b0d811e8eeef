//! Rules over the data as a whole, through the whole pipeline: a figure below the minimum never
//! leaks as a percentage, an unreadable folder holds back what could depend on it, a spreadsheet
//! date is shown as the sheet shows it, a very long word stays on the page.

use std::path::Path;

use crate::common::*;

/// A framework of rated standards: 1.1 rated from q1; 2.1 from q2 for the NPS, from q3 for a CRC.
fn std_framework(small_key_questions: &str) -> String {
    format!(
        r##"id: std
name: Standards test
short_name: STD
era: standards
report_title: "Report: {{area}}"
unit: area
answers: {{yes: ["Yes"], no: ["No"], not_applicable: ["N/A", ""]}}
characteristics:
  - {{column: sex, label: Sex, values: [Male, Female]}}
minimum_relevant_cases: 3
small_key_questions: {small_key_questions}
domains: [{{id: d1, title: Domain}}, {{id: d2, title: Provider work}}]
sections: [{{id: s1, title: Section}}]
questions:
  - {{id: q1, section: s1, text: "Question one?"}}
  - {{id: q2, section: s1, text: "Question two?"}}
  - {{id: q3, section: s1, text: "Question three?"}}
standards:
  - {{id: "1.1", title: Planning, domain: d1, rule: lowest_key_question, key_questions: [q1]}}
  - {{id: "2.1", title: Court work, domain: d2, rule: lowest_key_question, key_questions: [q2], providers: [NPS]}}
  - {{id: "2.1", title: Unpaid work, domain: d2, rule: lowest_key_question, key_questions: [q3], providers: [CRC]}}
ratings:
  levels:
    - {{id: good, label: Good, min_percent: 65, points: 2, colour: "#1d6b34", text_colour: "#ffffff", mark: "G"}}
    - {{id: poor, label: Poor, min_percent: 0, points: 0, colour: "#8b0000", text_colour: "#ffffff", mark: "P"}}
  overall:
    - {{rating: good, min_total: 3, max_total: 4}}
    - {{rating: poor, min_total: 0, max_total: 2}}
"##
    )
}

fn std_project(dir: &Path, small_key_questions: &str, cases: &str) {
    std::fs::create_dir_all(dir.join("data/frameworks")).unwrap();
    std::fs::write(dir.join("data/frameworks/std.yaml"), std_framework(small_key_questions)).unwrap();
    let d = dir.join("data/inspections/north");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("inspection.yaml"),
        "framework: std\narea: North\narea_kind: NPS division\nregion: North\nprovider: NPS\nperiod: 2018-19\nfieldwork: {start: 2018-05-07, end: 2018-05-11}\npublication_date: 2018-09-01\nstatus: published\nlead_inspector: A Inspector\ncases: cases.csv\nnarrative:\n  summary: Summary.\n  recommendations: [Keep going.]\n",
    )
    .unwrap();
    std::fs::write(d.join("cases.csv"), cases).unwrap();
}

/// q1: 2 of 2 relevant cases Yes (below the minimum of 3); q2: 3 of 4 Yes (75%).
const SMALL_Q1: &str = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,N/A\nc2,Female,Yes,Yes,N/A\nc3,Male,N/A,Yes,N/A\nc4,Male,N/A,No,N/A\n";

#[test]
fn a_key_question_below_the_minimum_never_shows_its_percentage() {
    let dir = tempfile::tempdir().unwrap();
    std_project(dir.path(), "count", SMALL_Q1);
    let out = dir.path().join("out");
    let summary = build(dir.path(), &out, false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let pdf = out.join("std/2018-19/north.pdf");
    let text = squash(&pdf_text(&pdf));
    // 1.1 is decided by q1 (2 of 2): rated, and the report says so without a percentage.
    assert!(text.contains("Rated from the lowest key question, which had fewer than 3 relevant cases (2 of 2): its percentage is not published."), "{text}");
    assert!(!text.contains("100% of relevant cases"), "q1's percentage leaked: {text}");
    assert!(text.contains("still takes part in its standard’s rating"), "the methodology annex states the choice");
    let csv = std::fs::read_to_string(out.join("std/2018-19/north.figures.csv")).unwrap();
    let q1 = csv.lines().find(|l| l.starts_with("North,question,q1,")).expect("q1's row");
    assert!(!q1.contains("100"), "q1's percentage leaked into the CSV: {q1}");

    // Left out of ratings: 1.1 has no key question at the minimum, so it is not rated.
    std_project(dir.path(), "leave_out", SMALL_Q1);
    // Into a new folder: in the old one, a published report whose rating changes is a
    // correction, which needs its date.
    let out = dir.path().join("out-leave-out");
    let pdf = out.join("std/2018-19/north.pdf");
    let summary = build(dir.path(), &out, false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains("Not rated: every key question had fewer than 3 relevant cases."), "{text}");
    assert!(text.contains("is left out of its standard’s rating"), "the methodology annex states the choice");
}

#[test]
fn an_unreadable_folder_holds_back_every_published_report_that_could_depend_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases), ("b", "Area B", "Summary.", cases)]);
    // A link to nowhere: the walk cannot read it (as root, permissions would not stop it).
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("data/inspections/c")).unwrap();
    let out = dir.path().join("out");
    let summary = build(dir.path(), &out, false);
    let problems = summary.problems.to_string();
    assert!(problems.contains("data/inspections/c: could not read this folder or file"), "{problems}");
    assert!(problems.contains("not rebuilt: the 2 area report(s) of mini 2020-21"), "{problems}");
    assert!(summary.built.is_empty(), "nothing published: {:?}", summary.built.iter().map(|b| &b.pdf).collect::<Vec<_>>());
    assert!(summary.worst().is_some(), "the run fails");
}

#[test]
fn a_date_in_an_answer_column_is_shown_as_the_sheet_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["case_id", "sex", "q1", "q2", "q3"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["c1", "Male", "Yes"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2011, 4, 5).unwrap();
    ws.write_datetime_with_format(1, 3, &date, &rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy")).unwrap();
    ws.write_string(1, 4, "No").unwrap();
    wb.save(&path).unwrap();
    let fw_path = dir.path().join("mini.yaml");
    std::fs::write(&fw_path, MINI_FRAMEWORK).unwrap();
    let fw = inspection_reports::framework::load(&fw_path).unwrap();
    let err = inspection_reports::ingest::read_export(&path, None, &fw).unwrap_err().to_string();
    assert!(err.contains("row 2, column D `q2`: `2011-04-05` is not an answer"), "{err}");
}

#[test]
fn a_very_long_word_breaks_instead_of_running_off_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    let word = "x".repeat(500);
    mini_project(dir.path(), &[("a", "Area A", &format!("Summary {word} end."), cases)]);
    let out = dir.path().join("out");
    let summary = build(dir.path(), &out, false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    // Every word box lies within its page (pdftotext -bbox: page width, then each word's xMax).
    let pdf = out.join("mini/2020-21/a.pdf");
    let bbox = std::process::Command::new("pdftotext").arg("-bbox").arg(&pdf).arg("-").output().unwrap();
    let html = String::from_utf8_lossy(&bbox.stdout);
    let mut width = 0.0f64;
    let mut xs = 0;
    for line in html.lines() {
        let attr = |name: &str| line.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse::<f64>().ok());
        if line.trim_start().starts_with("<page") {
            width = attr("width").unwrap();
        } else if line.trim_start().starts_with("<word") {
            let x_max = attr("xMax").unwrap();
            assert!(x_max <= width + 0.5, "a word runs off the page (xMax {x_max} of {width}): {line}");
            xs += usize::from(line.contains(">xxxx"));
        }
    }
    assert!(xs >= 2, "the long word is printed, broken over lines ({xs} pieces)");
}
