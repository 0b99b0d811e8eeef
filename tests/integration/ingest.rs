//! Case exports as real spreadsheets write them, and the messages bad ones get.

use std::path::Path;

use inspection_reports::framework::{Answer, FrameworkSpec};
use inspection_reports::ingest::{self, csv_grid};

fn framework() -> FrameworkSpec {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mini.yaml");
    std::fs::write(&path, crate::common::MINI_FRAMEWORK).unwrap();
    inspection_reports::framework::load(&path).unwrap()
}

fn read(text: &[u8]) -> Result<ingest::CaseTable, String> {
    let path = Path::new("cases.csv");
    let grid = csv_grid(path, text).map_err(|e| e.to_string())?;
    ingest::validate_grid(path, &grid, &framework()).map_err(|e| e.to_string())
}

#[test]
fn bom_crlf_quotes_and_welsh_names() {
    let text = "\u{feff}case_id,sex,q1,q2,q3,notes\r\n\"Ynys Môn 1\",Male,yes,NO,N/A,\"a note, with a comma\r\nand a line break\"\r\nCeredigion 2,Female,Yes,Yes,Yes,\r\n";
    let t = read(text.as_bytes()).unwrap();
    assert_eq!(t.case_ids, vec!["Ynys Môn 1", "Ceredigion 2"]);
    assert_eq!(t.answers[0], vec![Answer::Yes, Answer::Yes]);
    assert_eq!(t.answers[1], vec![Answer::No, Answer::Yes]);
    assert_eq!(t.answers[2], vec![Answer::NotApplicable, Answer::Yes]);
    // The unknown column is a warning, not an error.
    assert_eq!(t.warnings.len(), 1);
    assert!(t.warnings[0].to_string().contains("column `notes` is not part of framework `mini`"));
}

#[test]
fn unknown_answer_names_row_column_and_choices() {
    let err = read(b"case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Male,Yes,Maybe,Yes\n").unwrap_err();
    assert_eq!(err, "error: cases.csv, row 3, column `q2`: `Maybe` is not an answer\n  hint: use one of: Yes, No, N/A, (empty)");
}

#[test]
fn missing_question_column_duplicate_id_and_bad_characteristic() {
    let err = read(b"case_id,sex,q1,q2\nc1,Male,Yes,Yes\n").unwrap_err();
    assert!(err.contains("cases.csv, row 1: question column `q3` of framework `mini` is missing"), "{err}");
    let err = read(b"case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc1,Male,Yes,Yes,Yes\n").unwrap_err();
    assert!(err.contains("cases.csv, row 3, column `case_id`: case id `c1` already appears in row 2"), "{err}");
    let err = read(b"case_id,sex,q1,q2,q3\nc1,M,Yes,Yes,Yes\n").unwrap_err();
    assert!(err.contains("row 2, column `sex`: `M` is not a value of sex"), "{err}");
    assert!(err.contains("use one of: Male, Female"), "{err}");
}

#[test]
fn empty_ragged_and_not_utf8() {
    assert!(read(b"").unwrap_err().contains("the export is empty"));
    assert!(read(b"case_id,sex,q1,q2,q3\n").unwrap_err().contains("no cases"));
    let err = read(b"case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes\n").unwrap_err();
    assert!(err.contains("row 2: row has 4 cells but the header has 5"), "{err}");
    // "Môn" in Windows-1252: refused, not turned into mojibake.
    let err = read(b"case_id,sex,q1,q2,q3\nM\xf4n,Male,Yes,Yes,Yes\n").unwrap_err();
    assert!(err.contains("row 2: the file is not UTF-8 text"), "{err}");
}

/// Writes a workbook whose sheet `name` holds `rows` (strings; numbers where they parse).
fn workbook(path: &Path, name: &str, rows: &[&[&str]]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn xlsx_reads_like_csv_and_places_errors_by_letter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.xlsx");
    workbook(&path, "Cases", &[&["case_id", "sex", "q1", "q2", "q3"], &["Ynys Môn 1", "Male", "Yes", "No", "N/A"], &["1002", "Female", "Yes", "Yes", ""]]);
    let t = ingest::read_export(&path, Some("Cases"), &framework()).unwrap();
    // Numbers show as the spreadsheet shows them: 1002, not 1002.0.
    assert_eq!(t.case_ids, vec!["Ynys Môn 1", "1002"]);
    assert_eq!(t.answers[1], vec![Answer::No, Answer::Yes]);
    assert_eq!(t.answers[2], vec![Answer::NotApplicable, Answer::NotApplicable]);

    workbook(&path, "Cases", &[&["case_id", "sex", "q1", "q2", "q3"], &["c1", "Male", "Yes", "No", "N/A"], &["c2", "Female", "Maybe", "Yes", "Yes"]]);
    let err = ingest::read_export(&path, None, &framework()).unwrap_err().to_string();
    assert!(err.contains("cases.xlsx, row 3, column C `q1`: `Maybe` is not an answer"), "{err}");

    let err = ingest::read_export(&path, Some("Sheet9"), &framework()).unwrap_err().to_string();
    assert!(err.contains("the workbook has no sheet `Sheet9`") && err.contains("its sheets are: Cases"), "{err}");

    std::fs::write(&path, b"not a zip file").unwrap();
    let err = ingest::read_export(&path, None, &framework()).unwrap_err().to_string();
    assert!(err.contains("the workbook could not be read"), "{err}");
}
