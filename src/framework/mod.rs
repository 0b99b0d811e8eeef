//! Inspection frameworks as data: questions, pooled scores, standards and rating rules.
//!
//! A framework is a YAML file (`data/frameworks/<id>.yaml`, format in `docs/data-formats.md`).
//! Nothing about a programme is code: adding one is adding a file.

pub mod rules;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{self, Location, Problem, Problems};

pub use rules::{Rating, RatingRules};

/// How a framework reports: pooled headline scores (OMI 2, CCI) or rated standards (2018 on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    Headline,
    Standards,
}

/// One inspection framework, as loaded and validated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSpec {
    /// Short identifier used in inspection files and output paths (`omi2`).
    pub id: String,
    /// Full name (`Offender Management Inspection 2`).
    pub name: String,
    /// Abbreviation used in running text (`OMI 2`).
    pub short_name: String,
    pub era: Era,
    /// Title of an area report; `{area}` is replaced by the area name.
    pub report_title: String,
    /// What an inspected area is called (`Probation Trust`, `Youth Offending Team`).
    pub unit: String,
    /// The heading of the column of areas in aggregate tables, as the programme published it
    /// (`Trust`); `Area` when left out.
    #[serde(default)]
    pub area_heading: Option<String>,
    /// How the programme inspected, for the methodology annex.
    #[serde(default)]
    pub method: Method,
    /// Who an area report's recommendations are addressed to ("{addressee} should ensure
    /// that:"); `{provider}` and `{area}` are replaced. Default: the provider.
    #[serde(default)]
    pub recommendations_to: Option<String>,
    /// What the people in the cases are called (`offender`, `child or young person`).
    #[serde(default = "default_person")]
    pub person: String,
    /// The plural of `person` (`offenders`, `children and young people`); when left out, `person`
    /// with `person` made `people` or an `s` added.
    #[serde(default)]
    pub people: Option<String>,
    /// Name of the column that identifies a case in an export.
    #[serde(default = "default_case_id")]
    pub case_id_column: String,
    pub answers: AnswerWords,
    #[serde(default)]
    pub characteristics: Vec<CharacteristicSpec>,
    pub sections: Vec<SectionSpec>,
    pub questions: Vec<QuestionSpec>,
    /// Pooled scores: Yes / (Yes + No) over every answer of their questions in every case.
    #[serde(default)]
    pub scores: Vec<ScoreSpec>,
    #[serde(default)]
    pub domains: Vec<DomainSpec>,
    #[serde(default)]
    pub standards: Vec<StandardSpec>,
    #[serde(default)]
    pub ratings: Option<RatingRules>,
    /// Parts of the framework judged from fieldwork, not from cases (Quality & Impact's
    /// leadership, management and partnerships): criteria with no figure, reported with the
    /// inspectors' findings (`narrative.standards` of an inspection, by criterion id).
    #[serde(default)]
    pub judged_sections: Vec<JudgedSection>,
    /// Below this number of relevant cases a figure is shown as a count, not a percentage.
    pub minimum_relevant_cases: u32,
    /// What an area report is compared with: the areas of its framework inspected to date
    /// (`to_date`, the default: published on or before its own publication date), or every
    /// area of its period (`whole_period`, for a programme that published that way).
    #[serde(default)]
    pub comparison: Comparison,
    /// Whether a key question with fewer relevant cases than the minimum takes part in its
    /// standard's rating (`count`, the default) or is left out of it (`leave_out`). Either
    /// way its percentage is never printed; the methodology annex states the choice.
    #[serde(default)]
    pub small_key_questions: SmallKeyQuestions,
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
    /// Where the file was read from (set by the loader).
    #[serde(skip)]
    pub source: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgedSection {
    pub id: String,
    pub title: String,
    pub criteria: Vec<JudgedCriterion>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgedCriterion {
    pub id: String,
    pub title: String,
    /// What inspectors look at, printed under the criterion's findings.
    #[serde(default)]
    pub lines_of_enquiry: Vec<String>,
}

impl FrameworkSpec {
    /// The plural of [`FrameworkSpec::person`].
    pub fn people(&self) -> String {
        match &self.people {
            Some(p) => p.clone(),
            None if self.person == "person" || self.person.starts_with("person ") => self.person.replacen("person", "people", 1),
            None => format!("{}s", self.person),
        }
    }
}

fn default_person() -> String {
    "person".into()
}
fn default_case_id() -> String {
    "case_id".into()
}

/// Which words in an answer cell mean Yes, No and Not applicable (compared without case).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerWords {
    pub yes: Vec<String>,
    pub no: Vec<String>,
    pub not_applicable: Vec<String>,
}

/// An answer to a question in one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Yes,
    No,
    NotApplicable,
}

impl AnswerWords {
    /// Reads an answer cell; `None` when the word is not one of the framework's.
    pub fn parse(&self, cell: &str) -> Option<Answer> {
        let cell = cell.trim();
        let is = |words: &[String]| words.iter().any(|w| w.trim().eq_ignore_ascii_case(cell));
        if is(&self.yes) {
            Some(Answer::Yes)
        } else if is(&self.no) {
            Some(Answer::No)
        } else if is(&self.not_applicable) {
            Some(Answer::NotApplicable)
        } else {
            None
        }
    }
    /// Every accepted word, for hints.
    pub fn all(&self) -> Vec<&str> {
        self.yes.iter().chain(&self.no).chain(&self.not_applicable).map(|s| s.as_str()).collect()
    }
}

/// A case characteristic column (sex, ethnicity, age band, ...) and its allowed values.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharacteristicSpec {
    pub column: String,
    pub label: String,
    pub values: Vec<String>,
    /// Whether figures are broken down by this characteristic (diversity analysis).
    #[serde(default = "yes")]
    pub breakdown: bool,
    /// Values that mean the characteristic was not recorded (`Not known`): a draft's
    /// data-quality page counts the cases that have them.
    #[serde(default)]
    pub unknown: Vec<String>,
    /// Whether aggregate reports compare the cases of each value, pooled over the areas (NPS
    /// against CRC cases where every area has both; court against out-of-court disposals).
    #[serde(default)]
    pub compare: bool,
    /// Groups of values whose cases the case sample also counts together, as a row of its own
    /// after the values (CCI's "Black and minority ethnic": every value but White and Not
    /// recorded).
    #[serde(default)]
    pub totals: Vec<ValueTotal>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueTotal {
    pub label: String,
    pub values: Vec<String>,
}

fn yes() -> bool {
    true
}

fn one_week() -> u8 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    pub id: String,
    pub title: String,
    /// The part of the framework the section belongs to (Quality & Impact's "1 Positive impact
    /// is achieved" over 1.1–1.3): a heading over it and the sections after it of the same part.
    #[serde(default)]
    pub part: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionSpec {
    pub id: String,
    pub section: String,
    pub text: String,
    /// A few words for chart labels (`Desistance`), where the full text would not fit.
    #[serde(default)]
    pub short: Option<String>,
    /// The question as a finding, in the inspectorate's words, for running text and lists of
    /// findings: "an accurate OASys risk of harm screening was completed" (a clause, small
    /// initial letter; a report adds "in 79% of cases").
    #[serde(default)]
    pub statement: Option<String>,
    /// Where the programme reported the share of cases in which the work was *not* done
    /// ("managers were not effectively involved … in 40% of relevant cases"): the negative
    /// clause. The figure shown beside it is then the share of No answers, and reports say so.
    #[serde(default)]
    pub negative_statement: Option<String>,
    /// What the percentage is of, in words: `cases`, `relevant cases` (the default), `cases
    /// where a full analysis of the risk of harm was required`.
    #[serde(default)]
    pub base: Option<String>,
    /// Published figures of this question among the cases with one value of a characteristic
    /// ("… in 54% of cases where there were child protection issues").
    #[serde(default)]
    pub splits: Vec<SplitSpec>,
    /// The identifier of the published finding this question reproduces (`subject` in the
    /// findings of an annual report), for the tests and the sample generator; reports ignore it.
    #[serde(default)]
    pub finding: Option<String>,
}

/// How a programme inspected, in the inspectorate's words: the methodology annex opens with it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// How the cases were selected.
    #[serde(default)]
    pub cases: Option<String>,
    /// Whether trained local assessors (practitioners of the area) assessed cases beside the
    /// inspectors, as some programmes had them do.
    #[serde(default)]
    pub local_assessors: bool,
    /// Whether the practitioner responsible was interviewed on each case.
    #[serde(default)]
    pub interviews: bool,
    /// The fieldwork: how long, and whom inspectors met besides the cases.
    #[serde(default)]
    pub fieldwork: Option<String>,
    /// How many weeks the fieldwork took (default one), as `fieldwork` says: the sample's
    /// fieldwork dates span them.
    #[serde(default = "one_week")]
    pub fieldwork_weeks: u8,
    /// Whose views were sought by questionnaire.
    #[serde(default)]
    pub questionnaires: Option<String>,
    /// Where this framework file interprets its source (lines of enquiry scored as questions),
    /// said plainly.
    #[serde(default)]
    pub note: Option<String>,
}

/// A question's figure among the cases with one value of a characteristic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSpec {
    /// A characteristic's column.
    pub column: String,
    /// One of its values.
    pub value: String,
    /// The cases it selects, in words (`cases where there were child protection issues`).
    pub base: String,
    /// As `finding` of a question.
    #[serde(default)]
    pub finding: Option<String>,
}

impl QuestionSpec {
    /// Whether reports give the share of No answers (see `negative_statement`).
    pub fn negative(&self) -> bool {
        self.negative_statement.is_some()
    }

    /// The base in words.
    pub fn base(&self) -> &str {
        self.base.as_deref().unwrap_or("relevant cases")
    }

    /// The question as a finding, without its figure: its `statement`, or, for a question worded
    /// as a statement already (IAOW's "The plan set out clearly the work to manage the risk of
    /// harm to others."), its text without the full stop. A question with a question mark, or of
    /// more than one sentence, and no `statement` has none: a report quotes it.
    pub fn statement_text(&self) -> Option<String> {
        if let Some(s) = &self.statement {
            return Some(s.clone());
        }
        let text = self.text.trim().trim_end_matches('.');
        // A full stop inside, not of an abbreviation, ends a sentence.
        let sentences = text.match_indices(". ").filter(|(at, _)| !["e.g", "i.e", "etc"].iter().any(|a| text[..*at].ends_with(a))).count() + 1;
        (!text.ends_with('?') && sentences == 1).then(|| text.to_string())
    }

    /// The statement as it comes before its figure ("… in 69% of relevant cases"): one with a
    /// clause of its own (a comma, "where", "when", "including", "e.g." in it) gets a comma, so
    /// that the figure does not read as part of the clause ("… including through MAPPA where
    /// relevant, in 69% of relevant cases"). A statement reproducing a published finding
    /// (`finding`) keeps the report's words, and takes the comma only after a clause of its own
    /// that a comma opened ("… with the individual, and motivating, in 85% of cases").
    pub fn statement_before_figure(&self) -> Option<String> {
        let s = self.statement_text()?;
        // A comma that opens a clause ("…, actively involving …", "…, including …"), not one of
        // a list ("Education, training or employment …"): after the third word, before a word
        // ending in -ing or -ly, or a conjunction.
        let words: Vec<&str> = s.split_whitespace().collect();
        let clause_comma = words.windows(2).enumerate().any(|(k, w)| {
            let next = w[1].to_lowercase();
            k >= 2
                && w[0].ends_with(',')
                && (next.ends_with("ing") || next.ends_with("ly") || ["with", "where", "when", "which", "such", "and", "or"].contains(&next.as_str()))
        });
        let clause = clause_comma || [" where ", " when ", " including ", " such as ", " e.g. "].iter().any(|w| s.contains(w));
        Some(if clause && (self.finding.is_none() || clause_comma) { format!("{s},") } else { s })
    }
}

impl QuestionSpec {
    /// Its label in charts and column headers: `short`, or the first four words of the text
    /// (the full text is always in a table beside it).
    pub fn label(&self) -> String {
        if let Some(s) = &self.short {
            return s.clone();
        }
        let words: Vec<&str> = self.text.split_whitespace().collect();
        if words.len() <= 4 {
            self.text.clone()
        } else {
            format!("{}…", words[..4].join(" "))
        }
    }
}

/// What a pooled score is in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// A headline score (OMI 2 and CCI: three of them).
    Headline,
    /// A general criterion (assessment and planning, interventions, outcomes).
    GeneralCriterion,
    /// A part of a general criterion (`of`): CCI's "assessment and planning: risk of harm".
    SubCriterion,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreSpec {
    pub id: String,
    pub kind: ScoreKind,
    pub title: String,
    /// The work the score measures, for sentences such as "Work to <phrase> was done well
    /// enough 77% of the time".
    pub phrase: String,
    pub questions: Vec<String>,
    /// For a sub-criterion, the general criterion it is part of.
    #[serde(default)]
    pub of: Option<String>,
    /// As `finding` of a question.
    #[serde(default)]
    pub finding: Option<String>,
    /// The score measures an outcome, not work done (Quality & Impact's impact measures): its
    /// sentences say "The evidence showed a positive impact on <phrase> 58% of the time", not
    /// "Work to <phrase> was done well enough".
    #[serde(default)]
    pub outcome: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    pub id: String,
    pub title: String,
}

/// Which areas an area report is compared with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The areas of the framework whose reports were published on or before the report's own
    /// publication date ("inspected to date"): a later inspection never changes a report
    /// published before it.
    #[default]
    ToDate,
    /// Every area of the framework inspected in the same period.
    WholePeriod,
}

/// What a key question below the minimum number of relevant cases does to a rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmallKeyQuestions {
    /// It takes part like any other (the report says when it decided the rating).
    #[default]
    Count,
    /// It is left out of the rating.
    LeaveOut,
}

/// How a standard's rating follows from its key questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandardRule {
    /// The lowest key-question percentage, banded.
    LowestKeyQuestion,
    /// Rated by inspectors (organisational delivery): the rating comes from the inspection file.
    Judged,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardSpec {
    pub id: String,
    pub title: String,
    pub domain: String,
    pub rule: StandardRule,
    #[serde(default)]
    pub key_questions: Vec<String>,
    /// Providers this standard applies to (`NPS`, `CRC`); absent means every provider.
    #[serde(default)]
    pub providers: Option<Vec<String>>,
    /// Whether its rating counts towards the overall rating.
    #[serde(default = "yes")]
    pub counts_towards_overall: bool,
}

impl StandardSpec {
    /// Whether the standard applies to an inspection of `provider`.
    pub fn applies_to(&self, provider: &str) -> bool {
        self.providers.as_ref().is_none_or(|ps| ps.iter().any(|p| p == provider))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub term: String,
    pub meaning: String,
}

/// A framework's glossary in alphabetical order of its terms, as a glossary is read (the file
/// may list them in any order).
pub fn glossary_in_order(entries: &[GlossaryEntry]) -> Vec<GlossaryEntry> {
    let mut sorted = entries.to_vec();
    sorted.sort_by_key(|e| e.term.to_lowercase());
    sorted
}

impl FrameworkSpec {
    pub fn question(&self, id: &str) -> Option<&QuestionSpec> {
        self.questions.iter().find(|q| q.id == id)
    }
    pub fn section(&self, id: &str) -> Option<&SectionSpec> {
        self.sections.iter().find(|s| s.id == id)
    }
    pub fn headline_scores(&self) -> impl Iterator<Item = &ScoreSpec> {
        self.scores.iter().filter(|s| s.kind == ScoreKind::Headline)
    }
    /// The report title for an area.
    pub fn title_for(&self, area: &str) -> String {
        self.report_title.replace("{area}", area)
    }
}

/// Reads and validates one framework file.
pub fn load(path: &Path) -> Result<FrameworkSpec, Problems> {
    let text = error::read_to_string(path)?;
    let mut spec: FrameworkSpec = crate::yaml::from_str(&text, path)?;
    spec.source = path.to_path_buf();
    validate::validate(&spec).into_result(spec)
}

/// The frameworks that loaded, keyed by id; the ids of those that did not (as far as they can
/// be read); and the problems of all of them at once.
pub fn load_all(paths: &[PathBuf]) -> (BTreeMap<String, FrameworkSpec>, Vec<String>, Problems) {
    let mut loaded: Vec<FrameworkSpec> = Vec::new();
    let mut broken = Vec::new();
    let mut problems = Problems::default();
    for path in paths {
        match load(path) {
            Ok(spec) => loaded.push(spec),
            Err(p) => {
                problems.extend(p);
                let id = std::fs::read_to_string(path)
                    .ok()
                    .and_then(|t| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&t).ok())
                    .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string));
                broken.extend(id);
            }
        }
    }
    // Two files with one id: neither is used, since either could be the one meant.
    let mut frameworks = BTreeMap::new();
    for spec in &loaded {
        let others: Vec<String> = loaded.iter().filter(|o| o.id == spec.id && o.source != spec.source).map(|o| o.source.display().to_string()).collect();
        if others.is_empty() {
            frameworks.insert(spec.id.clone(), spec.clone());
        } else {
            problems.push(
                Problem::data(Location::file(&spec.source).key("id"), format!("framework id `{}` is also used by {}", spec.id, others.join(", ")))
                    .with_hint("give each framework file its own id; until then neither is used"),
            );
            broken.push(spec.id.clone());
        }
    }
    broken.sort();
    broken.dedup();
    (frameworks, broken, problems)
}

#[cfg(test)]
mod tests {
    use super::QuestionSpec;

    fn question(text: &str, statement: Option<&str>) -> QuestionSpec {
        let mut yaml = format!("{{id: q1, section: s1, text: {text:?}");
        if let Some(s) = statement {
            yaml.push_str(&format!(", statement: {s:?}"));
        }
        yaml.push('}');
        serde_yaml_ng::from_str(&yaml).unwrap()
    }

    #[test]
    fn a_question_is_stated_by_its_statement_or_as_worded_when_it_is_one_sentence_already() {
        let asked = question("Does planning focus sufficiently on keeping other people safe?", None);
        assert_eq!(asked.statement_text(), None, "a question with a question mark is quoted");
        let stated =
            question("Does planning focus sufficiently on keeping other people safe?", Some("Planning focused sufficiently on keeping other people safe"));
        assert_eq!(stated.statement_text().as_deref(), Some("Planning focused sufficiently on keeping other people safe"));
        let worded = question("The plan set out clearly the work to manage the risk of harm to others.", None);
        assert_eq!(worded.statement_text().as_deref(), Some("The plan set out clearly the work to manage the risk of harm to others"));
        let two = question("Reviews monitor the soft outcomes. Outcome priorities are amended as appropriate.", None);
        assert_eq!(two.statement_text(), None, "a text of two sentences takes no figure at its end");
        let clause = question("Information was shared with other agencies, including through MAPPA where relevant.", None);
        assert_eq!(clause.statement_before_figure().as_deref(), Some("Information was shared with other agencies, including through MAPPA where relevant,"));
        assert_eq!(stated.statement_before_figure().as_deref(), Some("Planning focused sufficiently on keeping other people safe"));
        let list = question("Education, training or employment was supported.", None);
        assert_eq!(list.statement_before_figure().as_deref(), Some("Education, training or employment was supported"), "a comma of a list opens no clause");
        let abbreviated = question("Plans are shared with relevant agencies, e.g. through MAPPA.", None);
        assert_eq!(abbreviated.statement_text().as_deref(), Some("Plans are shared with relevant agencies, e.g. through MAPPA"));
        assert_eq!(
            abbreviated.statement_before_figure().as_deref(),
            Some("Plans are shared with relevant agencies, e.g. through MAPPA,"),
            "an example is a clause"
        );
        // A published finding keeps its words, and a comma after a clause a comma opened.
        let mut published = question(
            "Was the offender manager committed and motivating?",
            Some("The offender manager was committed to their work with the individual, and motivating"),
        );
        published.finding = Some("committed".into());
        assert_eq!(
            published.statement_before_figure().as_deref(),
            Some("The offender manager was committed to their work with the individual, and motivating,")
        );
        let mut where_only = question("Were managers involved where required?", Some("Managers were involved where required"));
        where_only.finding = Some("involved".into());
        assert_eq!(
            where_only.statement_before_figure().as_deref(),
            Some("Managers were involved where required"),
            "a published finding without a comma is kept as written"
        );
    }
}
