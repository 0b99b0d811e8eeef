//! Pieces shared by area and aggregate report models: figures as shown, document metadata.

use serde::Serialize;

use crate::aggregate::{Figure, GroupFigures, SetId};
use crate::framework::rules::RatingLevel;
use crate::framework::{FrameworkSpec, ScoreKind};
use crate::stats::Observed;

/// A figure as a report shows it, with the counts behind it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shown {
    /// `77%`, or `3 of 7` below the minimum number of cases, or `–` when nothing was relevant.
    pub text: String,
    /// Whole percentage (half up), `None` when not shown as a percentage.
    pub pct: Option<u64>,
    /// Exact percentage, for charts and decisions.
    pub exact: Option<f64>,
    pub yes: u64,
    pub relevant: u64,
    pub cases: u64,
    /// 95% Wilson interval in whole percentages (`68–84%`), on the number of cases; only for a
    /// figure shown as a percentage.
    pub ci: Option<String>,
    /// Set in breakdowns: `higher` or `lower` when the group differs from the rest of the
    /// sample by more than chance would explain (see [`crate::stats::differs`]).
    pub differs: Option<&'static str>,
}

impl Shown {
    /// A count of a figure that pools several questions says "answers" even where each case
    /// gave one (`1 of 2 answers`), as the other counts of its column do.
    pub fn of_answers(mut self) -> Shown {
        if self.pct.is_none() && self.relevant > 0 && !self.text.ends_with(" answers") && !self.text.ends_with(" answer") {
            self.text.push_str(if self.relevant == 1 { " answer" } else { " answers" });
        }
        self
    }

    pub fn new(f: Figure, minimum: u32) -> Shown {
        let t = f.tally();
        let (text, pct, exact) = if t.relevant() == 0 {
            ("–".to_string(), None, None)
        } else if !f.meets_minimum(minimum) {
            // A score pooling several questions counts answers, not cases: say so.
            let unit = if t.relevant() > f.cases { " answers" } else { "" };
            (format!("{} of {}{unit}", t.yes, t.relevant()), None, None)
        } else {
            let p = t.rounded_percent().expect("relevant > 0");
            (format!("{p}%"), Some(p), t.percent())
        };
        let ci = exact
            .and_then(|e| crate::stats::wilson(e / 100.0, f.cases, crate::stats::Z95))
            .map(|(lo, hi)| format!("{}–{}%", crate::framework::rules::round_half_up(lo), crate::framework::rules::round_half_up(hi)));
        Shown { text, pct, exact, yes: t.yes, relevant: t.relevant(), cases: f.cases, ci, differs: None }
    }

    /// The text with `(higher)` or `(lower)` when the group differs from the rest of the sample.
    pub fn with_difference(&self) -> String {
        match self.differs {
            Some(d) => format!("{} ({d})", self.text),
            None => self.text.clone(),
        }
    }

    /// The interval, or `–` when the figure is not shown as a percentage.
    pub fn ci_text(&self) -> String {
        self.ci.clone().unwrap_or_else(|| "–".into())
    }
}

/// The lowest or highest area on a figure.
#[derive(Debug, Clone, Serialize)]
pub struct Extreme {
    pub text: String,
    pub pct: u64,
    /// The areas at this figure, in running text ("Greenwich and Lambeth").
    pub area: String,
    /// The same areas, one by one, by name.
    #[serde(skip)]
    pub areas: Vec<String>,
}

/// Lowest and highest of the areas whose figure is shown as a percentage. An extreme names
/// every area that shows its percentage once rounded, by name ("42% (Greenwich and Lambeth)"):
/// a reader who finds another area at the same figure in the table is not told it was higher.
///
/// One pass: this runs for every score in every area report, over every area of the set
/// (1,000 in the scale corpus); only the names at the two extremes are kept.
pub fn extremes<'a>(areas: impl Iterator<Item = (&'a str, &'a GroupFigures)>, set: &SetId, minimum: u32) -> (Option<Extreme>, Option<Extreme>) {
    // (rounded percentage, the areas showing it)
    let mut lo: Option<(u64, Vec<&str>)> = None;
    let mut hi: Option<(u64, Vec<&str>)> = None;
    for (name, g) in areas {
        // As `Shown::new` decides, without its text.
        let f = g.figure(set);
        if !f.meets_minimum(minimum) {
            continue;
        }
        let Some(pct) = f.tally().rounded_percent() else { continue };
        let (lower, higher) = (pct < held(&lo, pct), pct > held(&hi, pct));
        for (e, better) in [(&mut lo, lower), (&mut hi, higher)] {
            match e {
                Some((at, names)) if *at == pct => names.push(name),
                Some(_) if !better => {}
                _ => *e = Some((pct, vec![name])),
            }
        }
    }
    let make = |(pct, mut names): (u64, Vec<&str>)| {
        names.sort_unstable();
        names.dedup();
        Extreme { text: format!("{pct}%"), pct, area: crate::render::words::and_list(&names), areas: names.iter().map(|n| n.to_string()).collect() }
    };
    (lo.map(make), hi.map(make))
}

/// The percentage an extreme holds, or `pct` itself where there is none yet.
fn held(e: &Option<(u64, Vec<&str>)>, pct: u64) -> u64 {
    e.as_ref().map_or(pct, |(at, _)| *at)
}

/// A pooled score of an area beside the set's aggregate, lowest and highest.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub id: String,
    pub title: String,
    pub phrase: String,
    /// An outcome, not work done (see `ScoreSpec::outcome`).
    pub outcome: bool,
    pub area: Shown,
    pub aggregate: Shown,
    pub lowest: Option<Extreme>,
    pub highest: Option<Extreme>,
}

/// A rating as shown: word, colour and mark (never colour alone).
#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    pub id: String,
    pub label: String,
    pub colour: String,
    pub text_colour: String,
    pub mark: String,
}

impl From<&RatingLevel> for RatingView {
    fn from(l: &RatingLevel) -> Self {
        RatingView { id: l.id.clone(), label: l.label.clone(), colour: l.colour.clone(), text_colour: l.text_colour.clone(), mark: l.mark.clone() }
    }
}

/// Front matter and cover metadata.
#[derive(Debug, Clone, Serialize)]
pub struct DocMeta {
    pub title: String,
    pub subtitle: String,
    pub framework_name: String,
    pub framework_short: String,
    pub period: String,
    pub month_year: String,
    pub publication_date: String,
    pub copyright_year: i32,
    pub isbn: Option<String>,
    pub draft: bool,
    /// Text of the running header.
    pub running_header: String,
    /// Publisher, address, Chief Inspector, licence and `Appendix` or `Annex`, as in force at
    /// the publication date.
    pub front: crate::publisher::FrontMatter,
}

/// Headline or general-criterion scores of a framework.
pub fn scores_of(framework: &FrameworkSpec, kind: ScoreKind) -> impl Iterator<Item = &crate::framework::ScoreSpec> {
    framework.scores.iter().filter(move |s| s.kind == kind)
}

/// One row of a characteristic's sample description.
#[derive(Debug, Clone, Serialize)]
pub struct SampleRow {
    pub value: String,
    pub count: u64,
    pub share: String,
    /// A total of several values (`totals` of the framework), not a value of its own.
    pub total: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SampleTable {
    pub label: String,
    pub rows: Vec<SampleRow>,
}

/// Counts and shares of cases by each characteristic.
pub fn sample_tables(framework: &FrameworkSpec, group: &GroupFigures) -> Vec<SampleTable> {
    framework
        .characteristics
        .iter()
        .map(|c| {
            let row = |value: &str, count: u64, total: bool| {
                // A group that is not empty is never shown as 0%.
                let share = match crate::framework::rules::Tally::new(count, group.cases - count).rounded_percent() {
                    Some(0) if count > 0 => "<1%".to_string(),
                    Some(p) => format!("{p}%"),
                    None => "–".into(),
                };
                SampleRow { value: value.to_string(), count, share, total }
            };
            let rows = c
                .values
                .iter()
                .map(|v| row(v, group.sample_count(&c.column, v), false))
                .chain(c.totals.iter().map(|t| row(&t.label, t.values.iter().map(|v| group.sample_count(&c.column, v)).sum(), true)))
                .collect();
            SampleTable { label: c.label.clone(), rows }
        })
        .collect()
}

/// A figure broken down by the values of one characteristic, for several sets.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownTable {
    pub label: String,
    pub columns: Vec<String>,
    pub rows: Vec<BreakdownRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BreakdownRow {
    pub value: String,
    pub cases: u64,
    pub cells: Vec<Shown>,
}

/// Whether `set` pools the answers of more than one question.
pub fn pools_several(framework: &FrameworkSpec, set: &SetId) -> bool {
    match set {
        SetId::Score(id) => framework.scores.iter().any(|s| &s.id == id && s.questions.len() > 1),
        SetId::Section(id) => framework.questions.iter().filter(|q| &q.section == id).count() > 1,
        SetId::Question(_) | SetId::Split(_) => false,
    }
}

/// Breakdowns of `sets` (with their titles) by every breakdown characteristic.
pub fn breakdown_tables(framework: &FrameworkSpec, group: &GroupFigures, sets: &[(SetId, String)]) -> Vec<BreakdownTable> {
    let minimum = framework.minimum_relevant_cases;
    framework
        .characteristics
        .iter()
        .filter(|c| c.breakdown)
        .map(|c| {
            let rows = c
                .values
                .iter()
                .map(|v| {
                    let cells = sets
                        .iter()
                        .map(|(set, _)| {
                            let fig = group.breakdown(&c.column, v, set);
                            let mut shown = Shown::new(fig, minimum);
                            if pools_several(framework, set) {
                                shown = shown.of_answers();
                            }
                            if shown.pct.is_some() {
                                let whole = group.figure(set);
                                let rest = Observed {
                                    yes: whole.yes.saturating_sub(fig.yes),
                                    relevant: (whole.yes + whole.no).saturating_sub(fig.yes + fig.no),
                                    cases: whole.cases.saturating_sub(fig.cases),
                                };
                                // Two groups are one comparison; more are one each.
                                let groups = if c.values.len() <= 2 { 1 } else { c.values.len() };
                                shown.differs = crate::stats::differs(Observed { yes: fig.yes, relevant: fig.yes + fig.no, cases: fig.cases }, rest, groups)
                                    .map(|higher| if higher { "higher" } else { "lower" });
                            }
                            shown
                        })
                        .collect();
                    let cases = group.sample_count(&c.column, v);
                    BreakdownRow { value: v.clone(), cases, cells }
                })
                // A group without cases has no figures to compare: it is left out of the
                // comparison (the case sample's table still counts it, as 0).
                .filter(|r| r.cases > 0)
                .collect();
            BreakdownTable { label: c.label.clone(), columns: sets.iter().map(|(_, t)| t.clone()).collect(), rows }
        })
        // A characteristic whose cases are all of one group compares nothing.
        .filter(|t| t.rows.len() > 1)
        .collect()
}

/// The characteristics a report's figures are broken down by (its tables by group), in order,
/// each once, in lower case: what its methodology says the test of differences was applied to.
pub fn compared_characteristics(tables: &[BreakdownTable], grids: &[QuestionGrid]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for label in tables.iter().map(|t| &t.label).chain(grids.iter().map(|g| &g.label)) {
        let l = crate::render::words::lower_first(label);
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// A chart placed in a report: the SVG file it reads, its alt text, and its data as a table.
#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    pub path: String,
    pub caption: String,
    pub alt: String,
    pub table: DataTable,
    /// A part of a chart in parts sized to share a page with its own rows of the table: the
    /// two are kept together.
    pub with_rows: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The key questions of a standards framework by groups of cases, for a table of one row per
/// key question (under its standard) and one column per group: the figures the inspectorate
/// published for such groups (NPS against CRC, boys against girls), each key question on its
/// own base. No figure pools the answers of several key questions.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionGrid {
    /// What tells the groups apart (`Provider`, `Sex`, `Region`).
    pub label: String,
    /// A further table of the same characteristic (see [`split_grid`]): no heading of its own.
    pub continued: bool,
    pub groups: Vec<GridGroup>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridGroup {
    pub name: String,
    pub cases: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub id: String,
    /// The standard of the row, for charts and sentences.
    pub standard_title: String,
    /// The key question's short label (`Keeping other people safe`).
    pub question: String,
    /// Its standard and label, as a table row names it: `2.1 Assessment: keeping other people
    /// safe` (a row overleaf from its standard's first is still named).
    pub name: String,
    pub text: String,
    pub cells: Vec<Shown>,
}

/// A group of a [`QuestionGrid`]: its name, its number of cases, and its figure of a question.
pub type GridSource<'a> = (String, u64, Box<dyn Fn(&str) -> Figure + 'a>);

/// The key questions of the standards rated from cases, in the order of the standards, each
/// with its standard's label (`3.1 Court reports and case allocation (NPS)`).
pub fn key_questions(framework: &FrameworkSpec) -> Vec<(String, &crate::framework::QuestionSpec)> {
    framework
        .standards
        .iter()
        .flat_map(|s| {
            // A title two standards share (youth assessment of court and of out-of-court work)
            // is named with its domain.
            let title = if framework.standards.iter().filter(|o| o.title == s.title).count() > 1 {
                let domain = framework.domains.iter().find(|d| d.id == s.domain).map(|d| d.title.to_lowercase()).unwrap_or_default();
                format!("{} ({domain})", s.title)
            } else {
                s.title.clone()
            };
            let label = match &s.providers {
                Some(p) => format!("{} {title} ({})", s.id, p.join(", ")),
                None => format!("{} {title}", s.id),
            };
            s.key_questions.iter().filter_map(move |id| framework.questions.iter().find(|q| &q.id == id).map(|q| (label.clone(), q)))
        })
        .collect()
}

/// The key questions by `groups`; a key question no group has a relevant case of is left out,
/// and so is a group without cases. With `whole` (the figure of every case), a group whose
/// figure differs from that of the other cases by more than chance would explain is marked
/// (`differs`), with `comparisons` tests for the Bonferroni correction.
pub fn question_grid(framework: &FrameworkSpec, label: &str, groups: Vec<GridSource<'_>>, whole: Option<&dyn Fn(&str) -> Figure>) -> QuestionGrid {
    let minimum = framework.minimum_relevant_cases;
    let groups: Vec<GridSource<'_>> = groups.into_iter().filter(|(_, cases, _)| *cases > 0).collect();
    let comparisons = if groups.len() <= 2 { 1 } else { groups.len() };
    let mut rows: Vec<GridRow> = Vec::new();
    for (standard, q) in key_questions(framework) {
        let cells: Vec<Shown> = groups
            .iter()
            .map(|(_, _, figure)| {
                let fig = figure(&q.id);
                let mut shown = Shown::new(fig, minimum);
                if let (Some(whole), true) = (whole, shown.pct.is_some()) {
                    let all = whole(&q.id);
                    let rest = Observed {
                        yes: all.yes.saturating_sub(fig.yes),
                        relevant: (all.yes + all.no).saturating_sub(fig.yes + fig.no),
                        cases: all.cases.saturating_sub(fig.cases),
                    };
                    shown.differs = crate::stats::differs(Observed { yes: fig.yes, relevant: fig.yes + fig.no, cases: fig.cases }, rest, comparisons)
                        .map(|higher| if higher { "higher" } else { "lower" });
                }
                shown
            })
            .collect();
        if cells.iter().all(|c| c.relevant == 0) {
            continue;
        }
        rows.push(GridRow {
            id: q.id.clone(),
            standard_title: standard.clone(),
            question: q.label(),
            name: format!("{standard}: {}", super::words::lower_first(&q.label())),
            text: q.text.clone(),
            cells,
        });
    }
    QuestionGrid {
        label: label.to_string(),
        continued: false,
        groups: groups.iter().map(|(name, cases, _)| GridGroup { name: name.clone(), cases: *cases }).collect(),
        rows,
    }
}

/// A grid whose groups answer different key questions (youth court disposal types answer those
/// of court work, out-of-court types those of out-of-court work) as one table per set of groups
/// that share key questions, each with the rows its groups answer: one table had half its rows
/// a line of dashes.
pub fn split_grid(grid: QuestionGrid) -> Vec<QuestionGrid> {
    let n = grid.groups.len();
    let answers = |g: usize| -> Vec<bool> { grid.rows.iter().map(|r| r.cells[g].relevant > 0).collect() };
    let sets: Vec<Vec<bool>> = (0..n).map(answers).collect();
    // Connected groups: two groups are together where they answer a key question in common.
    let mut component: Vec<usize> = (0..n).collect();
    for a in 0..n {
        for b in (a + 1)..n {
            if sets[a].iter().zip(&sets[b]).any(|(x, y)| *x && *y) {
                let (from, to) = (component[b], component[a]);
                for c in component.iter_mut() {
                    if *c == from {
                        *c = to;
                    }
                }
            }
        }
    }
    let mut order: Vec<usize> = Vec::new();
    for &c in &component {
        if !order.contains(&c) {
            order.push(c);
        }
    }
    if order.len() <= 1 {
        return vec![grid];
    }
    order
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let members: Vec<usize> = (0..n).filter(|&g| component[g] == c).collect();
            let rows = grid
                .rows
                .iter()
                .filter(|r| members.iter().any(|&g| r.cells[g].relevant > 0))
                .map(|r| GridRow { cells: members.iter().map(|&g| r.cells[g].clone()).collect(), ..r.clone() })
                .collect();
            QuestionGrid { label: grid.label.clone(), continued: k > 0, groups: members.iter().map(|&g| grid.groups[g].clone()).collect(), rows }
        })
        .collect()
}

/// Whether a grid compares anything: some key question has figures in two groups. (Youth court
/// and out-of-court disposals answer different key questions: a grid of the two has one figure
/// a row, each already in the table of all areas.)
pub fn grid_compares(grid: &QuestionGrid) -> bool {
    grid.rows.iter().any(|r| r.cells.iter().filter(|c| c.relevant > 0).count() > 1)
}

/// A group per value of characteristic `c`: its cases in `group`, and its figure of a key
/// question.
pub fn value_sources<'a>(c: &'a crate::framework::CharacteristicSpec, group: &'a GroupFigures) -> Vec<GridSource<'a>> {
    c.values
        .iter()
        .map(|v| {
            let figure = move |q: &str| group.breakdown(&c.column, v, &SetId::Split(q.to_string()));
            let source: GridSource<'a> = (v.clone(), group.sample_count(&c.column, v), Box::new(figure));
            source
        })
        .collect()
}

/// The key questions by the values of every breakdown characteristic of `group` that compares
/// anything (see [`grid_compares`]: youth disposals, or a sample of boys only, do not).
pub fn breakdown_grids(framework: &FrameworkSpec, group: &GroupFigures) -> Vec<QuestionGrid> {
    let grids = framework
        .characteristics
        .iter()
        .filter(|c| c.breakdown)
        .map(|c| question_grid(framework, &c.label, value_sources(c, group), Some(&|q: &str| group.question(q))))
        .collect();
    settle(grids)
}

/// Grids split by [`split_grid`], those that compare nothing left out, each marked `continued`
/// where the one before it is of the same characteristic.
pub fn settle(grids: Vec<QuestionGrid>) -> Vec<QuestionGrid> {
    let mut out: Vec<QuestionGrid> = grids.into_iter().flat_map(split_grid).filter(grid_compares).collect();
    for k in 0..out.len() {
        out[k].continued = k > 0 && out[k - 1].label == out[k].label;
    }
    out
}
