//! A short fuzz run of the export readers in every test run: mutated CSV and XLSX bytes give a
//! result or a message, never a panic. Longer runs: `FUZZ_ITERATIONS=1000000 cargo test
//! --release --test fuzz_readers` (seeded by `FUZZ_SEED`).

mod common;

use std::path::Path;

use inspection_reports::ingest::{csv_grid, read_export, validate_grid};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn iterations(default: usize) -> usize {
    std::env::var("FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Flips, inserts, deletes or duplicates a few bytes.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    const INTERESTING: &[u8] = b",\"\r\n\xef\xbb\xbf\xff\x00;YNyn/A";
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(4) {
            0 if at < v.len() => v[at] = INTERESTING[rng.below(INTERESTING.len())],
            1 => v.insert(at.min(v.len()), INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < v.len() => {
                v.remove(at);
            }
            _ => {
                let end = (at + rng.below(16)).min(v.len());
                let chunk = v[at.min(end)..end].to_vec();
                v.splice(at.min(v.len())..at.min(v.len()), chunk);
            }
        }
    }
    v
}

fn framework() -> inspection_reports::framework::FrameworkSpec {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mini.yaml");
    std::fs::write(&path, common::MINI_FRAMEWORK).unwrap();
    inspection_reports::framework::load(&path).unwrap()
}

#[test]
fn csv_reader_never_panics() {
    let fw = framework();
    let seed = b"case_id,sex,q1,q2,q3\r\n\"c,1\",Male,Yes,No,N/A\r\nc2,Female,\"Yes\",\"\",No\n";
    let mut rng = Rng(std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1));
    for _ in 0..iterations(3000) {
        let input = mutate(&mut rng, seed);
        if let Ok(grid) = csv_grid(Path::new("f.csv"), &input) {
            let _ = validate_grid(Path::new("f.csv"), &grid, &fw);
        }
    }
}

#[test]
fn xlsx_reader_never_panics() {
    let fw = framework();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [["case_id", "sex", "q1", "q2", "q3"], ["c1", "Male", "Yes", "No", "N/A"]].iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    wb.save(&good).unwrap();
    let seed = std::fs::read(&good).unwrap();
    let path = dir.path().join("fuzz.xlsx");
    let mut rng = Rng(std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2));
    // A panic inside calamine is caught and reported as a damaged workbook; the default hook's
    // message is silenced so the test output stays readable.
    std::panic::set_hook(Box::new(|_| {}));
    for _ in 0..iterations(300) {
        std::fs::write(&path, mutate(&mut rng, &seed)).unwrap();
        let _ = read_export(&path, None, &fw);
    }
    let _ = std::panic::take_hook();
}
