//! The text model: sentences generated from the figures by MiniJinja templates in
//! `report-templates/text/`. Output is plain text that reaches Typst as JSON strings, so
//! nothing in a name or a narrative can become markup.

use std::path::{Path, PathBuf};

use minijinja::{Environment, Value};
use serde::Serialize;

use super::words::proportion_words;
use crate::error::{Excerpt, Location, Problem};

/// The MiniJinja environment with the text templates loaded once.
pub struct TextModel {
    env: Environment<'static>,
    dir: PathBuf,
    /// The HTML edition's templates (`../html/` beside the text templates).
    pub html: super::html::HtmlEdition,
}

impl TextModel {
    /// Loads every `*.j2` file in `dir`, and the HTML edition's templates beside it.
    pub fn load(dir: &Path) -> Result<TextModel, Problem> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // Plain text out: no HTML escaping (the text is data to Typst, not markup).
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.add_filter("words", |p: f64| proportion_words(p));
        env.add_filter("count", |n: u64| super::words::count(n));
        env.add_filter("lower_first", |s: String| super::words::lower_first(&s));
        env.add_filter("thousands", |n: u64| super::words::thousands(n));
        // A numbered title's number (`2.1`), or nothing; and the title without it.
        env.add_filter("title_number", |s: String| super::words::title_number(&s).map(|(n, _)| n.to_string()).unwrap_or_default());
        env.add_filter("title_text", |s: String| super::words::title_number(&s).map_or(s.clone(), |(_, t)| t.to_string()));
        env.add_filter("capitalise", |s: String| {
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        });
        // A percentage in running text as the report's era wrote it (`doc.front.percent`: "%"
        // or " per cent"): a number gets it after it, a figure as shown ("72%", "3 of 7") has
        // its sign replaced.
        env.add_filter("pc", |state: &minijinja::State, v: minijinja::Value| -> String {
            let sign = state
                .lookup("doc")
                .and_then(|d| d.get_attr("front").ok())
                .and_then(|f| f.get_attr("percent").ok())
                .and_then(|p| p.as_str().map(str::to_string))
                .unwrap_or_else(|| "%".into());
            match v.as_str() {
                Some(s) => s.replace('%', &sign),
                None => format!("{v}{sign}"),
            }
        });
        // A question quoted inside a sentence loses its own full stop: "… reoffending", done well.
        env.add_filter("quoted", |s: String| s.trim_end().trim_end_matches('.').to_string());
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Problem::io(dir, "read the text templates folder", &e))?
            .map(|e| e.map(|e| e.path()).map_err(|e| Problem::io(dir, "read the text templates folder", &e)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "j2"))
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().expect("a file").to_string_lossy().into_owned();
            let source = crate::error::read_to_string(&path)?;
            env.add_template_owned(name, source).map_err(|e| template_problem(&path, &e))?;
        }
        let html = super::html::HtmlEdition::load(&dir.parent().unwrap_or(Path::new(".")).join("html"))?;
        Ok(TextModel { env, dir: dir.to_path_buf(), html })
    }

    /// Renders `name` with `context` into paragraphs (separated by blank lines), each with
    /// its whitespace collapsed.
    pub fn paragraphs<S: Serialize>(&self, name: &str, context: &S) -> Result<Vec<String>, Problem> {
        let template = self.env.get_template(name).map_err(|e| template_problem_in(&self.dir.join(name), &e, Some(&self.env)))?;
        let text = template.render(Value::from_serialize(context)).map_err(|e| template_problem_in(&self.dir.join(name), &e, Some(&self.env)))?;
        Ok(text.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect())
    }

    /// Renders `name` into one line of text.
    pub fn line<S: Serialize>(&self, name: &str, context: &S) -> Result<String, Problem> {
        Ok(self.paragraphs(name, context)?.join(" "))
    }
}

/// A MiniJinja error placed in the template it happened in (an included or imported one too,
/// not only the one rendered), with the offending stretch of its source.
fn template_problem(path: &Path, e: &minijinja::Error) -> Problem {
    template_problem_in(path, e, None)
}

fn template_problem_in(path: &Path, e: &minijinja::Error, env: Option<&Environment<'static>>) -> Problem {
    let dir = path.parent().unwrap_or(Path::new(""));
    let file = e.name().map_or_else(|| path.to_path_buf(), |n| dir.join(n));
    let mut location = Location::file(&file);
    if let Some(line) = e.line() {
        location = location.row(line);
    }
    let mut message = format!("text template error: {}", e.kind());
    if let Some(detail) = e.detail() {
        message.push_str(&format!(": {detail}"));
    }
    let problem = Problem::template(location, message).with_hint("fix the MiniJinja template; every value it uses must exist in the report model");
    // The template's text: from the environment once loaded, else from the file.
    let source =
        e.name().and_then(|n| env.and_then(|env| env.get_template(n).ok()).map(|t| t.source().to_string())).or_else(|| std::fs::read_to_string(&file).ok());
    let excerpt = match (source, e.range(), e.line()) {
        (Some(src), Some(range), _) => Some(Excerpt::new(file.display().to_string(), src, range)),
        (Some(src), None, Some(line)) => Some(Excerpt::at_line(file.display().to_string(), src, line, 0)),
        _ => None,
    };
    match excerpt {
        Some(x) => problem.with_excerpt(x),
        None => problem,
    }
}
