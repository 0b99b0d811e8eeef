//! A filtered build reads the exports of the comparison sets it reports on, and only those: a
//! broken export elsewhere neither slows it nor fails it, while a full build still reports it.

use crate::common::*;
use inspection_reports::project::{self, Filter, Settings};

#[test]
fn a_filtered_build_reads_only_the_exports_of_its_sets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_tree(&root().join("data"), &data);
    // Break an OMI 2 export: a row with an answer that is not Yes, No or N/A.
    let export = data.join("inspections/omi2-2011-12/cumbria/cases.csv");
    let text = std::fs::read_to_string(&export).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let answer = header.iter().position(|h| h.starts_with('q')).expect("a question column");
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[answer] = "Perhaps".into();
    lines[1] = cells.join(",");
    std::fs::write(&export, lines.join("\n") + "\n").unwrap();

    let run = |filter: Filter| {
        let mut s = Settings::for_root(&root());
        s.data = data.clone();
        s.output = dir.path().join("out");
        s.filter = filter;
        project::run(&s, &|_| {})
    };
    let cci = run(Filter::new(Some("cci".into()), None, None));
    assert!(cci.problems.is_empty(), "{}", cci.problems);
    assert_eq!(cci.built.len(), 54, "53 CCI areas and their aggregate");

    let all = run(Filter::default());
    // Cumbria's own report, the 10 other OMI 2 reports whose comparisons would miss it (their
    // previous PDFs stay), and the OMI 2 aggregate that would miss it.
    assert_eq!(all.failed, 12, "{}", all.problems);
    assert!(all.problems.to_string().contains("not rebuilt: the 10 area report(s) of omi2 2011-12"), "{}", all.problems);
    assert!(all.problems.to_string().contains("cumbria/cases.csv"), "{}", all.problems);
}
