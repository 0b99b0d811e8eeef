//! Inspectors' narrative for the sample: plausible text, no figures (figures come from data).

use inspection_reports::framework::{FrameworkSpec, StandardSpec};

use inspection_reports::render::words::{fraction_above, lower_first, proportion_words, upper_first};

use crate::rng::Rng;
use crate::write::Area;

#[derive(Default)]
pub struct Narr {
    pub summary: String,
    pub strengths: Vec<String>,
    pub areas_for_improvement: Vec<String>,
    pub recommendations: Vec<String>,
    pub context: Vec<String>,
    /// (standard id, strengths, areas for improvement)
    pub standards: Vec<(String, Vec<String>, Vec<String>)>,
    pub judged: Vec<(String, String)>,
    /// Questionnaires as written to the inspection file: (title, respondents, summary,
    /// answers, [(question, counts, findings by answer)]).
    pub questionnaires: Vec<Questionnaire>,
}

pub type Questionnaire = (String, String, String, Vec<String>, Vec<(String, Vec<u32>, Vec<(String, String)>)>);

fn pick(rng: &mut Rng, from: &[&str], n: usize) -> Vec<String> {
    let mut idx: Vec<usize> = (0..from.len()).collect();
    rng.shuffle(&mut idx);
    let mut chosen: Vec<usize> = idx.into_iter().take(n).collect();
    chosen.sort();
    chosen.into_iter().map(|i| from[i].to_string()).collect()
}

/// The area's findings an inspector would write up as strengths or areas for improvement: each
/// question with a statement and at least ten relevant cases, with its share of Yes answers.
fn findings(fw: &FrameworkSpec, relevant: &[u32], yes: &[u32]) -> Vec<(String, f64)> {
    // A statement several questions share (youth court and out-of-court work) says which work
    // it is of by its domain ("In court disposals, implementation and delivery …"); without a
    // domain to name, it is left to the standards' own lists, under their headings.
    let shared = |q: &inspection_reports::framework::QuestionSpec| fw.questions.iter().filter(|o| o.statement_text() == q.statement_text()).count() > 1;
    let domain = |q: &inspection_reports::framework::QuestionSpec| {
        let standard = fw.standards.iter().find(|s| s.key_questions.contains(&q.id))?;
        fw.domains.iter().find(|d| d.id == standard.domain).map(|d| d.title.to_lowercase())
    };
    fw.questions
        .iter()
        .zip(relevant.iter().zip(yes))
        .filter(|(_, (r, _))| **r >= 10)
        .filter_map(|(q, (r, y))| {
            let statement = q.statement_before_figure()?;
            let stated = if shared(q) { format!("In {}, {}", domain(q)?, lower_first(&statement)) } else { upper_first(&statement) };
            Some((stated, 100.0 * f64::from(*y) / f64::from(*r)))
        })
        .collect()
}

/// A strength's share in words: "in almost all cases", "in the great majority of cases",
/// "in most cases".
fn praise(p: f64) -> &'static str {
    match p {
        p if p >= 100.0 => "in all cases",
        p if p >= 95.0 => "in almost all cases",
        p if p >= 85.0 => "in the great majority of cases",
        _ => "in most cases",
    }
}

/// [`findings`] by question id.
fn findings_by_id(fw: &FrameworkSpec, relevant: &[u32], yes: &[u32]) -> std::collections::HashMap<String, (String, f64)> {
    fw.questions
        .iter()
        .zip(relevant.iter().zip(yes))
        .filter(|(_, (r, _))| **r >= 10)
        .filter_map(|(q, (r, y))| Some((q.id.clone(), (upper_first(&q.statement_before_figure()?), 100.0 * f64::from(*y) / f64::from(*r)))))
        .collect()
}

/// What inspectors found from fieldwork on a standard judged without cases, on its own subject
/// (leadership, staff, services and partnerships, information and facilities), as its rating
/// says (what is said of caseloads follows the rating of staffing).
fn judged_bullets(title: &str, good: bool) -> (Vec<String>, Vec<String>) {
    let t = title.to_lowercase();
    let (strength, improvement) = if t.contains("leadership") {
        if good {
            ("Leaders had a clear vision for the service, which staff understood.", "The plan to improve the service was not yet reviewed often enough.")
        } else {
            ("Leaders knew where the service needed to improve.", "The vision for the service was not well understood by staff.")
        }
    } else if t.contains("staff") {
        if good {
            ("Practitioners had the time and support to do the work well.", "Not every practitioner had had the training they needed.")
        } else {
            ("Staff were committed to the people they supervised.", "Caseloads were too high for practitioners to do the work well.")
        }
    } else if t.contains("service") || t.contains("partnership") {
        if good {
            ("Partnership arrangements supported the work effectively.", "Some services were not available in every part of the area.")
        } else {
            ("Some partnerships with local services worked well.", "Too few services were available to meet the needs of the people supervised.")
        }
    } else if t.contains("information") || t.contains("facilit") {
        if good {
            ("Practitioners had the information and facilities they needed.", "Information from other agencies was not always obtained promptly.")
        } else {
            ("Offices were accessible to the people supervised.", "Information from other agencies was not always obtained promptly.")
        }
    } else if good {
        ("Staff were committed to the people they supervised.", "Records did not always show the work that had been done.")
    } else {
        ("Staff were committed to the people they supervised.", "Managers did not oversee the work consistently.")
    };
    (vec![strength.to_string()], vec![improvement.to_string()])
}

/// Strengths and areas for improvement that follow the area's figures: its best findings (at
/// least three-quarters of the cases) and its weakest (under three-quarters), in words, never
/// with a figure that could disagree with the report's. A strength of the work is never an area
/// for improvement of the same report.
fn bullets(fw: &FrameworkSpec, relevant: &[u32], yes: &[u32]) -> (Vec<String>, Vec<String>) {
    let mut found = findings(fw, relevant, yes);
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut strengths: Vec<String> = found.iter().filter(|(_, p)| *p >= 75.0).take(3).map(|(s, p)| format!("{s} {}.", praise(*p))).collect();
    if strengths.len() < 2 {
        strengths.insert(0, "Staff knew their cases well and could describe the work they were doing with confidence.".into());
    }
    let mut improvements: Vec<String> = found
        .iter()
        .rev()
        .filter(|(_, p)| *p < 75.0)
        .take(3)
        .map(|(s, p)| {
            let how = shortfall(*p);
            format!("{s} {how}.")
        })
        .collect();
    if improvements.is_empty() {
        improvements.push("Records did not always show the work that had been done.".into());
    }
    (strengths, improvements)
}

/// Where an area for improvement's share stood, in words: "in fewer than half of the cases"
/// (41%: "over a third" reads as praise, "little more than a third" is wrong), "in only
/// three-fifths of the cases", "in little more than half of the cases" (53%).
fn shortfall(p: f64) -> String {
    let words = proportion_words(p);
    if words.starts_with("fewer than") || words == "none" || words == "very few" {
        format!("in {words} of the cases")
    } else if words == "more than half" {
        "in little more than half of the cases".into()
    } else if words.starts_with("over ") {
        // Named by the fraction above it.
        let above = fraction_above(p).unwrap_or("three-quarters");
        format!("in fewer than {above} of the cases")
    } else {
        format!("in only {words} of the cases")
    }
}

/// The narrative of a headline-era area whose answers (`relevant` and `yes` per question of the
/// framework) it describes: its summary's judgement follows the pooled figures, its strengths
/// and areas for improvement its best and weakest findings, and it names local assessors only
/// where the programme used them.
pub fn headline(fw: &FrameworkSpec, area: &Area, relevant: &[u32], yes: &[u32], rng: &mut Rng) -> Narr {
    let level = pooled_level(relevant, yes);
    let person = &fw.person;
    let people = fw.people();
    let (strengths, improvements) = bullets(fw, relevant, yes);
    let generic_strengths = [
        "Staff knew their cases well and could describe the work they were doing with confidence.".to_string(),
        format!("Most {people} were seen promptly at the start of their sentence, and contact was kept up well."),
        "Work with partner agencies to manage the most serious cases was well organised.".to_string(),
        "Interventions were generally delivered in line with the sentence of the court.".to_string(),
        "Managers were accessible and staff told us they felt well supported.".to_string(),
        "Enforcement action, where it was needed, was taken promptly and appropriately.".to_string(),
    ];
    let generic_improvements = [
        "The quality of risk of harm analysis was inconsistent and did not always draw on all the information available.".to_string(),
        "Plans to manage risk of harm did not always set out clearly who would do what and when.".to_string(),
        "Changes in circumstances were not always identified quickly enough, nor acted on.".to_string(),
        "Diversity factors were not always taken into account when planning the work.".to_string(),
        "Management oversight of the most complex cases needed to be more consistent.".to_string(),
    ];
    let recs = [
        format!("a full analysis of the risk of harm to others is completed where required, drawing on all available information, and is reviewed when the {person}’s circumstances change"),
        "plans to manage the risk of harm to others are specific about actions, responsibilities and timescales".to_string(),
        "managers provide effective oversight of the assessment and planning of cases that pose a high risk of harm".to_string(),
        format!("planning takes account of each {person}’s diversity needs and is reviewed at appropriate intervals"),
        "changes in the risk of harm are anticipated, identified swiftly and acted on".to_string(),
    ];
    let s: Vec<&str> = generic_strengths.iter().map(String::as_str).collect();
    let i: Vec<&str> = generic_improvements.iter().map(String::as_str).collect();
    let r: Vec<&str> = recs.iter().map(String::as_str).collect();
    Narr {
        summary: format!(
            "We inspected a representative sample of cases supervised by {}. Inspectors{} examined the work in each case and interviewed the practitioners responsible.\n\n{}",
            area.provider,
            if fw.method.local_assessors { ", with local assessors," } else { "" },
            match level {
                l if l >= 75.0 => format!("Overall we found committed staff who knew their cases well, and work of a good standard in most of the cases we inspected. We have made recommendations to help {} build on it.", area.name),
                l if l >= 60.0 => format!("Overall we found committed staff who knew their cases well. The work to protect the public was not yet consistent enough, and we have made recommendations to help {} improve it.", area.name),
                _ => format!("Too much of the work we inspected was not good enough, the work to protect the public in particular. We have made recommendations to help {} improve it.", area.name),
            }
        ),
        // The generic lists are still drawn from, so that what is drawn after (the cases) is the
        // same; the bullets themselves follow the figures.
        strengths: {
            let _ = (pick(rng, &s, 3), pick(rng, &i, 3));
            strengths
        },
        areas_for_improvement: improvements,
        recommendations: pick(rng, &r, 3),
        context: vec![
            format!("{} is part of the {} region.", area.provider, area.region),
            // Youth work under the 2018 standards includes out-of-court disposals, which are
            // not sentences.
            if fw.standards.iter().any(|s| s.title == "Joint working") || fw.id.starts_with("youth") {
                format!("The cases inspected were those of {people} sentenced or given an out-of-court disposal in the year before the inspection, selected to represent the caseload.")
            } else {
                format!("The cases inspected were those of {people} sentenced in the year before the inspection, selected to represent the caseload.")
            },
        ],
        ..Narr::default()
    }
}

pub fn standards(fw: &FrameworkSpec, area: &Area, standards: &[&StandardSpec], letters: &[char], relevant: &[u32], yes: &[u32], rng: &mut Rng) -> Narr {
    let mut n = headline(fw, area, relevant, yes, rng);
    n.summary = format!(
        "Our fieldwork at {} looked at the organisation’s leadership, staffing, services and information; {} examined the quality of work in a sample of cases with the practitioners responsible.\n\nThe ratings below reflect the findings of our case inspection and of our fieldwork interviews and evidence.",
        area.name,
        if fw.method.local_assessors { "inspectors and local assessors" } else { "inspectors" }
    );
    // The provider of a 2018 area is the NPS or a CRC, not the area itself.
    n.context[0] = format!("{} is part of the {} region.", area.name, area.region);
    let engaging = format!("Work was well focused on engaging the {}.", fw.person);
    let findings = findings_by_id(fw, relevant, yes);
    for (s, l) in standards.iter().zip(letters) {
        let good_rating = matches!(l, 'O' | 'G');
        let (good, bad): (Vec<&str>, Vec<&str>) = match l {
            'O' | 'G' => (
                vec![
                    engaging.as_str(),
                    "Practitioners had the time and support to do the work well.",
                    "Partnership arrangements supported the work effectively.",
                ],
                vec!["Information from other agencies was not always obtained promptly."],
            ),
            _ => (
                vec!["Some practitioners showed real commitment to the people they supervised."],
                vec![
                    "Work to keep other people safe was not good enough in too many cases.",
                    "Caseloads were too high for practitioners to do the work well.",
                    "Managers did not oversee the work consistently.",
                ],
            ),
        };
        // Drawn as before, so that the cases drawn after are the same.
        let _ = (pick(rng, &good, 2.min(good.len())), pick(rng, &bad, 2.min(bad.len())));
        let (strengths, improvements) = if s.key_questions.is_empty() {
            // Judged from fieldwork: on the standard's own subject, as its rating says.
            judged_bullets(&s.title, good_rating)
        } else {
            // Rated from cases: its key questions' findings, the best and the weakest.
            let mut found: Vec<(String, f64)> = s.key_questions.iter().filter_map(|q| findings.get(q.as_str()).cloned()).collect();
            found.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut strengths: Vec<String> = found.iter().filter(|(_, p)| *p >= 75.0).take(2).map(|(st, p)| format!("{st} {}.", praise(*p))).collect();
            let mut improvements: Vec<String> =
                found.iter().rev().filter(|(_, p)| *p < 75.0).take(2).map(|(st, p)| format!("{st} {}.", shortfall(*p))).collect();
            if strengths.is_empty() {
                strengths.push("Some practitioners showed real commitment to the people they supervised.".into());
            }
            if improvements.is_empty() {
                improvements.push("Records did not always show the work that had been done.".into());
            }
            (strengths, improvements)
        };
        n.standards.push((s.id.clone(), strengths, improvements));
    }
    n
}

/// The share of Yes answers over all the questions, in per cent (0 where nothing was relevant).
pub fn pooled_level(relevant: &[u32], yes: &[u32]) -> f64 {
    let (r, y): (u32, u32) = (relevant.iter().sum(), yes.iter().sum());
    if r == 0 {
        0.0
    } else {
        100.0 * f64::from(y) / f64::from(r)
    }
}
