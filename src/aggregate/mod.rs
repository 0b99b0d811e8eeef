//! Pure aggregation with Polars: validated case tables in, typed figures out.
//!
//! Every answer becomes one row of a long frame (area, case, question, yes, no, and the case's
//! characteristics). Each figure the reports use — a pooled score, a section, a single question —
//! is a named *set* of questions; one join with the set membership and a few group-bys give
//! every figure for every area, for the whole set of areas, and by every characteristic.

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
}

impl SetId {
    fn key(&self) -> String {
        match self {
            SetId::Score(s) => format!("score:{s}"),
            SetId::Section(s) => format!("section:{s}"),
            SetId::Question(s) => format!("question:{s}"),
        }
    }
    fn from_key(key: &str) -> Option<SetId> {
        let (kind, id) = key.split_once(':')?;
        Some(match kind {
            "score" => SetId::Score(id.into()),
            "section" => SetId::Section(id.into()),
            "question" => SetId::Question(id.into()),
            _ => return None,
        })
    }
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
