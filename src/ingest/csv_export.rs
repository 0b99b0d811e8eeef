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
            Some(Err(e)) => Err(Problem::data(Location::file(path).row(row), format!("unreadable CSV: {e}"))
                .with_hint("check the quoting of this row")),
        }
    };
    let header = next(1)?.unwrap_or_default();
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
