//! The data annexe: every figure of a report as an .xlsx workbook, laid out as the Analysis
//! Function's guidance on releasing statistics in spreadsheets asks (a cover sheet, a notes
//! sheet, one table per sheet starting in A1 with one header row, no merged cells, no blank rows
//! or columns in a table, numbers stored as numbers, a documented symbol for every figure not
//! given, meaningful sheet and table names). Made from the report’s figures CSV, the very rows
//! analysts get, so that the CSV, the workbook and the PDF cannot disagree; the only number
//! added is the 95% interval the report prints, by the report's own function.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Table, TableColumn, TableStyle, Workbook, XlsxError};

use crate::date::Date;
use crate::error::{Location, Problem};

/// A figure below the minimum number of relevant cases: the report shows a count, not a
/// percentage.
pub const LOW: &str = "[low]";
/// No relevant case: no figure.
pub const NONE: &str = "[x]";

/// What the cover sheet says about the report.
pub struct About<'a> {
    pub title: &'a str,
    pub framework: &'a str,
    pub date: Date,
    pub draft: bool,
    pub minimum: u32,
    pub front: crate::publisher::FrontMatter,
}

/// One sheet of figures: which rows of the figures CSV it holds.
struct Sheet {
    name: &'static str,
    what: &'static str,
    keep: fn(kind: &str, breakdown: &str) -> bool,
}

const SHEETS: [Sheet; 6] = [
    Sheet {
        name: "Scores",
        what: "headline scores (each pools the answers of several questions), per area and for all areas",
        keep: |k, b| k == "score" && b.is_empty(),
    },
    Sheet {
        name: "Sections",
        what: "figures of each section of the framework (a section pools the answers of its questions)",
        keep: |k, b| k == "section" && b.is_empty(),
    },
    Sheet { name: "Questions", what: "figures of each question (key questions of the 2018 standards)", keep: |k, b| k == "question" && b.is_empty() },
    Sheet {
        name: "By_characteristic",
        what: "figures by characteristic of the cases (sex, ethnicity, age and the others the framework records), with the number of cases in each group",
        keep: |_, b| !b.is_empty(),
    },
    Sheet { name: "Ratings", what: "ratings of each standard and overall", keep: |k, _| k == "standard" || k == "overall" },
    Sheet { name: "Lowest_and_highest", what: "the lowest and highest area on each figure", keep: |k, _| k == "lowest" || k == "highest" },
];

/// The workbook of `figures_csv` (the report’s figures CSV).
pub fn workbook(figures_csv: &[u8], about: &About<'_>) -> Result<Vec<u8>, Problem> {
    make(figures_csv, about).map_err(|e| Problem::internal(Location::default(), format!("the data annexe could not be made: {e}")))
}

fn make(figures_csv: &[u8], about: &About<'_>) -> Result<Vec<u8>, XlsxError> {
    let rows: Vec<Vec<String>> =
        csv::Reader::from_reader(figures_csv).records().filter_map(Result::ok).map(|r| r.iter().map(str::to_string).collect()).collect();
    // Rows by characteristic leave the figure's title out in the CSV: it is their figure's.
    let titles: std::collections::HashMap<(String, String), String> =
        rows.iter().filter(|r| !r[3].is_empty()).map(|r| ((r[1].clone(), r[2].clone()), r[3].clone())).collect();
    let title = |r: &[String]| -> String {
        if !r[3].is_empty() {
            return r[3].clone();
        }
        titles.get(&(r[1].clone(), r[2].clone())).cloned().unwrap_or_else(|| r[2].clone())
    };
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(about.date.year as u16, about.date.month, about.date.day)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Data annexe: {}", about.title))
            .set_author(&about.front.publisher)
            .set_company(&about.front.publisher)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let heading = Format::new().set_bold().set_font_size(14);
    let sheets: Vec<&Sheet> = SHEETS.iter().filter(|s| rows.iter().any(|r| (s.keep)(&r[1], &r[4]))).collect();

    // Cover.
    let cover = wb.add_worksheet().set_name("Cover")?;
    let mut lines: Vec<(String, Option<&Format>)> = vec![
        (format!("Data annexe: {}", about.title), Some(&heading)),
        (
            format!("Every figure of the report, as published on {}{}.", about.date.long(), if about.draft { " (a DRAFT, not for publication)" } else { "" }),
            None,
        ),
        (format!("Source: {}, case assessments of the {} inspection programme.", about.front.publisher, about.framework), None),
        (
            format!(
                "Publisher and contact: {}, {}{}.",
                about.front.publisher,
                about.front.address.lines.join(", "),
                about.front.address.telephone.as_ref().map(|t| format!("; telephone {t}")).unwrap_or_default()
            ),
            None,
        ),
        ("The same figures are in the report’s figures CSV; this workbook adds the 95% intervals the report prints.".into(), None),
        ("This workbook contains these sheets:".into(), Some(&bold)),
        ("Notes: what the columns and symbols mean".into(), None),
    ];
    lines.extend(sheets.iter().map(|s| (format!("{}: {}", s.name, s.what), None)));
    for (i, (text, format)) in lines.iter().enumerate() {
        match format {
            Some(f) => cover.write_string_with_format(i as u32, 0, text, f)?,
            None => cover.write_string(i as u32, 0, text)?,
        };
    }
    cover.set_column_width(0, 110)?;

    // Notes.
    let notes = [
        ("Percentage", "The share of relevant answers that were Yes, rounded half up to a whole number, as the report prints it. A case to which a question did not apply is not counted."),
        ("Relevant answers and relevant cases", "A score pools the answers of several questions: its relevant answers can exceed its relevant cases."),
        ("Lower and upper 95% limits", "The Wilson interval on the number of relevant cases, in whole percentages: the range within which the figure for all of the area’s cases would lie, 19 times out of 20, given that a sample was inspected."),
        (LOW, "Fewer relevant cases than the framework’s minimum: the report gives the count (Yes of relevant), not a percentage."),
        (NONE, "No relevant case: there is no figure."),
        ("Group", "The area (or, for the figures of all areas together, All areas) the figure is of."),
    ];
    let ns = wb.add_worksheet().set_name("Notes")?;
    ns.write_string(0, 0, "Note")?;
    ns.write_string(0, 1, "Meaning")?;
    for (i, (a, b)) in notes.iter().enumerate() {
        ns.write_string(i as u32 + 1, 0, *a)?;
        ns.write_string(i as u32 + 1, 1, *b)?;
    }
    ns.set_column_width(0, 36)?;
    ns.set_column_width(1, 100)?;
    let minimum_note = format!("Minimum number of relevant cases for a percentage in this framework: {}.", about.minimum);
    ns.write_string(notes.len() as u32 + 1, 0, "Minimum")?;
    ns.write_string(notes.len() as u32 + 1, 1, &minimum_note)?;
    table(ns, "Notes", &["Note", "Meaning"], notes.len() as u32 + 1)?;

    // One table of figures per sheet.
    for s in sheets {
        let mine: Vec<&Vec<String>> = rows.iter().filter(|r| (s.keep)(&r[1], &r[4])).collect();
        let by_characteristic = s.name == "By_characteristic";
        let rated = mine.iter().any(|r| !r[11].is_empty());
        let mut columns: Vec<&str> = vec!["Group", "Figure id", "Figure"];
        if by_characteristic {
            // A section and a score may share an id: the type tells them apart.
            columns.extend(["Figure type", "Characteristic", "Value"]);
        }
        if s.name == "Lowest_and_highest" {
            columns.push("Lowest or highest");
        }
        columns.extend(["Yes", "No", "Relevant answers", "Relevant cases", "Percentage", "Lower 95% limit", "Upper 95% limit"]);
        if rated {
            columns.push("Rating");
        }
        let ws = wb.add_worksheet().set_name(s.name)?;
        for (c, name) in columns.iter().enumerate() {
            ws.write_string(0, c as u16, *name)?;
        }
        for (i, r) in mine.iter().enumerate() {
            let row = i as u32 + 1;
            let mut c: u16 = 0;
            let text = |ws: &mut rust_xlsxwriter::Worksheet, c: &mut u16, v: &str| -> Result<(), XlsxError> {
                ws.write_string(row, *c, v)?;
                *c += 1;
                Ok(())
            };
            text(ws, &mut c, &r[0])?;
            text(ws, &mut c, &r[2])?;
            text(ws, &mut c, &title(r))?;
            if by_characteristic {
                text(ws, &mut c, &r[1])?;
                let (characteristic, value) = r[4].split_once('=').unwrap_or((&r[4], ""));
                text(ws, &mut c, characteristic)?;
                text(ws, &mut c, value)?;
            }
            if s.name == "Lowest_and_highest" {
                text(ws, &mut c, &r[1])?;
            }
            for k in [5, 6, 7, 8] {
                match r[k].parse::<f64>() {
                    Ok(n) => ws.write_number(row, c, n)?,
                    Err(_) => ws.write_string(row, c, NONE)?,
                };
                c += 1;
            }
            let relevant: u64 = r[7].parse().unwrap_or(0);
            let cases: u64 = r[8].parse().unwrap_or(0);
            let symbol = if relevant == 0 { NONE } else { LOW };
            match (r[9].parse::<f64>(), r[10].parse::<f64>()) {
                (Ok(p), Ok(exact)) => {
                    ws.write_number(row, c, p)?;
                    match crate::stats::wilson(exact / 100.0, cases, crate::stats::Z95) {
                        Some((lo, hi)) => {
                            ws.write_number(row, c + 1, crate::framework::rules::round_half_up(lo) as f64)?;
                            ws.write_number(row, c + 2, crate::framework::rules::round_half_up(hi) as f64)?;
                        }
                        None => {
                            ws.write_string(row, c + 1, NONE)?;
                            ws.write_string(row, c + 2, NONE)?;
                        }
                    }
                }
                _ => {
                    for k in 0..3 {
                        ws.write_string(row, c + k, symbol)?;
                    }
                }
            }
            c += 3;
            if rated {
                ws.write_string(row, c, if r[11].is_empty() { NONE } else { &r[11] })?;
            }
        }
        ws.set_column_width(0, 24)?;
        ws.set_column_width(2, 60)?;
        table(ws, s.name, &columns, mine.len() as u32)?;
    }
    wb.save_to_buffer()
}

/// The cells from A1 to the last row as a named table with a header row.
fn table(ws: &mut rust_xlsxwriter::Worksheet, name: &str, columns: &[&str], rows: u32) -> Result<(), XlsxError> {
    let t =
        Table::new().set_name(name).set_style(TableStyle::Light1).set_columns(&columns.iter().map(|c| TableColumn::new().set_header(*c)).collect::<Vec<_>>());
    ws.add_table(0, 0, rows.max(1), columns.len() as u16 - 1, &t)?;
    Ok(())
}
