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

pub use frame::{aggregate, aggregate_areas};

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
}

/// The figures of one group of cases (an area, or all areas together).
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupFigures {
    pub cases: u64,
    pub figures: BTreeMap<SetId, Figure>,
    /// `characteristic column → value → set → figure`.
    pub breakdowns: BTreeMap<String, BTreeMap<String, BTreeMap<SetId, Figure>>>,
    /// `characteristic column → value → number of cases`.
    pub sample: BTreeMap<String, BTreeMap<String, u64>>,
}

impl GroupFigures {
    pub fn figure(&self, set: &SetId) -> Figure {
        self.figures.get(set).copied().unwrap_or_default()
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
}

/// Figures for a set of areas: each area's own, and all of them pooled.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SetFigures {
    /// By inspection id.
    pub areas: BTreeMap<String, GroupFigures>,
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
    /// Adds the figures of a disjoint group of cases (another area) to these.
    pub fn add(&mut self, other: &GroupFigures) {
        self.cases += other.cases;
        for (set, f) in &other.figures {
            *self.figures.entry(set.clone()).or_default() += f;
        }
        for (column, by_value) in &other.breakdowns {
            let mine = self.breakdowns.entry(column.clone()).or_default();
            for (value, sets) in by_value {
                let mine = mine.entry(value.clone()).or_default();
                for (set, f) in sets {
                    *mine.entry(set.clone()).or_default() += f;
                }
            }
        }
        for (column, counts) in &other.sample {
            let mine = self.sample.entry(column.clone()).or_default();
            for (value, n) in counts {
                *mine.entry(value.clone()).or_default() += n;
            }
        }
    }
}

impl SetFigures {
    /// The set of these areas (by inspection id), their total the sum of their figures: every
    /// figure is a sum over cases, and a case belongs to one area.
    pub fn pooled(areas: impl IntoIterator<Item = (String, GroupFigures)>) -> SetFigures {
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
