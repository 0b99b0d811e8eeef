//! The data-quality page of a draft area report: what an inspector should look at before
//! sign-off. Built from the case export, the report's own figures and, when there is one, the
//! figures of the previous build of the same report (its figures CSV in the output folder).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::figures_csv::FigureRecord;
use crate::framework::FrameworkSpec;
use crate::ingest::CaseTable;

/// A question left blank in at least this share of cases is listed.
pub const BLANK_SHARE_LISTED: f64 = 0.10;

#[derive(Debug, Clone, Serialize)]
pub struct QualityView {
    /// `10%`: the blank share from which a question is listed.
    pub blank_threshold: String,
    pub blank_questions: Vec<BlankQuestion>,
    /// Figures of this area shown as a count because too few cases were relevant.
    pub below_minimum: Vec<BelowMinimum>,
    pub unknown_characteristics: Vec<UnknownCharacteristic>,
    /// Cases with at least one characteristic not recorded.
    pub cases_with_unknown: u64,
    pub cases: u64,
    /// `None` when no earlier build of this report was found.
    pub changes: Option<Vec<Change>>,
    /// What the changes are measured against: `published report` or `previous draft`.
    pub compared_with: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlankQuestion {
    pub id: String,
    pub text: String,
    pub blank: u64,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BelowMinimum {
    pub kind: String,
    pub title: String,
    pub shown: String,
    pub cases: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnknownCharacteristic {
    pub label: String,
    pub value: String,
    pub cases: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub kind: String,
    pub title: String,
    pub before: String,
    pub after: String,
}

/// The fields of a figures CSV row this page compares.
#[derive(Debug, Deserialize)]
struct PreviousRecord {
    group: String,
    kind: String,
    id: String,
    title: String,
    breakdown: String,
    yes: u64,
    no: u64,
    percent: String,
    rating: String,
}

/// The figures CSV a draft compares with, and what it is.
#[derive(Debug, Clone)]
pub struct Previous {
    /// `published report` (the published build of the same report) or `previous draft`.
    pub what: &'static str,
    pub csv: String,
}

/// Builds the page. `previous` is the text of the previous figures CSV of this report, if any;
/// one that cannot be read is treated as absent (the page says no comparison was made).
pub fn quality(fw: &FrameworkSpec, area: &str, table: &CaseTable, records: &[FigureRecord], previous: Option<&Previous>) -> QualityView {
    let cases = table.len() as u64;
    let share = |n: u64| {
        if cases == 0 {
            "–".to_string()
        } else {
            format!("{}%", crate::framework::rules::Tally::new(n, cases - n.min(cases)).rounded_percent().unwrap_or(0))
        }
    };
    let mut blank_questions: Vec<BlankQuestion> = fw
        .questions
        .iter()
        .zip(&table.blank_answers)
        .filter(|(_, &b)| cases > 0 && f64::from(b) >= BLANK_SHARE_LISTED * cases as f64)
        .map(|(q, &b)| BlankQuestion { id: q.id.clone(), text: q.text.clone(), blank: u64::from(b), share: share(u64::from(b)) })
        .collect();
    blank_questions.sort_by(|a, b| b.blank.cmp(&a.blank).then(a.id.cmp(&b.id)));

    let own = |r: &&FigureRecord| r.group == area && r.breakdown.is_empty();
    let below_minimum = records
        .iter()
        .filter(own)
        .filter(|r| r.relevant_answers > 0 && r.percent.is_empty() && matches!(r.kind.as_str(), "score" | "section" | "question"))
        .map(|r| BelowMinimum { kind: r.kind.clone(), title: r.title.clone(), shown: format!("{} of {}", r.yes, r.relevant_answers), cases: r.relevant_cases })
        .collect();

    let mut unknown_characteristics = Vec::new();
    let mut any_unknown = vec![false; table.len()];
    for (c, values) in fw.characteristics.iter().zip(&table.characteristics) {
        for u in &c.unknown {
            let code = c.values.iter().position(|v| v == u).map(|i| i as u16);
            let mut n = 0;
            for (k, v) in values.iter().enumerate() {
                if Some(*v) == code {
                    n += 1;
                    any_unknown[k] = true;
                }
            }
            if n > 0 {
                unknown_characteristics.push(UnknownCharacteristic { label: c.label.clone(), value: u.clone(), cases: n });
            }
        }
    }

    QualityView {
        blank_threshold: format!("{}%", (BLANK_SHARE_LISTED * 100.0).round()),
        blank_questions,
        below_minimum,
        unknown_characteristics,
        cases_with_unknown: any_unknown.iter().filter(|&&u| u).count() as u64,
        cases,
        changes: previous.and_then(|p| changes(area, records, &p.csv)),
        compared_with: previous.map(|p| p.what.to_string()),
    }
}

/// The figures of `groups` (an area and `All areas`, say; not breakdowns) whose counts,
/// percentage or rating differ from `previous` (a figures CSV), for a correction notice: each
/// titled with its group unless it is the first one.
pub fn changed_figures(groups: &[&str], records: &[FigureRecord], previous: &str) -> Option<Vec<Change>> {
    let mut out = Vec::new();
    for (k, group) in groups.iter().enumerate() {
        for mut c in changes_in(group, records, previous, true)? {
            if k > 0 {
                c.title = format!("{group}: {}", c.title);
            }
            // A score and a section of one title and the same questions are one line.
            if !out.iter().any(|o: &Change| (&o.title, &o.before, &o.after) == (&c.title, &c.before, &c.after)) {
                out.push(c);
            }
        }
    }
    Some(out)
}

/// Figures of this area (not its breakdowns) whose counts, percentage or rating differ from the
/// previous build's, in the order of the new figures; figures that appeared or went are listed too.
fn changes(area: &str, records: &[FigureRecord], previous: &str) -> Option<Vec<Change>> {
    changes_in(area, records, previous, false)
}

/// [`changes`], with the figures by characteristic too when `breakdowns` (a correction lists
/// every printed figure that moved), each titled `Risk of harm to others (sex=Male)`.
fn changes_in(area: &str, records: &[FigureRecord], previous: &str, breakdowns: bool) -> Option<Vec<Change>> {
    let mut reader = csv::Reader::from_reader(previous.as_bytes());
    let mut before: BTreeMap<(String, String, String), PreviousRecord> = BTreeMap::new();
    // The CSV holds text cells as written for spreadsheets (`'=…` for `=…`).
    let raw = |text: &str| text.strip_prefix('\'').filter(|t| t.starts_with(['=', '+', '-', '@', '\t', '\r'])).unwrap_or(text).to_string();
    let wanted = |breakdown: &str, kind: &str| (breakdowns || breakdown.is_empty()) && kind != "lowest" && kind != "highest";
    for r in reader.deserialize::<PreviousRecord>() {
        let mut r = r.ok()?;
        r.group = raw(&r.group);
        r.title = raw(&r.title);
        r.breakdown = raw(&r.breakdown);
        // An area's own figures: not the rows naming it as the lowest or highest of its set.
        if r.group == area && wanted(&r.breakdown, &r.kind) {
            before.insert((r.kind.clone(), r.id.clone(), r.breakdown.clone()), r);
        }
    }
    // Rows by characteristic carry no title: their figure's.
    let titles: BTreeMap<(&str, &str), &str> =
        records.iter().filter(|r| r.breakdown.is_empty()).map(|r| ((r.kind.as_str(), r.id.as_str()), r.title.as_str())).collect();
    let title_of = |kind: &str, id: &str, title: &str, breakdown: &str| {
        let t = if title.is_empty() { titles.get(&(kind, id)).copied().unwrap_or(id).to_string() } else { title.to_string() };
        if breakdown.is_empty() {
            t
        } else {
            format!("{t} ({breakdown})")
        }
    };
    let show = |percent: &str, yes: u64, no: u64, rating: &str| {
        let mut s = if percent.is_empty() { format!("{yes} of {}", yes + no) } else { format!("{percent}% ({yes} of {})", yes + no) };
        if !rating.is_empty() {
            s = format!("{rating}; {s}");
        }
        s
    };
    let mut out = Vec::new();
    for r in records.iter().filter(|r| r.group == area && wanted(&r.breakdown, &r.kind)) {
        let after = show(&r.percent, r.yes, r.no, &r.rating);
        let title = title_of(&r.kind, &r.id, &r.title, &r.breakdown);
        match before.remove(&(r.kind.clone(), r.id.clone(), r.breakdown.clone())) {
            Some(b) if (b.yes, b.no, &b.percent, &b.rating) == (r.yes, r.no, &r.percent, &r.rating) => {}
            Some(b) => out.push(Change { kind: r.kind.clone(), title, before: show(&b.percent, b.yes, b.no, &b.rating), after }),
            None => out.push(Change { kind: r.kind.clone(), title, before: "not in the previous build".into(), after }),
        }
    }
    for b in before.into_values() {
        let title = title_of(&b.kind, &b.id, &b.title, &b.breakdown);
        out.push(Change { kind: b.kind, title, before: show(&b.percent, b.yes, b.no, &b.rating), after: "no longer in the report".into() });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Figure;

    fn record(kind: &str, id: &str, yes: u64, no: u64) -> FigureRecord {
        FigureRecord::new("Area", kind, id, &format!("Figure {id}"), "", Figure { yes, no, cases: yes + no }, 10)
    }

    fn csv_of(records: &[FigureRecord]) -> String {
        String::from_utf8(super::super::figures_csv::to_csv(records)).unwrap()
    }

    #[test]
    fn changes_list_what_moved_appeared_and_went() {
        let before = vec![record("score", "a", 70, 30), record("score", "b", 5, 5), record("question", "q1", 3, 4)];
        let after = vec![record("score", "a", 71, 29), record("score", "b", 5, 5), record("question", "q2", 1, 1)];
        let list = changes("Area", &after, &csv_of(&before)).unwrap();
        assert_eq!(list.len(), 3, "{list:?}");
        assert_eq!((list[0].before.as_str(), list[0].after.as_str()), ("70% (70 of 100)", "71% (71 of 100)"));
        assert_eq!(list[1].before, "not in the previous build");
        assert_eq!((list[2].title.as_str(), list[2].after.as_str()), ("Figure q1", "no longer in the report"));
        // Same figures: nothing to look at.
        assert_eq!(changes("Area", &before, &csv_of(&before)).unwrap(), vec![]);
        // Another area's rows are not compared; an unreadable file means no comparison.
        assert_eq!(changes("Elsewhere", &after, &csv_of(&before)).unwrap(), vec![]);
        assert_eq!(changes("Area", &after, "not,a\nfigures,file\n"), None);
    }
}
