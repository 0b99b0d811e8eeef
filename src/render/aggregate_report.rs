//! The aggregate report: every area of a set side by side, with the pooled aggregate,
//! lowest and highest, comparisons by region and provider, the sample and diversity analysis.

use std::collections::BTreeMap;

use serde::Serialize;

use super::area::AreaInput;
use super::common::{
    breakdown_grids, breakdown_tables, extremes, grid_compares, question_grid, sample_tables, scores_of, settle, value_sources, BreakdownTable, ChartRef,
    DataTable, DocMeta, Extreme, GridSource, QuestionGrid, RatingView, SampleTable, Shown,
};
use super::figures_csv::{breakdown_records, extreme_records, group_records, rating_record, to_csv, FigureRecord};
use super::{RenderedReport, TextModel};
use crate::aggregate::{Figure, SetFigures, SetId};
use crate::charts::{Bar, BarChart, BarGroup, Segment, StackedChart, StackedRow};
use crate::error::{Location, Problem};
use crate::framework::{Era, FrameworkSpec, ScoreKind};
use crate::inspection::{AggregateSpec, InspectionSpec, Status};

/// What an aggregate report needs.
pub struct AggregateInput<'a> {
    pub spec: &'a AggregateSpec,
    pub framework: &'a FrameworkSpec,
    /// The inspections covered, in the report's order.
    pub inspections: Vec<&'a InspectionSpec>,
    pub set: &'a SetFigures,
    pub set_label: String,
    pub draft: bool,
    /// Ratings of each area (standards frameworks), computed as in the area reports.
    pub ratings: BTreeMap<String, AreaRatings>,
    /// For a rebuild of a published report: what it needs to publish a correction.
    pub correction: Option<&'a super::CorrectionInput>,
    /// The front matter by era.
    pub publisher: &'a crate::publisher::Publisher,
}

/// An area's ratings, by standard id, and overall.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AreaRatings {
    pub standards: Vec<(String, Option<RatingView>)>,
    pub overall: Option<RatingView>,
}

#[derive(Debug, Serialize)]
pub struct AggregateReport {
    pub kind: &'static str,
    pub era: Era,
    pub doc: DocMeta,
    pub framework: super::area::FrameworkMeta,
    /// How the areas of its tables are listed (the definition's `order`), in a sentence.
    pub order_note: String,
    /// A national report (see `AggregateSpec::national`).
    pub national: bool,
    pub set_label: String,
    /// Corrections published in this report, oldest first (a notice near its front).
    pub corrections: Vec<crate::record::Correction>,
    pub areas: usize,
    pub cases: u64,
    pub summary: Vec<String>,
    pub findings: Vec<String>,
    /// Column titles of the scores table.
    pub columns: Vec<String>,
    /// What each column measures, for sentences ("keep to a minimum ... risk of harm").
    pub phrases: Vec<String>,
    /// Whether each column is an outcome, not work done (see `ScoreSpec::outcome`).
    pub outcomes: Vec<bool>,
    pub rows: Vec<AreaRow>,
    pub aggregate: Vec<Shown>,
    pub lowest: Vec<Option<Extreme>>,
    pub highest: Vec<Option<Extreme>>,
    pub criteria: Vec<CriterionRow>,
    pub regions: Vec<GroupRow>,
    /// Pooled figures by provider, where several areas share a provider; empty otherwise.
    pub providers: Vec<GroupRow>,
    /// By the characteristics the framework compares (`compare: true`).
    pub comparisons: Vec<GroupComparison>,
    pub ratings: Option<RatingsView>,
    /// Standards: every key question over all areas, and by provider where areas of several
    /// providers were inspected, each on its own base. (The headline era's `columns` are empty
    /// under the standards: the inspectorate published no pooled figure of a standard.)
    pub key_questions: Option<QuestionGrid>,
    /// Standards: each case standard's key questions in a sentence's parts.
    pub standard_findings: Vec<StandardFinding>,
    /// Standards: the key questions by region, and by each characteristic compared.
    pub region_grid: Option<QuestionGrid>,
    pub comparison_grids: Vec<QuestionGrid>,
    pub sample: Vec<SampleTable>,
    pub diversity: Vec<BreakdownTable>,
    /// Standards: the key questions by each breakdown characteristic (`diversity` is empty).
    pub grids: Vec<QuestionGrid>,
    pub charts: Vec<ChartRef>,
    /// Recommendations by the body they are addressed to (`to` none: sentences as written).
    pub recommendations: Vec<RecommendationGroup>,
    /// Every question, area by area (when the definition asks to compare questions).
    pub question_sections: Vec<QuestionComparison>,
    /// The findings of every question that has a `statement`, by section, over all areas.
    pub question_findings: Vec<FindingSection>,
    /// The areas' questionnaires pooled.
    pub questionnaires: Vec<super::questionnaire::QuestionnaireView>,
    pub methodology: Vec<String>,
    pub glossary: Vec<crate::framework::GlossaryEntry>,
}

/// A case standard's key questions over the areas it applies to.
#[derive(Debug, Serialize)]
pub struct StandardFinding {
    /// `Assessment (2.1)`.
    pub standard: String,
    /// How many areas it applies to, and the providers it is limited to (empty for all).
    pub areas: usize,
    pub providers: Vec<String>,
    /// Each key question: its short label in lower case and its figure.
    pub questions: Vec<(String, Shown)>,
    /// Whether every key question has the same figure (said once, not three times).
    pub same: bool,
}

#[derive(Debug, Serialize)]
pub struct AreaRow {
    pub area: String,
    pub region: String,
    pub provider: String,
    pub cases: u64,
    pub cells: Vec<Shown>,
}

#[derive(Debug, Serialize)]
pub struct CriterionRow {
    pub title: String,
    /// A part of the general criterion above it (a sub-criterion).
    pub part: bool,
    pub aggregate: Shown,
    pub lowest: Option<Extreme>,
    pub highest: Option<Extreme>,
}

#[derive(Debug, Serialize)]
pub struct GroupComparison {
    /// The characteristic's label (`Provider`, `Disposal`).
    pub label: String,
    pub rows: Vec<GroupRow>,
}

#[derive(Debug, Serialize)]
pub struct GroupRow {
    pub group: String,
    pub areas: usize,
    pub cases: u64,
    pub cells: Vec<Shown>,
}

#[derive(Debug, Serialize)]
pub struct RatingsView {
    pub standards: Vec<String>,
    /// What each standard id stands for, with the providers it applies to.
    pub titles: Vec<String>,
    /// The domain of each standard.
    pub domains: Vec<String>,
    pub rows: Vec<RatingRow>,
    /// Per rating level: how many areas got it, per standard and overall.
    pub distribution: Vec<DistributionRow>,
}

#[derive(Debug, Serialize)]
pub struct RatingRow {
    pub area: String,
    pub provider: String,
    pub overall: Option<RatingView>,
    pub standards: Vec<Option<RatingView>>,
}

#[derive(Debug, Serialize)]
pub struct DistributionRow {
    pub rating: RatingView,
    /// The rating's abbreviation in the ratings table, the chart and their keys (`RI`).
    pub short: String,
    pub overall: usize,
    /// The areas rated so overall, in the order of the table.
    pub overall_areas: Vec<String>,
    pub standards: Vec<usize>,
}

/// Above this many areas, a chart of scores counts areas in bands instead of drawing a bar for
/// each (a bar per area stops being readable, and its SVG grows with the set).
const MAX_AREA_BARS: usize = 60;

/// Areas per band of ten points of rounded percentage, highest band first: `90–100%`, `80–89%`, …
fn score_bins(pcts: impl Iterator<Item = u64>) -> Vec<(String, u32)> {
    let mut counts = [0u32; 10];
    for p in pcts {
        counts[(p.min(100) / 10).min(9) as usize] += 1;
    }
    (0..10).rev().map(|b| (if b == 9 { "90–100%".to_string() } else { format!("{}–{}%", b * 10, b * 10 + 9) }, counts[b])).collect()
}

/// One section's questions with every area's figure and all areas', areas in the order of the
/// table of areas.
#[derive(Debug, Serialize)]
pub struct QuestionComparison {
    pub title: String,
    /// Column headers: the areas, then all areas.
    pub columns: Vec<String>,
    pub rows: Vec<QuestionComparisonRow>,
}

#[derive(Debug, Serialize)]
pub struct QuestionComparisonRow {
    pub id: String,
    pub text: String,
    /// The question's label for column headers (its `short`, or its first words).
    pub short: String,
    /// The figure of each area, then of all areas.
    pub cells: Vec<Shown>,
}

#[derive(Debug, Serialize)]
pub struct RecommendationGroup {
    pub to: Option<String>,
    pub items: Vec<String>,
}

/// Recommendations grouped: each group addressed to one body, in the order given; sentences
/// next to each other make one group with no addressee.
fn recommendation_groups(list: &[crate::inspection::Recommendation]) -> Vec<RecommendationGroup> {
    use crate::inspection::Recommendation;
    let mut out: Vec<RecommendationGroup> = Vec::new();
    for r in list {
        match r {
            Recommendation::Sentence(s) => match out.last_mut() {
                Some(g) if g.to.is_none() => g.items.push(s.clone()),
                _ => out.push(RecommendationGroup { to: None, items: vec![s.clone()] }),
            },
            Recommendation::To { to, items } => out.push(RecommendationGroup { to: Some(to.clone()), items: items.clone() }),
        }
    }
    out
}

/// A section's findings question by question.
#[derive(Debug, Serialize)]
pub struct FindingSection {
    pub title: String,
    /// How many areas had a relevant case of its questions (fewer than all where a standard
    /// applies to one provider).
    pub areas: usize,
    /// Whether any of its findings is negative.
    pub negative: bool,
    pub findings: Vec<QuestionFinding>,
}

/// A question as the inspectorate reported it: "An accurate OASys risk of harm screening was
/// completed in 79% of cases."
#[derive(Debug, Serialize)]
pub struct QuestionFinding {
    pub id: String,
    /// The finding as a sentence without its figure (capital first letter).
    pub statement: String,
    /// The base in words (`relevant cases`).
    pub base: String,
    /// Whether the figure is the share of No answers (the negative statement).
    pub negative: bool,
    /// The figure: of Yes answers, or of No for a negative finding.
    pub figure: Shown,
    /// The same among the cases of one characteristic value (the question's splits).
    pub splits: Vec<SplitFinding>,
}

#[derive(Debug, Serialize)]
pub struct SplitFinding {
    pub base: String,
    pub figure: Shown,
}

/// Every question with a statement, pooled over the set: its figure as the programme reported
/// it (the share of No answers under a negative statement).
pub fn question_findings(fw: &FrameworkSpec, total: &crate::aggregate::GroupFigures) -> Vec<FindingSection> {
    let minimum = fw.minimum_relevant_cases;
    let shown = |f: Figure, negative: bool| Shown::new(if negative { Figure { yes: f.no, no: f.yes, cases: f.cases } } else { f }, minimum);
    fw.sections
        .iter()
        .filter_map(|section| {
            let findings: Vec<QuestionFinding> = fw
                .questions
                .iter()
                .filter(|q| q.section == section.id)
                .filter_map(|q| {
                    let statement = q.negative_statement.clone().or_else(|| q.statement_before_figure())?;
                    let f = total.question(&q.id);
                    (f.tally().relevant() > 0).then(|| QuestionFinding {
                        id: q.id.clone(),
                        statement: super::words::upper_first(&statement),
                        base: q.base().to_string(),
                        negative: q.negative(),
                        figure: shown(f, q.negative()),
                        splits: q
                            .splits
                            .iter()
                            .map(|s| SplitFinding {
                                base: s.base.clone(),
                                figure: shown(total.breakdown(&s.column, &s.value, &SetId::Split(q.id.clone())), q.negative()),
                            })
                            .filter(|s| s.figure.relevant > 0)
                            .collect(),
                    })
                })
                .collect();
            (!findings.is_empty()).then(|| FindingSection { title: section.title.clone(), areas: 0, negative: findings.iter().any(|f| f.negative), findings })
        })
        .collect()
}

fn question_comparison(input: &AggregateInput<'_>, minimum: u32) -> Vec<QuestionComparison> {
    let mut columns: Vec<String> = input.inspections.iter().map(|i| i.area.clone()).collect();
    columns.push("All areas".into());
    input
        .framework
        .sections
        .iter()
        .filter_map(|section| {
            let rows: Vec<QuestionComparisonRow> = input
                .framework
                .questions
                .iter()
                .filter(|q| q.section == section.id && input.set.total.question(&q.id).tally().relevant() > 0)
                .map(|q| {
                    let mut cells: Vec<Shown> = input.inspections.iter().map(|i| Shown::new(input.set.areas[&i.id].question(&q.id), minimum)).collect();
                    cells.push(Shown::new(input.set.total.question(&q.id), minimum));
                    QuestionComparisonRow { id: q.id.clone(), text: q.text.clone(), short: q.label(), cells }
                })
                .collect();
            (!rows.is_empty()).then(|| QuestionComparison { title: section.title.clone(), columns: columns.clone(), rows })
        })
        .collect()
}

/// Builds the aggregate report.
pub fn render(input: &AggregateInput<'_>, text: &TextModel) -> Result<RenderedReport, Problem> {
    let fw = input.framework;
    let minimum = fw.minimum_relevant_cases;
    let names: BTreeMap<&str, &str> = input.inspections.iter().map(|i| (i.id.as_str(), i.area.as_str())).collect();
    let areas = || input.set.areas.iter().map(|(id, g)| (names[id.as_str()], &**g));

    // The figures of the table: headline scores, or the key questions of the case standards.
    let columns: Vec<(SetId, String)> = match fw.era {
        Era::Headline => scores_of(fw, ScoreKind::Headline).map(|s| (SetId::Score(s.id.clone()), s.title.clone())).collect(),
        // No pooled figure of a standard: its key questions, each on its own base.
        Era::Standards => Vec::new(),
    };
    let standards_era = fw.era == Era::Standards;
    let rows: Vec<AreaRow> = input
        .inspections
        .iter()
        .map(|i| {
            let g = &input.set.areas[&i.id];
            AreaRow {
                area: i.area.clone(),
                region: i.region.clone(),
                provider: i.provider.clone(),
                cases: g.cases,
                cells: columns.iter().map(|(s, _)| Shown::new(g.figure(s), minimum)).collect(),
            }
        })
        .collect();
    let aggregate: Vec<Shown> = columns.iter().map(|(s, _)| Shown::new(input.set.total.figure(s), minimum)).collect();
    // A national report ranks no area.
    let national = input.spec.national;
    let (lowest, highest): (Vec<_>, Vec<_>) = columns.iter().map(|(s, _)| if national { (None, None) } else { extremes(areas(), s, minimum) }).unzip();
    // Each general criterion, followed by its parts ("Assessment and planning: risk of harm").
    let criterion_row = |s: &crate::framework::ScoreSpec, title: String, part: bool| {
        let set = SetId::Score(s.id.clone());
        let (lo, hi) = if national { (None, None) } else { extremes(areas(), &set, minimum) };
        CriterionRow { title, part, aggregate: Shown::new(input.set.total.figure(&set), minimum), lowest: lo, highest: hi }
    };
    let criteria = scores_of(fw, ScoreKind::GeneralCriterion)
        .flat_map(|c| {
            std::iter::once(criterion_row(c, c.title.clone(), false)).chain(
                scores_of(fw, ScoreKind::SubCriterion)
                    .filter(|s| s.of.as_deref() == Some(c.id.as_str()))
                    .map(|s| criterion_row(s, format!("{}: {}", c.title, super::words::lower_first(&s.title)), true)),
            )
        })
        .collect();

    // Regions and providers: pool the areas of each.
    let pooled_groups = |key: &dyn Fn(&InspectionSpec) -> &str| -> Vec<GroupRow> {
        let mut by_group: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for i in &input.inspections {
            by_group.entry(key(i)).or_default().push(i.id.as_str());
        }
        by_group
            .iter()
            .map(|(group, ids)| {
                let pooled = |s: &SetId| {
                    ids.iter().map(|id| input.set.areas[*id].figure(s)).fold(Figure::default(), |a, b| Figure {
                        yes: a.yes + b.yes,
                        no: a.no + b.no,
                        cases: a.cases + b.cases,
                    })
                };
                GroupRow {
                    group: group.to_string(),
                    areas: ids.len(),
                    cases: ids.iter().map(|id| input.set.areas[*id].cases).sum(),
                    cells: columns.iter().map(|(s, _)| Shown::new(pooled(s), minimum)).collect(),
                }
            })
            .collect()
    };
    // By region only where some region has several areas: else its table repeats the areas'.
    let several_in_a_region = {
        let mut seen = std::collections::BTreeSet::new();
        input.inspections.iter().any(|i| !seen.insert(i.region.as_str()))
    };
    let regions = if several_in_a_region { pooled_groups(&|i| i.region.as_str()) } else { Vec::new() };
    // Providers are compared only where several areas share one (NPS and CRC, say); where every
    // area is its own provider the table would repeat the table of areas.
    let providers = pooled_groups(&|i| i.provider.as_str());
    let providers = if providers.len() > 1 && providers.len() < input.inspections.len() { providers } else { Vec::new() };
    // Key questions by groups of areas (pooled over their cases).
    let area_groups = |key: &dyn Fn(&InspectionSpec) -> &str| -> Vec<GridSource<'_>> {
        let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for i in &input.inspections {
            by_group.entry(key(i).to_string()).or_default().push(i.id.clone());
        }
        by_group
            .into_iter()
            .map(|(group, ids)| {
                let cases = ids.iter().map(|id| input.set.areas[id].cases).sum();
                let figure = move |q: &str| {
                    ids.iter().map(|id| input.set.areas[id].question(q)).fold(Figure::default(), |a, b| Figure {
                        yes: a.yes + b.yes,
                        no: a.no + b.no,
                        cases: a.cases + b.cases,
                    })
                };
                let source: GridSource<'_> = (group, cases, Box::new(figure));
                source
            })
            .collect()
    };
    let (key_questions, region_grid, comparison_grids, grids) = if standards_era {
        let mut groups: Vec<GridSource<'_>> = vec![("All areas".to_string(), input.set.total.cases, Box::new(|q: &str| input.set.total.question(q)))];
        if !providers.is_empty() {
            groups.extend(area_groups(&|i| i.provider.as_str()));
        }
        let kq = question_grid(fw, "Key questions", groups, None);
        let regions = question_grid(fw, "Region", area_groups(&|i| i.region.as_str()), None);
        let compared: Vec<QuestionGrid> =
            settle(fw.characteristics.iter().filter(|c| c.compare).map(|c| question_grid(fw, &c.label, value_sources(c, &input.set.total), None)).collect());
        (Some(kq), (several_in_a_region && grid_compares(&regions)).then_some(regions), compared, breakdown_grids(fw, &input.set.total))
    } else {
        (None, None, Vec::new(), Vec::new())
    };
    let standard_findings: Vec<StandardFinding> = fw
        .standards
        .iter()
        .filter(|st| !st.key_questions.is_empty())
        .filter_map(|st| {
            let questions: Vec<(String, Shown)> = st
                .key_questions
                .iter()
                .filter_map(|id| fw.questions.iter().find(|q| &q.id == id))
                .map(|q| (super::words::lower_first(&q.label()), Shown::new(input.set.total.question(&q.id), minimum)))
                .filter(|(_, f)| f.relevant > 0)
                .collect();
            let same = questions.len() > 1 && questions.iter().all(|(_, f)| f.text == questions[0].1.text);
            (!questions.is_empty()).then(|| StandardFinding {
                same,
                // A title two standards share (youth assessment of court and of out-of-court
                // disposals) is named with its domain.
                standard: if fw.standards.iter().filter(|o| o.title == st.title).count() > 1 {
                    let domain = fw.domains.iter().find(|d| d.id == st.domain).map(|d| d.title.to_lowercase()).unwrap_or_default();
                    format!("{} ({domain}, {})", st.title, st.id)
                } else {
                    format!("{} ({})", st.title, st.id)
                },
                areas: input.inspections.iter().filter(|i| st.applies_to(&i.provider)).count(),
                providers: st.providers.clone().unwrap_or_default(),
                questions,
            })
        })
        .collect();
    // Characteristics the framework compares: the cases of each value, pooled over the areas.
    let comparisons = fw
        .characteristics
        .iter()
        .filter(|c| c.compare)
        .map(|c| GroupComparison {
            label: c.label.clone(),
            rows: c
                .values
                .iter()
                .filter(|v| input.set.total.sample_count(&c.column, v) > 0)
                .map(|v| GroupRow {
                    group: v.clone(),
                    areas: input.set.areas.values().filter(|g| g.sample_count(&c.column, v) > 0).count(),
                    cases: input.set.total.sample_count(&c.column, v),
                    cells: columns.iter().map(|(s, _)| Shown::new(input.set.total.breakdown(&c.column, v, s), minimum)).collect(),
                })
                .collect(),
        })
        .collect();

    let ratings = fw.ratings.as_ref().map(|rules| {
        // A standard of one provider is a column of its own (NPS's 3.1 court reports and CRCs'
        // 3.1 unpaid work are two standards, not one).
        let mut standard_ids: Vec<String> = Vec::new();
        for s in &fw.standards {
            if !standard_ids.contains(&standard_key(s)) {
                standard_ids.push(standard_key(s));
            }
        }
        let rows: Vec<RatingRow> = input
            .inspections
            .iter()
            .map(|i| {
                let r = input.ratings.get(&i.id).cloned().unwrap_or_default();
                RatingRow {
                    area: i.area.clone(),
                    provider: i.provider.clone(),
                    overall: r.overall.clone(),
                    standards: standard_ids.iter().map(|id| r.standards.iter().find(|(s, _)| s == id).and_then(|(_, v)| v.clone())).collect(),
                }
            })
            .collect();
        let shorts = crate::charts::abbreviations(&rules.levels.iter().map(|l| l.label.clone()).collect::<Vec<_>>());
        let distribution = rules
            .levels
            .iter()
            .zip(shorts)
            .map(|(l, short)| DistributionRow {
                rating: l.into(),
                short,
                overall: rows.iter().filter(|r| r.overall.as_ref().is_some_and(|o| o.id == l.id)).count(),
                overall_areas: rows.iter().filter(|r| r.overall.as_ref().is_some_and(|o| o.id == l.id)).map(|r| r.area.clone()).collect(),
                standards: (0..standard_ids.len()).map(|k| rows.iter().filter(|r| r.standards[k].as_ref().is_some_and(|o| o.id == l.id)).count()).collect(),
            })
            .collect();
        let titles =
            standard_ids.iter().map(|key| fw.standards.iter().find(|s| &standard_key(s) == key).map(|s| s.title.clone()).unwrap_or_default()).collect();
        let domains = standard_ids
            .iter()
            .map(|key| {
                let domain = fw.standards.iter().find(|s| &standard_key(s) == key).map(|s| s.domain.as_str()).unwrap_or_default();
                fw.domains.iter().find(|d| d.id == domain).map(|d| d.title.clone()).unwrap_or_default()
            })
            .collect();
        RatingsView { standards: standard_ids, titles, domains, rows, distribution }
    });

    let doc = DocMeta {
        title: input.spec.title.clone(),
        subtitle: input.spec.subtitle.clone().unwrap_or_default(),
        framework_name: fw.name.clone(),
        framework_short: fw.short_name.clone(),
        period: input.spec.period.clone(),
        month_year: input.spec.publication_date.month_year(),
        publication_date: input.spec.publication_date.long(),
        copyright_year: input.spec.publication_date.year,
        isbn: input.spec.isbn.clone(),
        draft: input.draft || input.spec.status == Status::Draft,
        // A report on chosen areas says how many, so that its pages are not taken for those of
        // the whole period's report (the IAOW first six and the full year).
        running_header: input.spec.running_header.clone().unwrap_or_else(|| match &input.spec.inspections.list {
            Some(_) => {
                format!("{} {}: aggregate report of {} {}s", fw.short_name, input.spec.period, super::words::count(input.inspections.len() as u64), fw.unit)
            }
            None => format!("{} {}: aggregate report", fw.short_name, input.spec.period),
        }),
        front: input.publisher.at(input.spec.publication_date),
    };
    let mut report = AggregateReport {
        kind: "aggregate",
        era: fw.era,
        doc,
        framework: super::area::FrameworkMeta::of(fw),
        order_note: input.spec.order.sentence(&format!("{}s", fw.unit)),
        national: input.spec.national,
        set_label: input.set_label.clone(),
        corrections: Vec::new(),
        areas: input.inspections.len(),
        cases: input.set.total.cases,
        summary: input.spec.summary.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect(),
        findings: Vec::new(),
        columns: columns.iter().map(|(_, t)| t.clone()).collect(),
        phrases: columns
            .iter()
            .map(|(set, t)| match set {
                SetId::Score(id) => fw.scores.iter().find(|s| &s.id == id).map(|s| s.phrase.clone()).unwrap_or_else(|| t.to_lowercase()),
                _ => t.to_lowercase(),
            })
            .collect(),
        outcomes: columns.iter().map(|(set, _)| matches!(set, SetId::Score(id) if fw.scores.iter().any(|s| &s.id == id && s.outcome))).collect(),
        rows,
        aggregate,
        lowest,
        highest,
        criteria,
        // Under the standards these pool a standard's answers: their key questions are in the
        // grids instead.
        regions: if standards_era { Vec::new() } else { regions },
        providers: if standards_era { Vec::new() } else { providers },
        comparisons: if standards_era { Vec::new() } else { comparisons },
        ratings,
        key_questions,
        standard_findings,
        region_grid,
        comparison_grids,
        sample: sample_tables(fw, &input.set.total),
        diversity: if standards_era { Vec::new() } else { breakdown_tables(fw, &input.set.total, &columns) },
        grids,
        charts: Vec::new(),
        recommendations: recommendation_groups(&input.spec.recommendations),
        question_sections: if input.spec.compare_questions { question_comparison(input, minimum) } else { Vec::new() },
        question_findings: question_findings(input.framework, &input.set.total),
        questionnaires: Vec::new(),
        methodology: Vec::new(),
        glossary: crate::framework::glossary_in_order(&fw.glossary),
    };
    for s in &mut report.question_findings {
        s.areas = input.set.areas.values().filter(|g| s.findings.iter().any(|f| g.question(&f.id).tally().relevant() > 0)).count();
    }
    report.findings = text.paragraphs("aggregate-findings.j2", &report)?;
    // The framework's method, with what the aggregate definition restates for its inspections.
    let mut framework = serde_json::to_value(fw).map_err(|e| Problem::internal(Location::file(&fw.source), format!("the framework as data: {e}")))?;
    let m = &input.spec.method;
    for (key, text) in [("cases", &m.cases), ("fieldwork", &m.fieldwork), ("questionnaires", &m.questionnaires)] {
        if let Some(text) = text {
            framework["method"][key] = serde_json::Value::String(text.clone());
        }
    }
    report.methodology = text.paragraphs(
        "methodology.j2",
        &serde_json::json!({ "framework": framework, "set_label": &report.set_label, "area_report": false, "first": false, "doc": &report.doc,
            "national": report.national, "compared": super::common::compared_characteristics(&report.diversity, &report.grids),
            "shown_scores": fw.scores.iter().map(|s| s.id.clone()).collect::<Vec<_>>() }),
    )?;

    // One chart per column: every area's figure, highest first, with the aggregate among them.
    let mut charts = Vec::new();
    let mut chart_time = std::time::Duration::ZERO;
    // Bar charts wait to be drawn until every one of their kind is made, so that all are drawn at
    // one scale (a chart whose labels were longer was drawn narrower than its neighbours).
    let mut pending: Vec<Pending> = Vec::new();
    for (k, (set, title)) in columns.iter().enumerate() {
        let mut bars: Vec<(&str, &Shown)> = report.rows.iter().map(|r| (r.area.as_str(), &r.cells[k])).collect();
        // Highest first; in a national report, which ranks no area, in the order of the table.
        if !report.national {
            bars.sort_by(|a, b| b.1.exact.unwrap_or(-1.0).total_cmp(&a.1.exact.unwrap_or(-1.0)).then(a.0.cmp(b.0)));
        }
        let slug = match set {
            SetId::Score(id) | SetId::Section(id) | SetId::Question(id) | SetId::Split(id) => id.clone(),
        };
        let path = format!("/charts/{slug}.svg");
        let many = bars.len() > MAX_AREA_BARS;
        let ctx = serde_json::json!({ "title": title, "national": report.national, "aggregate": &report.aggregate[k], "lowest": &report.lowest[k], "highest": &report.highest[k], "areas": report.areas, "set_label": &report.set_label,
            "above": bars.iter().filter(|(_, s)| s.exact.zip(report.aggregate[k].exact).is_some_and(|(a, b)| a >= b)).count(), "histogram": many });
        let alt = text.line("alt-aggregate-scores.j2", &ctx)?;
        if many {
            // Too many areas for a bar each to be read: how many areas fall in each band of ten
            // points (every area's figure is in the table of scores).
            let bins = score_bins(bars.iter().filter_map(|(_, s)| s.pct));
            let chart = StackedChart {
                rows: bins
                    .iter()
                    .map(|(label, n)| StackedRow {
                        label: label.clone(),
                        segments: vec![Segment { text: n.to_string(), count: u64::from(*n), fill: "#1d4f91".into(), text_colour: "#ffffff".into() }],
                    })
                    .collect(),
                key: Vec::new(),
                percent: false,
            };
            let table =
                DataTable { columns: vec![title.clone(), "Areas".into()], rows: bins.iter().map(|(label, n)| vec![label.clone(), n.to_string()]).collect() };
            let svg = super::draw_with(|| crate::charts::stacked_bars(&chart), &mut chart_time);
            pending.push(Pending::Drawn(
                path.clone(),
                svg,
                ChartRef { path, caption: format!("{title}: number of areas in each band of scores"), alt, table, with_rows: false },
            ));
        } else {
            // All areas together as a bar of its own, grey, in its place among the areas: a line
            // across the chart ran through the labels of the areas near it.
            let all = &report.aggregate[k];
            let mut ranked: Vec<(&str, &Shown, bool)> = bars.iter().map(|(a, s)| (*a, *s, true)).collect();
            if all.exact.is_some() {
                let at = ranked.iter().position(|(_, s, _)| s.exact.unwrap_or(-1.0) < all.exact.unwrap_or(0.0)).unwrap_or(ranked.len());
                ranked.insert(at, ("All areas", all, false));
            }
            let chart = BarChart::new(
                ranked
                    .iter()
                    .map(|(area, s, own)| BarGroup {
                        label: area.to_string(),
                        bars: vec![Bar { name: None, label: s.text.clone(), value: s.exact, emphasis: *own, range: None }],
                    })
                    .collect(),
            );
            let table = DataTable {
                columns: vec![report.framework.area_heading.clone(), title.clone()],
                rows: ranked.iter().map(|(a, s, _)| vec![a.to_string(), s.text.clone()]).collect(),
            };
            let order = if report.national { "in the order of the table" } else { "highest first" };
            // The first follows the chapter's heading, which stays with it.
            let lead_in = if k == 0 { 20.0 } else { 0.0 };
            pending.push(Pending::Bars(chart, path, format!("{title}, every area, {order}, with all areas together"), alt, table, lead_in));
        }
    }
    // Standards: every key question over all areas (and by provider), in one chart whose data
    // is the table of key questions.
    if let Some(g) = &report.key_questions {
        let several = g.groups.len() > 1;
        let groups: Vec<BarGroup> = if several {
            // A group per key question, a bar per group of areas with relevant cases.
            g.rows
                .iter()
                .map(|r| BarGroup {
                    label: format!("{}: {}", r.standard_title, super::words::lower_first(&r.question)),
                    // A key question of one provider's standard: its bar alone (all areas' is
                    // the same figure).
                    bars: r
                        .cells
                        .iter()
                        .zip(&g.groups)
                        .filter(|(c, _)| c.relevant > 0)
                        .filter(|(_, grp)| grp.name != "All areas" || r.cells.iter().skip(1).filter(|c| c.relevant > 0).count() > 1)
                        .map(|(c, grp)| Bar {
                            name: Some(grp.name.clone()),
                            label: c.text.clone(),
                            value: c.exact,
                            emphasis: grp.name != "All areas",
                            range: None,
                        })
                        .collect(),
                })
                .collect()
        } else {
            // A group per standard, a bar per key question.
            let mut out: Vec<BarGroup> = Vec::new();
            for r in &g.rows {
                let bar = Bar { name: Some(r.question.clone()), label: r.cells[0].text.clone(), value: r.cells[0].exact, emphasis: true, range: None };
                match out.last_mut() {
                    Some(last) if last.label == r.standard_title => last.bars.push(bar),
                    _ => out.push(BarGroup { label: r.standard_title.clone(), bars: vec![bar] }),
                }
            }
            out
        };
        // A row per key question, named as in the chart; with one group, its relevant cases.
        let name = |r: &super::common::GridRow| format!("{}: {}", r.standard_title, super::words::lower_first(&r.question));
        let table = if several {
            // All areas' relevant cases beside its figure: each key question on its own base.
            let mut columns = vec!["Key question".to_string()];
            columns.extend(g.groups.iter().map(|x| format!("{} ({}\u{a0}cases)", x.name, super::words::thousands(x.cases))));
            columns.insert(2, "Relevant cases".into());
            DataTable {
                columns,
                rows: g
                    .rows
                    .iter()
                    .map(|r| {
                        let mut row = [vec![name(r)], r.cells.iter().map(|c| c.text.clone()).collect()].concat();
                        row.insert(2, super::words::thousands(r.cells[0].relevant));
                        row
                    })
                    .collect(),
            }
        } else {
            DataTable {
                columns: vec!["Key question".into(), "All areas".into(), "Relevant cases".into()],
                rows: g.rows.iter().map(|r| vec![name(r), r.cells[0].text.clone(), super::words::thousands(r.cells[0].relevant)]).collect(),
            }
        };
        // Each key question's figures, named by their group where there are several.
        let figures: Vec<serde_json::Value> = g
            .rows
            .iter()
            .map(|r| {
                let parts: Vec<String> = r
                    .cells
                    .iter()
                    .zip(&g.groups)
                    .filter(|(c, _)| c.relevant > 0)
                    .map(|(c, grp)| if several { format!("{} {}", grp.name, c.text) } else { c.text.clone() })
                    .collect();
                serde_json::json!({ "standard": r.standard_title, "question": r.question, "figures": parts.join(", ") })
            })
            .collect();
        let alt = text.line("alt-aggregate-key-questions.j2", &serde_json::json!({ "several": several, "rows": figures, "set_label": &report.set_label }))?;
        let caption = if several {
            "Key questions: share of relevant cases where the work was sufficient, all areas and by provider"
        } else {
            "Key questions: share of relevant cases where the work was sufficient, all areas"
        };
        // After the section's heading and lead-in, which stay with it (about 120 pt).
        pending.push(Pending::Bars(BarChart::new(groups), "/charts/key-questions.svg".into(), caption.into(), alt, table, 120.0));
    }
    flush(std::mem::take(&mut pending), &mut charts, &mut chart_time);
    // The distribution of ratings: one stacked bar overall and per standard.
    if let Some(rv) = &report.ratings {
        let mut rows = vec![("Overall".to_string(), rv.distribution.iter().map(|d| d.overall).collect::<Vec<_>>())];
        for (k, (id, title)) in rv.standards.iter().zip(&rv.titles).enumerate() {
            rows.push((format!("{id} {title}"), rv.distribution.iter().map(|d| d.standards[k]).collect()));
        }
        let chart = StackedChart {
            rows: rows
                .iter()
                .map(|(label, counts)| StackedRow {
                    label: label.clone(),
                    segments: rv
                        .distribution
                        .iter()
                        .zip(counts)
                        .map(|(d, &n)| Segment {
                            text: format!("{} {n}", d.short),
                            count: n as u64,
                            fill: d.rating.colour.clone(),
                            text_colour: d.rating.text_colour.clone(),
                        })
                        .collect(),
                })
                .collect(),
            key: rv.distribution.iter().map(|d| (d.short.clone(), d.rating.label.clone(), d.rating.colour.clone(), d.rating.text_colour.clone())).collect(),
            percent: false,
        };
        let lowest = rv.distribution.last().map(|d| d.rating.label.clone()).unwrap_or_default();
        let most = rows
            .iter()
            .skip(1)
            .map(|(label, counts)| (label, counts.last().copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)));
        let ctx = serde_json::json!({
            "areas": report.areas,
            "overall": rv.distribution.iter().map(|d| serde_json::json!({ "label": d.rating.label, "count": d.overall })).collect::<Vec<_>>(),
            "most": most.map(|(label, count)| serde_json::json!({ "label": label, "count": count, "rating": lowest })),
        });
        let alt = text.line("alt-ratings.j2", &ctx)?;
        let mut columns = vec!["Rating".to_string(), "Overall".to_string()];
        columns.extend(rv.standards.iter().cloned());
        let table = DataTable {
            columns,
            rows: rv
                .distribution
                .iter()
                .map(|d| [vec![d.rating.label.clone(), d.overall.to_string()], d.standards.iter().map(usize::to_string).collect()].concat())
                .collect(),
        };
        let path = "/charts/ratings-distribution.svg".to_string();
        let svg = super::draw_with(|| crate::charts::stacked_bars(&chart), &mut chart_time);
        charts.push((
            path.clone(),
            svg,
            ChartRef { path, caption: "Number of areas with each rating, overall and by standard".into(), alt, table, with_rows: false },
        ));
    }

    // One chart per characteristic: each group's figures, with the number of cases. With more
    // than three figures (the eight sections of the youth standards) or long titles, a bar group
    // per figure and a bar per group of cases, so that a bar's label stays short (`Girl 64%`):
    // a title after every bar squeezed the plot to a third of the chart.
    for (k, t) in report.diversity.iter().enumerate() {
        // Every group with cases, as in the table.
        let present: Vec<_> = t.rows.iter().collect();
        const SHORT_TITLE: usize = 16;
        let groups = if t.columns.len() <= 3 && t.columns.iter().all(|c| c.chars().count() <= SHORT_TITLE) {
            present
                .iter()
                .map(|r| BarGroup {
                    // A no-break space: the count stays with its unit when the label wraps.
                    label: format!("{} ({}\u{a0}cases)", r.value, r.cases),
                    bars: r
                        .cells
                        .iter()
                        .zip(&t.columns)
                        .map(|(c, col)| Bar {
                            name: Some(col.clone()),
                            label: if r.cases == 0 { "no cases".into() } else { c.with_difference() },
                            value: c.exact,
                            emphasis: false,
                            range: None,
                        })
                        .collect(),
                })
                .collect()
        } else {
            t.columns
                .iter()
                .enumerate()
                .map(|(j, col)| BarGroup {
                    label: col.clone(),
                    bars: present
                        .iter()
                        .map(|r| Bar {
                            name: Some(r.value.clone()),
                            // A group without cases says so, not "none relevant".
                            label: if r.cases == 0 { "no cases".into() } else { r.cells[j].with_difference() },
                            value: r.cells[j].exact,
                            emphasis: false,
                            range: None,
                        })
                        .collect(),
                })
                .collect()
        };
        let chart = BarChart::new(groups);
        let path = format!("/charts/breakdown-{k}.svg");
        let alt = text.line("alt-breakdown.j2", t)?;
        let mut columns = vec![t.label.clone(), "Cases".to_string()];
        columns.extend(t.columns.iter().cloned());
        let table = DataTable {
            columns,
            rows: t
                .rows
                .iter()
                .map(|r| [vec![r.value.clone(), super::words::thousands(r.cases)], r.cells.iter().map(Shown::with_difference).collect()].concat())
                .collect(),
        };
        pending.push(Pending::Bars(chart, path, format!("Figures by {}", t.label.to_lowercase()), alt, table, 0.0));
    }
    flush(pending, &mut charts, &mut chart_time);
    report.charts = charts.iter().map(|(_, _, r)| r.clone()).collect();
    report.questionnaires = super::questionnaire::views(&super::questionnaire::pool(input.inspections.iter().copied()), text, &mut chart_time, &mut charts)?;

    let records = records(input, &names, &report);
    // A correction lists what changed for all areas, then area by area.
    let mut groups: Vec<&str> = vec!["All areas"];
    groups.extend(input.inspections.iter().map(|i| i.area.as_str()));
    let glossary = std::mem::take(&mut report.glossary);
    report.glossary = super::glossary_used(&report, glossary, &[]);
    let text = super::text_parts(&report);
    let (corrections, correction) = super::corrections(input.correction, &groups, &records, &text, &input.spec.source)?;
    report.corrections = corrections;
    let csv = to_csv(&records);
    let data = serde_json::to_vec_pretty(&report).expect("the report model serialises");
    Ok(RenderedReport {
        template: "aggregate.typ",
        data,
        charts: charts.into_iter().map(|(p, s, _)| (p, s.into_bytes())).collect(),
        figures_csv: csv,
        chart_time,
        correction,
        text,
    })
}

/// A chart made, or a bar chart waiting to be drawn at the scale of its kind.
enum Pending {
    Drawn(String, String, ChartRef),
    /// Chart, path, caption, alt text, data, and the points of lead-in text before it.
    Bars(BarChart, String, String, String, DataTable, f64),
}

/// Draws the waiting bar charts at one scale, the widest names and labels of any of them, and
/// adds every chart to `charts` in order.
fn flush(pending: Vec<Pending>, charts: &mut Vec<(String, String, ChartRef)>, spent: &mut std::time::Duration) {
    let mut bars: Vec<BarChart> = pending.iter().filter_map(|p| if let Pending::Bars(c, ..) = p { Some(c.clone()) } else { None }).collect();
    BarChart::share_rooms(&mut bars);
    let mut shared = bars.into_iter();
    for p in pending {
        match p {
            Pending::Drawn(path, svg, figure) => charts.push((path, svg, figure)),
            Pending::Bars(_, path, caption, alt, table, lead_in) => {
                let chart = shared.next().expect("one shared chart per waiting chart");
                charts.extend(super::bar_figures_after(chart, &path, &caption, &alt, table, spent, lead_in));
            }
        }
    }
}

fn records(input: &AggregateInput<'_>, names: &BTreeMap<&str, &str>, report: &AggregateReport) -> Vec<FigureRecord> {
    let fw = input.framework;
    let minimum = fw.minimum_relevant_cases;
    let mut out = Vec::new();
    for i in &input.inspections {
        out.extend(group_records(fw, names[i.id.as_str()], &input.set.areas[&i.id]));
    }
    out.extend(group_records(fw, "All areas", &input.set.total));
    for s in &fw.scores {
        let (lo, hi) = extremes(input.set.areas.iter().map(|(id, g)| (names[id.as_str()], &**g)), &SetId::Score(s.id.clone()), minimum);
        for (kind, e) in [("lowest", lo), ("highest", hi)] {
            if let Some(e) = e {
                out.extend(extreme_records(kind, &s.id, &s.title, &e, minimum));
            }
        }
    }
    if let Some(rv) = &report.ratings {
        for row in &rv.rows {
            for (key, rating) in rv.standards.iter().zip(&row.standards) {
                if let Some(rating) = rating {
                    // The standard's own id (`3.1`), as the area's figures CSV gives it.
                    let id = fw.standards.iter().find(|s| &standard_key(s) == key).map_or(key.as_str(), |s| s.id.as_str());
                    out.push(rating_record(&row.area, "standard", id, "", &rating.label, minimum));
                }
            }
            out.push(rating_record(
                &row.area,
                "overall",
                "overall",
                "Overall rating",
                row.overall.as_ref().map(|o| o.label.as_str()).unwrap_or_default(),
                minimum,
            ));
        }
    }
    out.extend(breakdown_records(fw, "All areas", &input.set.total));
    out
}

/// The ratings of an area, as its area report computes them.
pub fn area_ratings(input: &AreaInput<'_>) -> Result<AreaRatings, Problem> {
    let own = &input.set.areas[&input.inspection.id];
    let minimum = input.framework.minimum_relevant_cases;
    let row = |q: &str| super::area::QuestionRow {
        id: q.into(),
        text: String::new(),
        listed: String::new(),
        part: String::new(),
        short: String::new(),
        statement: None,
        area: Shown::new(own.question(q), minimum),
        aggregate: Shown::new(Figure::default(), minimum),
    };
    let view = super::area::standards_view(input, own, &row)?;
    let fw = input.framework;
    let key = |v: &super::area::StandardView| fw.standards.iter().find(|s| s.id == v.id && s.title == v.title).map_or_else(|| v.id.clone(), standard_key);
    Ok(AreaRatings { standards: view.domains.iter().flat_map(|d| &d.standards).map(|s| (key(s), s.rating.clone())).collect(), overall: view.overall })
}

/// A standard's column in the ratings of an aggregate: its id, with the providers it applies to
/// (`3.1 NPS`) where it is of some providers only.
fn standard_key(s: &crate::framework::StandardSpec) -> String {
    match &s.providers {
        Some(p) => format!("{} {}", s.id, p.join("/")),
        None => s.id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::score_bins;

    #[test]
    fn scores_fall_in_bands_of_ten_points_with_100_in_the_top_band() {
        let bins = score_bins([100, 90, 89, 0, 9, 10, 55].into_iter());
        let get = |label: &str| bins.iter().find(|(l, _)| l == label).map(|(_, n)| *n);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins[0].0, "90–100%");
        assert_eq!(get("90–100%"), Some(2));
        assert_eq!(get("80–89%"), Some(1));
        assert_eq!(get("50–59%"), Some(1));
        assert_eq!(get("10–19%"), Some(1));
        assert_eq!(get("0–9%"), Some(2));
        assert_eq!(bins.iter().map(|(_, n)| n).sum::<u32>(), 7);
    }
}
