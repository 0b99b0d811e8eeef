//! From figures to what a report says: the report model (typed, serialised to JSON for Typst),
//! its sentences (MiniJinja text model), its charts and its figures as CSV.

pub mod aggregate_report;
pub mod annexe;
pub mod area;
pub mod common;
pub mod figures_csv;
pub mod html;
pub mod quality;
pub mod questionnaire;
pub mod text;
pub mod words;

pub use text::TextModel;

/// What a rebuild of a published report needs to know to publish it as a correction.
#[derive(Debug, Clone)]
pub struct CorrectionInput {
    /// The figures CSV of the published version.
    pub previous_csv: String,
    /// Corrections already published in it, oldest first.
    pub earlier: Vec<crate::record::Correction>,
    /// Date and reason of this run's correction (`--as-of`, `--reason`), if given.
    pub new: Option<(crate::date::Date, String)>,
    /// Where the published version is kept if this rebuild corrects it.
    pub superseded: String,
    /// The recorded hashes of the published PDF and figures CSV.
    pub published: (String, String),
    /// Hashes of the published HTML edition and data annexe, where known.
    pub published_editions: (Option<String>, Option<String>),
    /// The recorded hashes of the published version's text, by part (empty for a report
    /// published before the record kept them: then only its figures are compared).
    pub previous_text: std::collections::BTreeMap<String, String>,
}

/// Hashes of a report model's text, by part (its top-level keys): a rebuild whose figures
/// are unchanged but whose wording changed is a correction too, naming the parts revised.
pub fn text_parts(model: &impl serde::Serialize) -> std::collections::BTreeMap<String, String> {
    let serde_json::Value::Object(map) = serde_json::to_value(model).unwrap_or_default() else { return Default::default() };
    map.into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "corrections" | "quality" | "kind" | "era"))
        .map(|(k, v)| (k, crate::record::hash(v.to_string().as_bytes())))
        .collect()
}

/// The glossary entries whose term the report uses: a term is used where some text of the
/// model (the glossary, and the keys in `unprinted` that its template does not print, aside)
/// has it at the start of a word, in any case ("offender managers" uses "Offender manager").
/// A report of a CRC defines no NPS-only term it never prints.
pub fn glossary_used(
    model: &impl serde::Serialize,
    glossary: Vec<crate::framework::GlossaryEntry>,
    unprinted: &[&str],
) -> Vec<crate::framework::GlossaryEntry> {
    fn strings(v: &serde_json::Value, unprinted: &[&str], out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push_str(&s.to_lowercase());
                out.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, unprinted, out)),
            serde_json::Value::Object(m) => {
                m.iter().filter(|(k, _)| k.as_str() != "glossary" && !unprinted.contains(&k.as_str())).for_each(|(_, v)| strings(v, unprinted, out))
            }
            _ => {}
        }
    }
    let mut text = String::new();
    strings(&serde_json::to_value(model).unwrap_or_default(), unprinted, &mut text);
    // Typographic and straight apostrophes alike.
    let text = text.replace('\u{2019}', "'");
    glossary
        .into_iter()
        .filter(|g| {
            let term = g.term.to_lowercase().replace('\u{2019}', "'");
            text.match_indices(&term).any(|(at, _)| text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
        })
        .collect()
}

/// How a correction notice names a part of a report's text.
fn part_name(key: &str) -> String {
    match key {
        "doc" => "the title page".into(),
        "area" => "the description of the area".into(),
        "framework" => "the description of the inspection".into(),
        "narrative" => "the findings and recommendations".into(),
        "summary" => "the summary".into(),
        "foreword" => "the foreword".into(),
        "sections" | "question_sections" => "the wording of the questions".into(),
        "standards" => "the standards and their findings".into(),
        "judged" => "the findings from fieldwork".into(),
        "questionnaires" => "the questionnaire findings".into(),
        "methodology" => "the methodology".into(),
        "glossary" => "the glossary".into(),
        "findings" => "the main findings".into(),
        "recommendations" => "the recommendations".into(),
        "charts" => "the chart descriptions".into(),
        other => format!("the {}", other.replace('_', " ")),
    }
}

/// The corrections a report prints, and the new one if its figures (of `groups`) changed
/// since the published version. A change without a date is refused: a correction is never
/// dated by the clock.
pub fn corrections(
    input: Option<&CorrectionInput>,
    groups: &[&str],
    records: &[figures_csv::FigureRecord],
    text: &std::collections::BTreeMap<String, String>,
    source: &std::path::Path,
) -> Result<(Vec<crate::record::Correction>, Option<crate::record::Correction>), crate::error::Problem> {
    let Some(c) = input else { return Ok((Vec::new(), None)) };
    let mut all = c.earlier.clone();
    let changed = quality::changed_figures(groups, records, &c.previous_csv).ok_or_else(|| {
        crate::error::Problem::data(
            crate::error::Location::file(source),
            "not republished: the published figures CSV of this report cannot be read, so whether this build corrects it cannot be told",
        )
        .with_hint("restore the report's `.figures.csv` from the backup")
    })?;
    let mut changes: Vec<crate::record::ChangedFigure> =
        changed.iter().map(|ch| crate::record::ChangedFigure { figure: ch.title.clone(), before: ch.before.clone(), after: ch.after.clone() }).collect();
    // Figures unchanged, wording changed: the parts revised (the figures name the parts when
    // they changed).
    if changes.is_empty() && !c.previous_text.is_empty() {
        let keys: std::collections::BTreeSet<&String> = c.previous_text.keys().chain(text.keys()).collect();
        changes = keys
            .into_iter()
            .filter(|k| c.previous_text.get(*k) != text.get(*k))
            .map(|k| crate::record::ChangedFigure { figure: format!("Text: {}", part_name(k)), before: "as published".into(), after: "revised".into() })
            .collect();
    }
    if changes.is_empty() {
        return Ok((all, None));
    }
    let Some((date, reason)) = &c.new else {
        let first = &changes[0];
        return Err(crate::error::Problem::data(
            crate::error::Location::file(source),
            format!(
                "not republished: {} figure(s) or passage(s) of this published report changed ({}: {}, was {}), and a correction needs its date and reason",
                changes.len(),
                first.figure,
                first.after,
                first.before
            ),
        )
        .with_hint("run again with --as-of YYYY-MM-DD --reason \"…\" (the date the correction is published, and why), or record the correction in the inspection file (`corrections:` with `date` and `reason`); the published version is kept"));
    };
    let new = crate::record::Correction { date: date.to_string(), shown_date: date.long(), reason: reason.clone(), changes, superseded: c.superseded.clone() };
    all.push(new.clone());
    Ok((all, Some(new)))
}

/// A report ready to typeset and publish.
pub struct RenderedReport {
    /// Typst entry template (`area.typ` or `aggregate.typ`).
    pub template: &'static str,
    /// The report model as JSON (read by the template as `/data.json`).
    pub data: Vec<u8>,
    /// Chart SVGs by virtual path.
    pub charts: Vec<(String, Vec<u8>)>,
    /// Every figure of the report, as CSV for analysts.
    pub figures_csv: Vec<u8>,
    /// Time spent drawing charts (included in the render time).
    pub chart_time: std::time::Duration,
    /// The correction this rebuild publishes, if it corrects a published report.
    pub correction: Option<crate::record::Correction>,
    /// Hashes of its text, by part ([`text_parts`]), for the record.
    pub text: std::collections::BTreeMap<String, String>,
}

/// Draws a chart, adding the time it took to `spent`.
fn draw(chart: &crate::charts::BarChart, spent: &mut std::time::Duration) -> String {
    draw_with(|| crate::charts::horizontal_bars(chart), spent)
}

/// A bar chart as figures no taller than a page holds: itself, or parts of about equal size, the
/// groups split between them in order, each with its caption and alt text marked as a part and,
/// when the data table has a row per group, its rows of the table. Its first part follows
/// `lead_in` points of text that stays with it (a heading and a paragraph): that part is that
/// much shorter.
pub(crate) fn bar_figures_after(
    chart: crate::charts::BarChart,
    path: &str,
    caption: &str,
    alt: &str,
    table: common::DataTable,
    spent: &mut std::time::Duration,
    lead_in: f64,
) -> Vec<(String, String, common::ChartRef)> {
    let height = crate::charts::bar_chart_height_pt(&chart);
    let n = chart.groups.len();
    let max = crate::charts::MAX_HEIGHT_PT;
    // A table with a row per bar, in the chart's order, splits with it: each part carries its
    // own rows, and a part is sized so that it and its rows share a page (a long chart's whole
    // table after its last part ran over pages of its own, its tail alone mid-chapter).
    let aligned = table.rows.len() == n && table.rows.iter().zip(&chart.groups).all(|(r, g)| r.first() == Some(&g.label));
    // A table row, and the label and header (two lines) above the rows, as typeset (points,
    // measured on the sample's pages).
    const ROW_PT: f64 = 17.8;
    // The page's text area (A4 less its margins, as `style.typ` sets them).
    const TEXT_HEIGHT_PT: f64 = 700.0;
    const TABLE_HEAD_PT: f64 = 58.0;
    let rows_height = |rows: usize| if aligned { TABLE_HEAD_PT + ROW_PT * rows as f64 } else { 0.0 };
    let mut parts = (((height + lead_in) / max).ceil() as usize).clamp(1, n.max(1));
    let chunks = loop {
        let per = n.div_ceil(parts).max(1);
        let chunks: Vec<std::ops::Range<usize>> = (0..n).step_by(per).map(|a| a..(a + per).min(n)).collect();
        // A chart of one part shares its page with its rows too (a table of 13 rows had run
        // three rows overleaf, above the next chart).
        let with_rows = |r: &std::ops::Range<usize>| rows_height(r.len());
        let fits = chunks.iter().enumerate().all(|(k, r)| {
            // A part with its rows may take the page but for its caption (two lines, 42 pt).
            // (Measured on the sample: the estimates run 20 to 50 pt over the typeset height of
            // a chart and its rows, with a header of two lines.)
            let room = if with_rows(r) > 0.0 { TEXT_HEIGHT_PT - 42.0 } else { max };
            crate::charts::bar_chart_height_pt(&chart.part(r.clone())) + with_rows(r) + if k == 0 { lead_in } else { 0.0 } <= room
        });
        if fits || per == 1 {
            break chunks;
        }
        parts += 1;
    };
    let note = |c: &crate::charts::BarChart| if crate::charts::marks_too_few(c) { " (* too few cases to draw a bar)" } else { "" };
    if chunks.len() <= 1 {
        let svg = draw(&chart, spent);
        let caption = format!("{caption}{}", note(&chart));
        return vec![(path.to_string(), svg, common::ChartRef { path: path.to_string(), caption, alt: alt.to_string(), table, with_rows: aligned })];
    }
    let m = chunks.len();
    // Otherwise the whole table after the last part.
    chunks
        .into_iter()
        .enumerate()
        .map(|(k, r)| {
            let part = chart.part(r.clone());
            let p = format!("{}-part{}.svg", path.trim_end_matches(".svg"), k + 1);
            let (first, last) = (&chart.groups[r.start].label, &chart.groups[r.end - 1].label);
            let rows = if aligned {
                table.rows[r.clone()].to_vec()
            } else if k + 1 == m {
                table.rows.clone()
            } else {
                Vec::new()
            };
            let figure = common::ChartRef {
                path: p.clone(),
                caption: format!("{caption} (part {} of {m}){}", k + 1, note(&part)),
                alt: format!("Part {} of {m} of the chart, from {first} to {last}. {alt}", k + 1),
                table: common::DataTable { columns: table.columns.clone(), rows },
                with_rows: aligned,
            };
            (p, draw(&part, spent), figure)
        })
        .collect()
}

/// Runs a chart drawing, adding its time to `spent`.
fn draw_with(drawing: impl FnOnce() -> String, spent: &mut std::time::Duration) -> String {
    let started = std::time::Instant::now();
    let svg = drawing();
    *spent += started.elapsed();
    svg
}

impl RenderedReport {
    /// The generated files the template may read.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![("/data.json".to_string(), self.data.clone())];
        files.extend(self.charts.iter().cloned());
        files
    }
}
