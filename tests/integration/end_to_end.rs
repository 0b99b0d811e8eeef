//! The whole pipeline on the embedded sample: the figures in the CSV output and in the text of
//! the aggregate PDFs equal the ones the inspectorate published for 2011-12, and two builds give
//! byte-identical PDFs.

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;

/// Published headline figures: area → (region, [three scores]).
fn published_scores(file: &str, has_region: bool) -> Vec<(String, Vec<u64>)> {
    read_csv(&published().join(file))
        .into_iter()
        .map(|r| {
            let name = r.get("area").or_else(|| r.get("trust")).unwrap().clone();
            let cols: &[&str] = if has_region {
                &["safeguarding", "risk_of_harm", "likelihood_of_reoffending"]
            } else {
                &["risk_of_harm", "likelihood_of_reoffending", "compliance_and_enforcement"]
            };
            (name, cols.iter().map(|c| r[*c].parse().unwrap()).collect())
        })
        .collect()
}

fn figures(csv: &Path) -> HashMap<(String, String, String), String> {
    read_csv(csv)
        .into_iter()
        .filter(|r| r["breakdown"].is_empty())
        .map(|r| ((r["group"].clone(), r["kind"].clone(), r["id"].clone()), r["percent"].clone()))
        .collect()
}

fn check_framework(out: &Path, aggregate_id: &str, file: &str, ids: [&str; 3], aggregate: [u64; 3], general: &[(&str, u64)], has_region: bool) {
    let published = published_scores(file, has_region);
    // The analysts' CSV.
    let figs = figures(&out.join("aggregate").join(format!("{aggregate_id}.figures.csv")));
    for (area, scores) in &published {
        for (id, want) in ids.iter().zip(scores) {
            let got = figs.get(&(area.clone(), "score".into(), id.to_string())).unwrap_or_else(|| panic!("no {id} figure for {area}"));
            assert_eq!(got, &want.to_string(), "{area} {id}");
        }
    }
    for (k, id) in ids.iter().enumerate() {
        assert_eq!(figs[&("All areas".into(), "score".into(), id.to_string())], aggregate[k].to_string(), "aggregate {id}");
        let lowest = published.iter().map(|p| p.1[k]).min().unwrap();
        let highest = published.iter().map(|p| p.1[k]).max().unwrap();
        let row = |kind: &str| figs.iter().find(|((_, k2, i), _)| k2 == kind && i == id).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(row("lowest"), lowest.to_string(), "lowest {id}");
        assert_eq!(row("highest"), highest.to_string(), "highest {id}");
        // Every area at the lowest or highest rounded figure is named, one record each, and in
        // the summary ("ranging from 69% in London to 82% in Durham Tees Valley and
        // Northumbria").
        let summary = squash(&pdf_text(&out.join("aggregate").join(format!("{aggregate_id}.pdf"))));
        for (kind, value) in [("lowest", lowest), ("highest", highest)] {
            let mut want: Vec<&str> = published.iter().filter(|p| p.1[k] == value).map(|p| p.0.as_str()).collect();
            want.sort();
            let mut got: Vec<&str> = figs.keys().filter(|(_, k2, i)| k2 == kind && i == id).map(|(g, _, _)| g.as_str()).collect();
            got.sort();
            assert_eq!(got, want, "{aggregate_id}: the areas {kind} on {id}");
            let names = match want.as_slice() {
                [one] => one.to_string(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => unreachable!(),
            };
            let phrase = format!("{value}% in {names}");
            assert!(summary.contains(&phrase), "{aggregate_id}: the summary does not name the {kind} on {id} as `{phrase}`");
        }
    }
    for (id, want) in general {
        assert_eq!(figs[&("All areas".into(), "score".into(), id.to_string())], want.to_string(), "general criterion {id}");
    }

    // The aggregate report's text: each area's row, and the aggregate, lowest and highest rows.
    let text = pdf_text(&out.join("aggregate").join(format!("{aggregate_id}.pdf")));
    for (area, scores) in &published {
        // A long name may wrap in its cell: its first word starts the row's first line.
        let first = area.split([' ', '-']).next().unwrap();
        let tail = format!("{}% {}% {}%", scores[0], scores[1], scores[2]);
        let found = text.lines().map(squash).any(|l| l.starts_with(first) && l.ends_with(&tail));
        assert!(found, "{aggregate_id}: no table row for {area} ending {tail}");
    }
    let lines: Vec<String> = text.lines().map(squash).collect();
    let agg = format!("Aggregate {}% {}% {}%", aggregate[0], aggregate[1], aggregate[2]);
    assert!(lines.iter().any(|l| l == &agg), "{aggregate_id}: no line `{agg}`");
    // The table of the lowest and highest area for each score: a row per score with both
    // figures, each followed by its areas.
    for k in 0..3 {
        let lo = published.iter().map(|p| p.1[k]).min().unwrap();
        let hi = published.iter().map(|p| p.1[k]).max().unwrap();
        let found = lines.iter().any(|l| l.contains(&format!(" {lo}% (")) && l.contains(&format!(" {hi}% (")));
        assert!(found, "{aggregate_id}: no row of the lowest and highest table with {lo}% and {hi}%");
    }
    let squashed = squash(&text);
    for (id, want) in general {
        let _ = id;
        assert!(squashed.contains(&format!("{want}%")), "{aggregate_id}: general criterion {want}% not in the text");
    }
}

#[test]
fn sample_reproduces_published_figures_and_builds_deterministically() {
    let a = tempfile::tempdir().unwrap();
    let summary = build(&root(), a.path(), false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    assert_eq!(summary.failed, 0);
    // 11 OMI 2 trusts, 53 CCI areas, 6 adult and 6 youth services under the 2018 standards,
    // 6 Quality & Impact areas, 12 IAOW trusts, 6 areas of a thematic inspection, 8 aggregate
    // reports.
    assert_eq!(summary.built.len(), 11 + 53 + 6 + 6 + 6 + 12 + 6 + 8);

    check_framework(
        a.path(),
        "omi2-2011-12",
        "omi2-2011-12-headline-scores.csv",
        ["risk_of_harm", "likelihood_of_reoffending", "compliance_and_enforcement"],
        [77, 76, 79],
        &[("assessment", 79), ("interventions", 78), ("outcomes", 70)],
        false,
    );
    check_framework(
        a.path(),
        "cci-2011-12",
        "cci-2011-12-headline-scores.csv",
        ["safeguarding", "risk_of_harm", "likelihood_of_reoffending"],
        [68, 62, 72],
        &[],
        true,
    );

    check_annual_findings(a.path());

    // The methodology describes each programme's inspection from its framework file: local
    // assessors only where the programme used them, the fieldwork, and where the file
    // interprets its source, that it does.
    let method = |pdf: &str| {
        let t = squash(&pdf_text(&a.path().join(pdf)));
        let from = t.rfind("Methodology").expect("a methodology");
        t[from..].to_string()
    };
    let barnet = method("cci/2011-12/barnet.pdf");
    assert!(
        barnet.contains("Inspectors, with local assessors (practitioners of the area, trained and supervised by the inspectorate)"),
        "CCI used local assessors: {barnet}"
    );
    assert!(barnet.contains("one week of fieldwork") && barnet.contains("Children and young people, victims and case managers"), "{barnet}");
    let eastmarsh = method("qi-2016/2016-17/eastmarsh.pdf");
    assert!(!eastmarsh.contains("local assessors") && eastmarsh.contains("two weeks of fieldwork"), "{eastmarsh}");
    assert!(eastmarsh.contains("each line of enquiry of sections 1 to 5 was scored as a question"), "Q&I says how it reads its framework: {eastmarsh}");

    // A glossary defines only terms its report uses (NPS reports have no CRC "Through the gate",
    // the OMI 2 area reports no "OASys"): every term listed is in the text before it.
    let mut defined = 0;
    for entry in walkdir::WalkDir::new(a.path()).into_iter().filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "pdf")) {
        let text = pdf_text(entry.path()).replace('’', "'");
        let Some(at) = text.rfind("\nGlossary\n") else { continue };
        let body = squash(&text[..at]).to_lowercase();
        for line in text[at..].lines().skip(2) {
            // A row's term starts the line after one space; a meaning's second line is indented.
            let Some(term) = line.strip_prefix(' ').filter(|l| !l.starts_with(' ')).and_then(|l| l.split("  ").next()) else { continue };
            let term = term.trim().to_lowercase();
            if term.is_empty() || term == "term" || term.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            assert!(body.contains(&term), "{}: the glossary defines `{term}`, which the report does not use", entry.path().display());
            defined += 1;
        }
    }
    assert!(defined > 300, "{defined} glossary terms checked");

    // The OMI 2 general criteria as the aggregate report states them.
    let omi2 = squash(&pdf_text(&a.path().join("aggregate/omi2-2011-12.pdf"))).to_lowercase();
    for (title, pct) in [("assessment and sentence planning", 79), ("implementation of interventions", 78), ("achieving and sustaining outcomes", 70)] {
        assert!(omi2.contains(&format!("{title} {pct}%")), "OMI 2 general criterion `{title} {pct}%` missing");
    }

    // An area report carries its own headline figures in words and in the table.
    let cumbria = squash(&pdf_text(&a.path().join("omi2/2011-12/cumbria.pdf")));
    // Cumbria, published first (July 2011), has no other trust to compare with: the report says
    // so and prints no aggregate (the comparison set is the trusts inspected to date).
    assert!(
        cumbria.contains("Work to keep to a minimum each individual’s risk of harm to others was done well enough 76% of the time. Work to make each individual less likely to reoffend"),
        "Cumbria foreword: {cumbria}"
    );
    assert!(
        cumbria.contains("This is the first OMI 2 report published, so there is no other Probation Trust to compare Cumbria’s figures with yet."),
        "Cumbria foreword"
    );
    assert!(!cumbria.contains("All areas"), "no comparison columns for the first trust inspected");
    // A questionnaire's lead-in keeps its semicolon (Typst swallows one straight after an
    // embedded expression).
    assert!(cumbria.contains("as shares of its answers; the key names the answers"), "the questionnaire's lead-in");
    // London, published in February 2012, is compared with the 7 trusts published by then,
    // itself included, and the aggregate it shows is their cases pooled (recounted here from
    // each trust's own figures), not the whole year's 77%.
    let london = squash(&pdf_text(&a.path().join("omi2/2011-12/london.pdf")));
    assert!(london.contains("against 75% across the seven Probation Trusts inspected to date"), "London foreword");
    let to_date = ["cumbria", "cheshire", "greater-manchester", "merseyside", "lancashire", "durham-tees-valley", "london"];
    let (mut yes, mut no) = (0u64, 0u64);
    for id in to_date {
        let rows = read_csv(&a.path().join(format!("omi2/2011-12/{id}.figures.csv")));
        let own = rows.iter().find(|r| r["kind"] == "score" && r["id"] == "risk_of_harm" && r["breakdown"].is_empty() && r["group"] != "All areas").unwrap();
        yes += own["yes"].parse::<u64>().unwrap();
        no += own["no"].parse::<u64>().unwrap();
    }
    let rows = read_csv(&a.path().join("omi2/2011-12/london.figures.csv"));
    let all = rows.iter().find(|r| r["group"] == "All areas" && r["kind"] == "score" && r["id"] == "risk_of_harm" && r["breakdown"].is_empty()).unwrap();
    assert_eq!((all["yes"].parse::<u64>().unwrap(), all["no"].parse::<u64>().unwrap()), (yes, no), "London's aggregate pools the 7 trusts inspected to date");
    // West Mercia, published last, is compared with all 11.
    let west_mercia = squash(&pdf_text(&a.path().join("omi2/2011-12/west-mercia.pdf")));
    assert!(west_mercia.contains("across the 11 Probation Trusts inspected to date"), "West Mercia foreword");
    for section in [
        "Contents",
        "Foreword",
        "Scoring summary",
        "Recommendations",
        "Background and context",
        "Findings",
        // The front matter of its era (data/publisher.yaml): published on 5 July 2011, it says
        // "Appendix", gives the Open Government Licence of 2010 (v1.0, no version in its
        // wording) and the Manchester office of the time, and is signed by no Chief Inspector
        // (Andrew Bridges retired at the end of May 2011; Liz Calderbank was appointed in
        // September).
        "Appendix 1: Case sample",
        "Appendix 3: Methodology",
        "Glossary",
        "© Crown copyright 2011",
        "under the terms of the Open Government Licence. To view this licence, visit",
        "open-government-licence/version/1",
        "Trafford House",
        "Lead inspector",
    ] {
        assert!(cumbria.contains(section), "Cumbria report lacks `{section}`");
    }
    assert!(
        !cumbria.contains("Annex ") && !cumbria.contains("v3.0") && !cumbria.contains("Chief Inspector of Probation"),
        "Cumbria's front matter is not of 2011"
    );
    // OMI 2's aggregate lists the trusts in the order their reports were published, as the
    // annual report did (the definition's `order: inspection`), headed "Trust"; CCI's by region.
    let omi = squash(&pdf_text(&a.path().join("aggregate/omi2-2011-12.pdf")));
    let table = &omi[omi.find("Scores of every area The table").expect("the scores table")..];
    assert!(table.contains("Probation Trusts are listed in the order in which their inspection reports were published."), "order stated");
    assert!(table.contains("Trust Region Risk of"), "first column headed `Trust`");
    let mut dated: Vec<(String, String)> = std::fs::read_dir(root().join("data/inspections/omi2-2011-12"))
        .unwrap()
        .map(|e| {
            let yaml = std::fs::read_to_string(e.unwrap().path().join("inspection.yaml")).unwrap();
            let field = |k: &str| yaml.lines().find_map(|l| l.strip_prefix(k)).unwrap().trim().to_string();
            (field("publication_date:"), field("area:"))
        })
        .collect();
    dated.sort();
    // A name that wraps in its cell is found by its first word.
    let at: Vec<usize> = dated
        .iter()
        .map(|(_, area)| {
            let first = area.split(' ').next().unwrap();
            let rows = &table[..table.find(" Aggregate ").expect("the aggregate row")];
            rows.find(&format!(" {area} ")).or_else(|| rows.find(&format!(" {first} "))).unwrap_or_else(|| panic!("{area} in the table"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "trusts not in publication order: {dated:?} at {at:?}");
    let cci = squash(&pdf_text(&a.path().join("aggregate/cci-2011-12.pdf")));
    assert!(cci.contains("Youth Offending Teams are listed by region, then in alphabetical order."), "CCI order stated");
    // The glossary in alphabetical order, whatever the framework file's order.
    let fw = std::fs::read_to_string(root().join("data/frameworks/omi2.yaml")).unwrap();
    let mut terms: Vec<String> =
        fw.lines().filter_map(|l| l.split("{term: ").nth(1)).map(|t| t.split(", meaning").next().unwrap().trim_matches('"').to_string()).collect();
    assert!(terms.len() > 3, "glossary terms read from the framework");
    terms.sort_by_key(|t| t.to_lowercase());
    // (The aggregate, which uses every term; an area report defines only those it uses.)
    let aggregate = squash(&pdf_text(&a.path().join("aggregate/omi2-2011-12.pdf")));
    let glossary = &aggregate[aggregate.rfind("Glossary").unwrap()..];
    let at: Vec<usize> = terms.iter().map(|t| glossary.find(t.as_str()).unwrap_or_else(|| panic!("{t} in the glossary"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "glossary not in alphabetical order: {terms:?} at {at:?}");
    let london = squash(&pdf_text(&a.path().join("omi2/2011-12/london.pdf")));
    assert!(london.contains("Liz Calderbank HM Chief Inspector of Probation"), "London (2012) is signed by the Chief Inspector of its day");
    // Each report by the Chief Inspector in post at its publication (data/publisher.yaml).
    for (rel, signed) in [
        ("iaow-2013/2013-14/hollinbridge-probation-trust.pdf", "Paul McDowell HM Chief Inspector of Probation"),
        ("qi-2016/2016-17/northvale.pdf", "Dame Glenys Stacey HM Chief Inspector of Probation"),
    ] {
        assert!(squash(&pdf_text(&a.path().join(rel))).contains(signed), "{rel} is signed `{signed}`");
    }
    let eastfield = squash(&pdf_text(&a.path().join("adult-2018/2018-19/eastfield-nps-division.pdf")));
    for part in ["Annex 1: Case sample", "Open Government Licence v3.0", "Civil Justice Centre", "Dame Glenys Stacey HM Chief Inspector of Probation"] {
        assert!(eastfield.contains(part), "Eastfield (2019) lacks `{part}`");
    }

    // Every rating appears among the 2018-standards areas, overall and for standards.
    let adult = read_csv(&a.path().join("aggregate/adult-2018-19.figures.csv"));
    for rating in ["Outstanding", "Good", "Requires improvement", "Inadequate"] {
        assert!(adult.iter().any(|r| r["kind"] == "overall" && r["rating"] == rating), "no area rated {rating} overall");
        assert!(adult.iter().any(|r| r["kind"] == "standard" && r["rating"] == rating), "no standard rated {rating}");
    }

    // Accessibility: an independent PDF/UA-1 checker (pdfua, on pikepdf) finds nothing in any
    // published PDF.
    let pdfs: Vec<_> = summary.built.iter().map(|b| b.pdf.clone()).collect();
    let check = std::process::Command::new(pdfua()).arg("check").args(&pdfs).output().expect("pdfua runs");
    assert!(check.status.success(), "pdfua found problems:\n{}{}", String::from_utf8_lossy(&check.stdout), String::from_utf8_lossy(&check.stderr));

    // Determinism: a second build gives the same bytes for every PDF, HTML edition and data annexe.
    let b = tempfile::tempdir().unwrap();
    let again = build(&root(), b.path(), false);
    assert_eq!(again.built.len(), summary.built.len());
    let mut compared = 0;
    for built in &summary.built {
        let rel = built.pdf.strip_prefix(a.path()).unwrap();
        let first = std::fs::read(&built.pdf).unwrap();
        let second = std::fs::read(b.path().join(rel)).unwrap();
        assert!(first == second, "{} differs between two builds", rel.display());
        for (ext, what) in [("html", "HTML edition"), ("xlsx", "data annexe")] {
            let read = |dir: &Path| std::fs::read(dir.join(rel).with_extension(ext)).unwrap();
            assert!(read(a.path()) == read(b.path()), "the {what} of {} differs between two builds", rel.display());
        }
        compared += 1;
    }
    assert_eq!(compared, 108);
}

/// Findings of the 2011–12 annual report (`annual-2011-12-findings.csv`) that the sample data
/// cannot carry, each with the reason. Every other finding is checked below, in the figures CSV
/// and in the text of the aggregate report.
const NOT_CARRIED: &[(&str, &str)] = &[
    ("regions_inspected_to_date", "the programme since 2009: the sample holds the inspections of 2011–12 only"),
    ("yots_in_programme", "the programme since 2009: the sample holds the inspections of 2011–12 only"),
    ("reinspections", "reinspections are not modelled: an inspection is of one area in one period"),
    ("north_lincolnshire_safeguarding_original", "the original inspection was in an earlier year of the programme"),
    ("north_lincolnshire_safeguarding_reinspection", "reinspections are not modelled"),
    ("north_lincolnshire_risk_of_harm_original", "the original inspection was in an earlier year of the programme"),
    ("north_lincolnshire_risk_of_harm_reinspection", "reinspections are not modelled"),
    ("north_lincolnshire_likelihood_of_reoffending_original", "the original inspection was in an earlier year of the programme"),
    ("north_lincolnshire_likelihood_of_reoffending_reinspection", "reinspections are not modelled"),
    ("su_helped_accommodation", "a multiple-response item, a share of answers not of respondents: a questionnaire counts one answer per respondent"),
    ("su_helped_education_training_employment", "a multiple-response item, a share of answers not of respondents"),
    ("su_helped_relationships", "a multiple-response item, a share of answers not of respondents"),
    ("su_helped_attitudes_to_offending", "a multiple-response item, a share of answers not of respondents"),
    ("su_helped_drug_use", "a multiple-response item, a share of answers not of respondents"),
    ("su_helped_alcohol_use", "a multiple-response item, a share of answers not of respondents"),
    (
        "staff_advised_how_to_improve_any",
        "contradicts the chart it sums: with 2% `not really`, 69% and 28% together are at least 97.5%, which rounds to 98%, not 97%",
    ),
    ("org_evaluation_returns", "the organisations' returns pool OMI 2 and CCI: an aggregate report is of one programme"),
    ("org_clear_how_to_plan", "the organisations' returns pool OMI 2 and CCI"),
    ("org_satisfied_pre_inspection_planning", "the organisations' returns pool OMI 2 and CCI"),
    ("org_satisfied_team_conduct", "the organisations' returns pool OMI 2 and CCI"),
    ("org_requests_reasonable", "the organisations' returns pool OMI 2 and CCI"),
    ("org_satisfied_management", "the organisations' returns pool OMI 2 and CCI"),
];

/// The questionnaires of a programme's areas pooled: (title, question) → (answers, counts,
/// findings by answer or `positive`).
type Pooled = HashMap<(String, String), (Vec<String>, Vec<u64>, HashMap<String, String>)>;

fn pooled_questionnaires(dir: &Path) -> Pooled {
    let mut out: Pooled = HashMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&std::fs::read_to_string(e.unwrap().path().join("inspection.yaml")).unwrap()).unwrap();
        for q in spec["questionnaires"].as_sequence().into_iter().flatten() {
            let answers: Vec<String> = q["answers"].as_sequence().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect();
            for item in q["questions"].as_sequence().unwrap() {
                let key = (q["title"].as_str().unwrap().to_string(), item["text"].as_str().unwrap().to_string());
                let counts: Vec<u64> = item["counts"].as_sequence().unwrap().iter().map(|c| c.as_u64().unwrap()).collect();
                let findings: HashMap<String, String> = item["findings"]
                    .as_mapping()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str().unwrap().to_string(), v.as_str().unwrap().to_string()))
                    .collect();
                let entry = out.entry(key).or_insert_with(|| (answers.clone(), vec![0; counts.len()], findings));
                entry.1.iter_mut().zip(&counts).for_each(|(a, b)| *a += b);
            }
        }
    }
    out
}

fn check_annual_findings(out: &Path) {
    use inspection_reports::framework;
    let rows = read_csv(&published().join("annual-2011-12-findings.csv"));
    assert_eq!(rows.len(), 113, "the findings file holds the 113 findings of the annual report");
    let figure_of = |programme: &str, subject: &str| -> u64 {
        rows.iter().find(|r| r["programme"] == programme && r["subject"] == subject).unwrap_or_else(|| panic!("no finding {subject} of {programme}"))["figure"]
            .parse()
            .unwrap()
    };
    let figure =
        |subject: &str| -> u64 { rows.iter().find(|r| r["subject"] == subject).unwrap_or_else(|| panic!("no finding {subject}"))["figure"].parse().unwrap() };
    let mut checked: Vec<String> = Vec::new();
    for (fw_id, aggregate) in [("omi2", "omi2-2011-12"), ("cci", "cci-2011-12")] {
        let fw = framework::load(&root().join(format!("data/frameworks/{fw_id}.yaml"))).unwrap();
        let csv = read_csv(&out.join(format!("aggregate/{aggregate}.figures.csv")));
        let all = |kind: &str, id: &str, breakdown: &str| -> (u64, u64) {
            let r = csv
                .iter()
                .find(|r| r["group"] == "All areas" && r["kind"] == kind && r["id"] == id && r["breakdown"] == breakdown)
                .unwrap_or_else(|| panic!("{aggregate}: no {kind} {id} {breakdown} in the figures CSV"));
            (r["yes"].parse().unwrap(), r["relevant_answers"].parse().unwrap())
        };
        // Half up, on the counts: the pipeline's rounding.
        let pct = |(y, n): (u64, u64), negative: bool| (200 * if negative { n - y } else { y } + n) / (2 * n);
        let text = squash(&pdf_text(&out.join(format!("aggregate/{aggregate}.pdf"))));
        let lower = text.to_lowercase();
        for q in &fw.questions {
            let Some(subject) = &q.finding else { continue };
            let want = figure(subject);
            let got = pct(all("question", &q.id, ""), q.negative());
            assert_eq!(got, want, "{aggregate}: {subject} ({})", q.id);
            let statement = q.negative_statement.as_ref().or(q.statement.as_ref()).expect("a question with a finding has a statement");
            let mut sentence = statement.clone();
            sentence.replace_range(..1, &statement[..1].to_uppercase());
            // (With a comma before the figure where a comma opened a clause of the finding.)
            let line = format!("{sentence} in {want}% of {}", q.base());
            let after_clause = format!("{sentence}, in {want}% of {}", q.base());
            assert!(text.contains(&line) || text.contains(&after_clause), "{aggregate}: `{line}` not in the report");
            checked.push(subject.clone());
            for s in &q.splits {
                let Some(subject) = &s.finding else { continue };
                let want = figure(subject);
                assert_eq!(pct(all("question", &q.id, &format!("{}={}", s.column, s.value)), q.negative()), want, "{aggregate}: {subject}");
                let line = format!("{sentence} in {}% of {}, and in {want}% of {}.", figure(q.finding.as_ref().unwrap()), q.base(), s.base);
                let after_clause = format!("{sentence}, in {}% of {}, and in {want}% of {}.", figure(q.finding.as_ref().unwrap()), q.base(), s.base);
                assert!(text.contains(&line) || text.contains(&after_clause), "{aggregate}: `{line}` not in the report");
                checked.push(subject.clone());
            }
        }
        for s in &fw.scores {
            let Some(subject) = &s.finding else { continue };
            let want = figure(subject);
            assert_eq!(pct(all("score", &s.id, ""), false), want, "{aggregate}: {subject}");
            let parent = fw.scores.iter().find(|p| Some(&p.id) == s.of.as_ref()).unwrap();
            // "Within assessment and planning, the figures were 67% on risk of harm, …".
            let within = format!("within {}, the figures were", parent.title.to_lowercase());
            let clause = lower.split(&within).nth(1).and_then(|rest| rest.split([';', '.']).next()).unwrap_or_else(|| panic!("{aggregate}: no `{within}`"));
            let line = format!("{want}% on {}", s.title.to_lowercase());
            assert!(clause.contains(&line), "{aggregate}: `{line}` not in `{within}{clause}`");
            checked.push(subject.clone());
        }
    }

    // The samples.
    let cci = squash(&pdf_text(&out.join("aggregate/cci-2011-12.pdf")));
    let cci_csv = read_csv(&out.join("aggregate/cci-2011-12.figures.csv"));
    let areas: Vec<_> =
        cci_csv.iter().filter(|r| r["kind"] == "score" && r["id"] == "safeguarding" && r["breakdown"].is_empty() && r["group"] != "All areas").collect();
    assert_eq!(areas.len() as u64, figure("inspections"));
    assert!(cci.contains(&format!("Across the {} Youth Offending Teams inspected in 2011–12 we examined {} cases", figure("inspections"), "2,461")));
    assert_eq!(figure("cases_assessed"), 2461);
    for (subject, region) in [
        ("inspections_south_east", "South East"),
        ("inspections_london", "London"),
        ("inspections_east_of_england", "East of England"),
        ("inspections_east_midlands", "East Midlands"),
    ] {
        assert!(cci.contains(&format!("{region} {} ", figure(subject))), "CCI regions table: {region} {}", figure(subject));
        checked.push(subject.into());
    }
    // A case sample row: its value, its count of cases and its share.
    let share = |after: &str, value: &str| -> (u64, u64) {
        let from = cci.find(after).unwrap_or_else(|| panic!("CCI: no `{after}`")) + after.len();
        let rest = &cci[from..];
        let at = rest.find(&format!("{value} ")).unwrap_or_else(|| panic!("CCI: no row `{value}` after `{after}`")) + value.len() + 1;
        let mut words = rest[at..].split(' ');
        let count = words.next().unwrap().replace(',', "").parse().unwrap();
        (count, words.next().unwrap().trim_end_matches('%').parse().unwrap())
    };
    assert_eq!(share("Assessed by", "Local assessor"), (figure("cases_local_assessors"), figure("cases_local_assessors_share")));
    assert_eq!(share("cases in 53 areas.", "Girl or young woman").1, figure("girls_young_women"));
    assert_eq!(share("cases in 53 areas.", "Boy or young man").1, figure("boys_young_men"));
    assert_eq!(share("Looked after child Value", "Yes").1, figure("looked_after_children"));
    assert_eq!(share("Disability Value", "Yes").1, figure("identified_disability"));
    // The framework counts the minority ethnic groups together, as the report did.
    assert_eq!(share("cases in 53 areas.", "Black and minority ethnic (together)").1, figure("black_minority_ethnic"));
    checked.extend(
        ["cases_local_assessors", "girls_young_women", "boys_young_men", "looked_after_children", "identified_disability", "black_minority_ethnic"]
            .map(String::from),
    );
    checked.extend(["inspections", "cases_assessed", "cases_local_assessors_share"].map(String::from));

    let omi2_csv = read_csv(&out.join("aggregate/omi2-2011-12.figures.csv"));
    let cases: HashMap<String, u64> = omi2_csv
        .iter()
        .filter(|r| r["kind"] == "score" && r["id"] == "risk_of_harm" && r["breakdown"].is_empty() && r["group"] != "All areas")
        .map(|r| (r["group"].clone(), r["relevant_cases"].parse().unwrap()))
        .collect();
    assert_eq!(cases.len() as u64, figure("trusts_inspected"));
    assert!(squash(&pdf_text(&out.join("omi2/2011-12/london.pdf"))).contains(&format!("We inspected {} cases", figure("london_cases"))));
    for (trust, n) in cases.iter().filter(|(t, _)| t.as_str() != "London") {
        assert!((figure("cases_per_trust_low")..=figure("cases_per_trust_high")).contains(n), "{trust}: {n} cases");
    }
    checked.extend(["trusts_inspected", "london_cases", "cases_per_trust_low", "cases_per_trust_high"].map(String::from));

    // Questionnaires: the shares of the pooled answers, in the data and in the tables of the
    // aggregate report ("719 (96%)"); the published numbers of questionnaires returned.
    for (programme, dir, aggregate) in [("omi2", "omi2-2011-12", "omi2-2011-12"), ("cci", "cci-2011-12", "cci-2011-12")] {
        let pooled = pooled_questionnaires(&root().join("data/inspections").join(dir));
        let text = squash(&pdf_text(&out.join(format!("aggregate/{aggregate}.pdf"))));
        let thousands = inspection_reports::render::words::thousands;
        for ((title, question), (answers, counts, findings)) in &pooled {
            let total: u64 = counts.iter().sum();
            for (answer, subject) in findings {
                let n = if answer == "positive" {
                    counts[..answers.len().div_ceil(2)].iter().sum()
                } else {
                    counts[answers.iter().position(|a| a == answer).unwrap()]
                };
                let pct = (200 * n + total) / (2 * total);
                assert_eq!(pct, figure_of(programme, subject), "{programme} {title}: `{question}` {answer}");
                let cell = format!("{} ({pct}%)", thousands(n));
                assert!(text.contains(&cell), "{aggregate}: `{cell}` ({subject}) not in the report");
                checked.push(format!("{programme}:{subject}"));
            }
        }
        for subject in ["staff_questionnaires", "su_questionnaires", "victim_questionnaires"] {
            let Some(r) = rows.iter().find(|r| r["programme"] == programme && r["subject"] == subject) else { continue };
            let title = match subject {
                "staff_questionnaires" if programme == "omi2" => "Offender managers’ feedback on the inspection",
                "staff_questionnaires" => "Case managers’ feedback on the inspection",
                "su_questionnaires" => "Children and young people’s views",
                _ => "Victims’ views",
            };
            let most = pooled.iter().filter(|((t, _), _)| t == title).map(|(_, (_, c, _))| c.iter().sum::<u64>()).max().unwrap();
            assert_eq!(most.to_string(), r["figure"], "{programme}: {subject}");
            checked.push(format!("{programme}:{subject}"));
        }
    }

    // Every finding is either checked above or named, with its reason, as not carried.
    for r in &rows {
        let s = r["subject"].as_str();
        let named = NOT_CARRIED.iter().any(|(n, _)| *n == s);
        let done = checked.iter().any(|c| c == s || *c == format!("{}:{s}", r["programme"]));
        assert!(done != named, "finding `{s}` of {}: checked {done}, named as not carried {named}", r["programme"]);
    }
}
