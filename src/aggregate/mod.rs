//! Pure aggregation with Polars: validated case tables in, typed figures out.
//!
//! Every relevant answer (Yes or No) becomes one row of a frame (case, question, yes). Each
//! figure the reports use — a pooled score, a section, a single question — is a named *set* of
//! questions; one join with the set membership, one group-by per case and set, and a few
//! group-bys of that give every figure for every area and by every characteristic. A set's
//! total is the sum of its areas' figures.

mod frame;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::framework::rules::Tally;
use crate::framework::FrameworkSpec;
use crate::ingest::CaseTable;

pub use frame::aggregate;

/// A figure: pooled Yes and No answers and the number of cases with at least one relevant answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub yes: u64,
    pub no: u64,
    pub cases: u64,
}

impl Figure {
    pub fn tally(&self) -> Tally {
        Tally::new(self.yes, self.no)
    }
    /// Whether there are enough relevant cases to show the figure as a percentage.
    pub fn meets_minimum(&self, minimum: u32) -> bool {
        self.cases >= u64::from(minimum) && self.tally().relevant() > 0
    }
}

/// What a figure is computed over.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SetId {
    Score(String),
    Section(String),
    Question(String),
    /// A question broken down by characteristic (one with published `splits`, or a key question
    /// of a standards framework), as a pooled set of its own.
    Split(String),
}

/// Where each set and characteristic value of a framework sits in [`GroupFigures`]: pooled sets
/// (scores, then sections) first, then single questions, each at a fixed position. Shared by
/// every group of the framework, so that a group holds plain vectors of figures: at 1,000 areas
/// under seven frameworks, maps keyed by strings per area cost a gigabyte.
#[derive(Debug, Default)]
pub struct SetIndex {
    ids: Vec<SetId>,
    pooled: usize,
    position: std::collections::HashMap<SetId, usize>,
    /// Every characteristic: its column and values.
    columns: Vec<String>,
    values: Vec<Vec<String>>,
}

impl SetIndex {
    pub fn new(framework: &FrameworkSpec) -> std::sync::Arc<SetIndex> {
        let sets = question_sets(framework);
        let (mut ids, questions): (Vec<SetId>, Vec<SetId>) = sets.into_iter().map(|(id, _)| id).partition(|id| !matches!(id, SetId::Question(_)));
        let pooled = ids.len();
        ids.extend(questions);
        let position = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        let c = &framework.characteristics;
        std::sync::Arc::new(SetIndex {
            ids,
            pooled,
            position,
            columns: c.iter().map(|c| c.column.clone()).collect(),
            values: c.iter().map(|c| c.values.clone()).collect(),
        })
    }
    /// The position of a pooled set (score or section) among the pooled sets, or of a question.
    pub fn position(&self, set: &SetId) -> Option<usize> {
        self.position.get(set).copied()
    }
    /// Number of pooled sets (scores and sections): they come first.
    pub fn pooled(&self) -> usize {
        self.pooled
    }
    fn characteristic(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column)
    }
}

/// The figures of one group of cases (an area, or all areas together).
#[derive(Debug, Clone, Default)]
pub struct GroupFigures {
    pub cases: u64,
    index: std::sync::Arc<SetIndex>,
    /// By set position.
    figures: Vec<Figure>,
    /// `[characteristic][value][pooled set]`; an empty vector where no case has the value, or
    /// the characteristic is not broken down.
    breakdowns: Vec<Vec<Vec<Figure>>>,
    /// `[characteristic][value]`: number of cases.
    sample: Vec<Vec<u64>>,
}

impl GroupFigures {
    /// A group of `cases` cases with every figure zero.
    pub fn empty(index: &std::sync::Arc<SetIndex>, cases: u64) -> GroupFigures {
        GroupFigures {
            cases,
            index: std::sync::Arc::clone(index),
            figures: vec![Figure::default(); index.ids.len()],
            breakdowns: index.values.iter().map(|v| vec![Vec::new(); v.len()]).collect(),
            sample: index.values.iter().map(|v| vec![0; v.len()]).collect(),
        }
    }
    pub fn figure(&self, set: &SetId) -> Figure {
        self.index.position(set).and_then(|i| self.figures.get(i)).copied().unwrap_or_default()
    }
    pub fn score(&self, id: &str) -> Figure {
        self.figure(&SetId::Score(id.into()))
    }
    pub fn question(&self, id: &str) -> Figure {
        self.figure(&SetId::Question(id.into()))
    }
    pub fn section(&self, id: &str) -> Figure {
        self.figure(&SetId::Section(id.into()))
    }
    /// Every set with its figure, pooled sets first.
    pub fn figures(&self) -> impl Iterator<Item = (&SetId, Figure)> {
        self.index.ids.iter().zip(self.figures.iter().copied())
    }
    /// The figure of `set` over the cases whose `column` is `value` (zero when none, or when
    /// `set` is a single question: questions are not broken down).
    pub fn breakdown(&self, column: &str, value: &str, set: &SetId) -> Figure {
        let Some(c) = self.index.characteristic(column) else { return Figure::default() };
        let Some(v) = self.index.values[c].iter().position(|x| x == value) else { return Figure::default() };
        match self.index.position(set) {
            Some(i) if i < self.index.pooled => self.breakdowns.get(c).and_then(|b| b.get(v)).and_then(|f| f.get(i)).copied().unwrap_or_default(),
            _ => Figure::default(),
        }
    }
    /// Every breakdown figure with at least one relevant case: `(column, value, set, figure)`,
    /// in framework order.
    pub fn breakdowns(&self) -> impl Iterator<Item = (&str, &str, &SetId, Figure)> {
        self.breakdowns.iter().enumerate().flat_map(move |(c, by_value)| {
            by_value.iter().enumerate().flat_map(move |(v, figs)| {
                figs.iter()
                    .enumerate()
                    .filter(|(_, f)| f.cases > 0)
                    .map(move |(i, f)| (self.index.columns[c].as_str(), self.index.values[c][v].as_str(), &self.index.ids[i], *f))
            })
        })
    }
    /// Number of cases whose `column` is `value`.
    pub fn sample_count(&self, column: &str, value: &str) -> u64 {
        let Some(c) = self.index.characteristic(column) else { return 0 };
        self.index.values[c].iter().position(|x| x == value).map_or(0, |v| self.sample[c][v])
    }
    pub(crate) fn set_figure(&mut self, position: usize, figure: Figure) {
        self.figures[position] = figure;
    }
    pub(crate) fn set_breakdown(&mut self, characteristic: usize, value: usize, pooled: usize, figure: Figure) {
        let n = self.index.pooled;
        let figs = &mut self.breakdowns[characteristic][value];
        if figs.is_empty() {
            figs.resize(n, Figure::default());
        }
        figs[pooled] = figure;
    }
    pub(crate) fn set_sample(&mut self, characteristic: usize, counts: Vec<u64>) {
        self.sample[characteristic] = counts;
    }
}

/// Figures for a set of areas: each area's own, and all of them pooled.
#[derive(Debug, Clone, Default)]
pub struct SetFigures {
    /// By inspection id; shared, so that the comparison sets of many reports (the areas
    /// inspected to date of each) hold the same area's figures once.
    pub areas: BTreeMap<String, std::sync::Arc<GroupFigures>>,
    pub total: GroupFigures,
}

impl std::ops::AddAssign<&Figure> for Figure {
    fn add_assign(&mut self, o: &Figure) {
        self.yes += o.yes;
        self.no += o.no;
        self.cases += o.cases;
    }
}

impl GroupFigures {
    /// Adds the figures of a disjoint group of cases (another area) of the same framework.
    pub fn add(&mut self, other: &GroupFigures) {
        if self.figures.is_empty() {
            *self = GroupFigures::empty(&other.index, 0);
        }
        self.cases += other.cases;
        for (mine, f) in self.figures.iter_mut().zip(&other.figures) {
            *mine += f;
        }
        for (c, by_value) in other.breakdowns.iter().enumerate() {
            for (v, figs) in by_value.iter().enumerate() {
                if figs.is_empty() {
                    continue;
                }
                let mine = &mut self.breakdowns[c][v];
                if mine.is_empty() {
                    mine.resize(figs.len(), Figure::default());
                }
                for (m, f) in mine.iter_mut().zip(figs) {
                    *m += f;
                }
            }
        }
        for (mine, counts) in self.sample.iter_mut().zip(&other.sample) {
            for (m, n) in mine.iter_mut().zip(counts) {
                *m += n;
            }
        }
    }
}

impl SetFigures {
    /// The set of these areas (by inspection id), their total the sum of their figures: every
    /// figure is a sum over cases, and a case belongs to one area.
    pub fn pooled(areas: impl IntoIterator<Item = (String, GroupFigures)>) -> SetFigures {
        SetFigures::pooled_shared(areas.into_iter().map(|(id, g)| (id, std::sync::Arc::new(g))))
    }

    /// [`SetFigures::pooled`] of figures already shared with other sets.
    pub fn pooled_shared(areas: impl IntoIterator<Item = (String, std::sync::Arc<GroupFigures>)>) -> SetFigures {
        let mut set = SetFigures::default();
        for (id, figures) in areas {
            set.total.add(&figures);
            set.areas.insert(id, figures);
        }
        set
    }
}

/// The question sets a framework defines: every score, every section, every question.
pub fn question_sets(framework: &FrameworkSpec) -> Vec<(SetId, Vec<String>)> {
    let mut sets = Vec::new();
    for s in &framework.scores {
        sets.push((SetId::Score(s.id.clone()), s.questions.clone()));
    }
    for sec in &framework.sections {
        let qs = framework.questions.iter().filter(|q| q.section == sec.id).map(|q| q.id.clone()).collect();
        sets.push((SetId::Section(sec.id.clone()), qs));
    }
    // A question is broken down by characteristic where it has published splits, and every
    // key question of a standards framework: the inspectorate compared groups question by
    // question, never a pool of a standard's answers.
    let standards = framework.era == crate::framework::Era::Standards;
    for q in framework.questions.iter().filter(|q| standards || !q.splits.is_empty()) {
        sets.push((SetId::Split(q.id.clone()), vec![q.id.clone()]));
    }
    for q in &framework.questions {
        sets.push((SetId::Question(q.id.clone()), vec![q.id.clone()]));
    }
    sets
}

/// One area's input to aggregation.
pub struct AreaCases<'a> {
    pub inspection_id: &'a str,
    pub cases: &'a CaseTable,
}
