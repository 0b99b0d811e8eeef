//! Every computed figure of a report as CSV rows, for analysts and for tests.

use serde::Serialize;

use super::common::Shown;
use crate::aggregate::Figure;
use crate::framework::rules::Tally;

/// One figure: which group of cases, which figure, the counts and the percentage shown.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRecord {
    /// Area name, or `All areas` for the pooled set.
    pub group: String,
    /// `score`, `section`, `question`, `standard`, `overall`, or `lowest` / `highest`.
    pub kind: String,
    pub id: String,
    pub title: String,
    /// `characteristic=value` for breakdowns, empty otherwise.
    pub breakdown: String,
    pub yes: u64,
    pub no: u64,
    pub relevant_answers: u64,
    pub relevant_cases: u64,
    /// Whole percentage as published (half up); empty below the minimum number of cases.
    pub percent: String,
    /// Exact percentage to four decimals.
    pub exact_percent: String,
    /// Rating, for standards.
    pub rating: String,
}

impl FigureRecord {
    pub fn new(group: &str, kind: &str, id: &str, title: &str, breakdown: &str, f: Figure, minimum: u32) -> Self {
        let shown = Shown::new(f, minimum);
        let t = Tally::new(f.yes, f.no);
        FigureRecord {
            group: group.into(),
            kind: kind.into(),
            id: id.into(),
            title: title.into(),
            breakdown: breakdown.into(),
            yes: f.yes,
            no: f.no,
            relevant_answers: t.relevant(),
            relevant_cases: f.cases,
            percent: shown.pct.map(|p| p.to_string()).unwrap_or_default(),
            exact_percent: t.percent().map(|p| format!("{p:.4}")).unwrap_or_default(),
            rating: String::new(),
        }
    }
}

/// Writes records as CSV with a header row.
pub fn to_csv(records: &[FigureRecord]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        w.serialize(r).expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}
