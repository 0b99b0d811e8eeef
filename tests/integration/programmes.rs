//! Every inspection programme of the sample, checked against figures computed here by hand from
//! its case exports, independently of the pipeline's code: a key-question percentage, the
//! ratings by the rules of ../shared/domain.md, and the overall score and rating.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use inspection_reports::project::{self, Filter, Settings};

fn build_framework(out: &Path, framework: &str) {
    let mut s = Settings::for_root(&root());
    s.output = out.to_path_buf();
    s.filter = Filter::new(Some(framework.into()), None, None);
    // The Typst inputs (the report models) under out/typst, for tests that read the model.
    s.dump_typst = Some(out.join("typst"));
    let summary = project::run(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    assert!(!summary.built.is_empty());
}

/// Yes and No answers of one question column, counted by hand.
fn count(cases: &[std::collections::HashMap<String, String>], question: &str) -> (u32, u32) {
    let yes = cases.iter().filter(|c| c[question] == "Yes").count() as u32;
    let no = cases.iter().filter(|c| c[question] == "No").count() as u32;
    (yes, no)
}

/// The 2018 bands of a key-question percentage (exact, not rounded).
fn band(yes: u32, no: u32) -> (&'static str, u32) {
    let p = 100.0 * f64::from(yes) / f64::from(yes + no);
    match p {
        p if p >= 80.0 => ("Outstanding", 3),
        p if p >= 65.0 => ("Good", 2),
        p if p >= 50.0 => ("Requires improvement", 1),
        _ => ("Inadequate", 0),
    }
}

fn points(rating: &str) -> u32 {
    match rating {
        "outstanding" => 3,
        "good" => 2,
        "requires_improvement" => 1,
        _ => 0,
    }
}

/// A standards aggregate (`text` its PDF text, `aggregate` its figures CSV, `dir` the folder of
/// its inspections) publishes what the inspectorate published: each key question over all areas,
/// recounted here from the case exports, in its table and in the summary; no figure pooling a
/// standard's key questions, in the CSV or the text.
fn standards_aggregate_gives_key_questions_not_pooled_standards(
    text: &str,
    aggregate: &[std::collections::HashMap<String, String>],
    dir: &Path,
    standards: &[(&str, &[&str])],
) {
    let mut pooled: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let cases = read_csv(&entry.unwrap().path().join("cases.csv"));
        for (_, kqs) in standards {
            for q in *kqs {
                let (y, n) = count(&cases, q);
                let e = pooled.entry(q.to_string()).or_default();
                *e = (e.0 + y, e.1 + n);
            }
        }
    }
    for (q, (y, n)) in &pooled {
        let r = aggregate.iter().find(|r| r["group"] == "All areas" && r["kind"] == "question" && r["id"] == *q && r["breakdown"].is_empty()).unwrap();
        assert_eq!((r["yes"].parse::<u32>().unwrap(), r["no"].parse::<u32>().unwrap()), (*y, *n), "all areas, {q}");
        let pct = (200 * y + (y + n)) / (2 * (y + n));
        assert_eq!(r["percent"], pct.to_string(), "all areas, {q}");
    }
    // The summary: each case standard's first key question, over the areas it applies to.
    let pct = |q: &str| {
        let (y, n) = pooled[q];
        (200 * y + (y + n)) / (2 * (y + n))
    };
    assert!(text.contains("the work was sufficient on "), "the summary gives the key questions");
    for (_, kqs) in standards {
        let first = pct(kqs[0]);
        // Running text of the 2018 era writes "per cent" (data/publisher.yaml).
        assert!(text.contains(&format!("in {first} per cent of the relevant cases")), "the summary gives {} at {first} per cent", kqs[0]);
    }
    assert!(!aggregate.iter().any(|r| r["kind"] == "section"), "a standard's answers pooled into one figure, in the CSV");
    assert!(!text.contains("across all areas"), "a standard said to be 'across all areas'");
    assert!(!text.contains("Scores of every area"), "the table of pooled standards");
    assert!(text.contains("Key questions The chart gives each key question over all areas"), "the key questions section");
}

#[test]
fn adult_2018_aggregate_compares_nps_and_crc_key_question_by_key_question_as_counted_by_hand() {
    let out = tempfile::tempdir().unwrap();
    build_framework(out.path(), "adult-2018");
    let standards: [(&str, &[&str]); 8] = [
        ("2.1 Assessment", &["kq2_1_1", "kq2_1_2", "kq2_1_3"]),
        ("2.2 Planning", &["kq2_2_1", "kq2_2_2", "kq2_2_3"]),
        ("2.3 Implementation and delivery", &["kq2_3_1", "kq2_3_2", "kq2_3_3"]),
        ("2.4 Reviewing", &["kq2_4_1", "kq2_4_2", "kq2_4_3"]),
        ("3.1 Court reports and case allocation (NPS)", &["kq3_1n_1", "kq3_1n_2"]),
        ("3.2 Statutory victim work (NPS)", &["kq3_2n_1", "kq3_2n_2"]),
        ("3.1 Unpaid work (CRC)", &["kq3_1c_1", "kq3_1c_2"]),
        ("3.2 Through the gate (CRC)", &["kq3_2c_1", "kq3_2c_2"]),
    ];
    let dir = root().join("data/inspections/adult-2018-19");
    // Yes and No by provider and question, and among women.
    let mut by: BTreeMap<(String, String), (u32, u32)> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let folder = entry.unwrap().path();
        let cases = read_csv(&folder.join("cases.csv"));
        let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(folder.join("inspection.yaml")).unwrap()).unwrap();
        let provider = spec["provider"].as_str().unwrap().to_string();
        let women: Vec<_> = cases.iter().filter(|c| c["sex"] == "Female").cloned().collect();
        for (_, kqs) in &standards {
            for q in *kqs {
                for (group, set) in [(provider.clone(), &cases), ("All areas".to_string(), &cases), ("Female".to_string(), &women)] {
                    let (y, n) = count(set, q);
                    let e = by.entry((group, q.to_string())).or_default();
                    *e = (e.0 + y, e.1 + n);
                }
            }
        }
    }
    let shown = |group: &str, q: &str| match by.get(&(group.to_string(), q.to_string())) {
        Some(&(y, n)) if y + n >= 10 => format!("{}%", (200 * y + (y + n)) / (2 * (y + n))),
        Some(&(y, n)) if y + n > 0 => format!("{y} of {}", y + n),
        _ => "–".to_string(),
    };
    let text = squash(&pdf_text(&out.path().join("aggregate/adult-2018-19.pdf")));
    let aggregate = read_csv(&out.path().join("aggregate/adult-2018-19.figures.csv"));
    let framework: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(root().join("data/frameworks/adult-2018.yaml")).unwrap()).unwrap();
    let short = |q: &str| {
        let s = framework["questions"].as_sequence().unwrap().iter().find(|x| x["id"].as_str() == Some(q)).unwrap()["short"].as_str().unwrap().to_string();
        s[..1].to_lowercase() + &s[1..]
    };
    // The data of the key questions chart: all areas, CRC, NPS (a dash where the standard does
    // not apply to the provider).
    // A long name wraps in its cell, and the laid-out text of a PDF gives the row's figures
    // on the line of the name's first part: a row is the name's words in order, figures allowed between
    // them, and its first three figures.
    // In parts, each on a page with its rows ("Data for figure 2 (part 1 of 3):"): the rows
    // after the label on each page (the chart above it has text labels too).
    assert!(text.contains("Data for figure 2"), "the data of the key questions chart");
    let table: String = pdf_text(&out.path().join("aggregate/adult-2018-19.pdf"))
        .split('\u{c}')
        .filter_map(|page| page.split_once("Data for figure 2").map(|(_, rows)| squash(rows)))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = table.split(' ').collect();
    let is_figure = |w: &str| w.ends_with('%') || w == "–";
    let row_figures = |name: &str| -> Option<Vec<String>> {
        let want: Vec<&str> = name.split(' ').collect();
        (0..words.len()).find_map(|i| {
            let (mut k, mut matched, mut figures) = (i, 0, Vec::new());
            while k < words.len() && (figures.len() < 3 || matched < want.len()) {
                if matched < want.len() && words[k] == want[matched] {
                    matched += 1;
                } else if is_figure(words[k]) && matched > 0 {
                    if figures.len() < 3 {
                        figures.push(words[k].to_string());
                    }
                } else if matched > 0 && words[k].chars().all(|c| c.is_ascii_digit() || c == ',') {
                    // The relevant cases beside all areas' figure.
                } else if matched < want.len() {
                    return None;
                }
                k += 1;
            }
            (matched == want.len()).then_some(figures)
        })
    };
    for (standard, kqs) in &standards {
        for q in *kqs {
            let name = format!("{standard}: {}", short(q));
            let figures = row_figures(&name).unwrap_or_else(|| panic!("the key questions table lacks {name}"));
            assert_eq!(figures, vec![shown("All areas", q), shown("CRC", q), shown("NPS", q)], "the key questions table: {name}");
        }
    }
    // The findings in the inspectorate's words (the framework's statements), each on its base;
    // a standard of one provider over that provider's areas.
    let showed = &text[text.find("What the cases showed Each finding").expect("the findings in words")..];
    let stated =
        format!("Planning focused sufficiently on keeping other people safe in {} of relevant cases.", shown("All areas", "kq2_2_3").replace('%', " per cent"));
    assert!(showed.contains(&stated), "lacks `{stated}`");
    let victims = &showed[showed.find("Statutory victim work").expect("the victim work findings")..];
    assert!(victims.starts_with("Statutory victim work Over the three areas where it applies: • Victims were offered contact"), "{}", &victims[..200]);
    // An area's foreword states its weakest key question, not the question quoted.
    let westvale = squash(&pdf_text(&out.path().join("adult-2018/2018-19/westvale-crc.pdf")));
    assert!(
        westvale.contains("the weakest result of any key question") && !westvale.contains("The weakest area of practice was “"),
        "Westvale's foreword quotes its weakest question"
    );
    // Recommendations go to the company inspected, by name.
    assert!(westvale.contains("Westvale CRC should ensure that:"), "Westvale's recommendations are not addressed to Westvale CRC");
    // The standards of one provider are rated in columns of their own, not merged by their id.
    for key in ["3.1 NPS Provider-specific work Court reports and case allocation", "3.1 CRC Provider-specific work Unpaid work"] {
        assert!(text.contains(key), "the ratings' key lacks `{key}`");
    }
    // A provider's standard is counted over its areas, and says so.
    assert!(
        text.contains("Court reports and case allocation (3.1), NPS only, over the three areas it applies to: the work was sufficient on advice to court in")
    );
    // Women's figures, each key question on its own base.
    for q in ["kq2_1_1", "kq2_4_3", "kq3_1n_1"] {
        let (y, n) = by[&("Female".to_string(), q.to_string())];
        let r = aggregate.iter().find(|r| r["group"] == "All areas" && r["kind"] == "question" && r["id"] == q && r["breakdown"] == "sex=Female").unwrap();
        assert_eq!((r["yes"].parse::<u32>().unwrap(), r["no"].parse::<u32>().unwrap()), (y, n), "women, {q}");
    }
    standards_aggregate_gives_key_questions_not_pooled_standards(&text, &aggregate, &dir, &standards);
}

#[test]
fn youth_2018_ratings_and_scores_out_of_36_match_a_hand_count() {
    let out = tempfile::tempdir().unwrap();
    build_framework(out.path(), "youth-2018");
    // The key questions of the case standards (domains two and three), as the seed lists them.
    let standards: [(&str, &[&str]); 8] = [
        ("2.1", &["kq2_1_1", "kq2_1_2", "kq2_1_3"]),
        ("2.2", &["kq2_2_1", "kq2_2_2", "kq2_2_3"]),
        ("2.3", &["kq2_3_1", "kq2_3_2", "kq2_3_3"]),
        ("2.4", &["kq2_4_1", "kq2_4_2", "kq2_4_3"]),
        ("3.1", &["kq3_1_1", "kq3_1_2", "kq3_1_3"]),
        ("3.2", &["kq3_2_1", "kq3_2_2", "kq3_2_3"]),
        ("3.3", &["kq3_3_1", "kq3_3_2", "kq3_3_3"]),
        ("3.4", &["kq3_4_1", "kq3_4_2"]),
    ];
    let aggregate = read_csv(&out.path().join("aggregate/youth-2018-19.figures.csv"));
    let dir = root().join("data/inspections/youth-2018-19");
    let mut overall_seen = BTreeMap::new();
    let mut services = 0;
    let (mut court_cases, mut out_of_court_cases) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let folder = entry.unwrap().path();
        let slug = folder.file_name().unwrap().to_string_lossy().into_owned();
        let cases = read_csv(&folder.join("cases.csv"));
        let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(folder.join("inspection.yaml")).unwrap()).unwrap();
        let area = spec["area"].as_str().unwrap().to_string();

        // Court work is asked of court cases only, out-of-court work of out-of-court cases only.
        for c in &cases {
            let court = c["disposal"] == "Court disposal";
            if court {
                court_cases += 1
            } else {
                out_of_court_cases += 1
            }
            for (q, v) in c.iter().filter(|(k, _)| k.starts_with("kq")) {
                let asked_here = q.starts_with("kq2") == court;
                assert!(asked_here || v == "N/A", "{slug} {}: {q} answered `{v}` for a case of the other disposal", c["case_id"]);
            }
        }

        // Judged standards from the inspection file, case standards by their lowest key question.
        let mut total: u32 = (1..=4).map(|k| points(spec["judged_ratings"][format!("1.{k}").as_str()].as_str().unwrap())).sum();
        let area_csv = read_csv(&out.path().join(format!("youth-2018/2018-19/{slug}.figures.csv")));
        for (id, kqs) in standards {
            let (rating, p) = kqs.iter().map(|q| count(&cases, q)).map(|(y, n)| band(y, n)).min_by_key(|(_, p)| *p).unwrap();
            total += p;
            let row = aggregate
                .iter()
                .find(|r| r["group"] == area && r["kind"] == "standard" && r["id"] == id)
                .unwrap_or_else(|| panic!("{area}: no rating of {id}"));
            assert_eq!(row["rating"], rating, "{area}: standard {id}");
            // Every key question's figure: Yes, No and the rounded percentage.
            for q in kqs {
                let (y, n) = count(&cases, q);
                let r = area_csv.iter().find(|r| r["kind"] == "question" && r["id"] == *q && r["breakdown"].is_empty()).unwrap();
                assert_eq!((r["yes"].parse::<u32>().unwrap(), r["no"].parse::<u32>().unwrap()), (y, n), "{area} {q}");
                let pct = (200 * y + (y + n)) / (2 * (y + n));
                assert_eq!(r["percent"], pct.to_string(), "{area} {q}");
            }
        }
        let expected = match total {
            0..=6 => "Inadequate",
            7..=18 => "Requires improvement",
            19..=30 => "Good",
            _ => "Outstanding",
        };
        let row = aggregate.iter().find(|r| r["group"] == area && r["kind"] == "overall").unwrap();
        assert_eq!(row["rating"], expected, "{area}: overall rating from {total} points");
        let text = squash(&pdf_text(&out.path().join(format!("youth-2018/2018-19/{slug}.pdf"))));
        assert!(text.contains(&format!("is rated ‘{expected}’, with {total} points of a possible 36")), "{area}: foreword lacks its score of {total}");
        overall_seen.insert(total, expected);
        services += 1;
    }
    assert_eq!(services, 6);
    // The aggregate counts the cases of each disposal in its case sample. Court and out-of-court
    // work answer different key questions, so no table compares them question by question (each
    // row would have one figure): the key questions table gives both, standard by standard.
    let text = squash(&pdf_text(&out.path().join("aggregate/youth-2018-19.pdf")));
    assert!(text.contains(&format!("Court disposal {court_cases} ")), "court cases {court_cases} in the case sample");
    assert!(text.contains(&format!("Out-of-court disposal {out_of_court_cases} ")), "out-of-court cases {out_of_court_cases} in the case sample");
    assert!(!text.contains("Comparisons by disposal"), "a comparison by disposal with one figure a row");
    standards_aggregate_gives_key_questions_not_pooled_standards(&text, &aggregate, &dir, &standards);
    // The sample straddles the boundary the domain brief says published scores confirm.
    assert_eq!(overall_seen.get(&18), Some(&"Requires improvement"), "{overall_seen:?}");
    assert_eq!(overall_seen.get(&19), Some(&"Good"), "{overall_seen:?}");
    for rating in ["Outstanding", "Good", "Requires improvement", "Inadequate"] {
        assert!(overall_seen.values().any(|r| *r == rating), "no service rated {rating} overall: {overall_seen:?}");
    }
}

/// Quality & Impact's headline figures: the three impact measures, then quality, with the lines
/// of enquiry (by their id's prefix) each pools.
const MEASURES: &[(&str, &[&str])] = &[("c1_1", &["q1_1_"]), ("c1_2", &["q1_2_"]), ("c1_3", &["q1_3_"]), ("quality", &["q2_", "q3_", "q4_", "q5_"])];

#[test]
fn quality_and_impact_2016_headline_figures_and_provider_split_match_a_hand_count() {
    let out = tempfile::tempdir().unwrap();
    build_framework(out.path(), "qi-2016");
    let dir = root().join("data/inspections/qi-2016-17");
    let (mut all_yes, mut all_no) = (0u32, 0u32);
    // Impact of the NPS's cases over all areas, and how many they are.
    let (mut nps_yes, mut nps_no, mut nps_cases) = (0u32, 0u32, 0usize);
    let mut areas = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let folder = entry.unwrap().path();
        let slug = folder.file_name().unwrap().to_string_lossy().into_owned();
        let cases = read_csv(&folder.join("cases.csv"));
        let questions: Vec<String> = cases[0].keys().filter(|k| k.starts_with('q')).cloned().collect();
        assert_eq!(questions.len(), 58, "{slug}: the 58 lines of enquiry of sections 1–5");
        // Each impact measure pools the answers to the lines of enquiry of its criterion (1.1,
        // 1.2, 1.3: outcomes, three figures, not one), quality those of sections 2–5.
        let pooled = |cases: &[&std::collections::HashMap<String, String>], prefixes: &[&str]| {
            let qs = questions.iter().filter(|q| prefixes.iter().any(|p| q.starts_with(p)));
            let (mut y, mut n) = (0u32, 0u32);
            for q in qs {
                for c in cases {
                    y += u32::from(c[q.as_str()] == "Yes");
                    n += u32::from(c[q.as_str()] == "No");
                }
            }
            (y, n)
        };
        let everyone: Vec<_> = cases.iter().collect();
        let figures = read_csv(&out.path().join(format!("qi-2016/2016-17/{slug}.figures.csv")));
        for (id, prefixes) in MEASURES {
            let (y, n) = pooled(&everyone, prefixes);
            let row = figures.iter().find(|r| r["kind"] == "score" && r["id"] == *id && r["breakdown"].is_empty()).unwrap();
            assert_eq!((row["yes"].parse::<u32>().unwrap(), row["no"].parse::<u32>().unwrap()), (y, n), "{slug} {id}");
            assert_eq!(row["percent"], ((200 * y + y + n) / (2 * (y + n))).to_string(), "{slug} {id}");
            if *id == "c1_1" {
                all_yes += y;
                all_no += n;
            }
            // The same figure for the NPS's cases and the CRC's cases of the area.
            for provider in ["NPS", "CRC"] {
                let theirs: Vec<_> = cases.iter().filter(|c| c["provider"] == provider).collect();
                let (y, n) = pooled(&theirs, prefixes);
                if *id == "c1_1" && provider == "NPS" {
                    (nps_yes, nps_no, nps_cases) = (nps_yes + y, nps_no + n, nps_cases + theirs.len());
                }
                let row = figures.iter().find(|r| r["kind"] == "score" && r["id"] == *id && r["breakdown"] == format!("provider={provider}")).unwrap();
                assert_eq!((row["yes"].parse::<u32>().unwrap(), row["no"].parse::<u32>().unwrap()), (y, n), "{slug} {id} {provider}");
            }
        }
        // The impact measures are outcomes: the area's foreword says so, not "work to … done well".
        let text = squash(&pdf_text(&out.path().join(format!("qi-2016/2016-17/{slug}.pdf"))));
        let (y, n) = pooled(&everyone, &["q1_2_"]);
        let pct = (200 * y + y + n) / (2 * (y + n));
        assert!(
            text.contains(&format!("The evidence showed a positive impact on protecting the public from harm {pct}% of the time")),
            "{slug}: the impact on protecting the public, {pct}%"
        );
        assert!(!text.contains("Work to achieve a positive impact"), "{slug}: an impact measure worded as work done");
        // Recommendations go to both providers of the area, by name, as the framework says.
        let name = spec_name(&dir.join(&slug));
        let to = format!("The National Probation Service and the Community Rehabilitation Company in {name} should ensure that:");
        assert!(text.contains(&to), "{slug}: recommendations addressed as `{to}`");
        // The parts 1–5 of the framework head their sections, as in the seed.
        let findings = &text[text.rfind("Findings For each section").expect("the findings")..];
        let at = |h: &str| findings.find(h).unwrap_or_else(|| panic!("{slug}: the findings lack `{h}`"));
        assert!(at("1 Positive impact is achieved 1.1 Reoffending is reduced") < at("2 Engagement with service users contributes to effectiveness 2.1"));
        assert!(at("3 Assessment and planning contributes to effectiveness 3.1") < at("4 Interventions contribute to effectiveness 4.1"));
        assert!(at("4 Interventions contribute to effectiveness 4.1") < at("5 Reviews contribute to effectiveness 5.1"));
        areas += 1;
    }
    assert_eq!(areas, 6);
    // The aggregate pools the answers of all six areas.
    let aggregate = read_csv(&out.path().join("aggregate/qi-2016-17.figures.csv"));
    let row = aggregate.iter().find(|r| r["group"] == "All areas" && r["kind"] == "score" && r["id"] == "c1_1" && r["breakdown"].is_empty()).unwrap();
    assert_eq!((row["yes"].parse::<u32>().unwrap(), row["no"].parse::<u32>().unwrap()), (all_yes, all_no));
    let text = squash(&pdf_text(&out.path().join("aggregate/qi-2016-17.pdf")));
    for title in ["Impact: reoffending is reduced", "Impact: the public is protected from harm", "Impact: individuals abide by their sentence"] {
        assert!(text.contains(title), "the aggregate report names the impact measure `{title}`");
    }
    assert!(!aggregate.iter().any(|r| r["id"] == "impact"), "a pooled impact figure");
    // Every area has NPS and CRC cases: the providers are compared on their cases.
    let nps = format!("NPS 6 {nps_cases} {}%", (200 * nps_yes + nps_yes + nps_no) / (2 * (nps_yes + nps_no)));
    assert!(text.contains("Comparisons by provider") && text.contains(&nps), "provider comparison lacks `{nps}`");
    // Section 6 is judged from fieldwork: its criteria carry the inspectors' findings, no figure.
    let area = squash(&pdf_text(&out.path().join("qi-2016/2016-17/coastley.pdf")));
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(dir.join("coastley/inspection.yaml")).unwrap()).unwrap();
    let finding = spec["narrative"]["standards"]["6.3"]["areas_for_improvement"][0].as_str().unwrap();
    for expected in [
        "6 Leadership, management and partnership arrangements contribute to effectiveness",
        "6.3 Partnerships contribute to effectiveness",
        finding,
        "Partners make effective contributions to assessment, planning and the delivery of interventions.",
    ] {
        assert!(area.contains(expected), "Coastley's report lacks `{expected}`");
    }
}

#[test]
fn iaow_2013_outcome_scores_and_the_two_aggregates_match_a_hand_count() {
    let out = tempfile::tempdir().unwrap();
    build_framework(out.path(), "iaow-2013");
    // "Protecting the public" pools these questions (assessment, delivery and outcomes).
    const PROTECTING: [&str; 11] = ["a1_06", "a1_07", "a1_08", "a1_11", "i2_05", "i2_06", "i2_07", "i2_09", "i2_13", "o3_04", "o3_06"];
    let dir = root().join("data/inspections/iaow-2013-14");
    let first_six = std::fs::read_to_string(root().join("data/aggregates/iaow-2013-14-first-six.yaml")).unwrap();
    let (mut six, mut twelve) = ((0u32, 0u32), (0u32, 0u32));
    let mut percents = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let folder = entry.unwrap().path();
        let slug = folder.file_name().unwrap().to_string_lossy().into_owned();
        let cases = read_csv(&folder.join("cases.csv"));
        assert!((50..=90).contains(&cases.len()), "{slug}: IAOW samples were of 50 to 90 cases");
        let (mut y, mut n) = (0u32, 0u32);
        for q in PROTECTING {
            let (qy, qn) = count(&cases, q);
            y += qy;
            n += qn;
        }
        // Work to protect children is judged only where there were concerns about children.
        for c in &cases {
            if c["child_concerns"] == "No" {
                assert_eq!(c["o3_06"], "N/A", "{slug} {}", c["case_id"]);
            }
        }
        let figures = read_csv(&out.path().join(format!("iaow-2013/2013-14/{slug}.figures.csv")));
        let row = figures.iter().find(|r| r["kind"] == "score" && r["id"] == "protecting_public" && r["breakdown"].is_empty()).unwrap();
        assert_eq!((row["yes"].parse::<u32>().unwrap(), row["no"].parse::<u32>().unwrap()), (y, n), "{slug}");
        let percent = (200 * y + y + n) / (2 * (y + n));
        assert_eq!(row["percent"], percent.to_string(), "{slug}");
        twelve = (twelve.0 + y, twelve.1 + n);
        if first_six.contains(&format!("- {slug}\n")) {
            six = (six.0 + y, six.1 + n);
            percents.push(percent);
        }
    }
    assert_eq!(percents.len(), 6, "the first-six aggregate lists six trusts");
    // Each aggregate pools the answers of its own trusts only; its lowest and highest are
    // those of its trusts.
    for (id, (y, n)) in [("iaow-2013-14-first-six", six), ("iaow-2013-14", twelve)] {
        let aggregate = read_csv(&out.path().join(format!("aggregate/{id}.figures.csv")));
        let row = aggregate
            .iter()
            .find(|r| r["group"] == "All areas" && r["kind"] == "score" && r["id"] == "protecting_public" && r["breakdown"].is_empty())
            .unwrap();
        assert_eq!((row["yes"].parse::<u32>().unwrap(), row["no"].parse::<u32>().unwrap()), (y, n), "{id}");
    }
    assert_ne!(six, twelve);
    let text = squash(&pdf_text(&out.path().join("aggregate/iaow-2013-14-first-six.pdf")));
    let (lo, hi) = (percents.iter().min().unwrap(), percents.iter().max().unwrap());
    assert!(text.contains(&format!("Protecting the public {lo}% (")), "lowest of the six: {lo}%");
    assert!(
        text.contains(&format!(
            "Work to protect the public was done well enough {}% of the time, ranging from {lo}%",
            (200 * six.0 + six.0 + six.1) / (2 * (six.0 + six.1))
        )),
        "summary sentence of the six"
    );
    assert!(text.contains(&format!("to {hi}% in")), "highest of the six: {hi}%");
    // Its methodology is the definition's own passage (`method.cases`), not the framework's,
    // which describes the second six too; the twelve's keeps the framework's.
    assert!(text.contains("released on licence who had committed violent offences") && !text.contains("the second six"), "the first six's methodology");
    let twelve_text = squash(&pdf_text(&out.path().join("aggregate/iaow-2013-14.pdf")));
    assert!(twelve_text.contains("the second six at a range of cases"), "the twelve's methodology");

    // Victims' answers to the first question, added up over the six trusts by hand.
    let mut victims = [0u64; 3];
    for slug in first_six.lines().filter_map(|l| l.trim_start().strip_prefix("- ")) {
        let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(dir.join(slug).join("inspection.yaml")).unwrap()).unwrap();
        let q = &spec["questionnaires"][0];
        assert_eq!(q["title"].as_str(), Some("Victims’ views"), "{slug}");
        for (k, n) in q["questions"][0]["counts"].as_sequence().unwrap().iter().enumerate() {
            victims[k] += n.as_u64().unwrap();
        }
    }
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("typst/aggregate/iaow-2013-14-first-six/files/data.json")).unwrap()).unwrap();
    let pooled = &model["questionnaires"][0]["chart"]["table"]["rows"][0];
    // Cells are a count and its share: `7 (44%)`.
    let shown: Vec<u64> = (1..=3).map(|k| pooled[k].as_str().unwrap().split(' ').next().unwrap().replace(',', "").parse().unwrap()).collect();
    assert_eq!(shown, victims, "pooled victims' answers to `{}`", pooled[0]);
    assert!(text.contains("Victims’ views") && text.contains("Sentencers’ views"));
}

#[test]
fn thematic_report_compares_the_areas_question_by_question_as_counted_by_hand() {
    let out = tempfile::tempdir().unwrap();
    build_framework(out.path(), "thematic-domestic-abuse");
    let dir = root().join("data/inspections/thematic-domestic-abuse-2018-19");
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("typst/aggregate/thematic-domestic-abuse-2018-19/files/data.json")).unwrap()).unwrap();
    let sections = model["question_sections"].as_array().expect("the thematic compares questions");
    assert_eq!(sections.len(), 3);
    let columns: Vec<&str> = sections[0]["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(columns.len(), 7, "six areas and all areas");
    // Children's services checked (d1_03): relevant only where children were in the household.
    let row = sections[0]["rows"].as_array().unwrap().iter().find(|r| r["id"] == "d1_03").unwrap();
    let (mut all_yes, mut all_no) = (0u32, 0u32);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let folder = entry.unwrap().path();
        let spec = std::fs::read_to_string(folder.join("inspection.yaml")).unwrap();
        let area = spec.lines().find_map(|l| l.strip_prefix("area: ")).unwrap().trim_matches('\'');
        let cases = read_csv(&folder.join("cases.csv"));
        for c in cases.iter().filter(|c| c["children"] == "No") {
            assert_eq!(c["d1_03"], "N/A");
        }
        let (y, n) = count(&cases, "d1_03");
        all_yes += y;
        all_no += n;
        let k = columns.iter().position(|c| *c == area).unwrap_or_else(|| panic!("{area} has a column"));
        let cell = &row["cells"][k];
        assert_eq!((cell["yes"].as_u64().unwrap(), cell["relevant"].as_u64().unwrap()), (u64::from(y), u64::from(y + n)), "{area}");
        let expected = if y + n >= 10 { format!("{}%", (200 * y + y + n) / (2 * (y + n))) } else { format!("{y} of {}", y + n) };
        assert_eq!(cell["text"], expected.as_str(), "{area}");
        // The foreword's weakest question: "jointly" where another shows its share as printed
        // (6 of 12 and 9 of 18; or two shares both rounding to 55%), counted here over every
        // question with a percentage.
        let questions: Vec<&String> = cases[0].keys().filter(|k| k.starts_with('d') && k[1..2].chars().all(|c| c.is_ascii_digit())).collect();
        let shares: Vec<(u32, u32)> = questions.iter().map(|q| count(&cases, q)).filter(|(y, n)| y + n >= 10).collect();
        let lowest = shares.iter().min_by(|a, b| (u64::from(a.0) * u64::from(b.0 + b.1)).cmp(&(u64::from(b.0) * u64::from(a.0 + a.1)))).unwrap();
        let printed = |s: &(u32, u32)| (200 * s.0 + s.0 + s.1) / (2 * (s.0 + s.1));
        let joint = shares.iter().filter(|s| printed(s) == printed(lowest)).count();
        let slug = folder.file_name().unwrap().to_string_lossy().into_owned();
        let foreword = squash(&pdf_text(&out.path().join(format!("thematic-domestic-abuse/2018-19/{slug}.pdf"))));
        assert_eq!(foreword.contains("jointly the weakest result"), joint > 1, "{area}: {joint} question(s) at the lowest share");
    }
    let all = &row["cells"][6];
    assert_eq!((all["yes"].as_u64().unwrap(), all["relevant"].as_u64().unwrap()), (u64::from(all_yes), u64::from(all_yes + all_no)));
    let text = squash(&pdf_text(&out.path().join("aggregate/thematic-domestic-abuse-2018-19.pdf")));
    for heading in [
        "Recommendations",
        "Findings question by question",
        "Identifying domestic abuse and assessing risk",
        "Children’s services were checked where children lived in the household or had contact.",
    ] {
        assert!(text.contains(heading), "the thematic report has `{heading}`");
    }
    // One national report: recommendations grouped by the body addressed, and no area named
    // as lowest or highest.
    assert!(text.contains("HM Prison and Probation Service should ensure that: • domestic abuse programmes"), "recommendations by body: {text}");
    assert!(!text.contains("Lowest") && !text.contains("Highest") && !text.contains("ranging from"), "a national report ranks no area");
    assert_eq!(model["national"], true);
}

/// The area name of an inspection folder.
fn spec_name(dir: &std::path::Path) -> String {
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(dir.join("inspection.yaml")).unwrap()).unwrap();
    spec["area"].as_str().unwrap().to_string()
}
