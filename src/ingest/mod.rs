//! Case exports into validated case tables, with every problem placed at its row and column.
//!
//! Validation happens here, cell by cell, before any figure is computed: Polars sees only
//! answers that are known to be Yes, No or Not applicable.

mod csv_export;
mod xlsx_export;

use std::path::{Path, PathBuf};

use crate::error::{Location, Problem, Problems};
use crate::framework::{Answer, FrameworkSpec};

pub use csv_export::{parse_csv as csv_grid, read_csv};
pub use xlsx_export::{column_letter, read_xlsx};

/// At most this many cell problems are listed per file; the rest are counted.
const MAX_CELL_PROBLEMS: usize = 25;

/// The validated cases of one inspection, columns in framework order.
#[derive(Debug, Clone)]
pub struct CaseTable {
    pub source: PathBuf,
    pub case_ids: Vec<String>,
    /// One column per framework characteristic, in framework order: each case's value as its
    /// index in the characteristic's `values` (validated, so always in range).
    pub characteristics: Vec<Vec<u16>>,
    /// One column per framework question, in framework order.
    pub answers: Vec<Vec<Answer>>,
    /// Per question, in framework order: cells left empty (read as Not applicable if the
    /// framework allows it), for the data-quality page of drafts.
    pub blank_answers: Vec<u32>,
    /// Things worth saying that do not stop the build (unknown extra columns).
    pub warnings: Vec<Problem>,
}

impl CaseTable {
    pub fn len(&self) -> usize {
        self.case_ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.case_ids.is_empty()
    }
}

/// A grid of text cells as read from a file: the header row and the data rows, each with the
/// row number the user sees (the header is row 1).
pub struct RawGrid {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// Column letters by header position, for spreadsheets (`None` for CSV).
    pub letters: Option<Vec<String>>,
}

impl RawGrid {
    fn letter(&self, index: usize) -> Option<String> {
        self.letters.as_ref().and_then(|l| l.get(index).cloned())
    }
}

/// Reads the export at `path` for `framework`; `sheet` names the worksheet of an .xlsx file
/// (the first one when `None`).
pub fn read_export(path: &Path, sheet: Option<&str>, framework: &FrameworkSpec) -> Result<CaseTable, Problems> {
    let grid = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => read_csv(path)?,
        Some("xlsx") => read_xlsx(path, sheet)?,
        _ => {
            return Err(Problem::data(Location::file(path), "unsupported case export format")
                .with_hint("export the cases as CSV (UTF-8) or as an Excel workbook (.xlsx)")
                .into())
        }
    };
    validate_grid(path, &grid, framework)
}

/// Checks a grid against the framework and turns it into a case table.
pub fn validate_grid(path: &Path, grid: &RawGrid, framework: &FrameworkSpec) -> Result<CaseTable, Problems> {
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
    let at = || Location::file(path);
    let find = |name: &str| grid.header.iter().position(|h| h.trim() == name);

    // Columns.
    let id_col = find(&framework.case_id_column);
    if id_col.is_none() {
        problems.push(
            Problem::data(at().row(1), format!("the case id column `{}` is missing", framework.case_id_column))
                .with_hint("the first row must hold column names; one of them identifies the case"),
        );
    }
    let question_cols: Vec<Option<usize>> = framework.questions.iter().map(|q| find(&q.id)).collect();
    for (q, col) in framework.questions.iter().zip(&question_cols) {
        if col.is_none() {
            problems.push(
                Problem::data(at().row(1), format!("question column `{}` of framework `{}` is missing", q.id, framework.id))
                    .with_hint(format!("add a column `{}` ({}) with an answer for every case", q.id, q.text)),
            );
        }
    }
    let char_cols: Vec<Option<usize>> = framework.characteristics.iter().map(|c| find(&c.column)).collect();
    for (c, col) in framework.characteristics.iter().zip(&char_cols) {
        if col.is_none() {
            problems.push(Problem::data(at().row(1), format!("characteristic column `{}` is missing", c.column)).with_hint(format!(
                "add a column `{}` with one of: {}",
                c.column,
                c.values.join(", ")
            )));
        }
    }
    for (i, h) in grid.header.iter().enumerate() {
        let known = Some(i) == id_col || question_cols.contains(&Some(i)) || char_cols.contains(&Some(i));
        if let Some(first) = grid.header[..i].iter().position(|o| o.trim() == h.trim() && !h.trim().is_empty()) {
            let first_at = grid.letter(first).map_or_else(|| format!("column {}", first + 1), |l| format!("column {l}"));
            problems.push(
                Problem::data(at().row(1).column(h.trim()).letter(grid.letter(i)), format!("column `{}` appears twice (first as {first_at})", h.trim()))
                    .with_hint("keep one column of that name: which one holds the answers cannot be guessed"),
            );
            continue;
        }
        if !known {
            warnings.push(
                Problem::data(
                    at().row(1).column(h.clone()).letter(grid.letter(i)),
                    format!("column `{h}` is not part of framework `{}` and is ignored", framework.id),
                )
                .with_hint("remove the column, or check its name against the framework's question ids"),
            );
        }
    }
    if grid.rows.is_empty() {
        problems.push(Problem::data(at(), "the export has no cases (header only or empty)").with_hint("export one row per case under the header row"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // Cells.
    let id_col = id_col.expect("checked above");
    let mut case_ids = Vec::with_capacity(grid.rows.len());
    let mut answers: Vec<Vec<Answer>> = vec![Vec::with_capacity(grid.rows.len()); framework.questions.len()];
    let mut characteristics: Vec<Vec<u16>> = vec![Vec::with_capacity(grid.rows.len()); framework.characteristics.len()];
    let mut blank_answers = vec![0u32; framework.questions.len()];
    let mut seen = std::collections::HashMap::new();
    let mut cell_problems = 0usize;
    let mut report = |problems: &mut Problems, p: Problem| {
        cell_problems += 1;
        if cell_problems <= MAX_CELL_PROBLEMS {
            problems.push(p);
        }
    };
    for (row, cells) in &grid.rows {
        let row = *row;
        if cells.len() != grid.header.len() {
            report(
                &mut problems,
                Problem::data(at().row(row), format!("row has {} cells but the header has {}", cells.len(), grid.header.len()))
                    .with_hint("a row with too many or too few cells: look for a stray comma or an unquoted field"),
            );
            continue;
        }
        let id = cells[id_col].trim().to_string();
        if id.is_empty() {
            report(
                &mut problems,
                Problem::data(at().row(row).column(&framework.case_id_column).letter(grid.letter(id_col)), "case id is empty")
                    .with_hint("every case needs an id"),
            );
        } else if let Some(first) = seen.insert(id.clone(), row) {
            report(
                &mut problems,
                Problem::data(
                    at().row(row).column(&framework.case_id_column).letter(grid.letter(id_col)),
                    format!("case id `{id}` already appears in row {first}"),
                )
                .with_hint("each case appears once; remove the duplicate row or correct the id"),
            );
        }
        case_ids.push(id);
        for (qi, (q, col)) in framework.questions.iter().zip(&question_cols).enumerate() {
            let col = col.expect("checked above");
            let cell = &cells[col];
            if cell.trim().is_empty() {
                blank_answers[qi] += 1;
            }
            match framework.answers.parse(cell) {
                Some(a) => answers[qi].push(a),
                None => {
                    report(
                        &mut problems,
                        Problem::data(at().row(row).column(&q.id).letter(grid.letter(col)), format!("`{}` is not an answer", cell.trim())).with_hint({
                            let words = framework.answers.all();
                            let list = words.iter().map(|w| if w.is_empty() { "(empty)" } else { w }).collect::<Vec<_>>().join(", ");
                            match crate::error::did_you_mean(cell.trim(), words.iter().copied().filter(|w| !w.is_empty())) {
                                Some(w) => format!("did you mean `{w}`? Use one of: {list}"),
                                None => format!("use one of: {list}"),
                            }
                        }),
                    );
                    answers[qi].push(Answer::NotApplicable);
                }
            }
        }
        for (ci, (c, col)) in framework.characteristics.iter().zip(&char_cols).enumerate() {
            let col = col.expect("checked above");
            let cell = cells[col].trim();
            match c.values.iter().position(|v| v.eq_ignore_ascii_case(cell)) {
                Some(v) => characteristics[ci].push(v as u16),
                None => {
                    report(
                        &mut problems,
                        Problem::data(
                            at().row(row).column(&c.column).letter(grid.letter(col)),
                            format!("`{cell}` is not a value of {}", c.label.to_lowercase()),
                        )
                        .with_hint(format!("use one of: {}", c.values.join(", "))),
                    );
                    characteristics[ci].push(0);
                }
            }
        }
    }
    if cell_problems > MAX_CELL_PROBLEMS {
        problems.push(Problem::data(at(), format!("{} more problems in this file are not listed", cell_problems - MAX_CELL_PROBLEMS)));
    }
    problems.into_result(CaseTable { source: path.to_path_buf(), case_ids, characteristics, answers, blank_answers, warnings })
}
