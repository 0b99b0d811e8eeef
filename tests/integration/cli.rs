//! The binary's contract with those who script it: exit codes 0–4, the documented JSON
//! messages, diagnostics that show the source line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::common::*;

const GOOD: &str = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
const BAD: &str = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yse,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_inspection-reports"))
}

/// A project root with the mini framework, its inspections, and the real templates and fonts.
fn project(dir: &Path, inspections: &[(&str, &str, &str, &str)]) {
    mini_project(dir, inspections);
    copy_tree(&root().join("report-templates"), &dir.join("report-templates"));
    copy_tree(&root().join("fonts"), &dir.join("fonts"));
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    bin().arg("build").arg("--root").arg(dir).args(args).output().unwrap()
}

#[test]
fn exit_codes_0_1_2_3_4() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir, &[("area-a", "Area A", "Summary.", GOOD)]);
    assert_eq!(run(dir, &["--quiet"]).status.code(), Some(0), "a good project builds");

    // 1: a data file is wrong.
    std::fs::write(dir.join("data/inspections/area-a/cases.csv"), BAD).unwrap();
    let out = run(dir, &["--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.join("data/inspections/area-a/cases.csv"), GOOD).unwrap();

    // 2: usage.
    assert_eq!(run(dir, &["--jobs", "0"]).status.code(), Some(2));
    assert_eq!(bin().arg("bulid").output().unwrap().status.code(), Some(2));

    // 3: a template is wrong: the message points at the template that was edited (an imported
    // one, not the entry template) and shows its line.
    let style = dir.join("report-templates/lib/style.typ");
    let text = std::fs::read_to_string(&style).unwrap();
    std::fs::write(&style, format!("{text}\n#let broken = (1 + )\n")).unwrap();
    let out = run(dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("lib/style.typ"), "names the edited template: {stderr}");
    assert!(stderr.contains("#let broken = (1 + )"), "shows the offending line: {stderr}");
    std::fs::write(&style, text).unwrap();

    // 4: the output cannot be written (the output folder is a file).
    let file = dir.join("not-a-folder");
    std::fs::write(&file, "").unwrap();
    let out = run(dir, &["--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_text_template_error_shows_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir, &[("area-a", "Area A", "Summary.", GOOD)]);
    let foreword = dir.join("report-templates/text/area-foreword.j2");
    let text = std::fs::read_to_string(&foreword).unwrap();
    std::fs::write(&foreword, format!("{{{{ no_such_value.field }}}}\n{text}")).unwrap();
    let out = run(dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("area-foreword.j2:1:"), "file, line and column: {stderr}");
    assert!(stderr.contains("{{ no_such_value.field }}"), "the line itself: {stderr}");
}

#[test]
fn a_yaml_error_shows_its_line_and_key_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project(dir, &[("area-a", "Area A", "Summary.", GOOD)]);
    let yaml = dir.join("data/inspections/area-a/inspection.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap().replace("publication_date: 2020-09-01", "publication_date: 2020-02-30");
    std::fs::write(&yaml, text).unwrap();
    let out = run(dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("publication_date: 2020-02-30"), "the line itself: {stderr}");
    assert!(stderr.contains("key `publication_date`"), "the key path: {stderr}");
    let line = std::fs::read_to_string(&yaml).unwrap().lines().position(|l| l.starts_with("publication_date")).unwrap() + 1;
    assert!(stderr.contains(&format!("inspection.yaml:{line}:")), "at line {line}: {stderr}");
}

/// `docs/message-format.md`: the fields of each message type, from its tables.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(root().join("docs/message-format.md")).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## `") {
            section = h.trim_end_matches('`').to_string();
        } else if let Some(h) = line.strip_prefix('`').and_then(|l| l.strip_suffix("`:")) {
            section = h.to_string();
        } else if let Some(field) = line.strip_prefix("| `").and_then(|l| l.split('`').next()) {
            out.entry(section.clone()).or_default().insert(field.to_string());
        }
    }
    out
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn every_json_message_has_exactly_the_documented_fields() {
    let schema = documented();
    for t in ["built", "problem", "summary", "location", "excerpt"] {
        assert!(schema.contains_key(t), "docs/message-format.md documents `{t}`: {schema:?}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // One report built, one inspection broken (an error and a warning), one YAML error with
    // an excerpt.
    // The broken ones are of other periods, so area-a's comparison set is whole; its export has
    // an extra column (a warning).
    let extra = GOOD.replace("q3\n", "q3,notes\n").replace("Yes\n", "Yes,\n");
    project(dir, &[("area-a", "Area A", "Summary.", &extra), ("area-b", "Area B", "Summary.", BAD), ("area-c", "Area C", "Summary.", GOOD)]);
    // Published after area-a, they are not in its comparison set (the areas inspected to date).
    for (folder, period) in [("area-b", "2021-22"), ("area-c", "2022-23")] {
        let yaml = dir.join("data/inspections").join(folder).join("inspection.yaml");
        let text = std::fs::read_to_string(&yaml).unwrap().replace("period: 2020-21", &format!("period: {period}"));
        std::fs::write(&yaml, text.replace("publication_date: 2020-09-01", "publication_date: 2021-09-01")).unwrap();
    }
    let yaml = dir.join("data/inspections/area-c/inspection.yaml");
    std::fs::write(&yaml, std::fs::read_to_string(&yaml).unwrap().replace("region:", "regoin:")).unwrap();
    let out = run(dir, &["--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut seen = BTreeSet::new();
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let t = v["type"].as_str().unwrap().to_string();
        let optional: BTreeSet<String> = if t == "problem" { ["excerpt".to_string()].into() } else { BTreeSet::new() };
        let expected = &schema[&t];
        let got = keys(&v);
        assert!(got.is_subset(expected) && expected.difference(&got).all(|k| optional.contains(k)), "{t}: {got:?} against the documented {expected:?}");
        if t == "problem" {
            assert_eq!(&keys(&v["location"]), &schema["location"]);
            if !v["excerpt"].is_null() {
                assert_eq!(&keys(&v["excerpt"]), &schema["excerpt"]);
                seen.insert("excerpt".to_string());
            }
            seen.insert(format!("problem {}", v["severity"].as_str().unwrap()));
        }
        seen.insert(t);
    }
    for t in ["built", "problem error", "problem warning", "summary", "excerpt"] {
        assert!(seen.contains(t), "the run printed no `{t}` message: {stdout}");
    }
    assert!(stdout.lines().last().unwrap().contains("\"type\":\"summary\""), "the summary comes last");
}
