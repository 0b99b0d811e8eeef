//! The area inspection report: model, sentences, charts and figures of one inspected area.

use std::collections::BTreeMap;

use serde::Serialize;

use super::common::{
    breakdown_tables, extremes, sample_tables, scores_of, BreakdownTable, ChartRef, DataTable, DocMeta, RatingView, SampleTable, ScoreRow, Shown,
};
use super::figures_csv::{breakdown_records, extreme_records, group_records, rating_record, to_csv, FigureRecord};
use super::quality::QualityView;
use super::{RenderedReport, TextModel};
use crate::aggregate::{GroupFigures, SetFigures, SetId};
use crate::charts::{Bar, BarChart, BarGroup};
use crate::error::{Location, Problem};
use crate::framework::rules::RatingRules;
use crate::framework::{Era, FrameworkSpec, GlossaryEntry, ScoreKind, SmallKeyQuestions, StandardRule};
use crate::ingest::CaseTable;
use crate::inspection::{InspectionSpec, Narrative, Status};

/// Everything an area report needs: its inspection, and the figures of its comparison set.
pub struct AreaInput<'a> {
    pub framework: &'a FrameworkSpec,
    pub inspection: &'a InspectionSpec,
    pub set: &'a SetFigures,
    /// Area names of the comparison set, by inspection id.
    pub names: &'a BTreeMap<String, String>,
    /// `the 11 Probation Trusts inspected in 2011-12`.
    pub set_label: String,
    pub draft: bool,
    /// The area's case export, for the data-quality page of drafts.
    pub cases: Option<&'a CaseTable>,
    /// The figures CSV of the previous build of this report, if there is one (drafts compare).
    pub previous_figures: Option<super::quality::Previous>,
    /// Inspections of its comparison set whose data could not be read (a draft only).
    pub without: &'a [String],
    /// For a rebuild of a published report: what it needs to publish a correction.
    pub correction: Option<&'a super::CorrectionInput>,
    /// The front matter by era.
    pub publisher: &'a crate::publisher::Publisher,
}

#[derive(Debug, Serialize)]
pub struct AreaReport {
    pub kind: &'static str,
    pub era: Era,
    pub doc: DocMeta,
    pub area: AreaMeta,
    pub framework: FrameworkMeta,
    pub narrative: Narrative,
    /// Who the recommendations are addressed to: "<this> should ensure that:".
    pub recommendations_to: String,
    pub summary: Vec<String>,
    pub foreword: Vec<String>,
    pub set_label: String,
    /// When there is no other area to compare with (the first report of its comparison set):
    /// a sentence that says so, and the comparison figures are left empty.
    pub first_note: Option<String>,
    /// Corrections published in this report, oldest first (a notice near its front).
    pub corrections: Vec<crate::record::Correction>,
    pub headline: Vec<ScoreRow>,
    pub criteria: Vec<ScoreRow>,
    pub sections: Vec<SectionView>,
    pub standards: Option<StandardsView>,
    pub sample: Vec<SampleTable>,
    pub cases: u64,
    pub breakdowns: Vec<BreakdownTable>,
    /// Standards: the key questions by each breakdown characteristic (`breakdowns` is empty).
    pub grids: Vec<super::common::QuestionGrid>,
    /// The question (key question, for standards) with the lowest and highest figure shown.
    pub weakest: Option<QuestionRow>,
    /// How many questions share the weakest figure exactly (1: it alone).
    pub weakest_joint: usize,
    pub strongest: Option<QuestionRow>,
    /// How many questions share the strongest's printed figure (1: it alone).
    pub strongest_joint: usize,
    pub charts: Vec<ChartRef>,
    /// Parts of the framework judged from fieldwork, with the inspectors' findings.
    pub judged: Vec<JudgedSectionView>,
    /// Questionnaires of the inspection file (victims' and sentencers' views).
    pub questionnaires: Vec<super::questionnaire::QuestionnaireView>,
    pub methodology: Vec<String>,
    pub glossary: Vec<GlossaryEntry>,
    /// The data-quality page, in drafts only.
    pub quality: Option<QualityView>,
}

#[derive(Debug, Serialize)]
pub struct JudgedSectionView {
    pub title: String,
    pub criteria: Vec<JudgedCriterionView>,
}

#[derive(Debug, Serialize)]
pub struct JudgedCriterionView {
    pub id: String,
    pub title: String,
    pub lines_of_enquiry: Vec<String>,
    pub strengths: Vec<String>,
    pub areas_for_improvement: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AreaMeta {
    pub name: String,
    pub kind: String,
    pub region: String,
    pub provider: String,
    pub fieldwork_start: String,
    pub fieldwork_end: String,
    pub lead_inspector: String,
    pub acknowledgements: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FrameworkMeta {
    pub name: String,
    pub short_name: String,
    pub unit: String,
    pub person: String,
    pub minimum: u32,
    /// The heading of the column of areas in aggregate tables (`Trust`, `Area`).
    pub area_heading: String,
}

impl FrameworkMeta {
    pub fn of(fw: &FrameworkSpec) -> Self {
        FrameworkMeta {
            name: fw.name.clone(),
            short_name: fw.short_name.clone(),
            unit: fw.unit.clone(),
            person: fw.person.clone(),
            minimum: fw.minimum_relevant_cases,
            area_heading: fw.area_heading.clone().unwrap_or_else(|| "Area".into()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionRow {
    pub id: String,
    pub text: String,
    /// The text in a table of questions of several parts: with its part where the same
    /// question is asked in two (`… (3.1 assessment)`).
    pub listed: String,
    /// The title of the question's section, which tells apart questions of the same wording
    /// (the youth standards ask the same key questions of court and out-of-court work).
    pub part: String,
    /// A label for charts: the framework's `short`, or the first words of the text.
    pub short: String,
    /// The question as a finding, with a capital first letter, where the framework gives one
    /// ("Risk management plans were sufficiently thorough"): running text then states it rather
    /// than quoting the question.
    pub statement: Option<String>,
    pub area: Shown,
    pub aggregate: Shown,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub id: String,
    pub title: String,
    /// On the first section of a part of the framework: the part's heading.
    pub part: Option<String>,
    pub score: Option<ScoreRow>,
    pub questions: Vec<QuestionRow>,
}

#[derive(Debug, Serialize)]
pub struct StandardsView {
    pub overall: Option<RatingView>,
    pub total: u32,
    pub max_total: u32,
    pub domains: Vec<DomainView>,
}

#[derive(Debug, Serialize)]
pub struct DomainView {
    pub title: String,
    pub standards: Vec<StandardView>,
}

#[derive(Debug, Serialize)]
pub struct StandardView {
    pub id: String,
    pub title: String,
    pub rating: Option<RatingView>,
    pub judged: bool,
    /// How the rating was reached, in words.
    pub basis: String,
    pub key_questions: Vec<QuestionRow>,
    pub strengths: Vec<String>,
    pub areas_for_improvement: Vec<String>,
}

/// Builds the area report of `input`.
pub fn render(input: &AreaInput<'_>, text: &TextModel) -> Result<RenderedReport, Problem> {
    let fw = input.framework;
    let insp = input.inspection;
    let minimum = fw.minimum_relevant_cases;
    let own = input.set.areas.get(&insp.id).expect("the area is part of its comparison set");
    let areas = || input.set.areas.iter().map(|(id, g)| (input.names[id].as_str(), &**g));
    // The first area inspected has no other to compare with: no aggregate, lowest or highest.
    let compared = input.set.areas.len() > 1;
    let first_note = (!compared).then(|| {
        if input.without.is_empty() {
            format!("This is the first {} report published, so there is no other {} to compare {}’s figures with yet.", fw.short_name, fw.unit, insp.area)
        } else {
            format!("This draft compares {} with no other area: the data of {} could not be read.", insp.area, input.without.join(", "))
        }
    });
    let total = |set: &SetId| if compared { input.set.total.figure(set) } else { crate::aggregate::Figure::default() };

    let score_row = |s: &crate::framework::ScoreSpec| {
        let set = SetId::Score(s.id.clone());
        let (lowest, highest) = if compared { extremes(areas(), &set, minimum) } else { (None, None) };
        ScoreRow {
            id: s.id.clone(),
            title: s.title.clone(),
            phrase: s.phrase.clone(),
            outcome: s.outcome,
            area: Shown::new(own.figure(&set), minimum),
            aggregate: Shown::new(total(&set), minimum),
            lowest,
            highest,
        }
    };
    let headline: Vec<ScoreRow> = scores_of(fw, ScoreKind::Headline).map(score_row).collect();
    let criteria: Vec<ScoreRow> = scores_of(fw, ScoreKind::GeneralCriterion).map(score_row).collect();
    let question_row = |qid: &str| {
        let q = fw.question(qid).expect("validated reference");
        let part = fw.sections.iter().find(|s| s.id == q.section).map(|s| s.title.clone()).unwrap_or_default();
        let short = q.label();
        // The same question asked of two kinds of work (youth "2.1 Assessment" of court and
        // "3.1 Assessment" of out-of-court disposals) is told apart by its part wherever a
        // table lists it.
        let twice = fw.questions.iter().filter(|o| o.text == q.text).count() > 1;
        let listed = if twice { format!("{} ({})", q.text, super::words::lower_first(&part)) } else { q.text.clone() };
        QuestionRow {
            id: q.id.clone(),
            text: q.text.clone(),
            listed,
            part,
            short,
            statement: q.statement_before_figure().as_deref().map(super::words::upper_first),
            area: Shown::new(own.question(qid), minimum),
            aggregate: Shown::new(total(&SetId::Question(qid.to_string())), minimum),
        }
    };
    let standards = match fw.era {
        Era::Standards => Some(standards_view(input, own, &question_row)?),
        Era::Headline => None,
    };
    let sections: Vec<SectionView> = fw
        .sections
        .iter()
        .map(|sec| SectionView {
            id: sec.id.clone(),
            title: sec.title.clone(),
            part: sec.part.clone(),
            // A section measured by a score of its own (a general criterion, or a headline
            // score such as Q&I's impact measures, one per section).
            score: criteria
                .iter()
                .chain(headline.iter().filter(|h| {
                    // A headline score is a section's figure only where it pools exactly the
                    // section's questions (the thematic's headline scores share ids with
                    // sections but pool other questions).
                    let mut pooled: Vec<&str> =
                        fw.scores.iter().find(|s| s.id == h.id).map(|s| s.questions.iter().map(String::as_str).collect()).unwrap_or_default();
                    let mut own: Vec<&str> = fw.questions.iter().filter(|q| q.section == sec.id).map(|q| q.id.as_str()).collect();
                    pooled.sort_unstable();
                    own.sort_unstable();
                    pooled == own
                }))
                .find(|c| c.id == sec.id)
                .cloned(),
            questions: fw.questions.iter().filter(|q| q.section == sec.id).map(|q| question_row(&q.id)).collect(),
        })
        .filter(|s| s.questions.iter().any(|q| q.area.relevant > 0))
        .collect();
    // A part's heading on its first section only.
    let mut sections = sections;
    for k in (1..sections.len()).rev() {
        if sections[k].part.is_some() && sections[k].part == sections[k - 1].part {
            sections[k].part = None;
        }
    }

    // Breakdowns of the headline scores; of a standards framework, its key questions, each on
    // its own base.
    let (breakdowns, grids) = match fw.era {
        Era::Headline => {
            let sets: Vec<(SetId, String)> = scores_of(fw, ScoreKind::Headline).map(|s| (SetId::Score(s.id.clone()), s.title.clone())).collect();
            (breakdown_tables(fw, own, &sets), Vec::new())
        }
        Era::Standards => (Vec::new(), super::common::breakdown_grids(fw, own)),
    };

    let candidates: Vec<&QuestionRow> = match &standards {
        Some(sv) => sv.domains.iter().flat_map(|d| &d.standards).flat_map(|s| &s.key_questions).collect(),
        None => sections.iter().flat_map(|s| &s.questions).collect(),
    };
    // The weakest and strongest practice: a question of an outcome (Q&I's impact) measures no
    // practice.
    let outcome = |id: &str| fw.scores.iter().any(|s| s.outcome && s.questions.iter().any(|q| q == id));
    let mut shown: Vec<&QuestionRow> = candidates.into_iter().filter(|q| q.area.exact.is_some() && !outcome(&q.id)).collect();
    shown.sort_by(|a, b| a.area.exact.unwrap_or(0.0).total_cmp(&b.area.exact.unwrap_or(0.0)).then(a.id.cmp(&b.id)));
    let weakest = shown.first().map(|q| (*q).clone());
    let strongest = shown.last().map(|q| (*q).clone());
    // Questions whose figure, as the report prints it, is the weakest's (6 of 12 and 9 of 18,
    // or 54.9% and 55.2%, both 55%): it is then the joint weakest, not the weakest, as a reader
    // of the tables sees. The same for the strongest.
    let weakest_joint = weakest.as_ref().map_or(0, |w| shown.iter().filter(|q| q.area.pct == w.area.pct).count());
    let strongest_joint = strongest.as_ref().map_or(0, |w| shown.iter().filter(|q| q.area.pct == w.area.pct).count());

    let doc = DocMeta {
        title: fw.title_for(&insp.area),
        subtitle: format!("{} inspection of {}", fw.short_name, insp.area),
        framework_name: fw.name.clone(),
        framework_short: fw.short_name.clone(),
        period: insp.period.clone(),
        month_year: insp.publication_date.month_year(),
        publication_date: insp.publication_date.long(),
        copyright_year: insp.publication_date.year,
        isbn: insp.isbn.clone(),
        draft: input.draft || insp.status == Status::Draft,
        running_header: format!("{}: {}", fw.short_name, insp.area),
        front: input.publisher.at(insp.publication_date),
    };
    let area = AreaMeta {
        name: insp.area.clone(),
        kind: insp.area_kind.clone(),
        region: insp.region.clone(),
        provider: insp.provider.clone(),
        fieldwork_start: insp.fieldwork.start.long(),
        fieldwork_end: insp.fieldwork.end.long(),
        lead_inspector: insp.lead_inspector.clone(),
        acknowledgements: insp.acknowledgements.clone(),
    };
    let framework = FrameworkMeta::of(fw);

    let mut report =
        AreaReport {
            kind: "area",
            era: fw.era,
            doc,
            area,
            framework,
            narrative: insp.narrative.clone(),
            recommendations_to: insp.narrative.recommendations_to.clone().unwrap_or_else(|| {
                fw.recommendations_to.as_deref().unwrap_or("{provider}").replace("{provider}", &insp.provider).replace("{area}", &insp.area)
            }),
            summary: insp.narrative.summary.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
            foreword: Vec::new(),
            set_label: input.set_label.clone(),
            first_note,
            corrections: Vec::new(),
            headline,
            criteria,
            sections,
            standards,
            sample: sample_tables(fw, own),
            cases: own.cases,
            breakdowns,
            grids,
            weakest,
            weakest_joint,
            strongest_joint,
            strongest,
            charts: Vec::new(),
            judged: fw
                .judged_sections
                .iter()
                .map(|js| JudgedSectionView {
                    title: js.title.clone(),
                    criteria: js
                        .criteria
                        .iter()
                        .map(|c| {
                            let n = insp.narrative.standards.get(&c.id).cloned().unwrap_or_default();
                            JudgedCriterionView {
                                id: c.id.clone(),
                                title: c.title.clone(),
                                lines_of_enquiry: c.lines_of_enquiry.clone(),
                                strengths: n.strengths,
                                areas_for_improvement: n.areas_for_improvement,
                            }
                        })
                        .collect(),
                })
                .collect(),
            questionnaires: Vec::new(),
            methodology: Vec::new(),
            glossary: crate::framework::glossary_in_order(&fw.glossary),
            quality: None,
        };
    report.foreword = text.paragraphs("area-foreword.j2", &report)?;
    report.methodology = text.paragraphs(
        "methodology.j2",
        &serde_json::json!({ "framework": fw, "set_label": &report.set_label, "area_report": true, "first": report.first_note.is_some(), "doc": &report.doc, "national": false,
            "compared": super::common::compared_characteristics(&report.breakdowns, &report.grids),
            // The scores the report prints (an area report prints no sub-criteria).
            "shown_scores": report.headline.iter().chain(&report.criteria).map(|r| r.id.clone()).collect::<Vec<_>>() }),
    )?;

    // Charts.
    let mut charts = Vec::new();
    let mut chart_time = std::time::Duration::ZERO;
    if fw.era == Era::Headline {
        let rows: Vec<&ScoreRow> = report.headline.iter().chain(&report.criteria).collect();
        // The area's bars carry its name, or "This Probation Trust" when the name is long (the
        // caption names it): a long name beside every bar squeezed the plot.
        const SHORT_NAME: usize = 24;
        let own = if insp.area.chars().count() <= SHORT_NAME { insp.area.clone() } else { format!("This {}", fw.unit) };
        // Drawn whole, then cut into parts, so that every part is drawn at one scale.
        let whole = BarChart::new(
            rows.iter()
                .map(|r| BarGroup {
                    label: r.title.clone(),
                    bars: std::iter::once(Bar { name: Some(own.clone()), label: r.area.text.clone(), value: r.area.exact, emphasis: true, range: None })
                        .chain(compared.then(|| Bar {
                            name: Some("All areas".into()),
                            // The whisker over it is the range of the areas, and says so.
                            label: match (&r.lowest, &r.highest) {
                                // Every area at one figure: no range to give.
                                (Some(l), Some(h)) if l.text == h.text => format!("{} (every area {})", r.aggregate.text, h.text),
                                (Some(l), Some(h)) => format!("{} (areas {}–{})", r.aggregate.text, l.text.trim_end_matches('%'), h.text),
                                _ => r.aggregate.text.clone(),
                            },
                            value: r.aggregate.exact,
                            emphasis: false,
                            range: r.lowest.as_ref().zip(r.highest.as_ref()).map(|(l, h)| (l.pct as f64, h.pct as f64)),
                        }))
                        .collect(),
                })
                .collect(),
        );
        // One chart of every score, with its table: split into parts, each with its own rows,
        // only where it is taller than a page holds (`bar_figures_after`), so that each part
        // shares its page with its rows and one figure number runs through its parts.
        // The comparison columns only where there is another area to compare with.
        let width = if compared { 7 } else { 4 };
        let table = DataTable {
            // The area's column is headed as its bars are named: a long name over a column of
            // percentages squeezed the scores' names to a word a line.
            columns: ["Score", &own, "Cases", "95% interval", "All areas", "Lowest", "Highest"].iter().take(width).map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.title.clone(),
                        r.area.text.clone(),
                        super::words::thousands(r.area.cases),
                        r.area.ci_text(),
                        r.aggregate.text.clone(),
                        r.lowest.as_ref().map(|e| e.text.clone()).unwrap_or_default(),
                        r.highest.as_ref().map(|e| e.text.clone()).unwrap_or_default(),
                    ];
                    row.truncate(width);
                    row
                })
                .collect(),
        };
        let alt = text.line("alt-area-scores.j2", &serde_json::json!({ "area": &report.area, "rows": rows, "part": 1, "parts": 1 }))?;
        let caption = format!("Scores of {}{}", insp.area, if compared { format!(" beside {}", report.set_label) } else { String::new() });
        // After the chapter's heading and its lead-in paragraph, which stay with it.
        charts.extend(super::bar_figures_after(whole, "/charts/scores.svg", &caption, &alt, table, &mut chart_time, 190.0));
    }
    if let Some(sv) = &report.standards {
        let kqs: Vec<&QuestionRow> = sv.domains.iter().flat_map(|d| &d.standards).flat_map(|s| &s.key_questions).collect();
        let chart = BarChart {
            groups: sv
                .domains
                .iter()
                .flat_map(|d| &d.standards)
                .filter(|s| !s.key_questions.is_empty())
                .map(|s| BarGroup {
                    label: format!("{} {}", s.id, s.title),
                    bars: s
                        .key_questions
                        .iter()
                        .map(|q| Bar { name: Some(q.short.clone()), label: q.area.text.clone(), value: q.area.exact, emphasis: true, range: None })
                        .collect(),
                })
                .collect(),
            rooms: None,
        };
        let table = DataTable {
            // The comparison column only where there is another area to compare with.
            columns: ["Key question", &insp.area, "Relevant cases", "95% interval", "All areas"]
                .iter()
                .take(if compared { 5 } else { 4 })
                .map(|c| c.to_string())
                .collect(),
            rows: kqs
                .iter()
                .map(|q| {
                    let mut row = vec![q.listed.clone(), q.area.text.clone(), q.area.relevant.to_string(), q.area.ci_text(), q.aggregate.text.clone()];
                    row.truncate(if compared { 5 } else { 4 });
                    row
                })
                .collect(),
        };
        let alt = text.line("alt-area-key-questions.j2", &report)?;
        let caption = format!("Key questions in {}: share of relevant cases where the work was sufficient", insp.area);
        // After the chapter's heading, which stays with it.
        charts.extend(super::bar_figures_after(chart, "/charts/key-questions.svg", &caption, &alt, table, &mut chart_time, 45.0));
    }
    report.charts = charts.iter().map(|(_, _, r)| r.clone()).collect();
    report.questionnaires = super::questionnaire::views(&insp.questionnaires, text, &mut chart_time, &mut charts)?;

    let records = figure_records(input, own, &report);
    if report.doc.draft {
        if let Some(table) = input.cases {
            report.quality = Some(super::quality::quality(fw, &insp.area, table, &records, input.previous_figures.as_ref()));
        }
    }
    let glossary = std::mem::take(&mut report.glossary);
    // A question's statement is the foreword's, which the model holds as printed.
    report.glossary = super::glossary_used(&report, glossary, &["statement", "negative_statement"]);
    let text = super::text_parts(&report);
    let (corrections, correction) = super::corrections(input.correction, &[insp.area.as_str(), "All areas"], &records, &text, &insp.source)?;
    report.corrections = corrections;
    let csv = to_csv(&records);
    let data = serde_json::to_vec_pretty(&report).expect("the report model serialises");
    Ok(RenderedReport {
        template: "area.typ",
        data,
        charts: charts.into_iter().map(|(p, svg, _)| (p, svg.into_bytes())).collect(),
        figures_csv: csv,
        chart_time,
        correction,
        text,
    })
}

pub(crate) fn standards_view(input: &AreaInput<'_>, own: &GroupFigures, question_row: &dyn Fn(&str) -> QuestionRow) -> Result<StandardsView, Problem> {
    let fw = input.framework;
    let insp = input.inspection;
    let rules: &RatingRules = fw.ratings.as_ref().expect("validated: standards frameworks have ratings");
    let mut domains = Vec::new();
    let (mut total, mut max_total, mut all_rated) = (0u32, 0u32, true);
    let best = rules.levels.first().map(|l| l.points).unwrap_or(0);
    for d in &fw.domains {
        let mut standards = Vec::new();
        for st in fw.standards.iter().filter(|s| s.domain == d.id && s.applies_to(&insp.provider)) {
            let (rating, basis, key_questions) = match st.rule {
                StandardRule::Judged => {
                    let id = insp.judged_ratings.get(&st.id).ok_or_else(|| {
                        Problem::data(
                            Location::file(&insp.source).key(format!("judged_ratings.{}", st.id)),
                            format!("standard {} {} is judged by inspectors but has no rating", st.id, st.title),
                        )
                        .with_hint(format!(
                            "add `\"{}\": <rating>` under `judged_ratings`, one of: {}",
                            st.id,
                            rules.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
                        ))
                    })?;
                    let level = rules.level(id).ok_or_else(|| {
                        Problem::data(Location::file(&insp.source).key(format!("judged_ratings.{}", st.id)), format!("`{id}` is not a rating"))
                            .with_hint(format!("use one of: {}", rules.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")))
                    })?;
                    (Some(level), "Judged by inspectors from evidence of the organisation’s delivery.".to_string(), Vec::new())
                }
                StandardRule::LowestKeyQuestion => {
                    let rows: Vec<QuestionRow> = st.key_questions.iter().map(|q| question_row(q)).collect();
                    let minimum = fw.minimum_relevant_cases;
                    let figures: Vec<crate::aggregate::Figure> = st.key_questions.iter().map(|q| own.question(q)).collect();
                    let small = |f: &crate::aggregate::Figure| !f.meets_minimum(minimum);
                    // Key questions below the minimum take part or not, as the framework says.
                    let taking_part: Vec<&crate::aggregate::Figure> =
                        figures.iter().filter(|f| f.tally().relevant() > 0 && (fw.small_key_questions == SmallKeyQuestions::Count || !small(f))).collect();
                    let lowest = taking_part.iter().copied().min_by(|a, b| a.tally().percent().unwrap_or(0.0).total_cmp(&b.tally().percent().unwrap_or(0.0)));
                    match lowest {
                        Some(f) if small(f) => {
                            let level = rules.rate_percent(f.tally().percent().unwrap_or(0.0));
                            let basis = format!(
                                "Rated from the lowest key question, which had fewer than {minimum} relevant cases ({} of {}): its percentage is not published.",
                                f.yes,
                                f.tally().relevant()
                            );
                            (Some(level), basis, rows)
                        }
                        Some(f) => {
                            let p = f.tally().percent().unwrap_or(0.0);
                            (
                                Some(rules.rate_percent(p)),
                                format!(
                                    "Rated from the lowest key question, {}{} of relevant cases.",
                                    crate::framework::rules::round_half_up(p),
                                    input.publisher.at(input.inspection.publication_date).percent
                                ),
                                rows,
                            )
                        }
                        None if figures.iter().any(|f| f.tally().relevant() > 0) => {
                            (None, format!("Not rated: every key question had fewer than {minimum} relevant cases."), rows)
                        }
                        None => (None, "Not rated: no case was relevant to its key questions.".to_string(), rows),
                    }
                }
            };
            if st.counts_towards_overall {
                max_total += best;
                match rating {
                    Some(l) => total += l.points,
                    None => all_rated = false,
                }
            }
            let narrative = insp.narrative.standards.get(&st.id).cloned().unwrap_or_default();
            standards.push(StandardView {
                id: st.id.clone(),
                title: st.title.clone(),
                rating: rating.map(RatingView::from),
                judged: st.rule == StandardRule::Judged,
                basis,
                key_questions,
                strengths: narrative.strengths,
                areas_for_improvement: narrative.areas_for_improvement,
            });
        }
        if !standards.is_empty() {
            domains.push(DomainView { title: d.title.clone(), standards });
        }
    }
    let overall = if all_rated { rules.rate_total(total).map(RatingView::from) } else { None };
    Ok(StandardsView { overall, total, max_total, domains })
}

fn figure_records(input: &AreaInput<'_>, own: &GroupFigures, report: &AreaReport) -> Vec<FigureRecord> {
    let fw = input.framework;
    let minimum = fw.minimum_relevant_cases;
    let name = &input.inspection.area;
    let mut out = group_records(fw, name, own);
    out.extend(group_records(fw, "All areas", &input.set.total));
    for row in report.headline.iter().chain(&report.criteria) {
        for (kind, e) in [("lowest", &row.lowest), ("highest", &row.highest)] {
            if let Some(e) = e {
                out.extend(extreme_records(kind, &row.id, &row.title, e, minimum));
            }
        }
    }
    if let Some(sv) = &report.standards {
        for st in sv.domains.iter().flat_map(|d| &d.standards) {
            out.push(rating_record(name, "standard", &st.id, &st.title, st.rating.as_ref().map(|l| l.label.as_str()).unwrap_or_default(), minimum));
        }
        out.push(rating_record(name, "overall", "overall", "Overall rating", sv.overall.as_ref().map(|l| l.label.as_str()).unwrap_or_default(), minimum));
    }
    out.extend(breakdown_records(fw, name, own));
    out
}
