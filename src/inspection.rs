//! Inspection files (one folder per inspected area) and aggregate report definitions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{self, Problem};

/// Draft findings or a published report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Published,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fieldwork {
    pub start: Date,
    pub end: Date,
}

/// What the inspectors wrote: it reaches the report as text, never as markup.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub areas_for_improvement: Vec<String>,
    #[serde(default)]
    pub recommendations: Vec<String>,
    /// Contextual facts about the area (caseload, staffing, ...).
    #[serde(default)]
    pub context: Vec<String>,
    /// Per standard: strengths and areas for improvement (2018 standards).
    #[serde(default)]
    pub standards: BTreeMap<String, StandardNarrative>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardNarrative {
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub areas_for_improvement: Vec<String>,
}

/// One inspected area: `data/inspections/**/inspection.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionSpec {
    /// Framework id.
    pub framework: String,
    pub area: String,
    /// What the area is (`Probation Trust`, `Youth Offending Team`, `NPS division`).
    pub area_kind: String,
    pub region: String,
    /// Provider (`NPS`, `CRC`, or the trust itself); standards may apply to one provider only.
    pub provider: String,
    /// Inspection year such as `2011-12`: used in output paths and comparison sets.
    pub period: String,
    pub fieldwork: Fieldwork,
    pub publication_date: Date,
    pub status: Status,
    pub lead_inspector: String,
    #[serde(default)]
    pub isbn: Option<String>,
    #[serde(default)]
    pub acknowledgements: Option<String>,
    /// The case export (.csv or .xlsx), relative to the inspection file.
    pub cases: PathBuf,
    /// The worksheet of an .xlsx export; the first sheet when absent.
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub narrative: Narrative,
    /// Ratings of standards judged by inspectors, by standard id.
    #[serde(default)]
    pub judged_ratings: BTreeMap<String, String>,
    /// Questionnaires summarised in the report (victims' or sentencers' views): counts of
    /// answers given, not case assessments.
    #[serde(default)]
    pub questionnaires: Vec<Questionnaire>,
    /// Identifier: the folder name, unless given (set by the loader).
    #[serde(default)]
    pub id: String,
    #[serde(skip)]
    pub source: PathBuf,
}

/// A questionnaire's results: every question answered on the same scale.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// Heading in the report, such as `Victims' views`.
    pub title: String,
    /// Who answered, plural: `victims`, `sentencers`.
    pub respondents: String,
    /// How the views were gathered, or what they say, in the inspectors' words.
    #[serde(default)]
    pub summary: Option<String>,
    /// The answers offered, most positive first (`Yes, definitely`, `Yes, reasonably`,
    /// `Not really`).
    pub answers: Vec<String>,
    /// How many of the first answers count as positive in the summary (default: the first
    /// half, rounded up: two of three).
    #[serde(default)]
    pub positive: Option<usize>,
    pub questions: Vec<QuestionnaireQuestion>,
}

impl Questionnaire {
    pub fn positive_answers(&self) -> usize {
        self.positive.unwrap_or(self.answers.len().div_ceil(2))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireQuestion {
    pub text: String,
    /// How many gave each answer, in the order of `answers`.
    pub counts: Vec<u32>,
}

/// The questionnaires' shape: answers to choose from, and a count for each of them.
fn check_questionnaires(spec: &InspectionSpec, path: &Path) -> Result<(), Problem> {
    for (k, q) in spec.questionnaires.iter().enumerate() {
        let at = |key: String| error::Location::file(path).key(key);
        if q.answers.len() < 2 {
            return Err(Problem::data(at(format!("questionnaires[{k}].answers")), format!("`{}` offers {} answer(s)", q.title, q.answers.len()))
                .with_hint("list the answers offered, most positive first, such as [\"Yes, definitely\", \"Yes, reasonably\", \"Not really\"]"));
        }
        if q.positive.is_some_and(|p| p == 0 || p >= q.answers.len()) {
            return Err(Problem::data(at(format!("questionnaires[{k}].positive")), format!("`positive` must count some but not all of the {} answers of `{}`", q.answers.len(), q.title))
                .with_hint(format!("a number from 1 to {}, or leave it out", q.answers.len() - 1)));
        }
        if q.questions.is_empty() {
            return Err(Problem::data(at(format!("questionnaires[{k}].questions")), format!("`{}` has no question", q.title)).with_hint("add `questions: [{text, counts}]` or remove the questionnaire"));
        }
        for (j, question) in q.questions.iter().enumerate() {
            if question.counts.len() != q.answers.len() {
                return Err(Problem::data(
                    at(format!("questionnaires[{k}].questions[{j}].counts")),
                    format!("{} count(s) for the {} answers of `{}`", question.counts.len(), q.answers.len(), q.title),
                )
                .with_hint(format!("give one count per answer, in the order {}", q.answers.join(" / "))));
            }
        }
    }
    Ok(())
}

impl InspectionSpec {
    pub fn cases_path(&self) -> PathBuf {
        self.source.parent().unwrap_or(Path::new(".")).join(&self.cases)
    }
}

pub fn load_inspection(path: &Path) -> Result<InspectionSpec, Problem> {
    let text = error::read_to_string(path)?;
    let mut spec: InspectionSpec = crate::yaml::from_str(&text, path)?;
    spec.source = path.to_path_buf();
    if spec.id.is_empty() {
        spec.id = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| spec.area.clone());
    }
    check_questionnaires(&spec, path)?;
    Ok(spec)
}

/// The framework and period of an inspection file that does not load, if they can be read:
/// knowing them keeps a broken inspection from blocking the aggregates of other frameworks.
pub fn peek_set(path: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).ok()?;
    let get = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some((get("framework")?, get("period")?))
}

/// Which inspections an aggregate report covers: `{period: 2011-12}` or `{list: [a, b]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Every inspection of the framework in this period.
    #[serde(default)]
    pub period: Option<String>,
    /// These inspection ids (folder names).
    #[serde(default)]
    pub list: Option<Vec<String>>,
}

/// An aggregate report definition: `data/aggregates/*.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateSpec {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    pub framework: String,
    pub inspections: Selection,
    /// Period label for the report (`2011-12`).
    pub period: String,
    pub publication_date: Date,
    pub status: Status,
    #[serde(default)]
    pub isbn: Option<String>,
    #[serde(default)]
    pub summary: String,
    /// Recommendations of the report (a thematic's, to national bodies), printed as written.
    #[serde(default)]
    pub recommendations: Vec<String>,
    /// Compare the areas question by question (a thematic inspection's findings), not only
    /// on the headline figures.
    #[serde(default)]
    pub compare_questions: bool,
    /// The header of every page after the cover (default `<framework> <period>: aggregate
    /// report`).
    #[serde(default)]
    pub running_header: Option<String>,
    #[serde(skip)]
    pub source: PathBuf,
}

pub fn load_aggregate(path: &Path) -> Result<AggregateSpec, Problem> {
    let text = error::read_to_string(path)?;
    let mut spec: AggregateSpec = crate::yaml::from_str(&text, path)?;
    spec.source = path.to_path_buf();
    if spec.inspections.period.is_some() == spec.inspections.list.is_some() {
        return Err(Problem::data(crate::error::Location::file(path).key("inspections"), "say either `period` or `list`, not both or neither")
            .with_hint("`inspections: {period: 2011-12}` takes every inspection of the framework in that period"));
    }
    Ok(spec)
}
