//! Generates the embedded sample data in `data/inspections` and `data/aggregates`: case-level
//! exports whose aggregation gives back exactly the figures the inspectorate published for
//! 2011-12 (`tests/fixtures/published`, a copy of the published figures), and a set of 2018-standards inspections that shows every
//! rating. Seeded: the same command writes the same bytes.
//!
//! ```text
//! cargo run --release --bin generate-sample -- [--published tests/fixtures/published] [--data data]
//! ```
//!
//! With `--scale N [--cases M] --out DIR` it makes instead the synthetic scale corpus for the
//! benchmark: N areas of M cases (default 150) under every framework of `--data`, in `DIR`.

mod fit;
mod narrative;
mod questionnaires;
mod rng;
mod scale;
mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use fit::{AreaPlan, QuestionParams, Target};
use inspection_reports::framework::{self, FrameworkSpec};
use rng::Rng;

const SEED: u64 = 2012;

fn main() {
    let mut published = PathBuf::from("tests/fixtures/published");
    let mut data = PathBuf::from("data");
    let mut scale: Option<usize> = None;
    let mut cases = 150;
    let mut out: Option<PathBuf> = None;
    let usage = "usage: generate-sample [--published DIR] [--data DIR]\n       generate-sample --scale AREAS [--cases CASES] --out DIR [--data DIR]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let Some(value) = args.get(i + 1) else {
            eprintln!("{} needs a value\n{usage}", args[i]);
            std::process::exit(2);
        };
        let number = |v: &str| {
            v.parse::<usize>().unwrap_or_else(|_| {
                eprintln!("{} needs a whole number, not `{v}`\n{usage}", args[i]);
                std::process::exit(2);
            })
        };
        match args[i].as_str() {
            "--published" => published = PathBuf::from(value),
            "--data" => data = PathBuf::from(value),
            "--scale" => scale = Some(number(value)),
            "--cases" => cases = number(value),
            "--out" => out = Some(PathBuf::from(value)),
            other => {
                eprintln!("unknown argument {other}\n{usage}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    let result = match (scale, out) {
        (Some(areas), Some(out)) => scale::corpus(&data, &out, areas, cases, SEED + 100),
        (Some(_), None) => Err(format!("--scale needs --out DIR (the corpus is never written into {})", data.display())),
        (None, _) => run(&published, &data),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(published: &Path, data: &Path) -> Result<(), String> {
    let load = |id: &str| framework::load(&data.join("frameworks").join(format!("{id}.yaml"))).map_err(|e| e.to_string());
    let omi2 = load("omi2")?;
    let cci = load("cci")?;
    let adult = load("adult-2018")?;
    let youth = load("youth-2018")?;
    let qi = load("qi-2016")?;
    let iaow = load("iaow-2013")?;
    let thematic = load("thematic-domestic-abuse")?;
    let inspections = data.join("inspections");
    for dir in ["omi2-2011-12", "cci-2011-12", "adult-2018-19", "youth-2018-19", "qi-2016-17", "iaow-2013-14", "thematic-domestic-abuse-2018-19"] {
        let _ = std::fs::remove_dir_all(inspections.join(dir));
    }
    omi2_sample(&omi2, published, data)?;
    cci_sample(&cci, published, data)?;
    adult_sample(&adult, data)?;
    youth_sample(&youth, data)?;
    qi_sample(&qi, data)?;
    iaow_sample(&iaow, data)?;
    thematic_sample(&thematic, data)?;
    Ok(())
}

/// Reads a published CSV: name, region (if any) and the three headline figures.
fn read_published(path: &Path, region_col: bool) -> Result<Vec<(String, String, Vec<u32>)>, String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let skip = if region_col { 2 } else { 1 };
        let figures = rec.iter().skip(skip).map(|v| v.parse::<u32>().map_err(|e| format!("{}: {v}: {e}", path.display()))).collect::<Result<Vec<_>, _>>()?;
        out.push((rec[0].to_string(), if region_col { rec[1].to_string() } else { String::new() }, figures));
    }
    Ok(out)
}

/// The published findings a framework carries (its questions', splits' and scores' `finding`),
/// with their figures from `annual-2011-12-findings.csv`.
fn finding_targets(fw: &FrameworkSpec, published: &Path) -> Result<Vec<Target>, String> {
    let path = published.join("annual-2011-12-findings.csv");
    let figures = published_figures(published, &fw.id)?;
    let figure = |subject: &str| figures.get(subject).copied().ok_or_else(|| format!("{}: no finding `{subject}`", path.display()));
    let mut out = Vec::new();
    for q in &fw.questions {
        if let Some(f) = &q.finding {
            out.push(Target::Question(q.id.clone(), figure(f)?));
        }
        for sp in &q.splits {
            if let Some(f) = &sp.finding {
                out.push(Target::Split(q.id.clone(), figure(f)?));
            }
        }
    }
    for s in &fw.scores {
        if let Some(f) = &s.finding {
            out.push(Target::Score(s.id.clone(), figure(f)?));
        }
    }
    Ok(out)
}

/// The figures of one programme's findings in `annual-2011-12-findings.csv`, by subject.
fn published_figures(published: &Path, programme: &str) -> Result<HashMap<String, u32>, String> {
    let path = published.join("annual-2011-12-findings.csv");
    let mut r = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut figures: HashMap<String, u32> = HashMap::new();
    for rec in r.deserialize::<HashMap<String, String>>() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        if rec["programme"] == programme {
            let f = rec["figure"].parse::<u32>().map_err(|e| format!("{}: {}: {e}", path.display(), rec["subject"]))?;
            figures.insert(rec["subject"].clone(), f);
        }
    }
    Ok(figures)
}

/// Each area's questionnaires of `defs`, shared out by the areas' numbers of cases.
fn area_questionnaires(defs: &[questionnaires::Def], plans: &[AreaPlan], figures: &HashMap<String, u32>) -> Result<Vec<Vec<narrative::Questionnaire>>, String> {
    let weights: Vec<u32> = plans.iter().map(|p| p.cases.len() as u32).collect();
    let mut out = vec![Vec::new(); plans.len()];
    for def in defs {
        for (a, q) in questionnaires::share_out(def, &weights, figures)?.into_iter().enumerate() {
            out[a].push(q);
        }
    }
    Ok(out)
}

type Dist = &'static [(&'static str, f64)];

fn draw_cases(rng: &mut Rng, n: usize, dists: &[(&str, Dist)]) -> Vec<HashMap<String, String>> {
    (0..n).map(|_| dists.iter().map(|(col, d)| (col.to_string(), rng.weighted(d).to_string())).collect()).collect()
}

const ETHNICITY: Dist =
    &[("White", 0.84), ("Mixed", 0.03), ("Asian or Asian British", 0.05), ("Black or Black British", 0.05), ("Chinese or other", 0.01), ("Not recorded", 0.02)];
const ETHNICITY_LONDON: Dist =
    &[("White", 0.50), ("Mixed", 0.07), ("Asian or Asian British", 0.12), ("Black or Black British", 0.25), ("Chinese or other", 0.03), ("Not recorded", 0.03)];
const DISABILITY: Dist = &[("Yes", 0.22), ("No", 0.70), ("Not known", 0.08)];

fn omi2_sample(fw: &FrameworkSpec, published: &Path, data: &Path) -> Result<(), String> {
    let rows = read_published(&published.join("omi2-2011-12-headline-scores.csv"), false)?;
    let regions: HashMap<&str, (&str, &str)> = [
        ("Cumbria", ("North West", "2011-07")),
        ("Cheshire", ("North West", "2011-08")),
        ("Greater Manchester", ("North West", "2011-09")),
        ("Merseyside", ("North West", "2011-10")),
        ("Lancashire", ("North West", "2011-10")),
        ("London", ("London", "2012-02")),
        ("Durham Tees Valley", ("North East", "2012-02")),
        ("Northumbria", ("North East", "2012-03")),
        ("Warwickshire", ("West Midlands", "2012-05")),
        ("Staffordshire and West Midlands", ("West Midlands", "2012-06")),
        ("West Mercia", ("West Midlands", "2012-06")),
    ]
    .into_iter()
    .collect();
    const CUSTODY: &[&str] = &["Custody", "Licence"];
    const LICENCE: &[&str] = &["Licence"];
    const ORDERS: &[&str] = &["Community order", "Suspended sentence order"];
    let params: HashMap<&str, QuestionParams> = [
        ("q1_01", 0.97, 0.80, None),
        ("q1_02", 0.45, 0.60, None),
        ("q1_03", 0.50, 0.53, None),
        ("q1_04", 0.40, 0.60, None),
        ("q1_05", 0.97, 0.85, None),
        ("q1_06", 0.96, 0.84, None),
        ("q1_07", 0.60, 0.80, None),
        ("q1_08", 0.92, 0.82, None),
        ("q1_09", 0.80, 0.72, Some(("sentence_type", CUSTODY))),
        ("q1_10", 0.98, 0.70, None),
        ("q1_11", 0.97, 0.93, None),
        ("q1_12", 0.97, 0.92, None),
        ("q2_01", 0.22, 0.84, None),
        ("q2_02", 0.45, 0.72, None),
        ("q2_03", 0.40, 0.66, None),
        ("q2_04", 0.45, 0.83, Some(("sentence_type", CUSTODY))),
        ("q2_05", 0.97, 0.82, None),
        ("q2_06", 0.95, 0.72, None),
        ("q2_07", 0.85, 0.60, Some(("sentence_type", CUSTODY))),
        ("q2_08", 0.97, 0.85, None),
        ("q2_09", 0.98, 0.92, None),
        ("q2_10", 0.75, 0.87, Some(("sentence_type", LICENCE))),
        ("q2_11", 0.70, 0.80, Some(("sentence_type", ORDERS))),
        ("q2_12", 0.60, 0.75, None),
        ("q2_13", 0.30, 0.78, Some(("sentence_type", LICENCE))),
        ("q2_14", 0.30, 0.70, Some(("sentence_type", LICENCE))),
        ("q2_15", 0.90, 0.65, None),
        ("q3_01", 0.50, 0.74, None),
        ("q3_02", 0.60, 0.73, None),
        ("q3_03", 0.45, 0.83, None),
        ("q3_04", 0.40, 0.76, None),
        ("q3_05", 0.60, 0.96, None),
        ("q3_06", 0.40, 0.45, None),
        ("q3_07", 0.70, 0.45, None),
    ]
    .into_iter()
    .map(|(q, alpha, beta, eligible)| (q, QuestionParams { alpha, beta, eligible }))
    .collect();
    let mut targets = vec![
        Target::Score("risk_of_harm".into(), 77),
        Target::Score("likelihood_of_reoffending".into(), 76),
        Target::Score("compliance_and_enforcement".into(), 79),
        Target::Score("assessment".into(), 79),
        Target::Score("interventions".into(), 78),
        Target::Score("outcomes".into(), 70),
    ];
    targets.extend(finding_targets(fw, published)?);
    let mut rng = Rng::new(SEED);
    for attempt in 0..5000 {
        let mut plans = Vec::new();
        for (name, _, targets) in &rows {
            let n = if name == "London" { 440 } else { rng.range(100, 220) as usize };
            let eth = if name == "London" { ETHNICITY_LONDON } else { ETHNICITY };
            let cases = draw_cases(
                &mut rng,
                n,
                &[
                    ("sex", &[("Male", 0.89), ("Female", 0.11)]),
                    ("ethnicity", eth),
                    ("age_band", &[("18–20", 0.12), ("21–24", 0.18), ("25–34", 0.33), ("35–49", 0.28), ("50 and over", 0.09)]),
                    ("disability", DISABILITY),
                    ("sentence_type", &[("Community order", 0.40), ("Suspended sentence order", 0.18), ("Custody", 0.14), ("Licence", 0.28)]),
                    ("child_protection", &[("Yes", 0.22), ("No", 0.78)]),
                ],
            );
            plans.push(AreaPlan { targets: targets.clone(), cases });
        }
        match fit::fit(fw, &plans, &targets, &params, &mut rng) {
            Ok(f) => {
                eprintln!("OMI 2: fitted on attempt {attempt}");
                let dir = data.join("inspections").join("omi2-2011-12");
                let mut questionnaires = area_questionnaires(questionnaires::OMI2, &plans, &published_figures(published, "omi2")?)?;
                for (k, (name, _, _)) in rows.iter().enumerate() {
                    let (region, month) = regions.get(name.as_str()).copied().ok_or_else(|| format!("no region for trust {name}"))?;
                    let area = write::Area {
                        name: name.clone(),
                        kind: "Probation Trust".into(),
                        region: region.into(),
                        provider: format!("{name} Probation Trust"),
                        period: "2011-12".into(),
                        publication: format!("{month}-{:02}", 5 + (k * 7) % 20),
                        status: "published",
                    };
                    let ans = f.answers(k, fw.questions.len());
                    let mut narr = narrative::headline(fw, &area, &ans.relevant, &ans.yes, &mut rng);
                    narr.questionnaires = std::mem::take(&mut questionnaires[k]);
                    write::inspection(fw, &dir, &area, &plans[k].cases, &ans.relevant, &ans.yes, &ans.inside, &params, &mut rng, &narr)?;
                }
                write::aggregate(data, "omi2-2011-12", "Offender Management Inspection 2: findings from inspections in 2011–12", "Probation Trusts inspected between April 2011 and March 2012", "omi2", "2011-12", "2012-07-12",
                    "This report brings together the findings of the 11 inspections of adult offending work that HMI Probation carried out in 2011–12 under the second Offender Management Inspection programme, in the North West, London, the North East and the West Midlands.")?;
                // The annual report lists the trusts in the order they were inspected.
                write::set_key(data, "omi2-2011-12", "order", "inspection")?;
                return Ok(());
            }
            Err(e) if attempt % 500 == 0 => eprintln!("OMI 2 attempt {attempt}: {e}"),
            Err(_) => {}
        }
    }
    Err("OMI 2: no fit found".into())
}

fn cci_sample(fw: &FrameworkSpec, published: &Path, data: &Path) -> Result<(), String> {
    let rows = read_published(&published.join("cci-2011-12-headline-scores.csv"), true)?;
    const TOTAL: usize = 2461;
    let params: HashMap<&str, QuestionParams> = [
        ("c1_01", 0.98, 0.70),
        ("c1_02", 0.95, 0.66),
        ("c1_03", 0.92, 0.68),
        ("c1_04", 0.98, 0.72),
        ("c1_05", 0.45, 0.60),
        ("c1_06", 0.55, 0.62),
        ("c1_07", 0.97, 0.68),
        ("c1_08", 0.60, 0.62),
        ("c2_01", 0.96, 0.80),
        ("c2_02", 0.90, 0.76),
        ("c2_03", 0.70, 0.80),
        ("c2_04", 0.90, 0.62),
        ("c2_05", 0.60, 0.60),
        ("c2_06", 0.60, 0.74),
        ("c2_07", 0.60, 0.74),
        ("c3_01", 0.80, 0.62),
        ("c3_02", 0.95, 0.82),
        ("c3_03", 0.50, 0.45),
        ("c3_04", 0.55, 0.62),
        ("c3_05", 0.85, 0.78),
        ("c3_06", 0.45, 0.78),
    ]
    .into_iter()
    .map(|(q, alpha, beta)| (q, QuestionParams { alpha, beta, eligible: None }))
    .collect();
    let mut targets = vec![
        Target::Score("safeguarding".into(), 68),
        Target::Score("risk_of_harm".into(), 62),
        Target::Score("likelihood_of_reoffending".into(), 72),
        Target::Score("assessment".into(), 67),
        Target::Score("interventions".into(), 72),
        Target::Score("outcomes".into(), 67),
    ];
    targets.extend(finding_targets(fw, published)?);
    let mut rng = Rng::new(SEED + 1);
    for attempt in 0..5000 {
        // Case counts summing to the published 2,461.
        let raw: Vec<f64> = rows.iter().map(|_| rng.uniform(25.0, 75.0)).collect();
        let sum: f64 = raw.iter().sum();
        let mut counts: Vec<usize> = raw.iter().map(|r| (r / sum * TOTAL as f64).floor() as usize).collect();
        let mut k = 0;
        while counts.iter().sum::<usize>() < TOTAL {
            let len = counts.len();
            counts[k % len] += 1;
            k += 1;
        }
        // Characteristics with the published shares over the whole sample.
        let quota = |rng: &mut Rng, d: &[(&str, f64)]| rng.quota(TOTAL, d);
        let sex = quota(&mut rng, &[("Boy or young man", 0.85), ("Girl or young woman", 0.15)]);
        let eth = quota(
            &mut rng,
            &[
                ("White", 0.62),
                ("Mixed", 0.09),
                ("Asian or Asian British", 0.07),
                ("Black or Black British", 0.16),
                ("Chinese or other", 0.02),
                ("Not recorded", 0.04),
            ],
        );
        let age = quota(&mut rng, &[("10–14", 0.18), ("15–16", 0.45), ("17–18", 0.37)]);
        let dis = quota(&mut rng, &[("Yes", 0.21), ("No", 0.71), ("Not known", 0.08)]);
        let lac = quota(&mut rng, &[("Yes", 0.21), ("No", 0.79)]);
        // 681 of the 2,461 cases were assessed by local assessors (annual report 3.1).
        let assessor = quota(&mut rng, &[("Inspector", 1780.0 / 2461.0), ("Local assessor", 681.0 / 2461.0)]);
        let sent = quota(
            &mut rng,
            &[("Referral order", 0.30), ("Youth rehabilitation order", 0.50), ("Detention and training order", 0.15), ("Other custodial sentence", 0.05)],
        );
        let mut next = 0;
        let mut plans = Vec::new();
        for (i, (_, _, targets)) in rows.iter().enumerate() {
            let cases = (0..counts[i])
                .map(|_| {
                    let j = next;
                    next += 1;
                    [
                        ("sex", &sex[j]),
                        ("ethnicity", &eth[j]),
                        ("age_band", &age[j]),
                        ("disability", &dis[j]),
                        ("looked_after", &lac[j]),
                        ("assessor", &assessor[j]),
                        ("sentence_type", &sent[j]),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect()
                })
                .collect();
            plans.push(AreaPlan { targets: targets.clone(), cases });
        }
        match fit::fit(fw, &plans, &targets, &params, &mut rng) {
            Ok(f) => {
                eprintln!("CCI: fitted on attempt {attempt}");
                let dir = data.join("inspections").join("cci-2011-12");
                let mut questionnaires = area_questionnaires(questionnaires::CCI, &plans, &published_figures(published, "cci")?)?;
                for (k, (name, region, _)) in rows.iter().enumerate() {
                    // Published in the order of the annual report's table, July 2011 to June 2012.
                    let month = 7 + (k * 12) / rows.len();
                    let (year, month) = if month > 12 { (2012, month - 12) } else { (2011, month) };
                    let area = write::Area {
                        name: name.clone(),
                        kind: "Youth Offending Team".into(),
                        region: region.clone(),
                        provider: format!("{name} Youth Offending Team"),
                        period: "2011-12".into(),
                        publication: format!("{year}-{month:02}-{:02}", 3 + (k * 5) % 24),
                        status: "published",
                    };
                    let ans = f.answers(k, fw.questions.len());
                    let mut narr = narrative::headline(fw, &area, &ans.relevant, &ans.yes, &mut rng);
                    narr.questionnaires = std::mem::take(&mut questionnaires[k]);
                    write::inspection(fw, &dir, &area, &plans[k].cases, &ans.relevant, &ans.yes, &ans.inside, &params, &mut rng, &narr)?;
                }
                write::aggregate(data, "cci-2011-12", "Core Case Inspection of youth offending work: findings from inspections in 2011–12", "Youth Offending Teams inspected between April 2011 and March 2012", "cci", "2011-12", "2012-07-12",
                    "This report brings together the findings of the 53 Core Case Inspections of youth offending work that HMI Probation carried out in 2011–12, the final year of the three-year programme, in the South East, London, the East of England and the East Midlands.")?;
                return Ok(());
            }
            Err(e) if attempt % 500 == 0 => eprintln!("CCI attempt {attempt}: {e}"),
            Err(_) => {}
        }
    }
    Err("CCI: no fit found".into())
}

fn adult_sample(fw: &FrameworkSpec, data: &Path) -> Result<(), String> {
    use inspection_reports::framework::StandardRule;
    // Target ratings per area: judged 1.1–1.4, case standards 2.1–2.4, provider standards 3.1–3.2.
    // O = Outstanding, G = Good, R = Requires improvement, I = Inadequate.
    let areas: [(&str, &str, &str, &str); 6] = [
        ("Northmoor", "NPS", "North", "OOOG OOOO OO"),
        ("Riverside", "NPS", "South", "GGGO GGGR GO"),
        ("Eastfield", "NPS", "East", "RGRR RRIR GR"),
        ("Westvale", "CRC", "West", "IIRI IIII RI"),
        ("Southdown", "CRC", "South", "GRGG RGRI GG"),
        ("Highcross", "CRC", "Midlands", "GGOG GOGG OG"),
    ];
    let rating_id = write::rating_id;
    let band = |c: char| match c {
        'O' => (81.0, 93.0),
        'G' => (66.5, 78.0),
        'R' => (51.0, 63.5),
        _ => (28.0, 47.0),
    };
    let mut rng = Rng::new(SEED + 2);
    let dir = data.join("inspections").join("adult-2018-19");
    for (k, (name, provider, region, profile)) in areas.iter().enumerate() {
        let letters: Vec<char> = profile.chars().filter(|c| !c.is_whitespace()).collect();
        let n = if *provider == "NPS" { rng.range(80, 110) } else { rng.range(100, 140) } as usize;
        let sentence: Dist = if *provider == "NPS" {
            &[("Community order", 0.30), ("Suspended sentence order", 0.15), ("Licence", 0.55)]
        } else {
            &[("Community order", 0.50), ("Suspended sentence order", 0.25), ("Licence", 0.25)]
        };
        let mut cases = draw_cases(
            &mut rng,
            n,
            &[
                ("sex", &[("Male", 0.88), ("Female", 0.12)]),
                ("ethnicity", ETHNICITY),
                ("age_band", &[("18–24", 0.20), ("25–34", 0.35), ("35–49", 0.33), ("50 and over", 0.12)]),
                ("disability", &[("Yes", 0.28), ("No", 0.65), ("Not known", 0.07)]),
                ("sentence_type", sentence),
            ],
        );
        for c in &mut cases {
            c.insert("provider".into(), provider.to_string());
        }
        let standards: Vec<_> = fw.standards.iter().filter(|s| s.applies_to(provider)).collect();
        let mut judged = Vec::new();
        let mut relevant = vec![0u32; fw.questions.len()];
        let mut yes = vec![0u32; fw.questions.len()];
        for (s, letter) in standards.iter().zip(&letters) {
            match s.rule {
                StandardRule::Judged => judged.push((s.id.clone(), rating_id(*letter).to_string())),
                StandardRule::LowestKeyQuestion => {
                    let (lo, hi) = band(*letter);
                    let lowest = rng.range(0, s.key_questions.len() as u32 - 1) as usize;
                    for (j, q) in s.key_questions.iter().enumerate() {
                        let qi = fw.questions.iter().position(|x| &x.id == q).expect("validated");
                        let alpha = if q.starts_with("kq3_2n") {
                            0.35
                        } else if q.starts_with("kq3") {
                            0.6
                        } else {
                            0.97
                        };
                        let r = ((n as f64 * alpha * rng.uniform(0.9, 1.0)).round() as u32).max(15);
                        // The deciding key question sits inside the band; the others above it.
                        let target = if j == lowest { rng.uniform(lo, hi) } else { (rng.uniform(lo, hi) + rng.uniform(2.0, 12.0)).min(97.0) };
                        let mut y = (target * f64::from(r) / 100.0).round() as u32;
                        while 100.0 * f64::from(y) / f64::from(r) < lo - 0.9 {
                            y += 1;
                        }
                        while y > 0 && 100.0 * f64::from(y) / f64::from(r) >= hi + 1.5 {
                            y -= 1;
                        }
                        relevant[qi] = r;
                        yes[qi] = y.min(r);
                    }
                }
            }
        }
        let area = write::Area {
            name: format!("{name} {}", if *provider == "NPS" { "NPS division" } else { "CRC" }),
            kind: if *provider == "NPS" { "National Probation Service division".into() } else { "Community Rehabilitation Company".into() },
            region: region.to_string(),
            provider: provider.to_string(),
            period: "2018-19".into(),
            publication: format!("2019-{:02}-{:02}", 3 + k, 10 + k),
            status: "published",
        };
        let params: HashMap<&str, QuestionParams> = HashMap::new();
        let mut narr = narrative::standards(fw, &area, &standards, &letters, &relevant, &yes, &mut rng);
        narr.judged = judged;
        write::inspection(fw, &dir, &area, &cases, &relevant, &yes, &HashMap::new(), &params, &mut rng, &narr)?;
    }
    write::aggregate(data, "adult-2018-19", "Probation services inspected in 2018–19: ratings and findings", "National Probation Service divisions and Community Rehabilitation Companies inspected under the 2018 standards", "adult-2018", "2018-19", "2019-10-15",
        "This report brings together the ratings and case findings of the six inspections of probation services carried out in 2018–19 under the inspection standards introduced in 2018: three divisions of the National Probation Service and three Community Rehabilitation Companies. The areas and their figures are illustrative sample data.")?;
    Ok(())
}

/// Youth offending services under the 2018 standards: court cases answer the questions of
/// domain two, out-of-court cases those of domain three. Profiles give every rating and an
/// overall score on each side of the 18/19 boundary.
fn youth_sample(fw: &FrameworkSpec, data: &Path) -> Result<(), String> {
    use inspection_reports::framework::StandardRule;
    // Target ratings: judged 1.1–1.4, court 2.1–2.4, out-of-court 3.1–3.4 (points in comments).
    let areas: [(&str, &str, &str); 6] = [
        ("Northdale", "North East", "OOGO OOGO OGOO"),  // 33: Outstanding
        ("Riverford", "South West", "GGGG GRGG GGRG"),  // 22: Good
        ("Brackenfield", "Midlands", "GGRR GGRG GGRR"), // 19: Good, just
        ("Coldwater", "North West", "GRGG RRGR GRRG"),  // 18: Requires improvement, just
        ("Ashbourne", "East", "RGRR RRIR GRRG"),        // 14: Requires improvement
        ("Kingsmere", "London", "IIRI IIRI RIII"),      // 3: Inadequate
    ];
    let band = |c: char| match c {
        'O' => (81.0, 93.0),
        'G' => (66.5, 78.0),
        'R' => (51.0, 63.5),
        _ => (28.0, 47.0),
    };
    const COURT: &[&str] = &["Court disposal"];
    const OUT_OF_COURT: &[&str] = &["Out-of-court disposal"];
    let mut rng = Rng::new(SEED + 3);
    let dir = data.join("inspections").join("youth-2018-19");
    for (k, (name, region, profile)) in areas.iter().enumerate() {
        let letters: Vec<char> = profile.chars().filter(|c| !c.is_whitespace()).collect();
        let n = rng.range(45, 91) as usize;
        let mut cases = draw_cases(
            &mut rng,
            n,
            &[
                ("sex", &[("Boy", 0.84), ("Girl", 0.16)]),
                ("ethnicity", if *region == "London" { ETHNICITY_LONDON } else { ETHNICITY }),
                ("age_band", &[("10–14", 0.22), ("15–17", 0.78)]),
                ("disability", &[("Yes", 0.30), ("No", 0.62), ("Not known", 0.08)]),
                ("looked_after", &[("Yes", 0.20), ("No", 0.80)]),
                ("disposal", &[("Court disposal", 0.6), ("Out-of-court disposal", 0.4)]),
            ],
        );
        for c in &mut cases {
            let kind: Dist = if c["disposal"] == "Court disposal" {
                &[("Referral order", 0.45), ("Youth rehabilitation order", 0.40), ("Detention and training order", 0.15)]
            } else {
                &[("Community resolution", 0.45), ("Youth caution", 0.25), ("Youth conditional caution", 0.30)]
            };
            c.insert("disposal_type".into(), rng.weighted(kind).to_string());
        }
        let court = cases.iter().filter(|c| c["disposal"] == "Court disposal").count();
        let mut params: HashMap<&str, QuestionParams> = HashMap::new();
        let mut judged = Vec::new();
        let mut relevant = vec![0u32; fw.questions.len()];
        let mut yes = vec![0u32; fw.questions.len()];
        let standards: Vec<_> = fw.standards.iter().collect();
        for (s, letter) in standards.iter().zip(&letters) {
            match s.rule {
                StandardRule::Judged => judged.push((s.id.clone(), write::rating_id(*letter).to_string())),
                StandardRule::LowestKeyQuestion => {
                    let (eligible, values) = if s.domain == "court_disposals" { (court, COURT) } else { (n - court, OUT_OF_COURT) };
                    let (lo, hi) = band(*letter);
                    let lowest = rng.range(0, s.key_questions.len() as u32 - 1) as usize;
                    for (j, q) in s.key_questions.iter().enumerate() {
                        let qi = fw.questions.iter().position(|x| &x.id == q).expect("validated");
                        params.insert(fw.questions[qi].id.as_str(), QuestionParams { eligible: Some(("disposal", values)), ..QuestionParams::default() });
                        // Keeping the child safe and reviewing apply to fewer cases.
                        let alpha = if q.ends_with("_2") || s.id == "2.4" { 0.8 } else { 0.97 };
                        let r = ((eligible as f64 * alpha * rng.uniform(0.9, 1.0)).round() as u32).max(12).min(eligible as u32);
                        let target = if j == lowest { rng.uniform(lo, hi) } else { (rng.uniform(lo, hi) + rng.uniform(2.0, 12.0)).min(97.0) };
                        let mut y = (target * f64::from(r) / 100.0).round() as u32;
                        while 100.0 * f64::from(y) / f64::from(r) < lo - 0.9 {
                            y += 1;
                        }
                        while y > 0 && 100.0 * f64::from(y) / f64::from(r) >= hi + 1.5 {
                            y -= 1;
                        }
                        relevant[qi] = r;
                        yes[qi] = y.min(r);
                    }
                }
            }
        }
        let area = write::Area {
            name: format!("{name} Youth Offending Service"),
            kind: "Youth offending service".into(),
            region: region.to_string(),
            provider: format!("{name} Youth Offending Service"),
            period: "2018-19".into(),
            publication: format!("2019-{:02}-{:02}", 4 + k, 8 + k),
            status: "published",
        };
        let mut narr = narrative::standards(fw, &area, &standards, &letters, &relevant, &yes, &mut rng);
        narr.judged = judged;
        write::inspection(fw, &dir, &area, &cases, &relevant, &yes, &HashMap::new(), &params, &mut rng, &narr)?;
    }
    write::aggregate(data, "youth-2018-19", "Youth offending services inspected in 2018–19: ratings and findings", "Youth offending services inspected under the 2018 standards", "youth-2018", "2018-19", "2019-11-20",
        "This report brings together the ratings and case findings of the six inspections of youth offending services carried out in 2018–19 under the standards introduced in 2018: organisational delivery, work with children sentenced by the courts, and out-of-court disposals. The services and their figures are illustrative sample data.")?;
    Ok(())
}

/// Quality & Impact, 2016–17: six illustrative areas, each with NPS and CRC cases inspected
/// together. Each area has a level of quality and a level of impact; every line of enquiry
/// varies around its area's level.
fn qi_sample(fw: &FrameworkSpec, data: &Path) -> Result<(), String> {
    // (area, region, quality %, impact %)
    let areas: [(&str, &str, f64, f64); 6] = [
        ("Northvale", "North East", 78.0, 70.0),
        ("Eastmarsh", "East", 64.0, 58.0),
        ("Southbury", "South East", 71.0, 66.0),
        ("Westhaven", "South West", 55.0, 49.0),
        ("Midshire", "Midlands", 82.0, 75.0),
        ("Coastley", "North West", 67.0, 61.0),
    ];
    let mut rng = Rng::new(SEED + 4);
    let dir = data.join("inspections").join("qi-2016-17");
    for (k, (name, region, quality, impact)) in areas.iter().enumerate() {
        let n = rng.range(60, 100) as usize;
        let cases = draw_cases(
            &mut rng,
            n,
            &[
                ("sex", &[("Male", 0.87), ("Female", 0.13)]),
                ("ethnicity", ETHNICITY),
                ("age_band", &[("18–24", 0.21), ("25–34", 0.35), ("35–49", 0.32), ("50 and over", 0.12)]),
                ("disability", &[("Yes", 0.27), ("No", 0.66), ("Not known", 0.07)]),
                ("provider", &[("NPS", 0.4), ("CRC", 0.6)]),
                ("sentence_type", &[("Community order", 0.45), ("Suspended sentence order", 0.2), ("Licence", 0.35)]),
            ],
        );
        let mut relevant = vec![0u32; fw.questions.len()];
        let mut yes = vec![0u32; fw.questions.len()];
        for (qi, q) in fw.questions.iter().enumerate() {
            // Impact (section 1) is judged in fewer cases: too early to tell in some.
            let impact_question = q.section.starts_with("c1_");
            let alpha = if impact_question { 0.75 } else { 0.93 };
            let level = if impact_question { *impact } else { *quality };
            (relevant[qi], yes[qi]) = around(&mut rng, n, alpha, 0.85, level, 9.0);
        }
        let area = write::Area {
            name: name.to_string(),
            kind: "Probation area (NPS and CRC)".into(),
            region: region.to_string(),
            provider: "NPS and CRC".into(),
            period: "2016-17".into(),
            publication: format!("2017-{:02}-{:02}", 2 + k, 7 + k),
            status: "published",
        };
        let mut narr = narrative::headline(fw, &area, &relevant, &yes, &mut rng);
        narr.summary = narr
            .summary
            .replace("supervised by NPS and CRC", &format!("supervised by the National Probation Service and the Community Rehabilitation Company in {name}"));
        narr.context[0] = format!("{name} is in the {region} region; the NPS and the CRC both supervise cases there.");
        // Section 6 (leadership, management, partnerships) is judged from fieldwork: findings
        // per criterion, drawn from their own generator so that the cases stay as they were.
        let mut words = Rng::new(SEED + 40 + k as u64);
        narr.standards = qi_fieldwork_findings(*quality, &mut words);
        write::inspection(fw, &dir, &area, &cases, &relevant, &yes, &HashMap::new(), &HashMap::new(), &mut rng, &narr)?;
    }
    write::aggregate(data, "qi-2016-17", "Quality & Impact inspections of adult probation services, 2016–17", "The effectiveness of probation work by the NPS and CRCs together, area by area", "qi-2016", "2016-17", "2017-09-14",
        "This report brings together the findings of six Quality & Impact inspections of adult probation services in 2016–17. In each area we inspected the work of the National Probation Service and of the Community Rehabilitation Company together, judging the quality of the work and the positive impact achieved: quality and impact together make effectiveness. The areas and their figures are illustrative sample data.")?;
    Ok(())
}

/// Inspection of Adult Offending Work, 2013–14: twelve illustrative Probation Trusts. The first
/// six (April to September 2013) looked at work with violent offenders; the second six
/// (October 2013 to March 2014) at a range of cases, with an enhanced focus on protecting
/// children. Each trust has a level of quality; questions vary around it, work for victims a
/// little below.
fn iaow_sample(fw: &FrameworkSpec, data: &Path) -> Result<(), String> {
    // (trust, region, level %)
    let trusts: [(&str, &str, f64); 12] = [
        ("Avonmere", "South West", 74.0),
        ("Brackley and Fenwick", "East of England", 68.0),
        ("Calderside", "Yorkshire and the Humber", 79.0),
        ("Dunmore", "North East", 63.0),
        ("Elmsworth", "South East", 71.0),
        ("Farrowdale", "North West", 66.0),
        ("Glenharrow", "Wales", 77.0),
        ("Hollinbridge", "West Midlands", 61.0),
        ("Ivybourne", "East Midlands", 72.0),
        ("Kestrel Vale", "South East", 69.0),
        ("Lowmoor", "North West", 58.0),
        ("Marshfield", "London", 65.0),
    ];
    const COMMUNITY: &[&str] = &["Community order"];
    const CHILDREN: &[&str] = &["Yes"];
    const VICTIMS: &[&str] = &["Violence against the person", "Sexual offence"];
    let mut rng = Rng::new(SEED + 5);
    let dir = data.join("inspections").join("iaow-2013-14");
    let mut first_six = Vec::new();
    for (k, (name, region, level)) in trusts.iter().enumerate() {
        let violent_focus = k < 6;
        let n = rng.range(50, 90) as usize;
        let offence: Dist = if violent_focus {
            &[("Violence against the person", 0.88), ("Sexual offence", 0.12)]
        } else {
            &[("Violence against the person", 0.35), ("Sexual offence", 0.08), ("Other offence", 0.57)]
        };
        let children: Dist = if violent_focus { &[("Yes", 0.3), ("No", 0.7)] } else { &[("Yes", 0.45), ("No", 0.55)] };
        let cases = draw_cases(
            &mut rng,
            n,
            &[
                ("sex", &[("Male", 0.88), ("Female", 0.12)]),
                ("ethnicity", if *region == "London" { ETHNICITY_LONDON } else { ETHNICITY }),
                ("age_band", &[("18–24", 0.26), ("25–34", 0.34), ("35–49", 0.29), ("50 and over", 0.11)]),
                ("disability", DISABILITY),
                ("sentence_type", &[("Community order", 0.6), ("Licence", 0.4)]),
                ("offence_type", offence),
                ("child_concerns", children),
            ],
        );
        let count = |col: &str, vals: &[&str]| cases.iter().filter(|c| vals.contains(&c[col].as_str())).count();
        let mut params: HashMap<&str, QuestionParams> = HashMap::new();
        let mut relevant = vec![0u32; fw.questions.len()];
        let mut yes = vec![0u32; fw.questions.len()];
        for (qi, q) in fw.questions.iter().enumerate() {
            let (eligible, alpha, shift) = match q.id.as_str() {
                "a1_01" | "a1_02" => (Some(("sentence_type", COMMUNITY)), 0.9, 4.0),
                "a1_08" | "i2_07" | "o3_06" => (Some(("child_concerns", CHILDREN)), 0.95, -6.0),
                "a1_09" | "i2_09" | "o3_05" => (Some(("offence_type", VICTIMS)), 0.85, -4.0),
                // Statutory victim contact: only the more serious sentences.
                "i2_08" => (Some(("offence_type", VICTIMS)), 0.45, -2.0),
                "i2_05" | "i2_11" => (None, 0.45, 0.0),
                id if id.starts_with("o3_") => (None, 0.8, -5.0),
                _ => (None, 0.95, 0.0),
            };
            let pool = eligible.map_or(n, |(col, vals)| count(col, vals));
            if let Some(e) = eligible {
                params.insert(q.id.as_str(), QuestionParams { eligible: Some(e), ..QuestionParams::default() });
            }
            (relevant[qi], yes[qi]) = around(&mut rng, pool, alpha, 0.85, level + shift, 10.0);
        }
        let (year, month) = if violent_focus { (2013, 7 + k as u8) } else { (2014, 1 + (k - 6) as u8) };
        let area = write::Area {
            name: format!("{name} Probation Trust"),
            kind: "Probation Trust".into(),
            region: region.to_string(),
            provider: format!("{name} Probation Trust"),
            period: "2013-14".into(),
            publication: format!("{year}-{month:02}-{:02}", 10 + k),
            status: "published",
        };
        let mut narr = narrative::headline(fw, &area, &relevant, &yes, &mut rng);
        let focus = if violent_focus {
            "This inspection was one of the programme’s first six, which looked at the cases of offenders who had committed violent offences."
        } else {
            "The cases covered a range of offences; as in every inspection of the programme from October 2013, we gave particular attention to the work to protect children."
        };
        narr.context.push(focus.to_string());
        // Victims' questionnaires and sentencers' views, a little better where the work is.
        let answers: Vec<String> = ["Yes, definitely", "Yes, reasonably", "Not really"].iter().map(|s| s.to_string()).collect();
        let answered = |rng: &mut Rng, n: u32| {
            let good = (level / 100.0 + rng.uniform(-0.1, 0.1)).clamp(0.3, 0.95);
            let mut counts = vec![0u32; 3];
            for _ in 0..n {
                let u = rng.uniform(0.0, 1.0);
                counts[if u < good * 0.6 {
                    0
                } else if u < good {
                    1
                } else {
                    2
                }] += 1;
            }
            counts
        };
        // Sentencers' view of pre-sentence reports follows the area's own finding on them (the
        // report's strengths may say the reports assisted the court).
        let psr = fw
            .questions
            .iter()
            .position(|q| q.id == "a1_01")
            .filter(|k| relevant[*k] > 0)
            .map_or(*level, |k| 100.0 * f64::from(yes[k]) / f64::from(relevant[k]));
        let victims = rng.range(8, 20);
        let victim_questions = [
            "Did the victim liaison officer explain the victim contact scheme clearly?",
            "Were you kept informed about the offender’s sentence and any changes to it?",
            "Were your views taken into account when licence conditions were set?",
            "Overall, were you satisfied with the service you received?",
        ];
        let sentencers = rng.range(5, 12);
        let sentencer_questions = [
            "Pre-sentence reports helped the court to decide the sentence.",
            "Reports were ready when the court needed them.",
            "The court was told promptly when an offender did not comply.",
        ];
        narr.questionnaires = vec![
            (
                "Victims’ views".into(),
                "victims".into(),
                format!("Victim liaison officers sent our questionnaire to victims in contact with {}; {victims} returned it.", area.provider),
                answers.clone(),
                victim_questions.iter().map(|q| (q.to_string(), answered(&mut rng, victims), Vec::new())).collect(),
            ),
            (
                "Sentencers’ views".into(),
                "sentencers".into(),
                format!("We met {sentencers} magistrates and judges who sit in the courts the Trust serves, and asked each the same questions."),
                answers,
                sentencer_questions
                    .iter()
                    .enumerate()
                    .map(|(k, q)| {
                        let counts = answered(&mut rng, sentencers);
                        // Their view of pre-sentence reports is the area's own finding on them,
                        // in proportion (12 answers drawn at random had said half were no help
                        // where the cases said three-quarters helped).
                        let counts = if k == 0 {
                            let good = (psr / 100.0 * f64::from(sentencers)).round() as u32;
                            let definitely = (f64::from(good) * 0.6).round() as u32;
                            vec![definitely, good - definitely, sentencers - good]
                        } else {
                            counts
                        };
                        (q.to_string(), counts, Vec::new())
                    })
                    .collect(),
            ),
        ];
        write::inspection(fw, &dir, &area, &cases, &relevant, &yes, &HashMap::new(), &params, &mut rng, &narr)?;
        if violent_focus {
            first_six.push(write::slug(&area.name));
        }
    }
    write::aggregate_of(data, "iaow-2013-14-first-six", "Inspection of Adult Offending Work: the first six inspections", "Work with violent offenders in six Probation Trusts, April to September 2013", "iaow-2013", "2013-14", Some(&first_six), "2014-02-12",
        "This report brings together the findings of the first six inspections of adult offending work, carried out between April and September 2013, each of which examined work with offenders who had committed violent offences. We use the data from the case inspections to highlight good practice and to identify areas for improvement. The trusts and their figures are illustrative sample data.")?;
    // Its methodology says what these six looked at, not what the second six did.
    let mut method = serde_yaml_ng::Mapping::new();
    method.insert("cases".into(), "We inspected a representative sample of the cases of individuals serving community sentences or released on licence who had committed violent offences.".into());
    write::set_value(data, "iaow-2013-14-first-six", "method", serde_yaml_ng::Value::Mapping(method))?;
    write::aggregate(data, "iaow-2013-14", "Inspection of Adult Offending Work: the 12 inspections of 2013–14", "Work with offenders in 12 Probation Trusts, and the protection of children", "iaow-2013", "2013-14", "2014-07-16",
        "This report brings together the findings of all 12 inspections of adult offending work carried out in 2013–14, before the programme paused for the transition to the National Probation Service and the Community Rehabilitation Companies. The first six looked at work with violent offenders; the second six at a range of cases, with an enhanced focus on the protection of children. The trusts and their figures are illustrative sample data.")?;
    Ok(())
}

/// A thematic inspection of domestic abuse work, 2018–19: six illustrative probation areas
/// (NPS and CRC cases in each), 25–40 cases each, every case one of domestic abuse. Questions
/// about children apply where children were in the household or in contact.
fn thematic_sample(fw: &FrameworkSpec, data: &Path) -> Result<(), String> {
    // (area, region, level %)
    let areas: [(&str, &str, f64); 6] = [
        ("Ashdown", "South East", 62.0),
        ("Bramfield", "East of England", 55.0),
        ("Carrow Vale", "North West", 71.0),
        ("Deepings", "East Midlands", 48.0),
        ("Eskmouth", "North East", 66.0),
        ("Fernhill", "Wales", 58.0),
    ];
    const CHILDREN: &[&str] = &["Yes"];
    let mut rng = Rng::new(SEED + 6);
    let dir = data.join("inspections").join("thematic-domestic-abuse-2018-19");
    for (k, (name, region, level)) in areas.iter().enumerate() {
        let n = rng.range(25, 40) as usize;
        let cases = draw_cases(
            &mut rng,
            n,
            &[
                ("sex", &[("Male", 0.94), ("Female", 0.06)]),
                ("ethnicity", ETHNICITY),
                ("age_band", &[("18–24", 0.18), ("25–34", 0.40), ("35–49", 0.32), ("50 and over", 0.10)]),
                ("disability", DISABILITY),
                ("provider", &[("NPS", 0.35), ("CRC", 0.65)]),
                ("sentence_type", &[("Community order", 0.5), ("Suspended sentence order", 0.3), ("Licence", 0.2)]),
                ("children", &[("Yes", 0.55), ("No", 0.45)]),
            ],
        );
        let with_children = cases.iter().filter(|c| c["children"] == "Yes").count();
        let mut params: HashMap<&str, QuestionParams> = HashMap::new();
        let mut relevant = vec![0u32; fw.questions.len()];
        let mut yes = vec![0u32; fw.questions.len()];
        for (qi, q) in fw.questions.iter().enumerate() {
            let children_only = matches!(q.id.as_str(), "d1_03" | "d1_05");
            let (pool, alpha, shift) = match q.id.as_str() {
                _ if children_only => (with_children, 1.0, -8.0),
                "d1_01" => (n, 1.0, 18.0),
                "d2_03" | "d2_04" => (n, 0.6, -5.0),
                "d2_06" => (n, 0.5, -15.0),
                "d3_01" => (n, 0.7, -6.0),
                _ => (n, 0.95, 0.0),
            };
            if children_only {
                params.insert(q.id.as_str(), QuestionParams { eligible: Some(("children", CHILDREN)), ..QuestionParams::default() });
            }
            (relevant[qi], yes[qi]) = around(&mut rng, pool, alpha, 0.9, level + shift, 8.0);
        }
        let area = write::Area {
            name: name.to_string(),
            kind: "Probation area (NPS and CRC)".into(),
            region: region.to_string(),
            provider: "NPS and CRC".into(),
            period: "2018-19".into(),
            publication: format!("2019-{:02}-{:02}", 1 + k / 3, 14 + k),
            status: "published",
        };
        let mut narr = narrative::headline(fw, &area, &relevant, &yes, &mut rng);
        narr.summary = format!(
            "As part of our thematic inspection of domestic abuse work, we inspected the cases of {n} service users supervised in {name} by the National Probation Service and the Community Rehabilitation Company, all of them convicted of offences of domestic abuse.\n\nThis report gives the findings in {name}; the national report compares the six areas we visited."
        );
        narr.context[0] = format!("{name} is in the {region} region; the NPS and the CRC both supervise cases there.");
        write::inspection(fw, &dir, &area, &cases, &relevant, &yes, &HashMap::new(), &params, &mut rng, &narr)?;
    }
    write::thematic(data, "thematic-domestic-abuse-2018-19", "Domestic abuse: the work undertaken by probation services to keep victims and children safe", "A thematic inspection in six probation areas", "thematic-domestic-abuse", "2018-19", "2019-07-18",
        "We inspected the work of probation services with people convicted of domestic abuse offences in six areas, reading the cases of both the National Probation Service and the Community Rehabilitation Companies. This report compares the areas on each question of the theme. The areas and their figures are illustrative sample data.",
        &[
            (
                "The National Probation Service and Community Rehabilitation Companies",
                &["information about domestic abuse call-outs is requested from the police, and children’s services are checked, in every case before the plan is made"][..],
            ),
            ("Community Rehabilitation Companies", &["home visits are used to check the safety of partners and children where domestic abuse is a concern"][..]),
            ("HM Prison and Probation Service", &["domestic abuse programmes are available without delay to those for whom they are suitable"][..]),
        ],
        "Domestic abuse thematic inspection")?;
    Ok(())
}

/// Inspectors' findings on the criteria of Quality & Impact section 6, judged from fieldwork:
/// (criterion id, strengths, areas for improvement). Better-performing areas get more strengths.
fn qi_fieldwork_findings(quality: f64, rng: &mut Rng) -> Vec<(String, Vec<String>, Vec<String>)> {
    let strengths: [(&str, &[&str]); 3] = [
        (
            "6.1",
            &[
                "Senior leaders of the NPS and the CRC set out clear priorities, and staff we met could describe them.",
                "Leaders took part in the local criminal justice board and the reducing reoffending partnership, and used them to address gaps in services.",
            ],
        ),
        (
            "6.2",
            &["Staff were well trained and felt supported by their managers.", "Managers used case audits to check the quality of work and to plan training."],
        ),
        (
            "6.3",
            &[
                "Partnership work with the police on integrated offender management was well established.",
                "Accommodation and substance misuse services were easy for responsible officers to reach.",
            ],
        ),
    ];
    let improvements: [(&str, &[&str]); 3] = [
        (
            "6.1",
            &[
                "Information about the outcomes of cases was not used well enough to improve practice.",
                "The NPS and the CRC did not yet share information routinely about cases that moved between them.",
            ],
        ),
        (
            "6.2",
            &[
                "High workloads in some teams limited the time staff could give to each case.",
                "Quality assurance did not look closely enough at the management of the risk of harm.",
            ],
        ),
        (
            "6.3",
            &[
                "Access to mental health services was limited, and waiting times were long.",
                "Arrangements with children’s services to share information about child safeguarding were inconsistent.",
            ],
        ),
    ];
    let good = ((quality - 50.0) / 35.0).clamp(0.0, 1.0);
    strengths
        .iter()
        .zip(&improvements)
        .map(|((id, s), (_, i))| {
            let n_strengths = if rng.uniform(0.0, 1.0) < good { 2 } else { 1 };
            let n_improvements = if rng.uniform(0.0, 1.0) < good { 1 } else { 2 };
            let s: Vec<String> = s.iter().take(n_strengths).map(|x| x.to_string()).collect();
            let i: Vec<String> = i.iter().take(n_improvements).map(|x| x.to_string()).collect();
            (id.to_string(), s, i)
        })
        .collect()
}

/// Relevant cases and Yes answers of one question among `pool` eligible cases: relevant in a
/// share `alpha` of them (less a random part down to `jitter` of it), done well around `level`
/// per cent, give or take `spread` points.
fn around(rng: &mut Rng, pool: usize, alpha: f64, jitter: f64, level: f64, spread: f64) -> (u32, u32) {
    let r = ((pool as f64 * alpha * rng.uniform(jitter, 1.0)).round() as u32).min(pool as u32);
    let p = (level + rng.uniform(-spread, spread)).clamp(5.0, 98.0);
    (r, (p * f64::from(r) / 100.0).round() as u32)
}
