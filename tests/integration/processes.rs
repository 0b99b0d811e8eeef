//! The binary as a scheduled job runs it: killed midway, or started twice at once.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use walkdir::WalkDir;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_inspection-reports"));
    c.current_dir(root());
    c
}

fn pdfs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

/// Kills `child` as soon as one PDF under `out` differs from `before` (part of the way
/// through), and checks it was still running then.
fn kill_after_first_replacement(mut child: std::process::Child, out: &Path, before: &[(String, Vec<u8>)]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        if pdfs(out).iter().zip(before).any(|(a, b)| a.1 != b.1) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(killed_running, "the run finished before it could be killed");
}

fn build_into(out: &Path, extra: &[&str]) -> std::process::Output {
    bin().args(["build", "--quiet", "--framework", "cci", "--output"]).arg(out).args(extra).output().unwrap()
}

#[test]
fn a_build_killed_midway_leaves_each_pdf_old_or_new_and_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, fresh) = (tmp.path().join("out"), tmp.path().join("fresh"));
    // Old PDFs in `out`, from templates with one more word in every area report (so every CCI
    // report differs, and no figure: the rebuild is not a correction); the new ones, built
    // whole elsewhere.
    let old_root = tmp.path().join("old-root");
    for part in ["data", "fonts", "report-templates"] {
        copy_tree(&root().join(part), &old_root.join(part));
    }
    let area_typ = old_root.join("report-templates/area.typ");
    let text = std::fs::read_to_string(&area_typ).unwrap().replacen("= Foreword", "= Foreword\nAn earlier version.\n", 1);
    std::fs::write(&area_typ, text).unwrap();
    assert!(build_into(&out, &["--root", old_root.to_str().unwrap()]).status.success());
    assert!(build_into(&fresh, &[]).status.success());
    let old = pdfs(&out);
    let new = pdfs(&fresh);
    assert_eq!(old.len(), new.len());

    // Kill a rebuild part of the way through: as soon as it has replaced its first PDF.
    let child = bin().args(["build", "--quiet", "--framework", "cci", "--output"]).arg(&out).stderr(Stdio::null()).spawn().unwrap();
    kill_after_first_replacement(child, &out, &old);

    let after = pdfs(&out);
    assert_eq!(after.len(), old.len(), "a PDF appeared or vanished");
    let mut replaced = 0;
    for (((name, bytes), (_, o)), (_, n)) in after.iter().zip(&old).zip(&new) {
        assert!(bytes == o || bytes == n, "{name} is neither the old nor the new PDF");
        assert!(bytes.starts_with(b"%PDF") && bytes.trim_ascii_end().ends_with(b"%%EOF"), "{name} is not a whole PDF");
        replaced += usize::from(bytes == n);
    }
    eprintln!("killed midway: {replaced} of {} PDFs were already replaced", after.len());
    assert!(replaced < after.len(), "the build was not killed midway");

    // The next build takes over the dead build's lock, clears its temporaries, and completes.
    assert!(build_into(&out, &[]).status.success());
    assert_eq!(pdfs(&out), new);
    let leftovers = WalkDir::new(&out).into_iter().filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().contains(".tmp-")).count();
    assert_eq!(leftovers, 0);
    // The publication record agrees with what is on disk: every report, its hash as written.
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("publication-record.json")).unwrap()).unwrap();
    let reports = record["reports"].as_object().unwrap();
    assert_eq!(reports.len(), new.len());
    for (name, bytes) in pdfs(&out) {
        assert_eq!(reports[&name]["pdf"].as_str().unwrap(), inspection_reports::record::hash(&bytes), "{name}: the record disagrees with the file");
    }
    // And a `--changed` run after it finds nothing to do.
    let again = build_into(&out, &["--changed", "--message-format", "json"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"built\":0"), "{}", String::from_utf8_lossy(&again.stdout));
}

#[test]
fn a_second_build_on_the_same_output_is_refused_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut first = bin().args(["build", "--quiet", "--framework", "cci", "--output"]).arg(&out).stderr(Stdio::null()).spawn().unwrap();
    let lock = out.join(".build.lock");
    let deadline = Instant::now() + Duration::from_secs(30);
    // The first build writes its process id into the lock file once it holds the lock.
    while std::fs::read_to_string(&lock).unwrap_or_default().trim().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = build_into(&out, &[]);
    let first_status = first.wait().unwrap();
    assert!(first_status.success());
    assert_eq!(second.status.code(), Some(4), "busy output folder is exit code 4");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("another build (process") && stderr.contains("is writing to this output folder"), "{stderr}");
}

#[test]
fn a_killed_correction_run_is_completed_by_the_next_and_the_record_stays_true() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    copy_tree(&root().join("data"), &data);
    let run = |extra: &[&str]| {
        bin()
            .args(["build", "--quiet", "--framework", "cci", "--data", data.to_str().unwrap(), "--output", out.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(run(&[]).status.success());
    let before = pdfs(&out);
    // Correct an answer of the CCI area published first: every CCI report is made again.
    let mut first: Vec<(String, String)> = std::fs::read_dir(data.join("inspections/cci-2011-12"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|d| {
            let yaml = std::fs::read_to_string(d.join("inspection.yaml")).unwrap();
            (yaml.lines().find_map(|l| l.strip_prefix("publication_date: ")).unwrap().trim().to_string(), d.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    first.sort();
    let export = data.join("inspections/cci-2011-12").join(&first[0].1).join("cases.csv");
    let text = std::fs::read_to_string(&export).unwrap();
    let (head, rest) = text.split_once('\n').unwrap();
    let (row, others) = rest.split_once('\n').unwrap();
    let flipped = if row.contains(",Yes,") { row.replacen(",Yes,", ",No,", 1) } else { row.replacen(",No,", ",Yes,", 1) };
    std::fs::write(&export, format!("{head}\n{flipped}\n{others}")).unwrap();

    let correct = ["--changed", "--as-of", "2012-09-14", "--reason", "An answer was recorded wrongly."];
    let child = bin()
        .args(["build", "--quiet", "--framework", "cci", "--data", data.to_str().unwrap(), "--output", out.to_str().unwrap()])
        .args(correct)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_after_first_replacement(child, &out, &before);

    // The next run completes the correction; the record then says exactly what is on disk.
    let next = run(&correct);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("publication-record.json")).unwrap()).unwrap();
    let reports = record["reports"].as_object().unwrap();
    for (name, bytes) in pdfs(&out).into_iter().filter(|(n, _)| !n.contains(".superseded-")) {
        assert_eq!(reports[&name]["pdf"].as_str().unwrap(), inspection_reports::record::hash(&bytes), "{name}: the record disagrees with the file");
        assert_eq!(reports[&name]["corrections"].as_array().unwrap().len(), 1, "{name}: one correction, recorded once");
    }
    // Every superseded copy is the version that was published, not one the stopped run wrote.
    for (name, bytes) in &before {
        let kept = out.join(name.replace(".pdf", ".superseded-2012-09-14.pdf"));
        assert_eq!(&std::fs::read(&kept).unwrap(), bytes, "{name}: the kept version is not the published one");
    }
    // And nothing is left to do.
    let again = run(&["--changed", "--message-format", "json"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"built\":0"), "{}", String::from_utf8_lossy(&again.stdout));
}
