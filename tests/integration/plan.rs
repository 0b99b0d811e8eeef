//! The plan: every report with its declared inputs, made before any work. A changed file
//! affects exactly the reports that declared it.

use std::path::PathBuf;

use crate::common::*;
use inspection_reports::project::{self, Settings};

fn sample_plan() -> (Settings, inspection_reports::project::plan::Plan) {
    let s = Settings::for_root(&root());
    let (made, summary) = project::plan(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    (s, made.expect("the sample plans").1)
}

fn keys<'a>(jobs: impl Iterator<Item = &'a inspection_reports::project::plan::Job>, s: &Settings) -> Vec<String> {
    let mut k: Vec<String> = jobs.map(|j| inspection_reports::record::key(&s.output, &j.pdf)).collect();
    k.sort();
    k
}

#[test]
fn the_plan_holds_every_sample_report_with_its_inputs() {
    let (s, plan) = sample_plan();
    assert_eq!(plan.jobs.len(), 108, "as many reports as `build` makes");
    for job in &plan.jobs {
        assert!(job.reads().all(|p| p.is_file()), "{}: declares a file that is not there", job.pdf.display());
        assert!(job.reads().any(|p| p.starts_with(s.data.join("frameworks"))), "{}: declares its framework", job.pdf.display());
        assert!(job.reads().any(|p| p == job.source()), "{}: declares its own file", job.pdf.display());
        assert!(job.set_files.len() >= 2 * job.comparison.len(), "{}: declares each inspection of its comparison set", job.pdf.display());
    }
}

#[test]
fn a_changed_export_affects_its_area_the_later_reports_of_its_framework_and_its_aggregate() {
    let (s, plan) = sample_plan();
    // Lancashire was published on 13 October 2011: the OMI 2 reports published on or after it
    // compare with it (inspected to date); those published before do not.
    let changed = vec![s.data.join("inspections/omi2-2011-12/lancashire/cases.csv")];
    let affected = keys(plan.affected_by(&changed, &s), &s);
    let mut expected: Vec<String> = std::fs::read_dir(s.data.join("inspections/omi2-2011-12"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|d| {
            let yaml = std::fs::read_to_string(d.join("inspection.yaml")).unwrap();
            yaml.lines().find_map(|l| l.strip_prefix("publication_date: ")).unwrap().trim() >= "2011-10-13"
        })
        .map(|d| format!("omi2/2011-12/{}.pdf", d.file_name().unwrap().to_string_lossy()))
        .collect();
    expected.push("aggregate/omi2-2011-12.pdf".into());
    expected.sort();
    assert!(expected.len() > 2 && expected.len() < 20, "{expected:?}");
    assert_eq!(affected, expected);

    // A framework file: every report of its framework, nothing else.
    let fw = vec![s.data.join("frameworks/omi2.yaml")];
    let affected = keys(plan.affected_by(&fw, &s), &s);
    assert!(affected.iter().all(|k| k.starts_with("omi2/") || k == "aggregate/omi2-2011-12.pdf"), "{affected:?}");
    assert_eq!(affected.len(), plan.jobs.iter().filter(|j| j.framework() == "omi2").count());

    // A template or a font: every report. A file nobody reads: none.
    assert_eq!(plan.affected_by(&[s.templates.join("area.typ")], &s).count(), 108);
    assert_eq!(plan.affected_by(&[PathBuf::from("/elsewhere/notes.txt")], &s).count(), 0);
}
