//! The data annexe: every sample report's workbook read back (calamine) holds every figure of
//! its figures CSV, as numbers, in tables that start in A1 with one header row and no blank row,
//! with a cover and a notes sheet; the figures the PDF prints are those the workbook holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};

use crate::common::*;

fn workbooks(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        walkdir::WalkDir::new(out).into_iter().map(Result::unwrap).map(|e| e.into_path()).filter(|p| p.extension().is_some_and(|x| x == "xlsx")).collect();
    files.sort();
    files
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn every_annexe_reads_back_as_its_figures_csv_and_its_pdf() {
    let out = tempfile::tempdir().unwrap();
    let summary = build(&root(), out.path(), false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let files = workbooks(out.path());
    assert_eq!(files.len(), 108, "a data annexe beside every PDF");
    for file in &files {
        let name = file.strip_prefix(out.path()).unwrap().display().to_string();
        let csv_rows = read_csv(&file.with_extension("figures.csv"));
        // (group, id, breakdown, kind) → the CSV row.
        let mut expected: HashMap<(String, String, String, String), &HashMap<String, String>> = HashMap::new();
        for r in &csv_rows {
            expected.insert((r["group"].clone(), r["id"].clone(), r["breakdown"].clone(), r["kind"].clone()), r);
        }
        let mut wb: Xlsx<_> = calamine::open_workbook(file).unwrap_or_else(|e| panic!("{name}: {e}"));
        wb.load_tables().unwrap();
        let sheets = wb.sheet_names();
        assert_eq!(&sheets[..2], &["Cover".to_string(), "Notes".to_string()], "{name}");
        let cover = wb.worksheet_range("Cover").unwrap();
        assert!(text(cover.get((0, 0)).unwrap()).starts_with("Data annexe: "), "{name}: the cover names the report");
        let mut seen = 0;
        for sheet in &sheets[2..] {
            let range = wb.worksheet_range(sheet).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} {sheet}: the table starts in A1");
            assert_eq!(wb.table_names_in_sheet(sheet), vec![sheet], "{name} {sheet}: one table, named as its sheet");
            let mut rows = range.rows();
            let header: Vec<String> = rows.next().unwrap().iter().map(text).collect();
            assert!(header.iter().all(|h| !h.is_empty()), "{name} {sheet}: a header for every column");
            let col = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("{name} {sheet}: no column {h}"));
            for row in rows {
                assert!(row.iter().all(|c| !matches!(c, Data::Empty)), "{name} {sheet}: a blank cell in the table: {row:?}");
                let cell = |h: &str| &row[col(h)];
                let breakdown = if sheet == "By_characteristic" { format!("{}={}", text(cell("Characteristic")), text(cell("Value"))) } else { String::new() };
                let kind = match sheet.as_str() {
                    "Scores" => "score".to_string(),
                    "Sections" => "section".to_string(),
                    "Questions" => "question".to_string(),
                    "Lowest_and_highest" => text(cell("Lowest or highest")),
                    "Ratings" => ["standard", "overall"]
                        .iter()
                        .find(|k| expected.contains_key(&(text(cell("Group")), text(cell("Figure id")), String::new(), k.to_string())))
                        .unwrap()
                        .to_string(),
                    _ => text(cell("Figure type")),
                };
                let key = (text(cell("Group")), text(cell("Figure id")), breakdown, kind);
                let csv = expected.get(&key).unwrap_or_else(|| panic!("{name} {sheet}: {key:?} is not in the figures CSV"));
                for (h, c) in [("Yes", "yes"), ("No", "no"), ("Relevant answers", "relevant_answers"), ("Relevant cases", "relevant_cases")] {
                    assert!(matches!(cell(h), Data::Float(_)), "{name} {sheet}: {h} stored as a number");
                    assert_eq!(text(cell(h)), csv[c], "{name} {sheet} {key:?}: {h}");
                }
                match cell("Percentage") {
                    Data::Float(p) => assert_eq!(format!("{p}"), csv["percent"], "{name} {sheet} {key:?}"),
                    Data::String(s) if s == "[low]" => assert!(csv["percent"].is_empty() && csv["relevant_answers"] != "0", "{name} {key:?}"),
                    Data::String(s) if s == "[x]" => assert!(csv["relevant_answers"] == "0", "{name} {key:?}"),
                    other => panic!("{name} {sheet} {key:?}: percentage {other:?}"),
                }
                if header.iter().any(|h| h == "Rating") && !csv["rating"].is_empty() {
                    assert_eq!(text(cell("Rating")), csv["rating"], "{name} {key:?}");
                }
                seen += 1;
            }
        }
        assert_eq!(seen, csv_rows.len(), "{name}: every figure of the CSV, once");
    }

    // The figures the PDF prints are the workbook's (percentages and the intervals). (An
    // aggregate's CSV, and so its workbook, also holds every area's figures on scores its PDF
    // does not print, such as OMI 2's section scores.)
    for rel in ["omi2/2011-12/lancashire", "cci/2011-12/barnet", "iaow-2013/2013-14/brackley-and-fenwick-probation-trust"] {
        let pdf = squash(&pdf_text(&out.path().join(format!("{rel}.pdf"))));
        let mut wb: Xlsx<_> = calamine::open_workbook(out.path().join(format!("{rel}.xlsx"))).unwrap();
        let scores = wb.worksheet_range("Scores").unwrap();
        let mut intervals = 0;
        for row in scores.rows().skip(1) {
            let (Data::Float(p), Data::Float(lo), Data::Float(hi)) = (&row[7], &row[8], &row[9]) else { continue };
            assert!(pdf.contains(&format!("{p}%")), "{rel}: {p}% not in the PDF");
            if pdf.contains(&format!("{lo}–{hi}%")) {
                intervals += 1;
            }
        }
        assert!(intervals > 0, "{rel}: no interval of the workbook is in the PDF");
    }
}
