//! Inspection files (one folder per inspected area) and aggregate report definitions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{self, Problem, Problems};

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
    /// Who the recommendations are addressed to, where not the framework's addressee (the
    /// provider by default): "The Strategic Management Board".
    #[serde(default)]
    pub recommendations_to: Option<String>,
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
    /// Corrections of this inspection's data after publication, each with its date and
    /// reason: a report republished because of one is dated and explained by it (unless
    /// `--as-of` and `--reason` are given).
    #[serde(default)]
    pub corrections: Vec<DataCorrection>,
    /// Identifier: the folder name, unless given (set by the loader).
    #[serde(default)]
    pub id: String,
    #[serde(skip)]
    pub source: PathBuf,
}

/// A correction of an inspection's data, as the inspectors recorded it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataCorrection {
    pub date: Date,
    pub reason: String,
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

/// A recommendation of an aggregate report: a sentence, or those addressed to one body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Recommendation {
    Sentence(String),
    To { to: String, items: Vec<String> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireQuestion {
    pub text: String,
    /// How many gave each answer, in the order of `answers`.
    pub counts: Vec<u64>,
    /// The published findings the shares of this question reproduce, by answer (or `positive`,
    /// for the share of the positive answers together): for the tests and the sample
    /// generator; reports ignore it.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub findings: std::collections::BTreeMap<String, String>,
}

/// The most answers one question of one area's questionnaire may count: far above any real
/// questionnaire, far below any limit of arithmetic over thousands of areas.
pub const MAX_COUNT: u64 = 1_000_000;

/// The questionnaires' shape: answers to choose from, and a count for each of them.
fn check_questionnaires(spec: &InspectionSpec, path: &Path) -> Result<(), Problem> {
    for (k, q) in spec.questionnaires.iter().enumerate() {
        let at = |key: String| error::Location::file(path).key(key);
        if q.answers.len() < 2 {
            return Err(Problem::data(at(format!("questionnaires[{k}].answers")), format!("`{}` offers {} answer(s)", q.title, q.answers.len()))
                .with_hint("list the answers offered, most positive first, such as [\"Yes, definitely\", \"Yes, reasonably\", \"Not really\"]"));
        }
        if q.positive.is_some_and(|p| p == 0 || p >= q.answers.len()) {
            return Err(Problem::data(
                at(format!("questionnaires[{k}].positive")),
                format!("`positive` must count some but not all of the {} answers of `{}`", q.answers.len(), q.title),
            )
            .with_hint(format!("a number from 1 to {}, or leave it out", q.answers.len() - 1)));
        }
        if q.questions.is_empty() {
            return Err(Problem::data(at(format!("questionnaires[{k}].questions")), format!("`{}` has no question", q.title))
                .with_hint("add `questions: [{text, counts}]` or remove the questionnaire"));
        }
        for (j, question) in q.questions.iter().enumerate() {
            if let Some(&n) = question.counts.iter().find(|&&n| n > MAX_COUNT) {
                return Err(Problem::data(
                    at(format!("questionnaires[{k}].questions[{j}].counts")),
                    format!("a count of {n} answers is not believable for one area's questionnaire"),
                )
                .with_hint(format!("counts are numbers of people who answered, at most {MAX_COUNT}")));
            }
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

pub fn load_inspection(path: &Path) -> Result<InspectionSpec, Problems> {
    let text = error::read_to_string(path)?;
    let mut spec: InspectionSpec = crate::yaml::from_str(&text, path)?;
    spec.source = path.to_path_buf();
    if spec.id.is_empty() {
        spec.id = path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| spec.area.clone());
    }
    check_questionnaires(&spec, path)?;
    check_text(&spec, path)?;
    breakable_narrative(&mut spec.narrative);
    Ok(spec)
}

/// Inspectors' text may hold words longer than a line (a pasted address, a run of letters):
/// an invisible break opportunity (U+200B) every 20 characters of such a word lets the line
/// break there instead of running off the page. Nothing visible changes.
pub fn breakable(text: &str) -> String {
    const LONG: usize = 30;
    if !text.split_whitespace().any(|w| w.chars().count() > LONG) {
        return text.to_string();
    }
    // Words of up to LONG characters are left whole: only a long run gets breaks.
    text.split_inclusive(char::is_whitespace).map(|w| if w.trim_end().chars().count() > LONG { breakable_word(w) } else { w.to_string() }).collect()
}

fn breakable_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + word.len() / 20 * 3);
    for (i, c) in word.chars().enumerate() {
        if i > 0 && i % 20 == 0 && !c.is_whitespace() {
            out.push('\u{200B}');
        }
        out.push(c);
    }
    out
}

fn breakable_narrative(n: &mut Narrative) {
    n.summary = breakable(&n.summary);
    for list in [&mut n.strengths, &mut n.areas_for_improvement, &mut n.recommendations, &mut n.context] {
        list.iter_mut().for_each(|t| *t = breakable(t));
    }
    for st in n.standards.values_mut() {
        st.strengths.iter_mut().for_each(|t| *t = breakable(t));
        st.areas_for_improvement.iter_mut().for_each(|t| *t = breakable(t));
    }
}

/// What a report prints must be there: a name on the cover, words in every list item; and
/// the id and period, which become parts of the output path, must be safe there.
fn check_text(spec: &InspectionSpec, path: &Path) -> Result<(), Problems> {
    let mut problems = Problems::default();
    let at = |key: &str| error::Location::file(path).key(key);
    if let Err(why) = crate::ids::check(&spec.id) {
        let key = if path.parent().and_then(|p| p.file_name()).is_some_and(|n| n.to_string_lossy() == spec.id) { "(folder name)" } else { "id" };
        problems.push(
            Problem::data(at(key), format!("inspection id `{}` {why}", spec.id))
                .with_hint(format!("the id (the folder name unless `id` is given) names the report's file: {}", crate::ids::HINT)),
        );
    }
    if let Err(why) = crate::ids::check(&spec.period) {
        problems.push(
            Problem::data(at("period"), format!("period `{}` {why}", spec.period))
                .with_hint(format!("the period names the report's folder: {}", crate::ids::HINT)),
        );
    }
    for (key, value) in
        [("area", &spec.area), ("area_kind", &spec.area_kind), ("region", &spec.region), ("provider", &spec.provider), ("lead_inspector", &spec.lead_inspector)]
    {
        if value.trim().is_empty() {
            problems.push(Problem::data(at(key), format!("`{key}` is empty")).with_hint("the report prints it: write it as it should appear"));
        }
    }
    // Dates in their order: a report is published after its fieldwork, which ends after it starts.
    if spec.fieldwork.end < spec.fieldwork.start {
        problems.push(
            Problem::data(at("fieldwork.end"), format!("the fieldwork ends ({}) before it starts ({})", spec.fieldwork.end, spec.fieldwork.start))
                .with_hint("check the two dates"),
        );
    }
    if spec.publication_date < spec.fieldwork.end {
        problems.push(
            Problem::data(
                at("publication_date"),
                format!("the report is published ({}) before its fieldwork ends ({})", spec.publication_date, spec.fieldwork.end),
            )
            .with_hint("check the publication date: it also decides which areas the report is compared with"),
        );
    }
    let n = &spec.narrative;
    let mut lists: Vec<(String, &Vec<String>)> = vec![
        ("narrative.strengths".into(), &n.strengths),
        ("narrative.areas_for_improvement".into(), &n.areas_for_improvement),
        ("narrative.recommendations".into(), &n.recommendations),
        ("narrative.context".into(), &n.context),
    ];
    for (id, st) in &n.standards {
        lists.push((format!("narrative.standards.{}.strengths", quote_key(id)), &st.strengths));
        lists.push((format!("narrative.standards.{}.areas_for_improvement", quote_key(id)), &st.areas_for_improvement));
    }
    for (key, list) in lists {
        if let Some(i) = list.iter().position(|t| t.trim().is_empty()) {
            problems.push(Problem::data(at(&format!("{key}[{i}]")), "an empty item").with_hint("write the finding, or remove the empty `-` line"));
        }
    }
    if spec.status == Status::Published && n.recommendations.is_empty() {
        problems.push(
            Problem::data(at("narrative.recommendations"), "a published report needs its recommendations")
                .with_hint("list them under `narrative.recommendations`; while they are being written, mark the inspection `status: draft`"),
        );
    }
    problems.into_result(())
}

/// What an inspection file says about its framework must exist there: its provider, when the
/// framework has standards for some providers only; every standard or criterion its narrative
/// and judged ratings name (findings under a mistyped key would vanish from the report).
pub fn check_against(spec: &InspectionSpec, fw: &crate::framework::FrameworkSpec) -> Result<(), Problems> {
    let mut problems = Problems::default();
    let at = |key: String| error::Location::file(&spec.source).key(key);
    let suggest = |word: &str, known: &[&str]| match error::did_you_mean(word, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`? The framework has: {}", known.join(", ")),
        None => format!("the framework has: {}", known.join(", ")),
    };
    let mut providers: Vec<&str> = fw.standards.iter().filter_map(|s| s.providers.as_ref()).flatten().map(String::as_str).collect();
    providers.sort_unstable();
    providers.dedup();
    if !providers.is_empty() && !providers.contains(&spec.provider.as_str()) {
        problems.push(
            Problem::data(
                at("provider".into()),
                format!("provider `{}` is not one the framework's standards name, so its provider-specific standards would be left out", spec.provider),
            )
            .with_hint(suggest(&spec.provider, &providers)),
        );
    }
    let standards: Vec<&str> = fw.standards.iter().filter(|s| s.applies_to(&spec.provider)).map(|s| s.id.as_str()).collect();
    let criteria: Vec<&str> = fw.judged_sections.iter().flat_map(|j| j.criteria.iter().map(|c| c.id.as_str())).collect();
    let known: Vec<&str> = standards.iter().chain(&criteria).copied().collect();
    for key in spec.narrative.standards.keys() {
        if known.is_empty() {
            problems.push(
                Problem::data(
                    at(format!("narrative.standards.{}", quote_key(key))),
                    format!("{} has no standards or judged criteria: these findings would not be printed", fw.short_name),
                )
                .with_hint("put the findings in `narrative.strengths` and `narrative.areas_for_improvement`"),
            );
        } else if !known.contains(&key.as_str()) {
            problems.push(
                Problem::data(
                    at(format!("narrative.standards.{}", quote_key(key))),
                    format!(
                        "`{key}` is not a standard or criterion of {} for provider `{}`: these findings would not be printed",
                        fw.short_name, spec.provider
                    ),
                )
                .with_hint(suggest(key, &known)),
            );
        }
    }
    let judged: Vec<&str> =
        fw.standards.iter().filter(|s| s.applies_to(&spec.provider) && s.rule == crate::framework::StandardRule::Judged).map(|s| s.id.as_str()).collect();
    for key in spec.judged_ratings.keys() {
        if !judged.contains(&key.as_str()) {
            let hint = if judged.is_empty() {
                format!("{} has no standard rated by inspectors: remove `judged_ratings`", fw.short_name)
            } else {
                suggest(key, &judged)
            };
            problems.push(
                Problem::data(
                    at(format!("judged_ratings.{}", quote_key(key))),
                    format!("`{key}` is not a standard rated by inspectors: this rating would not be used"),
                )
                .with_hint(hint),
            );
        }
    }
    problems.into_result(())
}

/// A key as a key path shows it: quoted unless it is a plain word.
pub fn quote_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.starts_with(|c: char| c.is_ascii_digit()) {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// The framework and period of an inspection file that does not load, if they can be read:
/// knowing them keeps a broken inspection from blocking the aggregates of other frameworks.
pub fn peek_set(path: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).ok()?;
    let get = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some((get("framework")?, get("period")?))
}

/// The publication date of an inspection file that does not load, if it can be read.
pub fn peek_date(path: &Path) -> Option<Date> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).ok()?;
    Date::parse(value.get("publication_date")?.as_str()?).ok()
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
    /// Recommendations of the report (a thematic's, to national bodies): each a sentence
    /// printed as written, or a group `{to, items}` printed as "<to> should ensure that:" and
    /// its items, as the annual report grouped them by the body addressed.
    #[serde(default)]
    pub recommendations: Vec<Recommendation>,
    /// Compare the areas question by question (a thematic inspection's findings), not only
    /// on the headline figures.
    #[serde(default)]
    pub compare_questions: bool,
    /// A national report (a thematic inspection's): the areas are not ranked. No lowest and
    /// highest area is named, and charts give the areas in the order of the tables.
    #[serde(default)]
    pub national: bool,
    /// The header of every page after the cover (default `<framework> <period>: aggregate
    /// report`).
    #[serde(default)]
    pub running_header: Option<String>,
    /// The order of the areas in its tables, as the programme published them.
    #[serde(default)]
    pub order: AreaOrder,
    /// Where the report brings together part of a programme (IAOW's first six inspections,
    /// which all looked at violent offenders), what its methodology says instead of the
    /// framework's own text: each field given replaces the framework's.
    #[serde(default)]
    pub method: MethodText,
    #[serde(skip)]
    pub source: PathBuf,
}

/// Passages of a methodology that an aggregate definition may restate (see
/// [`crate::framework::Method`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MethodText {
    /// How the cases were selected.
    #[serde(default)]
    pub cases: Option<String>,
    /// The fieldwork.
    #[serde(default)]
    pub fieldwork: Option<String>,
    /// Whose views were sought by questionnaire.
    #[serde(default)]
    pub questionnaires: Option<String>,
}

/// The order of the areas in an aggregate report's tables.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AreaOrder {
    /// By region, then by name (the CCI annual tables).
    #[default]
    Region,
    /// In the order their reports were published (the OMI 2 annual tables).
    Inspection,
    /// By name.
    Name,
}

impl AreaOrder {
    /// The sentence above a table saying how its areas are listed; `unit` is plural
    /// (`Probation Trusts`).
    pub fn sentence(self, units: &str) -> String {
        let units = {
            let mut c = units.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        };
        match self {
            AreaOrder::Region => format!("{units} are listed by region, then in alphabetical order."),
            AreaOrder::Inspection => format!("{units} are listed in the order in which their inspection reports were published."),
            AreaOrder::Name => format!("{units} are listed in alphabetical order."),
        }
    }
}

pub fn load_aggregate(path: &Path) -> Result<AggregateSpec, Problem> {
    let text = error::read_to_string(path)?;
    let mut spec: AggregateSpec = crate::yaml::from_str(&text, path)?;
    spec.source = path.to_path_buf();
    let at = |key: &str| crate::error::Location::file(path).key(key);
    if spec.inspections.period.is_some() == spec.inspections.list.is_some() {
        return Err(Problem::data(at("inspections"), "say either `period` or `list`, not both or neither")
            .with_hint("`inspections: {period: 2011-12}` takes every inspection of the framework in that period"));
    }
    if let Err(why) = crate::ids::check(&spec.id) {
        return Err(
            Problem::data(at("id"), format!("aggregate id `{}` {why}", spec.id)).with_hint(format!("the id names the report's file: {}", crate::ids::HINT))
        );
    }
    if spec.title.trim().is_empty() {
        return Err(Problem::data(at("title"), "`title` is empty").with_hint("the report prints it on its cover"));
    }
    if let Some(list) = &spec.inspections.list {
        if list.is_empty() {
            return Err(Problem::data(at("inspections.list"), "the list of inspections is empty")
                .with_hint("name the inspections (their folder names) the report covers"));
        }
        for (i, id) in list.iter().enumerate() {
            if list[..i].contains(id) {
                return Err(Problem::data(
                    at(&format!("inspections.list[{i}]")),
                    format!("inspection `{id}` is listed twice: its cases would be counted twice"),
                )
                .with_hint("list each inspection once"));
            }
        }
    }
    Ok(spec)
}
