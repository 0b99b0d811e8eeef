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
