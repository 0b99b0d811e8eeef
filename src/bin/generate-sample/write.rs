//! Writes an inspection folder (inspection.yaml and cases.csv) and aggregate definitions.

use std::collections::HashMap;
use std::path::Path;

use inspection_reports::date::Date;
use inspection_reports::framework::FrameworkSpec;
use serde_yaml_ng::{Mapping, Value};

use crate::fit::QuestionParams;
use crate::narrative::Narr;
use crate::rng::Rng;

pub struct Area {
    pub name: String,
    pub kind: String,
    pub region: String,
    pub provider: String,
    pub period: String,
    pub publication: String,
    pub status: &'static str,
}

const INSPECTORS: &[&str] =
    &["Helen Davies", "Martin Clarke", "Joanna Price", "Andrew Morris", "Siân Roberts", "Rajesh Patel", "Fiona Campbell", "Tom Ashworth"];

/// The rating id of a profile letter: O outstanding, G good, R requires improvement, I inadequate.
pub fn rating_id(letter: char) -> &'static str {
    match letter {
        'O' => "outstanding",
        'G' => "good",
        'R' => "requires_improvement",
        _ => "inadequate",
    }
}

pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').to_string()
}

fn v(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

fn list(items: &[String]) -> Value {
    Value::Sequence(items.iter().map(|s| v(s.clone())).collect())
}

#[allow(clippy::too_many_arguments)]
pub fn inspection(
    fw: &FrameworkSpec,
    dir: &Path,
    area: &Area,
    cases: &[HashMap<String, String>],
    relevant: &[u32],
    yes: &[u32],
    inside: &HashMap<usize, (u32, u32)>,
    params: &HashMap<&str, QuestionParams>,
    rng: &mut Rng,
    narr: &Narr,
) -> Result<(), String> {
    let folder = dir.join(slug(&area.name));
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;

    // Answers: which eligible cases are relevant, and which relevant ones are Yes.
    let n = cases.len();
    let mut answers = vec![vec!["N/A"; fw.questions.len()]; n];
    for (qi, q) in fw.questions.iter().enumerate() {
        let p = params.get(q.id.as_str()).copied().unwrap_or_default();
        let mut eligible: Vec<usize> = (0..n).filter(|&c| p.eligible.is_none_or(|(col, vals)| vals.contains(&cases[c][col].as_str()))).collect();
        rng.shuffle(&mut eligible);
        match (inside.get(&qi), q.splits.first()) {
            (Some(&(r_in, y_in)), Some(split)) => {
                // The answers among the cases of the split's value, and the others apart.
                let (ins, outs): (Vec<usize>, Vec<usize>) = eligible.iter().partition(|&&c| cases[c][&split.column] == split.value);
                for (pool, r, y) in [(ins, r_in, y_in), (outs, relevant[qi] - r_in, yes[qi] - y_in)] {
                    if (r as usize) > pool.len() {
                        return Err(format!("{}: {} relevant answers among {} eligible cases", q.id, r, pool.len()));
                    }
                    for (k, &c) in pool.iter().take(r as usize).enumerate() {
                        answers[c][qi] = if k < y as usize { "Yes" } else { "No" };
                    }
                }
            }
            _ => {
                let r = (relevant[qi] as usize).min(eligible.len());
                for (k, &c) in eligible.iter().take(r).enumerate() {
                    answers[c][qi] = if k < yes[qi] as usize { "Yes" } else { "No" };
                }
            }
        }
    }
    let prefix: String = area.name.chars().filter(|c| c.is_ascii_uppercase()).collect();
    let mut w = csv::Writer::from_path(folder.join("cases.csv")).map_err(|e| e.to_string())?;
    let mut header = vec![fw.case_id_column.clone()];
    header.extend(fw.characteristics.iter().map(|c| c.column.clone()));
    header.extend(fw.questions.iter().map(|q| q.id.clone()));
    w.write_record(&header).map_err(|e| e.to_string())?;
    for (c, case) in cases.iter().enumerate() {
        let mut row = vec![format!("{}{:04}", if prefix.is_empty() { "C" } else { &prefix }, c + 1)];
        row.extend(fw.characteristics.iter().map(|ch| case[&ch.column].clone()));
        row.extend(answers[c].iter().map(|a| a.to_string()));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;

    // Fieldwork about ten weeks before publication, from a Monday to a Friday; reports are
    // published on a weekday.
    let p = Date::parse(&area.publication)?;
    let published = p.weekday_on_or_after();
    let (y, m) = if p.month > 3 { (p.year, p.month - 3) } else { (p.year - 1, p.month + 9) };
    let start = Date { year: y, month: m, day: 3 + (rng.range(0, 14) as u8) };
    let start = (0..(7 - start.weekday()) % 7).fold(start, |d, _| d.next_day());
    // Monday to Friday of the last of the framework's fieldwork weeks.
    let days = 4 + 7 * (u32::from(fw.method.fieldwork_weeks.max(1)) - 1);
    let end = (0..days).fold(start, |d, _| d.next_day());

    let mut doc = Mapping::new();
    doc.insert(v("framework"), v(fw.id.clone()));
    doc.insert(v("area"), v(area.name.clone()));
    doc.insert(v("area_kind"), v(area.kind.clone()));
    doc.insert(v("region"), v(area.region.clone()));
    doc.insert(v("provider"), v(area.provider.clone()));
    doc.insert(v("period"), v(area.period.clone()));
    let mut fieldwork = Mapping::new();
    fieldwork.insert(v("start"), v(start.to_string()));
    fieldwork.insert(v("end"), v(end.to_string()));
    doc.insert(v("fieldwork"), Value::Mapping(fieldwork));
    doc.insert(v("publication_date"), v(published.to_string()));
    doc.insert(v("status"), v(area.status));
    doc.insert(v("lead_inspector"), v(INSPECTORS[rng.range(0, INSPECTORS.len() as u32 - 1) as usize]));
    doc.insert(
        v("acknowledgements"),
        v({
            // The body inspected, named as its recommendations address it.
            let body = match area.provider.as_str() {
                "NPS and CRC" => format!("the National Probation Service and the Community Rehabilitation Company in {}", area.name),
                "NPS" => format!("the {}", area.name),
                "CRC" => area.name.clone(),
                other => other.to_string(),
            };
            if fw.method.local_assessors {
                format!("We are grateful to the staff and managers of {body} and to the local assessors who helped us with this inspection.")
            } else {
                format!("We are grateful to the staff and managers of {body}, who helped us with this inspection.")
            }
        }),
    );
    doc.insert(v("cases"), v("cases.csv"));
    let mut narrative = Mapping::new();
    narrative.insert(v("summary"), v(narr.summary.clone()));
    narrative.insert(v("strengths"), list(&narr.strengths));
    narrative.insert(v("areas_for_improvement"), list(&narr.areas_for_improvement));
    narrative.insert(v("recommendations"), list(&narr.recommendations));
    narrative.insert(v("context"), list(&narr.context));
    if !narr.standards.is_empty() {
        let mut st = Mapping::new();
        for (id, s, a) in &narr.standards {
            let mut m = Mapping::new();
            m.insert(v("strengths"), list(s));
            m.insert(v("areas_for_improvement"), list(a));
            st.insert(v(id.clone()), Value::Mapping(m));
        }
        narrative.insert(v("standards"), Value::Mapping(st));
    }
    doc.insert(v("narrative"), Value::Mapping(narrative));
    if !narr.questionnaires.is_empty() {
        let qs = narr
            .questionnaires
            .iter()
            .map(|(title, respondents, summary, answers, questions)| {
                let mut m = Mapping::new();
                m.insert(v("title"), v(title.clone()));
                m.insert(v("respondents"), v(respondents.clone()));
                m.insert(v("summary"), v(summary.clone()));
                m.insert(v("answers"), list(answers));
                let qs = questions
                    .iter()
                    .map(|(text, counts, findings)| {
                        let mut q = Mapping::new();
                        q.insert(v("text"), v(text.clone()));
                        q.insert(v("counts"), Value::Sequence(counts.iter().map(|&n| Value::Number(n.into())).collect()));
                        if !findings.is_empty() {
                            let mut f = Mapping::new();
                            for (answer, subject) in findings {
                                f.insert(v(answer.clone()), v(subject.clone()));
                            }
                            q.insert(v("findings"), Value::Mapping(f));
                        }
                        Value::Mapping(q)
                    })
                    .collect();
                m.insert(v("questions"), Value::Sequence(qs));
                Value::Mapping(m)
            })
            .collect();
        doc.insert(v("questionnaires"), Value::Sequence(qs));
    }
    if !narr.judged.is_empty() {
        let mut j = Mapping::new();
        for (id, r) in &narr.judged {
            j.insert(v(id.clone()), v(r.clone()));
        }
        doc.insert(v("judged_ratings"), Value::Mapping(j));
    }
    let text = format!(
        "# Sample data made by `cargo run --release --bin generate-sample`; do not edit by hand.\n{}",
        serde_yaml_ng::to_string(&Value::Mapping(doc)).map_err(|e| e.to_string())?
    );
    std::fs::write(folder.join("inspection.yaml"), text).map_err(|e| e.to_string())
}

#[allow(clippy::too_many_arguments)]
pub fn aggregate(data: &Path, id: &str, title: &str, subtitle: &str, framework: &str, period: &str, date: &str, summary: &str) -> Result<(), String> {
    aggregate_of(data, id, title, subtitle, framework, period, None, date, summary)
}

/// The national report of a thematic inspection: an aggregate of every inspection of the
/// period that compares the areas question by question, with recommendations.
#[allow(clippy::too_many_arguments)]
pub fn thematic(
    data: &Path,
    id: &str,
    title: &str,
    subtitle: &str,
    framework: &str,
    period: &str,
    date: &str,
    summary: &str,
    recommendations: &[(&str, &[&str])],
    header: &str,
) -> Result<(), String> {
    aggregate_of(data, id, title, subtitle, framework, period, None, date, summary)?;
    let path = data.join("aggregates").join(format!("{id}.yaml"));
    let mut doc: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let m = doc.as_mapping_mut().expect("a mapping");
    // Grouped by the body addressed, as the annual report grouped them.
    let groups = recommendations
        .iter()
        .map(|(to, items)| {
            let mut g = Mapping::new();
            g.insert(v("to"), v(*to));
            g.insert(v("items"), list(&items.iter().map(|r| r.to_string()).collect::<Vec<_>>()));
            Value::Mapping(g)
        })
        .collect();
    m.insert(v("recommendations"), Value::Sequence(groups));
    m.insert(v("compare_questions"), Value::Bool(true));
    // One national report: the areas are not ranked.
    m.insert(v("national"), Value::Bool(true));
    m.insert(v("running_header"), v(header));
    let text = format!(
        "# Sample data made by `cargo run --release --bin generate-sample`; do not edit by hand.\n{}",
        serde_yaml_ng::to_string(&doc).map_err(|e| e.to_string())?
    );
    std::fs::write(path, text).map_err(|e| e.to_string())
}

/// Sets `key` of the aggregate definition `id` to `value`.
pub fn set_key(data: &Path, id: &str, key: &str, value: &str) -> Result<(), String> {
    set_value(data, id, key, v(value))
}

/// Sets `key` of the aggregate definition `id` to a value of any shape.
pub fn set_value(data: &Path, id: &str, key: &str, value: Value) -> Result<(), String> {
    let path = data.join("aggregates").join(format!("{id}.yaml"));
    let mut doc: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    doc.as_mapping_mut().expect("a mapping").insert(v(key), value);
    let text = format!(
        "# Sample data made by `cargo run --release --bin generate-sample`; do not edit by hand.\n{}",
        serde_yaml_ng::to_string(&doc).map_err(|e| e.to_string())?
    );
    std::fs::write(path, text).map_err(|e| e.to_string())
}

/// An aggregate definition covering the inspections of `list` (folder names), or, without a
/// list, every inspection of the period.
#[allow(clippy::too_many_arguments)]
pub fn aggregate_of(
    data: &Path,
    id: &str,
    title: &str,
    subtitle: &str,
    framework: &str,
    period: &str,
    list: Option<&[String]>,
    date: &str,
    summary: &str,
) -> Result<(), String> {
    let dir = data.join("aggregates");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut doc = Mapping::new();
    doc.insert(v("id"), v(id));
    doc.insert(v("title"), v(title));
    doc.insert(v("subtitle"), v(subtitle));
    doc.insert(v("framework"), v(framework));
    let mut sel = Mapping::new();
    match list {
        Some(ids) => sel.insert(v("list"), Value::Sequence(ids.iter().map(|i| v(i.clone())).collect())),
        None => sel.insert(v("period"), v(period)),
    };
    doc.insert(v("inspections"), Value::Mapping(sel));
    doc.insert(v("period"), v(period));
    doc.insert(v("publication_date"), v(Date::parse(date)?.weekday_on_or_after().to_string()));
    doc.insert(v("status"), v("published"));
    doc.insert(v("summary"), v(summary));
    let text = format!(
        "# Sample data made by `cargo run --release --bin generate-sample`; do not edit by hand.\n{}",
        serde_yaml_ng::to_string(&Value::Mapping(doc)).map_err(|e| e.to_string())?
    );
    std::fs::write(dir.join(format!("{id}.yaml")), text).map_err(|e| e.to_string())
}
