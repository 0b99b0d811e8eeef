//! Scores computed through the real ingest and Polars aggregation, against figures worked out
//! by hand.

use std::path::Path;

use inspection_reports::aggregate::{aggregate, AreaCases};
use inspection_reports::framework::FrameworkSpec;
use inspection_reports::ingest::{self, csv_grid};
use inspection_reports::render::common::Shown;

fn framework(dir: &Path) -> FrameworkSpec {
    let path = dir.join("mini.yaml");
    std::fs::write(&path, crate::common::MINI_FRAMEWORK).unwrap();
    inspection_reports::framework::load(&path).unwrap()
}

const AREA_A: &str = "case_id,sex,q1,q2,q3\nc1,Male,Yes,N/A,No\nc2,Female,Yes,Yes,Yes\nc3,Male,No,Yes,N/A\nc4,Female,Yes,No,\n";
const AREA_B: &str = "case_id,sex,q1,q2,q3\nb1,Male,Yes,Yes,Yes\nb2,Female,Yes,Yes,Yes\n";

#[test]
fn pooled_scores_breakdowns_and_minimum_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let fw = framework(dir.path());
    let a = ingest::validate_grid(Path::new("a.csv"), &csv_grid(Path::new("a.csv"), AREA_A.as_bytes()).unwrap(), &fw).unwrap();
    let b = ingest::validate_grid(Path::new("b.csv"), &csv_grid(Path::new("b.csv"), AREA_B.as_bytes()).unwrap(), &fw).unwrap();
    let set = aggregate(&fw, &[AreaCases { inspection_id: "a", cases: &a }, AreaCases { inspection_id: "b", cases: &b }]).unwrap();
    let area_a = &set.areas["a"];

    // h1 pools q1 (Y, Y, N, Y) and q2 (N/A, Y, Y, N): 5 Yes, 2 No; N/A counts in neither.
    let h1 = area_a.score("h1");
    assert_eq!((h1.yes, h1.no, h1.cases), (5, 2, 4));
    assert_eq!(Shown::new(h1, 3).text, "71%"); // 71.43
                                               // Per question: q1 3 of 4, q2 2 of 3.
    assert_eq!((area_a.question("q1").yes, area_a.question("q1").no), (3, 1));
    assert_eq!((area_a.question("q2").yes, area_a.question("q2").no), (2, 1));
    // h2 is q3 alone: No, Yes, N/A, empty (N/A): 1 of 2, fewer than 3 relevant cases, so a count.
    let h2 = area_a.score("h2");
    assert_eq!((h2.yes, h2.no, h2.cases), (1, 1, 2));
    let shown = Shown::new(h2, 3);
    assert_eq!(shown.text, "1 of 2");
    assert_eq!(shown.pct, None);
    // Sections pool their questions like scores: s1 = h1 here.
    assert_eq!(area_a.section("s1"), h1);

    // By sex: men c1 (q1 Y) and c3 (q1 N, q2 Y): 2 of 3; women c2 (Y, Y) and c4 (Y, N): 3 of 4.
    let h1_id = inspection_reports::aggregate::SetId::Score("h1".into());
    let (men, women) = (area_a.breakdown("sex", "Male", &h1_id), area_a.breakdown("sex", "Female", &h1_id));
    assert_eq!((men.yes, men.no, men.cases), (2, 1, 2));
    assert_eq!((women.yes, women.no, women.cases), (3, 1, 2));
    assert_eq!(area_a.sample_count("sex", "Male"), 2);

    // The set pools every case: h1 = (5 + 4) Yes of (7 + 4) relevant = 81.8%, shown 82%;
    // not the mean of the areas' 71.4% and 100%.
    let total = set.total.score("h1");
    assert_eq!((total.yes, total.no, total.cases), (9, 2, 6));
    assert_eq!(Shown::new(total, 3).text, "82%");
    assert_eq!(set.total.cases, 6);
}
