//! The HTML edition: the same report model the PDF is typeset from (`/data.json` and the chart
//! SVGs), through MiniJinja templates in `report-templates/html/` with HTML auto-escaping, as
//! one self-contained page (styles inline, charts as inline SVG with a title and a description,
//! no script, no request to any other server). No figure is computed here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::{Environment, Error, ErrorKind, State, Value};

use super::RenderedReport;
use crate::error::{Location, Problem};

/// The HTML templates, loaded once per run.
pub struct HtmlEdition {
    env: Environment<'static>,
    dir: PathBuf,
}

impl HtmlEdition {
    /// Loads every `*.html` template and `style.css` from `dir`.
    pub fn load(dir: &Path) -> Result<HtmlEdition, Problem> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // Every value escaped as HTML (the default for `.html` names, made explicit).
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Problem::io(dir, "read the HTML templates folder", &e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
            .collect();
        names.sort();
        for path in names {
            let name = path.file_name().expect("a file").to_string_lossy().into_owned();
            let source = crate::error::read_to_string(&path)?;
            env.add_template_owned(name, source).map_err(|e| problem(&path, &e))?;
        }
        let style = crate::error::read_to_string(&dir.join("style.css"))?;
        env.add_global("style", Value::from(style));
        env.add_function("chart_svg", chart_svg);
        env.add_filter("rating_class", |id: String| rating_class(&id));
        env.add_filter("count", |n: u64| super::words::count(n));
        env.add_filter("thousands", |n: u64| super::words::thousands(n));
        env.add_filter("capitalise", |s: String| super::words::upper_first(&s));
        Ok(HtmlEdition { env, dir: dir.to_path_buf() })
    }

    /// The report as one HTML page.
    pub fn render(&self, report: &RenderedReport) -> Result<String, Problem> {
        let name = report.template.replace(".typ", ".html");
        let path = self.dir.join(&name);
        let data: serde_json::Value =
            serde_json::from_slice(&report.data).map_err(|e| Problem::internal(Location::file(&path), format!("the report model is not JSON: {e}")))?;
        let charts: BTreeMap<String, String> = report.charts.iter().map(|(p, svg)| (p.clone(), String::from_utf8_lossy(svg).into_owned())).collect();
        let mut ratings = BTreeMap::new();
        rating_colours(&data, &mut ratings);
        let rating_css: String = ratings.iter().map(|(class, (bg, fg))| format!(".{class} {{ background: {bg}; color: {fg}; }}\n")).collect();
        let template = self.env.get_template(&name).map_err(|e| problem(&path, &e))?;
        let html = template
            .render(minijinja::context! { d => Value::from_serialize(&data), charts => Value::from_serialize(&charts), rating_css })
            .map_err(|e| problem(&path, &e))?;
        Ok(with_contents(&html))
    }
}

fn problem(path: &Path, e: &Error) -> Problem {
    let file = e.name().map_or_else(|| path.to_path_buf(), |n| path.parent().unwrap_or(Path::new("")).join(n));
    let mut location = Location::file(file);
    if let Some(line) = e.line() {
        location = location.row(line);
    }
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Problem::template(location, format!("HTML template error: {}{detail}", e.kind()))
        .with_hint("fix the MiniJinja template; every value it uses must exist in the report model")
}

/// A chart of the report as inline SVG, named by its caption and described by its alt text.
fn chart_svg(state: &State<'_, '_>, path: String, caption: String, alt: String, id: String) -> Result<Value, Error> {
    let charts = state.lookup("charts").ok_or_else(|| Error::new(ErrorKind::UndefinedError, "no charts"))?;
    let svg = charts.get_attr(&path)?;
    let Some(svg) = svg.as_str() else { return Err(Error::new(ErrorKind::UndefinedError, format!("no chart {path}"))) };
    let svg = svg.trim_start();
    let svg = svg.strip_prefix("<?xml").map_or(svg, |rest| rest.split_once("?>").map_or(rest, |(_, r)| r.trim_start()));
    let Some(rest) = svg.strip_prefix("<svg") else { return Err(Error::new(ErrorKind::InvalidOperation, format!("{path} is not an SVG"))) };
    let Some((attrs, body)) = rest.split_once('>') else { return Err(Error::new(ErrorKind::InvalidOperation, format!("{path} is not an SVG"))) };
    let id = escape(&id);
    let out = format!(
        "<svg role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" focusable=\"false\"{attrs}><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{body}",
        escape(&caption),
        escape(&alt)
    );
    Ok(Value::from_safe_string(out))
}

/// The class of a rating (its colours are the framework's, in the page's style sheet, not in
/// style attributes).
pub fn rating_class(id: &str) -> String {
    let safe: String = id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("rating-{safe}")
}

/// Every rating of the model (an object with `id`, `colour` and `text_colour`): its class and
/// colours.
fn rating_colours(value: &serde_json::Value, out: &mut BTreeMap<String, (String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(id), Some(bg), Some(fg)) =
                (map.get("id").and_then(|v| v.as_str()), map.get("colour").and_then(|v| v.as_str()), map.get("text_colour").and_then(|v| v.as_str()))
            {
                let colour = |c: &str| if c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit()) { c.to_string() } else { "inherit".to_string() };
                out.insert(rating_class(id), (colour(bg), colour(fg)));
            }
            map.values().for_each(|v| rating_colours(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| rating_colours(v, out)),
        _ => {}
    }
}

/// `text` as HTML text or attribute value.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Ids on the `h2` and `h3` headings, and the contents list of them where the layout marked
/// its place.
fn with_contents(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 4096);
    let mut contents: Vec<(u8, String, String)> = Vec::new();
    let mut rest = html;
    let mut n = 0;
    // Only the report's own headings: inside <main>.
    let main = html.find("<main").unwrap_or(0);
    out.push_str(&html[..main]);
    rest = &rest[main..];
    while let Some(at) = rest.find("<h") {
        let level = rest.as_bytes().get(at + 2).copied();
        let closes = rest.as_bytes().get(at + 3).copied() == Some(b'>');
        match level {
            Some(l @ (b'2' | b'3')) if closes => {
                n += 1;
                let id = format!("section-{n}");
                out.push_str(&rest[..at]);
                out.push_str(&format!("<h{} id=\"{id}\">", l as char));
                rest = &rest[at + 4..];
                let end = rest.find("</h").unwrap_or(rest.len());
                contents.push((l - b'0', id, rest[..end].to_string()));
            }
            _ => {
                out.push_str(&rest[..at + 2]);
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    // Each h2, with its h3s under it.
    let mut items: Vec<ContentsEntry<'_>> = Vec::new();
    for (level, id, text) in &contents {
        let text = strip_tags(text);
        match (level, items.last_mut()) {
            (3, Some(last)) => last.2.push((id, text)),
            (3, None) => {}
            _ => items.push((id, text, Vec::new())),
        }
    }
    let mut nav = String::from("<nav class=\"contents\" aria-labelledby=\"contents-heading\">\n<h2 id=\"contents-heading\">Contents</h2>\n<ol>\n");
    for (id, text, subs) in &items {
        nav.push_str(&format!("<li><a href=\"#{id}\">{text}</a>"));
        if !subs.is_empty() {
            nav.push_str("\n<ol>\n");
            for (id, text) in subs {
                nav.push_str(&format!("<li><a href=\"#{id}\">{text}</a></li>\n"));
            }
            nav.push_str("</ol>\n");
        }
        nav.push_str("</li>\n");
    }
    nav.push_str("</ol>\n</nav>");
    out.replacen("<!--contents-->", &nav, 1)
}

/// A heading of the contents list: its id, its text, and the headings under it.
type ContentsEntry<'a> = (&'a str, String, Vec<(&'a str, String)>);

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}
