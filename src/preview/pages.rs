//! The preview's own pages, from MiniJinja templates with HTML escaping on (every value a
//! report or a problem brings, however hostile, is shown as text).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use minijinja::{context, Environment};
use serde::Serialize;

use super::builder::{Report, State};

pub(crate) const SCRIPT: &str = include_str!("assets/preview.js");
pub(crate) const STYLE: &str = include_str!("assets/preview.css");

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` names: HTML auto-escaping.
        for (name, text) in [
            ("layout.html", include_str!("assets/layout.html")),
            ("index.html", include_str!("assets/index.html")),
            ("report.html", include_str!("assets/report.html")),
            ("panel.html", include_str!("assets/panel.html")),
            ("problems.html", include_str!("assets/problems.html")),
        ] {
            env.add_template(name, text).expect("the preview's own templates are valid");
        }
        env
    })
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| format!("<!DOCTYPE html><title>Error</title><pre>{}</pre>", crate::render::html::escape(&e.to_string())))
}

#[derive(Serialize)]
struct Row<'a> {
    slug: &'a str,
    title: &'a str,
    framework: &'a str,
    period: &'a str,
    kind: &'static str,
    status: &'static str,
    result: String,
    result_class: &'static str,
}

pub(crate) fn index(state: &State) -> String {
    let mut rows: Vec<Row<'_>> = state
        .reports
        .values()
        .map(|r| {
            let problems = r.problems().count();
            let (result, class) = if problems > 0 {
                (format!("{problems} problem{}", if problems == 1 { "" } else { "s" }), "failed")
            } else if r.stale {
                ("being made".to_string(), "")
            } else {
                (format!("{} pages, made in {:.2} s", r.page_count, r.rendered.map_or(0.0, |(_, t)| t.as_secs_f64())), "")
            };
            Row {
                slug: &r.slug,
                title: &r.title,
                framework: &r.framework,
                period: &r.period,
                kind: if r.aggregate { "aggregate" } else { "area" },
                status: r.status,
                result,
                result_class: class,
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.framework, a.period, a.kind == "area", a.title).cmp(&(b.framework, b.period, b.kind == "area", b.title)));
    let rendering = state.reports.values().filter(|r| r.stale && r.in_plan).count();
    let problems: Vec<&String> = state.engine_problem.iter().chain(&state.general).collect();
    render("index.html", context! { reports => rows, rendering, problems, kept => false, ready => state.ready, data => &state.data })
}

/// A report's page, whole.
pub(crate) fn report(r: &Report, state: &State) -> String {
    let problems: Vec<&String> = r.problems().chain(&state.engine_problem).collect();
    let (rows, changed, compared) = figures(r);
    let rated = rows.iter().any(|f| !f.rating.is_empty());
    render(
        "report.html",
        context! {
            r => context! { slug => &r.slug, title => &r.title, version => r.version, pages => &r.pages },
            status => status(r),
            problems, kept => !r.pages.is_empty(),
            rows, changed, compared, rated,
        },
    )
}

/// What a report page fetches when told it changed.
pub(crate) fn report_json(r: &Report, state: &State) -> String {
    let problems: Vec<&String> = r.problems().chain(&state.engine_problem).collect();
    let (rows, changed, compared) = figures(r);
    let rated = rows.iter().any(|f| !f.rating.is_empty());
    let panel = render("panel.html", context! { rows, changed, compared, rated });
    let problems = render("problems.html", context! { problems, kept => !r.pages.is_empty() });
    serde_json::json!({
        "version": r.version,
        "pages": r.pages,
        "panel": panel,
        "problems": problems,
        "status": status(r),
        "stale": r.stale,
    })
    .to_string()
}

fn status(r: &Report) -> String {
    let what = if r.aggregate { "Aggregate report" } else { "Area report" };
    let made = match (r.stale || r.pages.is_empty() && r.render_problems.is_empty(), r.rendered, r.pages.len()) {
        (true, _, 0) => "being made…".to_string(),
        (true, _, n) => format!("{n} pages; being made again…"),
        (false, Some((_, took)), n) => format!("{n} pages, made in {:.2} s", took.as_secs_f64()),
        (false, None, _) => "not made (see the problem above)".to_string(),
    };
    format!("{what}, {} {}, {} in the data. {made}", r.framework, r.period, r.status)
}

#[derive(Serialize)]
struct Figure {
    key: String,
    group: String,
    kind: String,
    title: String,
    breakdown: String,
    yes: String,
    no: String,
    relevant: String,
    percent: String,
    rating: String,
    was: String,
    change: &'static str,
}

/// The report's figures, each compared with the published report's: rows, how many differ,
/// whether there is a published version.
fn figures(r: &Report) -> (Vec<Figure>, usize, bool) {
    let published: Option<BTreeMap<String, Vec<String>>> =
        r.published_figures.as_deref().map(|csv| read(csv).into_iter().map(|row| (key(&row), row)).collect());
    let mut changed = 0;
    let rows = read(&r.figures)
        .into_iter()
        .map(|row| {
            let k = key(&row);
            let get = |i: usize| row.get(i).cloned().unwrap_or_default();
            let (was, change) = match published.as_ref().map(|p| p.get(&k)) {
                None => (String::new(), ""),
                Some(None) => (String::new(), "new"),
                Some(Some(old)) => {
                    let shown = |row: &Vec<String>| {
                        if row.get(11).is_some_and(|r| !r.is_empty()) {
                            row[11].clone()
                        } else {
                            format!("{}%", row.get(9).cloned().unwrap_or_default())
                        }
                    };
                    // yes, no, relevant answers, percent, rating
                    let same = [5, 6, 7, 9, 11].iter().all(|&i| old.get(i) == row.get(i));
                    (shown(old), if same { "" } else { "changed" })
                }
            };
            if !change.is_empty() {
                changed += 1;
            }
            Figure {
                key: k,
                group: get(0),
                kind: get(1),
                title: get(3),
                breakdown: get(4),
                yes: get(5),
                no: get(6),
                relevant: get(7),
                percent: if get(9).is_empty() { String::new() } else { format!("{}%", get(9)) },
                rating: get(11),
                was,
                change,
            }
        })
        .collect();
    (rows, changed, published.is_some())
}

/// The rows of a figures CSV (header left out).
fn read(csv: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.as_bytes())
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

/// group, kind, id, breakdown: what a figure is.
fn key(row: &[String]) -> String {
    [0, 1, 2, 4].iter().map(|&i| row.get(i).map_or("", String::as_str)).collect::<Vec<_>>().join("|")
}
