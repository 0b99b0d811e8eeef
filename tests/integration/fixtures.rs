//! The copy of the published figures kept with the tests is the team's reference copy.

use crate::common::*;

/// The team's reference copy beside the repository (present in CI, not in a lone clone).
fn reference() -> std::path::PathBuf {
    root().join("..").join("shared").join("published")
}

#[test]
fn published_copy_equals_the_reference() {
    let reference = reference();
    let copy = published();
    let csv = |dir: &std::path::Path| {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".csv")).collect();
        names.sort();
        names
    };
    assert!(csv(&copy).len() >= 3, "tests/fixtures/published holds the published figures");
    if !reference.is_dir() {
        eprintln!("{} is not here: the copy is compared with it where it is (CI)", reference.display());
        return;
    }
    assert_eq!(csv(&copy), csv(&reference), "the same files");
    for name in csv(&reference) {
        let (a, b) = (std::fs::read(copy.join(&name)).unwrap(), std::fs::read(reference.join(&name)).unwrap());
        assert!(a == b, "tests/fixtures/published/{name} differs from the reference: copy it again");
    }
    let readme = std::fs::read(reference.join("README.md")).unwrap();
    assert!(std::fs::read(copy.join("SOURCE.md")).unwrap() == readme, "SOURCE.md is the reference's README.md");
}
