//! Properties over many random valid exports (proptest: a failure is shrunk and printed):
//! percentages stay within 0–100, and counts add up across areas and breakdowns.

use std::path::Path;

use inspection_reports::aggregate::{aggregate, AreaCases, SetId};
use inspection_reports::framework::FrameworkSpec;
use inspection_reports::ingest::{csv_grid, validate_grid};
use proptest::prelude::*;

/// The mini framework, loaded once for every generated case.
fn framework() -> &'static FrameworkSpec {
    static FRAMEWORK: std::sync::OnceLock<FrameworkSpec> = std::sync::OnceLock::new();
    FRAMEWORK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mini.yaml");
        std::fs::write(&path, crate::common::MINI_FRAMEWORK).unwrap();
        inspection_reports::framework::load(&path).unwrap()
    })
}

/// One area's export: up to 60 cases, each a sex and three answers, spelt as inspectors do.
fn export() -> impl Strategy<Value = String> {
    const WORDS: [&str; 7] = ["Yes", "yes", "No", "NO", "N/A", "n/a", ""];
    let case = (prop::sample::select(&["Male", "female"][..]), prop::array::uniform3(prop::sample::select(&WORDS[..])));
    prop::collection::vec(case, 1..=60).prop_map(|cases| {
        let mut s = String::from("case_id,sex,q1,q2,q3\n");
        for (c, (sex, cells)) in cases.iter().enumerate() {
            s.push_str(&format!("c{c},{sex},{}\n", cells.join(",")));
        }
        s
    })
}

proptest! {
    // 150 sets of 1-4 areas; proptest shrinks a failure to a smallest export and replays it
    // from `proptest-regressions/`.
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn random_exports_give_bounded_percentages_and_consistent_counts(exports in prop::collection::vec(export(), 1..=4)) {
        check_set(&exports);
    }
}

fn check_set(exports: &[String]) {
    let fw = framework();
    {
        let areas = exports.len();
        let tables: Vec<_> =
            exports.iter().map(|text| validate_grid(Path::new("r.csv"), &csv_grid(Path::new("r.csv"), text.as_bytes()).unwrap(), fw).unwrap()).collect();
        let ids: Vec<String> = (0..areas).map(|i| format!("a{i}")).collect();
        let cases: Vec<AreaCases<'_>> = ids.iter().zip(&tables).map(|(id, t)| AreaCases { inspection_id: id, cases: t }).collect();
        let set = aggregate(fw, &cases).unwrap();
        let total_cases: u64 = tables.iter().map(|t| t.len() as u64).sum();
        assert_eq!(set.total.cases, total_cases);
        for (set_id, total) in set.total.figures() {
            // Pooled over areas.
            let (y, n): (u64, u64) = set.areas.values().map(|g| g.figure(set_id)).fold((0, 0), |a, f| (a.0 + f.yes, a.1 + f.no));
            assert_eq!((total.yes, total.no), (y, n), "{set_id:?}: areas do not add up to the total");
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
                assert!(by_sex.iter().all(|f| *f == Default::default()), "{set_id:?}: a question broken down");
                assert!(set.total.breakdowns().all(|(_, _, s, _)| s != set_id));
                continue;
            }
            let (y, n, c) = by_sex.iter().fold((0, 0, 0), |a, f| (a.0 + f.yes, a.1 + f.no, a.2 + f.cases));
            assert_eq!((y, n, c), (total.yes, total.no, total.cases), "{set_id:?}: breakdown does not add up");
        }
        // A pooled score is the sum of its questions.
        let h1 = set.total.figure(&SetId::Score("h1".into()));
        let (q1, q2) = (set.total.question("q1"), set.total.question("q2"));
        assert_eq!((h1.yes, h1.no), (q1.yes + q2.yes, q1.no + q2.no));
        assert_eq!(set.total.sample_count("sex", "Male") + set.total.sample_count("sex", "Female"), total_cases);
    }
}
