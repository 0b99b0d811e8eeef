//! The committed sample is exactly what the seeded generator writes: anyone can regenerate it.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use walkdir::WalkDir;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn generator_reproduces_the_committed_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // The generator reads the hand-written frameworks and writes inspections and aggregates.
    let frameworks = crate::common::root().join("data/frameworks");
    std::fs::create_dir_all(data.join("frameworks")).unwrap();
    for (name, bytes) in files(&frameworks) {
        std::fs::write(data.join("frameworks").join(name), bytes).unwrap();
    }
    let status =
        Command::new(env!("CARGO_BIN_EXE_generate-sample")).arg("--published").arg(crate::common::published()).arg("--data").arg(&data).status().unwrap();
    assert!(status.success());
    for sub in ["inspections", "aggregates"] {
        let made = files(&data.join(sub));
        let committed = files(&crate::common::root().join("data").join(sub));
        assert_eq!(made.len(), committed.len(), "{sub}: number of files");
        for ((a, x), (b, y)) in made.iter().zip(&committed) {
            assert_eq!(a, b);
            assert!(x == y, "data/{sub}/{a} differs from what the generator writes: run `cargo run --release --bin generate-sample`");
        }
    }
}

/// The sample's narratives do not contradict its figures: an area summary that calls the work
/// good has most answers Yes, one that calls too much of it not good enough has fewer than
/// three in five, and none names local assessors where the programme used none.
#[test]
fn narratives_agree_with_the_figures_and_the_method() {
    let root = crate::common::root();
    let mut checked = 0;
    let mut stated_bullets = 0;
    for framework in std::fs::read_dir(root.join("data/inspections")).unwrap() {
        let framework = framework.unwrap().path();
        for area in std::fs::read_dir(&framework).unwrap() {
            let area = area.unwrap().path();
            let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(area.join("inspection.yaml")).unwrap()).unwrap();
            let fw_id = spec["framework"].as_str().unwrap();
            let fw: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(&std::fs::read_to_string(root.join(format!("data/frameworks/{fw_id}.yaml"))).unwrap()).unwrap();
            let summary = spec["narrative"]["summary"].as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
            if summary.to_lowercase().contains("local assessors") {
                assert!(fw["method"]["local_assessors"].as_bool() == Some(true), "{}: names local assessors, which {fw_id} did not use", area.display());
            }
            let Ok(text) = std::fs::read_to_string(area.join("cases.csv")) else { continue };
            let questions: Vec<&str> = fw["questions"].as_sequence().unwrap().iter().map(|q| q["id"].as_str().unwrap()).collect();
            let mut rows = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
            let columns: Vec<usize> = header.iter().enumerate().filter(|(_, h)| questions.contains(&h.as_str())).map(|(i, _)| i).collect();
            let (mut yes, mut no) = (0u32, 0u32);
            // Per question: (Yes, No).
            let mut by_question: HashMap<&str, (u32, u32)> = HashMap::new();
            for r in rows.records() {
                let r = r.unwrap();
                for &c in &columns {
                    yes += u32::from(&r[c] == "Yes");
                    no += u32::from(&r[c] == "No");
                    let e = by_question.entry(header[c].as_str()).or_default();
                    e.0 += u32::from(&r[c] == "Yes");
                    e.1 += u32::from(&r[c] == "No");
                }
            }
            // A strength or an area for improvement stating a question's finding agrees with the
            // area's share of Yes answers to it: a strength at least three-quarters, "almost all"
            // at least 95%, an area for improvement under three-quarters.
            // The area's own lists and each standard's.
            let mut lists: Vec<&serde_yaml_ng::Value> = vec![&spec["narrative"]];
            if let Some(standards) = spec["narrative"]["standards"].as_mapping() {
                lists.extend(standards.values());
            }
            for (list, strength) in lists.iter().flat_map(|n| [(&n["strengths"], true), (&n["areas_for_improvement"], false)]) {
                for bullet in list.as_sequence().into_iter().flatten().filter_map(|b| b.as_str()) {
                    // A statement shared by court and out-of-court work names its domain first
                    // ("In court disposals, implementation and delivery …").
                    let whole = bullet.to_lowercase();
                    let lower = match whole.strip_prefix("in ").and_then(|rest| rest.split_once(", ")) {
                        Some((_, statement)) if whole.starts_with("in court") || whole.starts_with("in out-of-court") => statement.to_string(),
                        _ => whole.clone(),
                    };
                    // Several questions may share a statement (youth court and out-of-court work):
                    // the bullet states one of them.
                    let shares: Vec<(f64, u32)> = fw["questions"]
                        .as_sequence()
                        .unwrap()
                        .iter()
                        .filter(|q| {
                            let s = q["statement"].as_str().or(q["text"].as_str()).unwrap_or_default().trim_end_matches('.').to_lowercase();
                            !s.is_empty() && lower.starts_with(&s)
                        })
                        .filter_map(|q| by_question.get(q["id"].as_str().unwrap()))
                        .map(|(y, n)| (100.0 * f64::from(*y) / f64::from((y + n).max(1)), y + n))
                        .collect();
                    if shares.is_empty() {
                        continue;
                    }
                    let almost_all = bullet.contains("almost all");
                    assert!(
                        shares.iter().any(|(share, _)| if strength {
                            *share >= 75.0 && (!almost_all || (95.0..100.0).contains(share)) && (!bullet.contains("in all cases") || *share == 100.0)
                        } else {
                            *share < 75.0
                        }),
                        "{}: {} says {bullet:?}, and the share of Yes answers (per cent, relevant cases) is {shares:?}",
                        area.display(),
                        if strength { "a strength" } else { "an area for improvement" }
                    );
                    // "fewer than half" under half; no share of 40% or more called "a third".
                    let share = shares[0].0;
                    if bullet.contains("fewer than half") {
                        assert!(shares.iter().any(|(p, _)| *p < 50.0), "{}: {bullet:?} at {share:.0}%", area.display());
                    }
                    if bullet.contains("little more than a third") {
                        assert!(shares.iter().any(|(p, _)| *p < 40.0), "{}: {bullet:?} at {share:.0}%", area.display());
                    }
                    stated_bullets += 1;
                }
            }
            let level = 100.0 * f64::from(yes) / f64::from((yes + no).max(1));
            if summary.contains("work of a good standard in most") {
                assert!(level >= 75.0, "{}: the summary calls the work good, {level:.0}% of answers Yes", area.display());
            }
            if summary.contains("Too much of the work we inspected was not good enough") {
                assert!(level < 60.0, "{}: the summary calls too much of the work not good enough, {level:.0}% of answers Yes", area.display());
            }
            if summary.contains("was not yet consistent enough") {
                assert!((60.0..75.0).contains(&level), "{}: the summary calls the work not yet consistent, {level:.0}% of answers Yes", area.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} areas checked: the sample has 100");
    assert!(stated_bullets >= 300, "{stated_bullets} strengths and areas for improvement state a finding");
}

/// The sample's fieldwork dates span the weeks its framework's methodology says the fieldwork
/// took ("two fieldwork weeks" under the 2018 standards), from a Monday to a Friday.
#[test]
fn fieldwork_dates_span_the_weeks_the_methodology_states() {
    use inspection_reports::date::Date;
    let root = crate::common::root();
    let days = |a: &Date, b: &Date| {
        let mut d = *a;
        let mut n = 0;
        while d != *b {
            d = d.next_day();
            n += 1;
            assert!(n < 400, "{} is not after {}", b.long(), a.long());
        }
        n
    };
    let mut checked = 0;
    for framework in std::fs::read_dir(root.join("data/inspections")).unwrap() {
        for area in std::fs::read_dir(framework.unwrap().path()).unwrap() {
            let area = area.unwrap().path();
            let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(area.join("inspection.yaml")).unwrap()).unwrap();
            let fw_id = spec["framework"].as_str().unwrap();
            let fw: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(&std::fs::read_to_string(root.join(format!("data/frameworks/{fw_id}.yaml"))).unwrap()).unwrap();
            let weeks = fw["method"]["fieldwork_weeks"].as_u64().unwrap_or(1) as u32;
            let start = Date::parse(spec["fieldwork"]["start"].as_str().unwrap()).unwrap();
            let end = Date::parse(spec["fieldwork"]["end"].as_str().unwrap()).unwrap();
            assert_eq!((start.weekday(), end.weekday()), (0, 4), "{}: fieldwork from a Monday to a Friday", area.display());
            assert_eq!(days(&start, &end), 4 + 7 * (weeks - 1), "{}: {weeks} fieldwork week(s) in {fw_id}", area.display());
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} areas checked");
}
