//! YAML reading with errors that name the file, line and key path, and show the line.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Excerpt, Location, Problem};

/// Parses `text` (read from `path`) into `T`, reporting the first error at its line, with the
/// key path that leads to it and the line itself.
pub fn from_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, Problem> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let segments: Vec<Segment> = e.path().iter().filter_map(Segment::from).collect();
        let e = e.into_inner();
        let message = e.to_string();
        // serde_yaml_ng appends " at line N column M"; the location says it.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let missing = message.strip_prefix("missing field `").and_then(|r| r.split('`').next()).map(str::to_string);
        // The key the error is about: where the path leads, plus a missing or repeated key's
        // own name.
        let duplicate = message.strip_prefix("duplicate field `").and_then(|r| r.split('`').next()).map(str::to_string);
        let mut key_path = segments.clone();
        if let Some(k) = missing.as_ref().or(duplicate.as_ref()) {
            key_path.push(Segment::Key(k.clone()));
        }
        let mut location = Location::file(path);
        if !key_path.is_empty() {
            location = location.key(render_path(&key_path));
        }
        // The line: the parser's own position when it has one inside the document; a value's
        // own check (a date that does not exist) and a missing key carry none or the start
        // of their mapping, so the line is found by following the key path in the text.
        let parser_line = e.location().map(|p| (p.line(), p.column())).filter(|(l, _)| *l > 1 || segments.is_empty());
        let found = if missing.is_some() {
            line_of(text, &segments).map(|l| (l, 0))
        } else if let Some(d) = &duplicate {
            // The second time the key appears in its mapping.
            second_key_line(text, &segments, d).map(|l| (l, 0))
        } else {
            None
        };
        let (line, column) = match (found, parser_line) {
            (Some(f), _) => (Some(f.0), f.1),
            (None, Some((l, c))) if missing.is_none() => {
                // A value error reported at its mapping's start: the path's own line is better.
                match line_of(text, &segments) {
                    Some(k) if k > l => (Some(k), 0),
                    _ => (Some(l), c),
                }
            }
            _ => (line_of(text, &segments), 0),
        };
        if let Some(l) = line {
            location = location.row(l);
        }
        let hint = if let Some((unknown, expected)) = unknown_field(&message) {
            match crate::error::did_you_mean(&unknown, expected.iter().map(String::as_str)) {
                Some(k) => format!("did you mean `{k}`?"),
                None => "remove the key or correct its spelling (the accepted keys are listed above)".into(),
            }
        } else if missing.is_some() {
            "add the key; docs/data-formats.md lists every required key".into()
        } else {
            "see docs/data-formats.md for the expected layout".into()
        };
        let problem = Problem::data(location, format!("invalid YAML: {message}")).with_hint(hint);
        match line {
            Some(l) if l <= text.lines().count() => {
                // The key the message is about, underlined on its line.
                let word = unknown_field(&message).map(|(u, _)| u).or_else(|| match key_path.last() {
                    Some(Segment::Key(k)) => Some(k.clone()),
                    _ => None,
                });
                let excerpt = Excerpt::at_line(path.display().to_string(), text, l, column);
                problem.with_excerpt(match word {
                    Some(w) => excerpt.underlining(&w),
                    None => excerpt,
                })
            }
            _ => problem,
        }
    })
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl Segment {
    fn from(s: &serde_path_to_error::Segment) -> Option<Segment> {
        match s {
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
        }
    }
}

/// `narrative.standards."2.7"`, `standards[2].key_questions`: keys that are not plain words
/// are quoted.
fn render_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !k.starts_with(|c: char| c.is_ascii_digit()) {
                    out.push_str(k);
                } else {
                    out.push_str(&format!("{k:?}"));
                }
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The 1-based line where `path` leads in block-style YAML `text` (keys at growing indents,
/// sequence items as `- `), or the deepest line it could follow (a flow-style list, for one).
fn line_of(text: &str, path: &[Segment]) -> Option<usize> {
    struct Line<'a> {
        /// Column of a sequence item's `-`.
        dash: Option<usize>,
        /// Column where the line's key (or value) starts.
        indent: usize,
        body: &'a str,
    }
    let lines: Vec<Option<Line<'_>>> = text
        .lines()
        .map(|l| {
            let body = l.trim_start();
            if body.is_empty() || body.starts_with('#') || body == "---" {
                return None;
            }
            let indent = l.len() - body.len();
            match body.strip_prefix('-').filter(|r| r.is_empty() || r.starts_with([' ', '\t'])) {
                Some(rest) => {
                    let content = rest.trim_start();
                    Some(Line { dash: Some(indent), indent: indent + 1 + (rest.len() - content.len()), body: content })
                }
                None => Some(Line { dash: None, indent, body }),
            }
        })
        .collect();
    let (mut from, mut to, mut parent) = (0usize, lines.len(), None::<usize>);
    let mut at = None;
    let deeper = |x: usize, p: Option<usize>| p.is_none_or(|p| x > p);
    for seg in path {
        let range = || (from..to).filter_map(|i| lines[i].as_ref().map(|l| (i, l)));
        let found = match seg {
            Segment::Key(key) => {
                let Some(c) = range().map(|(_, l)| l.indent).filter(|&x| deeper(x, parent)).min() else { break };
                let hit = range().find(|(_, l)| {
                    l.indent == c && l.body.split_once(':').map(|(n, _)| n.trim().trim_matches(|q| q == '"' || q == '\'')) == Some(key.as_str())
                });
                hit.map(|(i, _)| {
                    let end = (i + 1..to).find(|&j| lines[j].as_ref().is_some_and(|l| l.indent <= c || l.dash.is_some_and(|d| d < c))).unwrap_or(to);
                    (i, i + 1, end, c)
                })
            }
            Segment::Index(n) => {
                let Some(d) = range().filter_map(|(_, l)| l.dash).filter(|&x| deeper(x, parent) || parent == Some(x)).min() else { break };
                let hit = range().filter(|(_, l)| l.dash == Some(d)).nth(*n);
                hit.map(|(i, _)| {
                    let end = (i + 1..to).find(|&j| lines[j].as_ref().is_some_and(|l| l.dash.is_some_and(|x| x <= d) || l.indent <= d)).unwrap_or(to);
                    (i, i, end, d)
                })
            }
        };
        let Some((i, next_from, end, level)) = found else { break };
        at = Some(i + 1);
        from = next_from;
        to = end;
        parent = Some(level);
    }
    at
}

/// The line of the second `key:` of the mapping `path` leads to (a duplicate key).
fn second_key_line(text: &str, path: &[Segment], key: &str) -> Option<usize> {
    let mut full = path.to_vec();
    full.push(Segment::Key(key.to_string()));
    let first = line_of(text, &full)?;
    let lines: Vec<&str> = text.lines().collect();
    let first_line = lines.get(first - 1)?;
    let indent = first_line.len() - first_line.trim_start().len();
    let is_key = |l: &str| {
        let body = l.trim_start();
        l.len() - body.len() == indent && body.split_once(':').is_some_and(|(n, _)| n.trim().trim_matches(|q| q == '"' || q == '\'') == key)
    };
    (first..lines.len()).find(|&i| is_key(lines[i])).map(|i| i + 1)
}

/// From "unknown field `x`, expected one of `a`, `b`": the unknown key and the accepted ones.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((unknown.to_string(), expected))
}
