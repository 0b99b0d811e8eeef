//! Excel exports (.xlsx) with calamine: cells as the spreadsheet shows them, positions in the
//! user's terms (row numbers as shown, column letters).

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};

use super::RawGrid;
use crate::error::{Location, Problem};

/// `0 → A`, `25 → Z`, `26 → AA`.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

/// Reads worksheet `sheet` (or the first) of the workbook at `path` into a grid.
pub fn read_xlsx(path: &Path, sheet: Option<&str>) -> Result<RawGrid, Problem> {
    // A malformed workbook must give a message, never bring the build down.
    match std::panic::catch_unwind(|| read_inner(path, sheet)) {
        Ok(result) => result,
        Err(_) => Err(Problem::data(Location::file(path), "the workbook could not be read (it is damaged or not an .xlsx file)")
            .with_hint("open it in Excel and save it again as an .xlsx workbook, or export the cases as CSV")),
    }
}

fn read_inner(path: &Path, sheet: Option<&str>) -> Result<RawGrid, Problem> {
    let at = || Location::file(path);
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e| {
        Problem::data(at(), format!("the workbook could not be read: {e}")).with_hint("check that the file is an Excel workbook (.xlsx), not renamed from another format")
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            Problem::data(at(), format!("the workbook has no sheet `{s}`")).with_hint(format!("its sheets are: {}; name one with `sheet:` in inspection.yaml", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| Problem::data(at(), "the workbook has no sheets").with_hint("put the cases on the first sheet"))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| Problem::data(at(), format!("sheet `{name}` could not be read: {e}")))?;
    let Some((row0, col0)) = range.start() else {
        return Err(Problem::data(at(), format!("sheet `{name}` is empty")).with_hint("export one row per case under a header row"));
    };
    let (row0, col0) = (row0 as usize, col0 as usize);
    let mut rows = range.rows().enumerate().map(|(i, cells)| (row0 + i + 1, cells.iter().map(cell_text).collect::<Vec<String>>()));
    let (_, mut header) = rows.next().ok_or_else(|| Problem::data(at(), format!("sheet `{name}` is empty")))?;
    // Trailing empty header cells are formatting, not columns.
    while header.last().is_some_and(|h| h.trim().is_empty()) {
        header.pop();
    }
    let width = header.len();
    let rows = rows
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(n, mut cells)| {
            // A used range is rectangular: cells past the header are empty unless filled in.
            if cells[width.min(cells.len())..].iter().all(|c| c.trim().is_empty()) {
                cells.truncate(width);
            }
            (n, cells)
        })
        .collect();
    let letters = (0..width.max(1)).map(|i| column_letter(col0 + i)).collect();
    Ok(RawGrid { header, rows, letters: Some(letters) })
}

/// A cell as text, the way the spreadsheet shows it: whole numbers without `.0`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE".into() } else { "FALSE".into() },
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::column_letter;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
