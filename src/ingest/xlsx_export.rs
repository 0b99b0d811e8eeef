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
        Problem::data(at(), format!("the workbook could not be read: {e}"))
            .with_hint("check that the file is an Excel workbook (.xlsx), not renamed from another format")
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            Problem::data(at(), format!("the workbook has no sheet `{s}`"))
                .with_hint(format!("its sheets are: {}; name one with `sheet:` in inspection.yaml", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| Problem::data(at(), "the workbook has no sheets").with_hint("put the cases on the first sheet"))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| Problem::data(at(), format!("sheet `{name}` could not be read: {e}")))?;
    let Some((row0, col0)) = range.start() else {
        return Err(Problem::data(at(), format!("sheet `{name}` is empty")).with_hint("export one row per case under a header row"));
    };
    // A formula whose result was never computed (a workbook written by a tool that does not
    // calculate) has no value: read as an empty cell it would become Not applicable.
    if let Ok(formulas) = book.worksheet_formula(&name) {
        if let Some((f_row, f_col)) = formulas.start() {
            let uncomputed: Vec<(u32, u32, &String)> = formulas
                .used_cells()
                .map(|(r, c, f)| (f_row + r as u32, f_col + c as u32, f))
                .filter(|(r, c, f)| !f.is_empty() && range.get_value((*r, *c)).is_none_or(|v| matches!(v, Data::Empty)))
                .collect();
            if let Some(&(r, c, f)) = uncomputed.first() {
                let more = if uncomputed.len() > 1 { format!(" (and {} more such cells)", uncomputed.len() - 1) } else { String::new() };
                return Err(Problem::data(
                    at().row(r as usize + 1).letter(Some(column_letter(c as usize))),
                    format!("the cell holds a formula (`={f}`) whose value was never computed{more}"),
                )
                .with_hint("open the workbook in Excel or LibreOffice and save it (that computes every formula), or export the values as CSV"));
            }
        }
    }
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
        Data::Bool(b) => {
            if *b {
                "TRUE".into()
            } else {
                "FALSE".into()
            }
        }
        Data::DateTime(d) if d.is_datetime() => excel_date(d.as_f64()),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel date serial (1900 date system) as the sheet shows a date: `2011-04-05`, with the
/// time when there is one (`2011-04-05 14:30`).
fn excel_date(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return serial.to_string();
    }
    let whole = serial.floor() as i64;
    // Excel counts a 29 February 1900 that never was: serials from 61 on are one day ahead.
    let days = if whole >= 61 { whole - 1 } else { whole };
    // Serial 1 is 1900-01-01.
    let (y, m, d) = civil_from_days(days_from_civil(1899, 12, 31) + days);
    let minutes = ((serial - serial.floor()) * 1440.0).round() as i64;
    if minutes == 0 || minutes == 1440 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", minutes / 60, minutes % 60)
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::column_letter;

    #[test]
    fn dates_as_the_sheet_shows_them() {
        assert_eq!(super::excel_date(40638.0), "2011-04-05");
        assert_eq!(super::excel_date(1.0), "1900-01-01");
        assert_eq!(super::excel_date(59.0), "1900-02-28");
        assert_eq!(super::excel_date(61.0), "1900-03-01");
        assert_eq!(super::excel_date(44197.5), "2021-01-01 12:00");
    }

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
