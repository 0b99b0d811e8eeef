//! `build --changed` after a data correction: the publication record tells which published
//! reports a change touches; only those are made again, and only files whose bytes change are
//! written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::common::*;
use inspection_reports::project::{self, Settings};

fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        // The lock file holds the process id of the last run: bookkeeping, not output.
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.path().to_path_buf(), e.metadata().unwrap().modified().unwrap()))
        .collect()
}

#[test]
fn a_correction_rebuilds_exactly_the_reports_it_touches() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    copy_tree(&root().join("data"), &data);
    let run_as_of = |changed_only: bool, correction: Option<(&str, &str)>| {
        let mut s = Settings::for_root(&root());
        s.data = data.clone();
        s.output = out.clone();
        s.changed_only = changed_only;
        s.correction = correction.map(|(d, r)| (inspection_reports::date::Date::parse(d).unwrap(), r.to_string()));
        project::run(&s, &|_| {})
    };
    let run = |changed_only: bool| run_as_of(changed_only, None);
    let first = run(false);
    assert!(first.problems.is_empty(), "{}", first.problems);
    assert_eq!(first.built.len(), 108);
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("publication-record.json")).unwrap()).unwrap();
    assert_eq!(record["reports"].as_object().unwrap().len(), 108, "every published report is in the record");

    // Nothing changed: nothing made, no file touched.
    let before = mtimes(&out);
    let noop = run(true);
    assert!(noop.problems.is_empty(), "{}", noop.problems);
    assert_eq!((noop.built.len(), noop.unchanged), (0, 108));
    let after = mtimes(&out);
    let touched: Vec<_> = after.iter().filter(|(p, t)| before.get(*p) != Some(*t)).map(|(p, _)| p.display().to_string()).collect();
    assert!(touched.is_empty(), "a run with nothing to do touched {touched:?}");

    // One answer of Lancashire (published 13 October 2011) corrected: its report, the OMI 2
    // reports published on or after it (whose comparison sets hold it) and the OMI 2
    // aggregate are made again; the four published before it are not.
    let export = data.join("inspections/omi2-2011-12/lancashire/cases.csv");
    let text = std::fs::read_to_string(&export).unwrap();
    let (head, rest) = text.split_once('\n').unwrap();
    let (row, others) = rest.split_once('\n').unwrap();
    let corrected = if row.contains(",Yes,") { row.replacen(",Yes,", ",No,", 1) } else { row.replacen(",No,", ",Yes,", 1) };
    std::fs::write(&export, format!("{head}\n{corrected}\n{others}")).unwrap();
    let lancashire_date = "2011-10-13";
    let mut expected: Vec<String> = std::fs::read_dir(data.join("inspections/omi2-2011-12"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|d| {
            let yaml = std::fs::read_to_string(d.join("inspection.yaml")).unwrap();
            let date = yaml.lines().find_map(|l| l.strip_prefix("publication_date: ")).unwrap().trim().to_string();
            date.as_str() >= lancashire_date
        })
        .map(|d| format!("omi2/2011-12/{}.pdf", d.file_name().unwrap().to_string_lossy()))
        .collect();
    expected.push("aggregate/omi2-2011-12.pdf".into());
    expected.sort();
    let old_lancashire = record["reports"]["omi2/2011-12/lancashire.pdf"]["pdf"].as_str().unwrap().to_string();
    let old_bytes = std::fs::read(out.join("omi2/2011-12/lancashire.pdf")).unwrap();
    let old_html = std::fs::read(out.join("omi2/2011-12/lancashire.html")).unwrap();
    let old_xlsx = std::fs::read(out.join("omi2/2011-12/lancashire.xlsx")).unwrap();
    let before = mtimes(&out);
    // Published figures change: without a date and a reason, nothing is republished.
    let undated = run(true);
    assert_eq!(undated.built.len(), 0);
    assert_eq!(undated.failed, expected.len());
    assert!(undated.problems.to_string().contains("a correction needs its date and reason"), "{}", undated.problems);
    assert_eq!(mtimes(&out), before, "an undated correction touched a file");
    let reason = "One answer in Lancashire's case export was recorded wrongly and has been corrected.";
    let correction = run_as_of(true, Some(("2012-09-14", reason)));
    assert!(correction.problems.is_empty(), "{}", correction.problems);
    assert_eq!(correction.corrected, expected.len(), "every report whose figures changed carries a notice");
    let mut rebuilt: Vec<String> = correction.built.iter().map(|b| b.pdf.strip_prefix(&out).unwrap().to_string_lossy().into_owned()).collect();
    rebuilt.sort();
    assert_eq!(rebuilt, expected);
    assert_eq!(correction.unchanged, 108 - expected.len());
    let after = mtimes(&out);
    for (path, time) in &before {
        let name = path.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
        let touched_ok = expected.iter().any(|e| [".pdf", ".figures.csv", ".html", ".xlsx"].iter().any(|x| name == e.replace(".pdf", x)))
            || name == "publication-record.json";
        if !touched_ok {
            assert_eq!(after.get(path), Some(time), "{name} was touched by a correction that does not concern it");
        }
    }
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("publication-record.json")).unwrap()).unwrap();
    let entry = &record["reports"]["omi2/2011-12/lancashire.pdf"];
    assert_ne!(entry["pdf"].as_str().unwrap(), old_lancashire);
    assert_eq!(entry["replaced"][0].as_str().unwrap(), old_lancashire, "the record keeps the hash of the version it replaced");
    // The notice, near the front: date, reason, and what changed, figure by figure.
    let text = squash(&pdf_text(&out.join("omi2/2011-12/lancashire.pdf")));
    let notice = text.find("Corrected on 14 September 2012").expect("a dated notice");
    assert!(notice < text.find("Foreword").unwrap(), "the notice comes before the foreword");
    assert!(text.contains(reason), "{text}");
    assert!(text.contains("Figure Was Now"), "the changed figures, before and after");
    // The HTML edition carries the same notice, before its foreword, and the annexe the new figures.
    let html = std::fs::read_to_string(out.join("omi2/2011-12/lancashire.html")).unwrap();
    let notice = html.find("Corrected on 14 September 2012").expect("a dated notice in the HTML edition");
    assert!(notice < html.find(">Foreword</h2>").unwrap() && html.contains(&reason.replace('\'', "&#x27;")), "the notice before the foreword, with its reason");
    let new_csv = std::fs::read_to_string(out.join("omi2/2011-12/lancashire.figures.csv")).unwrap();
    let mut annexe: calamine::Xlsx<_> = calamine::open_workbook(out.join("omi2/2011-12/lancashire.xlsx")).unwrap();
    let scores = calamine::Reader::worksheet_range(&mut annexe, "Scores").unwrap();
    let first = scores.rows().nth(1).unwrap();
    let csv_first = new_csv.lines().nth(1).unwrap();
    assert!(csv_first.contains(&format!(",{},{},", first[3], first[4])), "the annexe has the corrected figures: {csv_first} / {first:?}");
    // The superseded version is kept, byte for byte, under a name with the date, and the
    // corrections log lists the correction.
    assert_eq!(std::fs::read(out.join("omi2/2011-12/lancashire.superseded-2012-09-14.pdf")).unwrap(), old_bytes);
    // Its HTML edition and data annexe too, as they were published.
    for (ext, old) in [("html", &old_html), ("xlsx", &old_xlsx)] {
        let kept = std::fs::read(out.join(format!("omi2/2011-12/lancashire.superseded-2012-09-14.{ext}"))).unwrap_or_else(|e| panic!("superseded {ext}: {e}"));
        assert!(kept == **old, "the superseded {ext} is the published one");
        assert!(std::fs::read(out.join(format!("omi2/2011-12/lancashire.{ext}"))).unwrap() != **old, "the {ext} is the corrected one");
    }
    assert_eq!(entry["html"].as_str().unwrap(), inspection_reports::record::hash(&std::fs::read(out.join("omi2/2011-12/lancashire.html")).unwrap()));
    assert_eq!(entry["corrections"][0]["superseded"].as_str().unwrap(), "omi2/2011-12/lancashire.superseded-2012-09-14.pdf");
    let log = std::fs::read_to_string(out.join("corrections.csv")).unwrap();
    assert!(log.lines().any(|l| l.starts_with("2012-09-14,omi2/2011-12/lancashire.pdf,")), "{log}");
    assert!(std::fs::read_to_string(out.join("corrections.md")).unwrap().contains("14 September 2012"));
    // A report published before Lancashire's is untouched and carries no notice.
    assert!(!squash(&pdf_text(&out.join("omi2/2011-12/cumbria.pdf"))).contains("Corrected on"));

    // An edit that changes no content (a comment in an inspection file): the report is made
    // again, comes out the same, and no file is rewritten; the record takes the new input.
    let yaml = data.join("inspections/omi2-2011-12/cumbria/inspection.yaml");
    std::fs::write(&yaml, format!("{}# checked by the lead inspector\n", std::fs::read_to_string(&yaml).unwrap())).unwrap();
    let pdf = out.join("omi2/2011-12/cumbria.pdf");
    let before = std::fs::metadata(&pdf).unwrap().modified().unwrap();
    let comment = run(true);
    assert!(comment.problems.is_empty(), "{}", comment.problems);
    assert!(comment.built.iter().any(|b| b.pdf == pdf), "Cumbria's input changed, so it is made again");
    assert_eq!(std::fs::metadata(&pdf).unwrap().modified().unwrap(), before, "the same bytes were written again");
    assert_eq!(run(true).built.len(), 0, "the record took the new input");
}

/// Flips the first Yes or No of case row `k` (1-based) of an export.
fn flip_row(export: &Path, k: usize) {
    let text = std::fs::read_to_string(export).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let row = &lines[k];
    lines[k] = if row.contains(",Yes,") { row.replacen(",Yes,", ",No,", 1) } else { row.replacen(",No,", ",Yes,", 1) };
    std::fs::write(export, lines.join("\n") + "\n").unwrap();
}

#[test]
fn two_corrections_on_one_day_keep_both_earlier_versions_and_a_lost_record_still_guards() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    copy_tree(&root().join("data"), &data);
    let run = |correction: Option<&str>| {
        let mut s = Settings::for_root(&root());
        s.data = data.clone();
        s.output = out.clone();
        s.filter = inspection_reports::project::Filter::new(Some("omi2".into()), None, None);
        s.correction = correction.map(|r| (inspection_reports::date::Date::parse("2012-09-14").unwrap(), r.to_string()));
        project::run(&s, &|_| {})
    };
    assert!(run(None).problems.is_empty());
    let pdf = out.join("omi2/2011-12/west-mercia.pdf");
    let export = data.join("inspections/omi2-2011-12/west-mercia/cases.csv");
    let v1 = std::fs::read(&pdf).unwrap();
    flip_row(&export, 1);
    assert!(run(Some("First correction.")).problems.is_empty());
    let v2 = std::fs::read(&pdf).unwrap();
    flip_row(&export, 2);
    let second = run(Some("Second correction."));
    assert!(second.problems.is_empty(), "{}", second.problems);
    assert_eq!(std::fs::read(out.join("omi2/2011-12/west-mercia.superseded-2012-09-14.pdf")).unwrap(), v1, "the first kept version is not overwritten");
    assert_eq!(std::fs::read(out.join("omi2/2011-12/west-mercia.superseded-2012-09-14-2.pdf")).unwrap(), v2, "the second gets its own name");
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains("First correction.") && text.contains("Second correction."), "both notices: {text}");

    // The record lost: a change of published figures is still a correction, told from the
    // figures CSV beside the PDF.
    std::fs::remove_file(out.join("publication-record.json")).unwrap();
    flip_row(&export, 3);
    let undated = run(None);
    assert!(undated.problems.to_string().contains("a correction needs its date and reason"), "{}", undated.problems);
    assert!(run(Some("Third correction.")).problems.is_empty());

    // A figure by characteristic is a printed figure too: one case's recorded sex corrected
    // changes no overall figure, but it is still a correction.
    let text = std::fs::read_to_string(&export).unwrap();
    let (head, rest) = text.split_once('\n').unwrap();
    let sex = head.split(',').position(|c| c == "sex").expect("a sex column");
    let mut lines: Vec<String> = rest.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[0].split(',').map(str::to_string).collect();
    cells[sex] = if cells[sex] == "Male" { "Female".into() } else { "Male".into() };
    lines[0] = cells.join(",");
    std::fs::write(&export, format!("{head}\n{}\n", lines.join("\n"))).unwrap();
    let breakdown = run(None);
    let problems = breakdown.problems.to_string();
    assert!(problems.contains("a correction needs its date and reason") && problems.contains("(sex="), "{problems}");
}

#[test]
fn a_wording_change_is_a_correction_dated_by_the_correction_recorded_in_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    copy_tree(&root().join("data"), &data);
    let run = || {
        let mut s = Settings::for_root(&root());
        s.data = data.clone();
        s.output = out.clone();
        s.filter = inspection_reports::project::Filter::new(Some("omi2".into()), None, None);
        s.changed_only = true;
        project::run(&s, &|_| {})
    };
    assert!(run().problems.is_empty());
    let pdf = out.join("omi2/2011-12/cumbria.pdf");
    let published = std::fs::read(&pdf).unwrap();
    // A sentence of the summary redrafted; no figure changes.
    let yaml = data.join("inspections/omi2-2011-12/cumbria/inspection.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    // The first line of the summary block, prefixed with a sentence.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = lines.iter().position(|l| l.starts_with("  summary: |")).expect("a narrative summary block") + 1;
    let indent = lines[at].len() - lines[at].trim_start().len();
    lines[at] = format!("{}The Trust has acted on these findings since the inspection. {}", " ".repeat(indent), lines[at].trim_start());
    let edited = lines.join("\n") + "\n";
    std::fs::write(&yaml, &edited).unwrap();
    // Without a date it is refused, named as a passage, and nothing is touched.
    let undated = run();
    assert!(undated.problems.to_string().contains("Text: the findings and recommendations"), "{}", undated.problems);
    assert_eq!(std::fs::read(&pdf).unwrap(), published);
    // The correction recorded in the inspection file dates and explains it.
    let reason = "The summary was redrafted to say what the Trust had done since the inspection.";
    std::fs::write(&yaml, format!("{edited}\ncorrections:\n  - date: 2012-03-05\n    reason: \"{reason}\"\n")).unwrap();
    let dated = run();
    assert!(dated.problems.is_empty(), "{}", dated.problems);
    assert_eq!(dated.corrected, 1, "only Cumbria's wording changed");
    let shown = squash(&pdf_text(&pdf));
    assert!(shown.contains("Corrected on 5 March 2012"), "{shown}");
    assert!(shown.contains(reason) && shown.contains("Text: the summary as published revised"), "{shown}");
    assert_eq!(std::fs::read(out.join("omi2/2011-12/cumbria.superseded-2012-03-05.pdf")).unwrap(), published, "the published version is kept");
    // Done once: the same recorded correction is not published again.
    let again = run();
    assert!(again.problems.is_empty(), "{}", again.problems);
    assert_eq!(again.built.len(), 0);
}
