//! CSV exports: UTF-8 with or without a byte order mark, any line ends, quoted fields.

use std::path::Path;

use super::RawGrid;
use crate::error::{self, Location, Problem};

/// Reads a CSV file into a grid, refusing text that is not UTF-8 rather than guessing.
pub fn read_csv(path: &Path) -> Result<RawGrid, Problem> {
    let bytes = error::read(path)?;
    parse_csv(path, &bytes)
}

/// Parses CSV bytes; `path` is only used in messages.
pub fn parse_csv(path: &Path, bytes: &[u8]) -> Result<RawGrid, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Another kind of file under a .csv name: say what it is, not what it lacks.
    if let Some(what) = binary_kind(bytes) {
        return Err(Problem::data(Location::file(path), format!("this is not a CSV text file: it looks like {what}"))
            .with_hint("export the cases again as \"CSV UTF-8 (Comma delimited)\", or name an Excel workbook `.xlsx` in `cases`"));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
        return Err(Problem::data(Location::file(path).row(line), "the file is not UTF-8 text (an old Excel export in Windows-1252?)")
            .with_hint("save it again as \"CSV UTF-8 (Comma delimited)\""));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::data(Location::file(path), "the export is empty").with_hint("export one row per case under a header row"));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.records();
    let mut next = |row: usize| -> Result<Option<Vec<String>>, Problem> {
        match records.next() {
            None => Ok(None),
            Some(Ok(r)) => Ok(Some(r.iter().map(str::to_string).collect())),
            Some(Err(e)) => Err(Problem::data(Location::file(path).row(row), format!("unreadable CSV: {e}")).with_hint("check the quoting of this row")),
        }
    };
    let header = next(1)?.unwrap_or_default();
    // Excel in many European locales separates fields with semicolons.
    if header.len() == 1 && header[0].contains(';') {
        return Err(Problem::data(Location::file(path).row(1), "the columns are separated by semicolons, not commas")
            .with_hint("save the export as \"CSV UTF-8 (Comma delimited)\", or change the list separator of your system to a comma"));
    }
    let mut rows = Vec::new();
    let mut row = 2;
    while let Some(cells) = next(row)? {
        // Skip blank lines that spreadsheets leave at the end.
        if !(cells.len() == 1 && cells[0].trim().is_empty()) {
            rows.push((row, cells));
        }
        row += 1;
    }
    Ok(RawGrid { header, rows, letters: None })
}

/// What a file that is not text is, going by its first bytes; `None` for text.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some("an Excel workbook (.xlsx) or another zip archive");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("an old Excel workbook (.xls)");
    }
    if bytes.starts_with(b"%PDF") {
        return Some("a PDF document");
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.contains(&0) {
        return Some("a binary file");
    }
    None
}
