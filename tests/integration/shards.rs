//! `--shard k/n`: parts of the plan for a batch scheduler's array of tasks.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        // Reports, their figures and the publication record; not the lock files.
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn three_shards_one_after_another_equal_one_build_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, sharded) = (tmp.path().join("whole"), tmp.path().join("sharded"));
    let bin = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_inspection-reports"));
        c.current_dir(root());
        c
    };
    let out = bin().args(["build", "--quiet", "--output"]).arg(&whole).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut per_shard = Vec::new();
    for k in 1..=3 {
        let out = bin().args(["build", "--message-format", "json", "--shard", &format!("{k}/3"), "--output"]).arg(&sharded).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let built = String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.contains("\"type\":\"built\"")).count();
        per_shard.push(built);
    }
    // Each shard wrote its fragment of the record; merged, they are the whole build's record.
    for k in 1..=3 {
        assert!(sharded.join(format!("publication-record.shard-{k}-of-3.json")).is_file(), "shard {k}'s fragment");
    }
    let merge = bin().args(["merge-records", "--output"]).arg(&sharded).output().unwrap();
    assert!(merge.status.success(), "{}", String::from_utf8_lossy(&merge.stderr));
    assert!(!sharded.join("publication-record.shard-1-of-3.json").exists(), "merged fragments are removed");
    let (a, b) = (files(&whole), files(&sharded));
    assert_eq!(a.len(), b.len(), "the same files");
    for ((name, x), (other, y)) in a.iter().zip(&b) {
        assert_eq!(name, other);
        assert!(x == y, "{name} differs between the sharded and the whole build");
    }
    // Every shard has work, and none has most of it (7 frameworks, 108 reports).
    assert!(per_shard.iter().all(|&n| n > 0), "{per_shard:?}");
    assert_eq!(per_shard.iter().sum::<usize>(), 108, "{per_shard:?}");
    assert!(per_shard.iter().all(|&n| n < 70), "unbalanced: {per_shard:?}");
}

#[test]
fn a_shard_is_k_of_n() {
    use inspection_reports::project::Shard;
    assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 1, count: 3 }));
    for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_framework_no_shard_was_given_is_reported_by_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases)]);
    std::fs::create_dir_all(dir.path().join("data/aggregates")).unwrap();
    std::fs::write(
        dir.path().join("data/aggregates/ghost.yaml"),
        "id: ghost\ntitle: Ghost\nframework: ghostly\ninspections: {period: 2020-21}\nperiod: 2020-21\npublication_date: 2021-01-10\nstatus: published\n",
    )
    .unwrap();
    let reported: Vec<usize> =
        (0..2).map(|index| check_shard(dir.path(), index, 2).problems.0.iter().filter(|p| p.message.contains("ghostly")).count()).collect();
    assert_eq!(reported, vec![1, 0], "the misspelt framework's aggregate is reported once, by shard 1");
}

#[test]
fn a_broken_inspection_fails_only_the_shard_of_its_framework() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases), ("b", "Area B", "Summary.", cases)]);
    // B's inspection file does not load (a misspelt status): every shard reads every inspection
    // file, but only the shard of its framework may fail for it.
    let yaml = dir.path().join("data/inspections/b/inspection.yaml");
    std::fs::write(&yaml, std::fs::read_to_string(&yaml).unwrap().replace("status: published", "status: Perhaps")).unwrap();
    let failed: Vec<(usize, bool)> = (0..2)
        .map(|index| {
            let summary = check_shard(dir.path(), index, 2);
            (summary.failed, summary.problems.to_string().contains("Perhaps"))
        })
        .collect();
    // One framework: shard 1 has it and reports the broken export (and holds back its set);
    // shard 2 has nothing to do and nothing to report.
    assert!(failed[0].0 > 0 && failed[0].1, "{failed:?}");
    assert_eq!(failed[1], (0, false), "the other shard does not fail for a framework it does not build");
}

/// `check --shard index+1/count` of a mini project, with the repository's templates and fonts.
fn check_shard(project: &std::path::Path, index: usize, count: usize) -> inspection_reports::project::Summary {
    use inspection_reports::project::{self, Settings, Shard};
    let mut s = Settings::for_root(project);
    s.templates = root().join("report-templates");
    s.fonts = root().join("fonts");
    s.write = false;
    s.shard = Some(Shard { index, count });
    project::run(&s, &|_| {})
}
