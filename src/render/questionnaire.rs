//! Questionnaires (victims' and sentencers' views): counts of answers given in an inspection
//! file, shown as a stacked bar per question with a key, its data table and alt text.

use serde::Serialize;

use super::common::{ChartRef, DataTable};
use super::TextModel;
use crate::charts::{Segment, StackedChart, StackedRow};
use crate::colour::Rgb;
use crate::error::Problem;
use crate::inspection::Questionnaire;

#[derive(Debug, Clone, Serialize)]
pub struct QuestionnaireView {
    pub title: String,
    pub respondents: String,
    pub summary: Option<String>,
    /// The fewest and the most answers any question received.
    pub responses_min: u64,
    pub responses_max: u64,
    pub chart: ChartRef,
}

/// Fills of the answers, most positive first: dark to light blues.
const FILLS: [&str; 6] = ["#1d4f91", "#2f67b0", "#5d8cc8", "#9dbbe0", "#cfdcee", "#eef3f9"];

/// Black or white, whichever reads better on `fill`.
fn text_on(fill: &str) -> String {
    Rgb::parse(fill).expect("palette colours parse").best_text().hex()
}

/// The views of `questionnaires`, in order; their charts (path, SVG, reference) are added to
/// `charts`, the report's chart files.
pub fn views(
    questionnaires: &[Questionnaire],
    text: &TextModel,
    chart_time: &mut std::time::Duration,
    charts: &mut Vec<(String, String, ChartRef)>,
) -> Result<Vec<QuestionnaireView>, Problem> {
    let mut out = Vec::with_capacity(questionnaires.len());
    for (k, q) in questionnaires.iter().enumerate() {
        let (path, svg, view) = view(q, k, text, chart_time)?;
        charts.push((path, svg, view.chart.clone()));
        out.push(view);
    }
    Ok(out)
}

/// The view and the SVG of questionnaire number `k` of an inspection.
fn view(q: &Questionnaire, k: usize, text: &TextModel, chart_time: &mut std::time::Duration) -> Result<(String, String, QuestionnaireView), Problem> {
    let fills: Vec<&str> = (0..q.answers.len()).map(|i| FILLS[(i * (FILLS.len() - 1)) / (q.answers.len() - 1).max(1)]).collect();
    let short = crate::charts::abbreviations(&q.answers);
    let chart = StackedChart {
        rows: q
            .questions
            .iter()
            .map(|question| StackedRow {
                label: question.text.clone(),
                segments: question
                    .counts
                    .iter()
                    .enumerate()
                    .map(|(i, &n)| Segment {
                        text: format!("{} {}", short[i], share(n, &question.counts)),
                        count: n,
                        fill: fills[i].into(),
                        text_colour: text_on(fills[i]),
                    })
                    .collect(),
            })
            .collect(),
        percent: true,
        key: q.answers.iter().enumerate().map(|(i, a)| (short[i].clone(), a.clone(), fills[i].to_string(), text_on(fills[i]))).collect(),
    };
    let positive = q.positive_answers();
    let rows: Vec<serde_json::Value> = q
        .questions
        .iter()
        .map(|question| {
            let total: u64 = question.counts.iter().sum();
            let good: u64 = question.counts[..positive].iter().sum();
            serde_json::json!({ "text": question.text, "total": total, "positive": good })
        })
        .collect();
    let ctx = serde_json::json!({ "title": q.title, "respondents": q.respondents, "positive_answers": &q.answers[..positive], "questions": rows });
    let alt = text.line("alt-questionnaire.j2", &ctx)?;
    let mut columns = vec!["Question".to_string()];
    columns.extend(q.answers.iter().cloned());
    // With more than two answers, the positive ones together ("yes, definitely" and
    // "reasonably"), as reports of the programmes gave them.
    let together = q.answers.len() > 2;
    if together {
        columns.push("Positive answers".into());
    }
    columns.push("Answers".into());
    let table = DataTable {
        columns,
        rows: q
            .questions
            .iter()
            .map(|question| {
                [
                    vec![question.text.clone()],
                    question.counts.iter().map(|&n| format!("{} ({})", super::words::thousands(n), share(n, &question.counts))).collect(),
                    if together {
                        let good: u64 = question.counts[..positive].iter().sum();
                        vec![format!("{} ({})", super::words::thousands(good), share(good, &question.counts))]
                    } else {
                        Vec::new()
                    },
                    vec![super::words::thousands(question.counts.iter().sum::<u64>())],
                ]
                .concat()
            })
            .collect(),
    };
    let path = format!("/charts/questionnaire-{}.svg", k + 1);
    let svg = super::draw_with(|| crate::charts::stacked_bars(&chart), chart_time);
    let totals = q.questions.iter().map(|question| question.counts.iter().sum::<u64>());
    let (responses_min, responses_max) = (totals.clone().min().unwrap_or(0), totals.max().unwrap_or(0));
    let view = QuestionnaireView {
        title: q.title.clone(),
        respondents: q.respondents.clone(),
        summary: q.summary.clone(),
        responses_min,
        responses_max,
        chart: ChartRef {
            path: path.clone(),
            caption: if q.questions.len() == 1 {
                format!("{}: share of the answers of {}", q.title, q.respondents)
            } else {
                format!("{}: share of the answers of {} to each question", q.title, q.respondents)
            },
            alt,
            table,
            with_rows: false,
        },
    };
    Ok((path, svg, view))
}

/// `n` as a whole percentage of the answers `counts` (half up), as the inspectorate's charts of
/// questionnaires gave them: `96%`.
fn share(n: u64, counts: &[u64]) -> String {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return "–".into();
    }
    format!("{}%", (200 * n + total) / (2 * total))
}

/// The questionnaires of several inspections pooled: counts of the same question (same title,
/// same answers, same wording) added up, in the order first met.
pub fn pool<'a>(inspections: impl IntoIterator<Item = &'a crate::inspection::InspectionSpec>) -> Vec<Questionnaire> {
    let mut pooled: Vec<(Questionnaire, usize)> = Vec::new();
    for insp in inspections {
        for q in &insp.questionnaires {
            let at = match pooled.iter().position(|(p, _)| p.title == q.title && p.answers == q.answers && p.positive_answers() == q.positive_answers()) {
                Some(at) => at,
                None => {
                    pooled.push((Questionnaire { questions: Vec::new(), summary: None, ..q.clone() }, 0));
                    pooled.len() - 1
                }
            };
            let (p, areas) = &mut pooled[at];
            *areas += 1;
            for question in &q.questions {
                match p.questions.iter_mut().find(|x| x.text == question.text) {
                    Some(x) => x.counts.iter_mut().zip(&question.counts).for_each(|(a, b)| *a += b),
                    None => p.questions.push(question.clone()),
                }
            }
        }
    }
    pooled
        .into_iter()
        .map(|(mut q, areas)| {
            // The most answers any question had: the respondents the next sentence counts on.
            let most: u64 = q.questions.iter().map(|x| x.counts.iter().sum::<u64>()).max().unwrap_or(0);
            q.summary = Some(if areas == 1 {
                format!("In the one area, {} {} answered the questionnaire.", super::words::thousands(most), q.respondents)
            } else {
                format!(
                    "Across the {} areas, {} {} answered the questionnaire.",
                    super::words::count(areas as u64),
                    super::words::thousands(most),
                    q.respondents
                )
            });
            q
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_questionnaires_add_the_counts_of_the_same_question() {
        let yaml = |counts: &str| {
            let text = format!("framework: f\narea: A\narea_kind: k\nregion: r\nprovider: p\nperiod: 2013-14\nfieldwork: {{start: 2013-05-01, end: 2013-05-05}}\npublication_date: 2013-08-01\nstatus: published\nlead_inspector: X\ncases: c.csv\nquestionnaires:\n  - {{title: Victims, respondents: victims, answers: [Yes, No], questions: [{{text: Q1, counts: {counts}}}]}}\n");
            serde_yaml_ng::from_str::<crate::inspection::InspectionSpec>(&text).unwrap()
        };
        let (a, b) = (yaml("[3, 1]"), yaml("[2, 4]"));
        let pooled = pool([&a, &b]);
        assert_eq!(pooled.len(), 1);
        assert_eq!(pooled[0].questions[0].counts, [5, 5]);
        assert_eq!(pooled[0].summary.as_deref(), Some("Across the two areas, 10 victims answered the questionnaire."));
    }

    #[test]
    fn every_answer_fill_has_legible_text() {
        for n in 2..=FILLS.len() {
            for i in 0..n {
                let fill = FILLS[(i * (FILLS.len() - 1)) / (n - 1)];
                let contrast = Rgb::parse(fill).unwrap().contrast(Rgb::parse(&text_on(fill)).unwrap());
                assert!(contrast >= crate::colour::MIN_TEXT_CONTRAST, "{fill}: {contrast:.2}");
            }
        }
    }
}
