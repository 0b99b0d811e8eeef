//! A short fuzz run of the export readers in every test run: mutated CSV and XLSX bytes give a
//! result or a message, never a panic. Longer runs: `FUZZ_ITERATIONS=1000000 cargo test
//! --release --test integration fuzz_readers` (proptest: a failing input is shrunk and printed).

use std::path::Path;

use inspection_reports::ingest::{csv_grid, read_export, validate_grid};
use proptest::prelude::*;

/// One edit of an input: flip, insert, delete or duplicate bytes, at a position chosen by index.
#[derive(Debug, Clone)]
enum Edit {
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    Duplicate(prop::sample::Index, usize),
}

/// A few edits, with bytes that matter to the readers (quotes, separators, line ends, a BOM, NUL).
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    const INTERESTING: &[u8] = b",\"\r\n\xef\xbb\xbf\xff\x00;YNyn/A";
    let byte = prop::sample::select(INTERESTING);
    let edit = prop_oneof![
        (any::<prop::sample::Index>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<prop::sample::Index>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Edit::Delete),
        (any::<prop::sample::Index>(), 0..16usize).prop_map(|(i, n)| Edit::Duplicate(i, n)),
    ];
    prop::collection::vec(edit, 1..=8)
}

fn mutate(input: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = input.to_vec();
    for e in edits {
        match e {
            Edit::Set(i, b) if !v.is_empty() => {
                let at = i.index(v.len());
                v[at] = *b;
            }
            Edit::Insert(i, b) => {
                let at = i.index(v.len() + 1);
                v.insert(at, *b);
            }
            Edit::Delete(i) if !v.is_empty() => {
                let at = i.index(v.len());
                v.remove(at);
            }
            Edit::Duplicate(i, n) if !v.is_empty() => {
                let at = i.index(v.len());
                let end = (at + n).min(v.len());
                let chunk = v[at..end].to_vec();
                v.splice(at..at, chunk);
            }
            _ => {}
        }
    }
    v
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// The mini framework, loaded once for every generated case.
fn framework() -> &'static inspection_reports::framework::FrameworkSpec {
    static FRAMEWORK: std::sync::OnceLock<inspection_reports::framework::FrameworkSpec> = std::sync::OnceLock::new();
    FRAMEWORK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mini.yaml");
        std::fs::write(&path, crate::common::MINI_FRAMEWORK).unwrap();
        inspection_reports::framework::load(&path).unwrap()
    })
}

const CSV_SEED: &[u8] = b"case_id,sex,q1,q2,q3\r\n\"c,1\",Male,Yes,No,N/A\r\nc2,Female,\"Yes\",\"\",No\n";

proptest! {
    #![proptest_config(config(3000))]
    #[test]
    fn csv_reader_never_panics(e in edits()) {
        let fw = framework();
        let input = mutate(CSV_SEED, &e);
        if let Ok(grid) = csv_grid(Path::new("f.csv"), &input) {
            let _ = validate_grid(Path::new("f.csv"), &grid, fw);
        }
    }
}

/// A valid workbook of two rows, as the starting point of the mutations.
fn xlsx_seed() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [["case_id", "sex", "q1", "q2", "q3"], ["c1", "Male", "Yes", "No", "N/A"]].iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(config(300))]
    // A panic inside calamine is caught by the reader and reported as a damaged workbook.
    #[test]
    fn xlsx_reader_never_panics(e in edits()) {
        let fw = framework();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.xlsx");
        std::fs::write(&path, mutate(&xlsx_seed(), &e)).unwrap();
        let _ = read_export(&path, None, fw);
    }
}
