//! Errors that carry their place: the file and, where there is one, the row, column or key.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Where in an input a problem was found, in the user's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file, relative to the project root where possible.
    pub file: PathBuf,
    /// 1-based row as a spreadsheet shows it (the header is row 1).
    pub row: Option<usize>,
    /// Column header name.
    pub column: Option<String>,
    /// Column letter as a spreadsheet shows it (`C`), for .xlsx exports.
    pub column_letter: Option<String>,
    /// YAML key path, such as `standards[2].key_questions`.
    pub key: Option<String>,
}

impl Location {
    pub fn file(path: impl AsRef<Path>) -> Self {
        Self { file: path.as_ref().to_path_buf(), ..Self::default() }
    }
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    pub fn letter(mut self, letter: Option<String>) -> Self {
        self.column_letter = letter;
        self
    }
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        match (&self.column_letter, &self.column) {
            (Some(letter), Some(column)) => write!(f, ", column {letter} `{column}`")?,
            (None, Some(column)) => write!(f, ", column `{column}`")?,
            (Some(letter), None) => write!(f, ", column {letter}")?,
            (None, None) => {}
        }
        if let Some(key) = &self.key {
            write!(f, ", key `{key}`")?;
        }
        Ok(())
    }
}

/// What kind of failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The data (frameworks, inspections, exports) is wrong: the user fixes a file.
    Data,
    /// A report template failed to compile.
    Template,
    /// Reading or writing files, or a bug.
    Internal,
}

/// One problem found in the inputs or while building, with its place and a hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: Kind,
    /// Boxed: problems travel in `Result`s on every path, and are rare.
    pub location: Box<Location>,
    pub message: String,
    pub hint: Option<String>,
    /// The offending stretch of a text file (template, YAML), to show as `typst compile` and
    /// cargo do: the line with the stretch underlined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<Box<Excerpt>>,
}

/// A stretch of a source file, for a diagnostic that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    /// The file as the message names it.
    pub file: String,
    /// The file's text.
    #[serde(skip)]
    pub source: String,
    /// Byte range of the stretch in `source`.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column of the start.
    pub line: usize,
    pub column: usize,
}

impl Excerpt {
    /// The stretch `range` of `source` (clamped to the text, on character boundaries).
    pub fn new(file: impl Into<String>, source: impl Into<String>, range: std::ops::Range<usize>) -> Excerpt {
        let source = source.into();
        let mut start = range.start.min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = range.end.clamp(start, source.len());
        while !source.is_char_boundary(end) {
            end += 1;
        }
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Excerpt { file: file.into(), source, start, end, line, column }
    }

    /// The stretch at 1-based `line` and `column` (a whole line when `column` is 0).
    pub fn at_line(file: impl Into<String>, source: impl Into<String>, line: usize, column: usize) -> Excerpt {
        let source = source.into();
        let line_start: usize = source.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
        let text = source[line_start.min(source.len())..].lines().next().unwrap_or("");
        let (start, end) = if column == 0 {
            (line_start, line_start + text.len())
        } else {
            let offset: usize = text.chars().take(column - 1).map(char::len_utf8).sum();
            let len = text[offset..].chars().next().map_or(0, char::len_utf8);
            (line_start + offset, line_start + offset + len)
        };
        Excerpt::new(file, source, start..end)
    }

    /// The same excerpt with the first `word` on its line underlined, when the line has it (a
    /// YAML key, say).
    pub fn underlining(mut self, word: &str) -> Excerpt {
        let line_start = self.source[..self.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.source[self.start..].find('\n').map_or(self.source.len(), |i| self.start + i);
        if let Some(at) = self.source[line_start..line_end].find(word).filter(|_| !word.is_empty()) {
            let start = line_start + at;
            self = Excerpt::new(self.file, self.source, start..start + word.len());
        }
        self
    }

    /// The excerpt as codespan-reporting renders it: the message, the file, line and column,
    /// the line itself with the stretch underlined, then `notes`.
    pub fn render(&self, severity: &str, message: &str, notes: Vec<String>, colour: bool) -> String {
        use codespan_reporting::diagnostic::{Diagnostic, Label};
        use codespan_reporting::files::SimpleFile;
        use codespan_reporting::term::{self, termcolor};
        let file = SimpleFile::new(self.file.as_str(), self.source.as_str());
        let diagnostic = if severity == "warning" { Diagnostic::warning() } else { Diagnostic::error() };
        let diagnostic = diagnostic.with_message(message).with_labels(vec![Label::primary((), self.start..self.end)]).with_notes(notes);
        let config = term::Config::default();
        let text = if colour {
            let styles = term::Styles::default();
            let mut ansi = termcolor::Ansi::new(Vec::new());
            let _ = term::emit_to_write_style(&mut term::StylesWriter::new(&mut ansi, &styles), &config, &file, &diagnostic);
            String::from_utf8_lossy(&ansi.into_inner()).into_owned()
        } else {
            term::emit_into_string(&config, &file, &diagnostic).unwrap_or_default()
        };
        text.trim_end().to_string()
    }
}

impl Problem {
    pub fn data(location: Location, message: impl Into<String>) -> Self {
        Self { kind: Kind::Data, location: Box::new(location), message: message.into(), hint: None, excerpt: None }
    }
    pub fn template(location: Location, message: impl Into<String>) -> Self {
        Self { kind: Kind::Template, location: Box::new(location), message: message.into(), hint: None, excerpt: None }
    }
    pub fn internal(location: Location, message: impl Into<String>) -> Self {
        Self { kind: Kind::Internal, location: Box::new(location), message: message.into(), hint: None, excerpt: None }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_excerpt(mut self, excerpt: Excerpt) -> Self {
        self.excerpt = Some(Box::new(excerpt));
        self
    }
    /// The problem as a terminal shows it: the one-line form, then the source excerpt where
    /// there is one.
    pub fn render(&self, severity: &str, colour: bool) -> String {
        let Some(x) = &self.excerpt else { return format!("{severity}: {self}") };
        let mut notes = Vec::new();
        let l = &self.location;
        if l.file.to_string_lossy() != x.file {
            notes.push(format!("in {l}"));
        } else if let Some(key) = &l.key {
            notes.push(format!("key `{key}`"));
        }
        if let Some(h) = &self.hint {
            notes.push(format!("hint: {h}"));
        }
        x.render(severity, &self.message, notes, colour)
    }
    /// An I/O failure on `path`, named.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Self::internal(Location::file(path), format!("could not {action}: {err}"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// Several problems at once: `check` reports every one, not only the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }
    /// `Ok(value)` when nothing was found, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems(vec![p])
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Reads a file, naming it in the error.
pub fn read_to_string(path: &Path) -> Result<String, Problem> {
    std::fs::read_to_string(path).map_err(|e| Problem::io(path, "read the file", &e))
}

/// Reads a file as bytes, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>, Problem> {
    std::fs::read(path).map_err(|e| Problem::io(path, "read the file", &e))
}

/// The candidate closest to `word` (case-insensitive edit distance in which swapping two
/// neighbouring letters counts as one edit, "Yse" → "Yes"), if it is close enough to be what
/// was meant.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&w, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(w.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("areaa", ["framework", "area", "region"]), Some("area"));
        assert_eq!(did_you_mean("lead_inspecter", ["lead_inspector", "region"]), Some("lead_inspector"));
        assert_eq!(did_you_mean("xyz", ["framework", "area"]), None);
        assert_eq!(did_you_mean("yse", ["Yes", "No"]), Some("Yes"));
    }

    #[test]
    fn locations_read_in_the_users_terms() {
        let l = Location::file("cases.xlsx").row(3).column("q1").letter(Some("C".into()));
        assert_eq!(l.to_string(), "cases.xlsx, row 3, column C `q1`");
        assert_eq!(Location::file("a.yaml").row(4).key("area").to_string(), "a.yaml, row 4, key `area`");
    }
}
