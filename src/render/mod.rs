//! From figures to what a report says: the report model (typed, serialised to JSON for Typst),
//! its sentences (MiniJinja text model), its charts and its figures as CSV.

pub mod aggregate_report;
pub mod area;
pub mod common;
pub mod figures_csv;
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
}

/// The corrections a report prints, and the new one if its figures (of `groups`) changed
/// since the published version. A change without a date is refused: a correction is never
/// dated by the clock.
pub fn corrections(
    input: Option<&CorrectionInput>,
    groups: &[&str],
    records: &[figures_csv::FigureRecord],
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
    if changed.is_empty() {
        return Ok((all, None));
    }
    let Some((date, reason)) = &c.new else {
        let first = &changed[0];
        return Err(crate::error::Problem::data(
            crate::error::Location::file(source),
            format!(
                "not republished: {} figure(s) of this published report changed ({}: {}, was {}), and a correction needs its date and reason",
                changed.len(),
                first.title,
                first.after,
                first.before
            ),
        )
        .with_hint("run again with --as-of YYYY-MM-DD --reason \"…\" (the date the correction is published, and why); the published version is kept"));
    };
    let new = crate::record::Correction {
        date: date.to_string(),
        shown_date: date.long(),
        reason: reason.clone(),
        changes: changed.into_iter().map(|ch| crate::record::ChangedFigure { figure: ch.title, before: ch.before, after: ch.after }).collect(),
        superseded: c.superseded.clone(),
    };
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
}

/// Draws a chart, adding the time it took to `spent`.
fn draw(chart: &crate::charts::BarChart, spent: &mut std::time::Duration) -> String {
    draw_with(|| crate::charts::horizontal_bars(chart), spent)
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
