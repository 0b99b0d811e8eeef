//! The publisher's front matter by era (`data/publisher.yaml`): its name and address, the Chief
//! Inspector who signs the foreword, the Open Government Licence in force, and what the parts at
//! the end of a report are called. A report takes, from each list, the last entry dated on or
//! before its publication date.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Location, Problem, Problems};

/// The file's name in the data folder.
pub const FILE: &str = "publisher.yaml";

/// The sample's own file, used when a data folder has none (a data folder made before the file
/// existed builds as before).
const DEFAULT: &str = include_str!("../data/publisher.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub name: String,
    pub addresses: Vec<Dated<Address>>,
    pub chief_inspectors: Vec<Dated<ChiefInspector>>,
    pub licences: Vec<Dated<Licence>>,
    /// `Appendix` or `Annex`.
    pub end_parts: Vec<Dated<EndParts>>,
    /// How running text writes a percentage ("72%" or "72 per cent"); "%" when absent.
    #[serde(default = "default_percent")]
    pub percent: Vec<Dated<PercentStyle>>,
    /// Where it was read from; `None` for the built-in default.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// An entry in force from its date until the next entry's.
#[derive(Debug, Clone, Deserialize)]
pub struct Dated<T> {
    pub from: Date,
    /// Where the entry comes from (a seed, a published report): documentation only.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(flatten)]
    pub value: T,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub lines: Vec<String>,
    #[serde(default)]
    pub telephone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChiefInspector {
    /// `None` when the post was vacant (the foreword is then signed by the inspectorate).
    pub name: Option<String>,
    #[serde(default = "default_title")]
    pub title: String,
}

fn default_title() -> String {
    "HM Chief Inspector of Probation".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    /// `v1.0`.
    pub version: String,
    /// The sentence granting re-use, before "To view this licence".
    pub statement: String,
    pub url: String,
    /// Where to write, after "or write to".
    pub write_to: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndParts {
    /// `Appendix` or `Annex`.
    pub called: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PercentStyle {
    /// What follows a percentage's number in running text: `%` ("72%") or ` per cent`
    /// ("72 per cent"). Tables and charts always use `%`.
    pub in_text: String,
}

fn default_percent() -> Vec<Dated<PercentStyle>> {
    vec![Dated { from: Date { year: 1900, month: 1, day: 1 }, source: None, value: PercentStyle { in_text: "%".into() } }]
}

/// The front matter of one report: every entry in force at its publication date.
#[derive(Debug, Clone, Serialize)]
pub struct FrontMatter {
    pub publisher: String,
    pub address: Address,
    pub chief_inspector: Option<ChiefInspector>,
    pub licence: Licence,
    /// `Appendix` or `Annex`.
    pub end_part: String,
    /// What follows a percentage in running text (`%` or ` per cent`).
    pub percent: String,
}

impl Publisher {
    /// The front matter in force on `date`.
    pub fn at(&self, date: Date) -> FrontMatter {
        FrontMatter {
            publisher: self.name.clone(),
            address: in_force(&self.addresses, date).clone(),
            chief_inspector: Some(in_force(&self.chief_inspectors, date).clone()).filter(|c| c.name.is_some()),
            licence: in_force(&self.licences, date).clone(),
            end_part: in_force(&self.end_parts, date).called.clone(),
            percent: in_force(&self.percent, date).in_text.clone(),
        }
    }

    /// The file every report reads, if the data folder has one.
    pub fn file(&self) -> Option<&Path> {
        self.source.as_deref()
    }
}

/// The last entry dated on or before `date`; before the first entry, the first (`load` checks
/// that every list has one, in date order).
fn in_force<T>(list: &[Dated<T>], date: Date) -> &T {
    &list.iter().take_while(|e| e.from <= date).last().unwrap_or(&list[0]).value
}

/// Reads `data/publisher.yaml`, or the built-in default when the data folder has none.
pub fn load(data: &Path) -> Result<Publisher, Problems> {
    let path = data.join(FILE);
    let (text, source) = if path.exists() { (crate::error::read_to_string(&path)?, Some(path.clone())) } else { (DEFAULT.to_string(), None) };
    let shown = source.clone().unwrap_or_else(|| PathBuf::from(FILE));
    let mut publisher: Publisher = crate::yaml::from_str(&text, &shown)?;
    publisher.source = source;
    let mut problems = Problems::default();
    let mut check = |key: &str, dates: Vec<Date>| {
        if dates.is_empty() {
            problems.push(Problem::data(Location::file(&shown).key(key), "has no entry").with_hint("give at least one entry with its `from` date"));
        }
        if let Some(w) = dates.windows(2).position(|w| w[1] <= w[0]) {
            problems.push(
                Problem::data(
                    Location::file(&shown).key(format!("{key}[{}].from", w + 1)),
                    format!("{} is not after the entry before it", dates[w + 1].long()),
                )
                .with_hint("list the entries oldest first, each with its own date"),
            );
        }
    };
    check("addresses", publisher.addresses.iter().map(|e| e.from).collect());
    check("chief_inspectors", publisher.chief_inspectors.iter().map(|e| e.from).collect());
    check("licences", publisher.licences.iter().map(|e| e.from).collect());
    check("end_parts", publisher.end_parts.iter().map(|e| e.from).collect());
    check("percent", publisher.percent.iter().map(|e| e.from).collect());
    if problems.is_empty() {
        Ok(publisher)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn each_report_gets_the_entries_in_force_at_its_publication_date() {
        let p = load(Path::new("/nonexistent")).expect("the built-in file loads");
        let at = |d| p.at(date(d));
        // The licence versions in force (The National Archives): v1.0 from 30 September 2010,
        // v2.0 from 28 June 2013, v3.0 from 31 October 2014.
        assert_eq!(at("2011-07-05").licence.version, "v1.0");
        assert_eq!(at("2013-06-27").licence.version, "v1.0");
        assert_eq!(at("2013-06-28").licence.version, "v2.0");
        assert_eq!(at("2014-10-31").licence.version, "v3.0");
        // Seed 004: Andrew Bridges retired at the end of May 2011; Liz Calderbank was appointed
        // in September 2011.
        assert_eq!(at("2011-05-31").chief_inspector.and_then(|c| c.name).as_deref(), Some("Andrew Bridges"));
        assert!(at("2011-07-05").chief_inspector.is_none());
        assert_eq!(at("2012-03-01").chief_inspector.and_then(|c| c.name).as_deref(), Some("Liz Calderbank"));
        assert_eq!(at("2011-07-05").end_part, "Appendix");
        assert_eq!(at("2019-03-11").end_part, "Annex");
        // Seed 003 (2016): Manchester Civil Justice Centre.
        assert!(at("2016-05-04").address.lines.iter().any(|l| l.contains("Civil Justice Centre")));
    }

    #[test]
    fn a_list_out_of_date_order_is_refused_naming_its_key() {
        let dir = std::env::temp_dir().join(format!("publisher-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = DEFAULT.replacen("from: 2010-09-30", "from: 2015-09-30", 1);
        assert_ne!(text, DEFAULT, "the test edits the first licence's date");
        std::fs::write(dir.join(FILE), text).unwrap();
        let e = load(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).ok();
        assert!(e.contains("licences[1].from") && e.contains("publisher.yaml"), "{e}");
    }
}
