//! Properties over many random valid exports (seeded, so a failure can be replayed):
//! percentages stay within 0–100, and counts add up across areas and breakdowns.

mod common;

use std::path::Path;

use inspection_reports::aggregate::{aggregate, AreaCases, SetId};
use inspection_reports::framework::FrameworkSpec;
use inspection_reports::ingest::{csv_grid, validate_grid};

/// SplitMix64.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

fn framework() -> FrameworkSpec {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mini.yaml");
    std::fs::write(&path, common::MINI_FRAMEWORK).unwrap();
    inspection_reports::framework::load(&path).unwrap()
}

fn random_export(rng: &mut Rng) -> String {
    const WORDS: [&str; 7] = ["Yes", "yes", "No", "NO", "N/A", "n/a", ""];
    let mut s = String::from("case_id,sex,q1,q2,q3\n");
    for c in 0..1 + rng.below(60) {
        let sex = if rng.below(2) == 0 { "Male" } else { "female" };
        let cells: Vec<&str> = (0..3).map(|_| WORDS[rng.below(WORDS.len() as u64) as usize]).collect();
        s.push_str(&format!("c{c},{sex},{}\n", cells.join(",")));
    }
    s
}

#[test]
fn random_exports_give_bounded_percentages_and_consistent_counts() {
    let fw = framework();
    let seed = std::env::var("PROPERTY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(7);
    let mut rng = Rng(seed);
    for round in 0..150 {
        let areas = 1 + rng.below(4) as usize;
        let tables: Vec<_> = (0..areas)
            .map(|_| {
                let text = random_export(&mut rng);
                validate_grid(Path::new("r.csv"), &csv_grid(Path::new("r.csv"), text.as_bytes()).unwrap(), &fw).unwrap()
            })
            .collect();
        let ids: Vec<String> = (0..areas).map(|i| format!("a{i}")).collect();
        let cases: Vec<AreaCases<'_>> = ids.iter().zip(&tables).map(|(id, t)| AreaCases { inspection_id: id, cases: t }).collect();
        let set = aggregate(&fw, &cases).unwrap();
        let total_cases: u64 = tables.iter().map(|t| t.len() as u64).sum();
        assert_eq!(set.total.cases, total_cases, "round {round}");
        for (set_id, total) in set.total.figures() {
            // Pooled over areas.
            let (y, n): (u64, u64) = set.areas.values().map(|g| g.figure(set_id)).fold((0, 0), |a, f| (a.0 + f.yes, a.1 + f.no));
            assert_eq!((total.yes, total.no), (y, n), "round {round} {set_id:?}: areas do not add up to the total");
            assert!(total.cases <= total_cases);
            if let Some(p) = total.tally().percent() {
                assert!((0.0..=100.0).contains(&p));
            }
            if let Some(p) = total.tally().rounded_percent() {
                assert!(p <= 100);
            }
            // Breakdowns by sex partition the cases (scores and sections: a single question
            // is never broken down).
            let by_sex = ["Male", "Female"].map(|v| set.total.breakdown("sex", v, set_id));
            if matches!(set_id, SetId::Question(_)) {
                assert!(by_sex.iter().all(|f| *f == Default::default()), "round {round} {set_id:?}: a question broken down");
                assert!(set.total.breakdowns().all(|(_, _, s, _)| s != set_id));
                continue;
            }
            let (y, n, c) = by_sex.iter().fold((0, 0, 0), |a, f| (a.0 + f.yes, a.1 + f.no, a.2 + f.cases));
            assert_eq!((y, n, c), (total.yes, total.no, total.cases), "round {round} {set_id:?}: breakdown does not add up");
        }
        // A pooled score is the sum of its questions.
        let h1 = set.total.figure(&SetId::Score("h1".into()));
        let (q1, q2) = (set.total.question("q1"), set.total.question("q2"));
        assert_eq!((h1.yes, h1.no), (q1.yes + q2.yes, q1.no + q2.no));
        assert_eq!(set.total.sample_count("sex", "Male") + set.total.sample_count("sex", "Female"), total_cases);
    }
}
