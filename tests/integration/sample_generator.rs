//! The committed sample is exactly what the seeded generator writes: anyone can regenerate it.

use std::path::Path;
use std::process::Command;

use walkdir::WalkDir;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn generator_reproduces_the_committed_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // The generator reads the hand-written frameworks and writes inspections and aggregates.
    let frameworks = crate::common::root().join("data/frameworks");
    std::fs::create_dir_all(data.join("frameworks")).unwrap();
    for (name, bytes) in files(&frameworks) {
        std::fs::write(data.join("frameworks").join(name), bytes).unwrap();
    }
    let status =
        Command::new(env!("CARGO_BIN_EXE_generate-sample")).arg("--published").arg(crate::common::published()).arg("--data").arg(&data).status().unwrap();
    assert!(status.success());
    for sub in ["inspections", "aggregates"] {
        let made = files(&data.join(sub));
        let committed = files(&crate::common::root().join("data").join(sub));
        assert_eq!(made.len(), committed.len(), "{sub}: number of files");
        for ((a, x), (b, y)) in made.iter().zip(&committed) {
            assert_eq!(a, b);
            assert!(x == y, "data/{sub}/{a} differs from what the generator writes: run `cargo run --release --bin generate-sample`");
        }
    }
}
