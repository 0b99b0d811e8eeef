//! Every computed figure of a report as CSV rows, for analysts and for tests.

use serde::Serialize;

use super::common::{Extreme, Shown};
use crate::aggregate::{Figure, GroupFigures, SetId};
use crate::framework::rules::Tally;
use crate::framework::FrameworkSpec;

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
            // Below the minimum no percentage is published, not even here.
            exact_percent: if shown.pct.is_some() { t.percent().map(|p| format!("{p:.4}")).unwrap_or_default() } else { String::new() },
            rating: String::new(),
        }
    }
}

/// Every score, section and question of one group of cases.
pub fn group_records(fw: &FrameworkSpec, group: &str, figs: &GroupFigures) -> Vec<FigureRecord> {
    let minimum = fw.minimum_relevant_cases;
    let mut out = Vec::new();
    for s in &fw.scores {
        out.push(FigureRecord::new(group, "score", &s.id, &s.title, "", figs.score(&s.id), minimum));
    }
    // A standards framework's section pools the answers of its key questions: a figure the
    // inspectorate never published, so none is given (its key questions are).
    for s in fw.sections.iter().filter(|_| fw.era != crate::framework::Era::Standards) {
        out.push(FigureRecord::new(group, "section", &s.id, &s.title, "", figs.section(&s.id), minimum));
    }
    for q in &fw.questions {
        out.push(FigureRecord::new(group, "question", &q.id, &q.text, "", figs.question(&q.id), minimum));
    }
    out
}

/// Scores and sections of one group of cases by every characteristic value.
pub fn breakdown_records(fw: &FrameworkSpec, group: &str, figs: &GroupFigures) -> Vec<FigureRecord> {
    let mut out = Vec::new();
    for (column, value, set, fig) in figs.breakdowns() {
        let (kind, id) = match set {
            SetId::Score(id) => ("score", id),
            SetId::Section(_) if fw.era == crate::framework::Era::Standards => continue,
            SetId::Section(id) => ("section", id),
            SetId::Split(id) => ("question", id),
            SetId::Question(_) => continue,
        };
        out.push(FigureRecord::new(group, kind, id, "", &format!("{column}={value}"), fig, fw.minimum_relevant_cases));
    }
    out
}

/// A record of a lowest or highest area.
/// The records of a lowest or highest figure: one per area showing it (several where their
/// figures are equal once rounded).
pub fn extreme_records(kind: &str, id: &str, title: &str, e: &Extreme, minimum: u32) -> Vec<FigureRecord> {
    e.areas
        .iter()
        .map(|area| {
            let mut r = FigureRecord::new(area, kind, id, title, "", Figure::default(), minimum);
            r.percent = e.pct.to_string();
            r
        })
        .collect()
}

/// A record carrying a rating (a standard's, or the overall rating).
pub fn rating_record(group: &str, kind: &str, id: &str, title: &str, rating: &str, minimum: u32) -> FigureRecord {
    let mut r = FigureRecord::new(group, kind, id, title, "", Figure::default(), minimum);
    r.rating = rating.to_string();
    r
}

/// Writes records as CSV with a header row. Text that a spreadsheet would run as a formula
/// (an area or question beginning `=`, `+`, `-`, `@`, a tab or a carriage return) is written
/// with a leading apostrophe, as the OWASP guidance on CSV injection says: Excel shows the text
/// and runs nothing; analysts reading the CSV see one extra character.
pub fn to_csv(records: &[FigureRecord]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        let r = FigureRecord {
            group: cell(&r.group),
            kind: cell(&r.kind),
            id: cell(&r.id),
            title: cell(&r.title),
            breakdown: cell(&r.breakdown),
            rating: cell(&r.rating),
            ..r.clone()
        };
        w.serialize(r).expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// A text cell safe to open in a spreadsheet (see [`to_csv`]).
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text() {
        for (given, written) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Cumbria", "Cumbria"),
            ("", ""),
        ] {
            assert_eq!(cell(given), written);
        }
        let r = FigureRecord::new("=cmd|' /C calc'!A0", "score", "h1", "-2+3", "", Figure { yes: 3, no: 1, cases: 4 }, 1);
        let text = String::from_utf8(to_csv(&[r])).unwrap();
        assert!(text.contains("'=cmd") && text.contains("'-2+3"), "{text}");
    }

    #[test]
    fn no_percentage_below_the_minimum() {
        let r = FigureRecord::new("A", "question", "q1", "Q", "", Figure { yes: 2, no: 1, cases: 3 }, 5);
        assert_eq!((r.percent.as_str(), r.exact_percent.as_str()), ("", ""));
        assert_eq!((r.yes, r.no), (2, 1));
    }
}
