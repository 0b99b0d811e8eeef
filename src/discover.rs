//! Walks the project into the list of inputs: frameworks, inspections, aggregate definitions.
//! Nothing the walk meets is dropped: a folder or file that cannot be read is a problem, named.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Location, Problem, Problems};

/// The input files of a project, each list sorted so that runs are deterministic.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub frameworks: Vec<PathBuf>,
    pub inspections: Vec<PathBuf>,
    pub aggregates: Vec<PathBuf>,
    /// Paths under `inspections/` that could not be read: an inspection may hide there, so no
    /// report that could compare with it is published.
    pub unreadable_inspections: Vec<PathBuf>,
    /// Paths under `frameworks/` or `aggregates/` that could not be read.
    pub unreadable_other: Vec<PathBuf>,
}

/// Finds `frameworks/*.yaml`, `inspections/**/inspection.yaml` and `aggregates/*.yaml` in
/// `data`; every folder or file the walk cannot read is reported.
pub fn discover(data: &Path) -> Result<(Inputs, Problems), Problem> {
    if !data.is_dir() {
        return Err(Problem::data(Location::file(data), "the data folder does not exist").with_hint("run from the project root, or pass --data <folder>"));
    }
    let mut problems = Problems::default();
    let mut unreadable = Vec::new();
    let mut yaml_in = |dir: &Path, name: Option<&str>, unreadable: &mut Vec<PathBuf>| -> Vec<PathBuf> {
        let mut found = Vec::new();
        if !dir.exists() {
            return found;
        }
        for entry in WalkDir::new(dir).follow_links(true) {
            let entry =
                match entry {
                    Ok(e) => e,
                    Err(e) => {
                        let path = e.path().unwrap_or(dir).to_path_buf();
                        let why = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
                        problems.push(Problem::internal(Location::file(&path), format!("could not read this folder or file: {why}")).with_hint(
                            "give the build permission to read it, or move it out of the data folder; no report that could depend on it is published",
                        ));
                        unreadable.push(path);
                        continue;
                    }
                };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.into_path();
            let wanted = match name {
                Some(n) => path.file_name().is_some_and(|f| f == n),
                None => path.extension().is_some_and(|x| x == "yaml" || x == "yml"),
            };
            if wanted {
                found.push(path);
            }
        }
        found.sort();
        found
    };
    let mut other = Vec::new();
    let frameworks = yaml_in(&data.join("frameworks"), None, &mut other);
    let inspections = yaml_in(&data.join("inspections"), Some("inspection.yaml"), &mut unreadable);
    let aggregates = yaml_in(&data.join("aggregates"), None, &mut other);
    Ok((Inputs { frameworks, inspections, aggregates, unreadable_inspections: unreadable, unreadable_other: other }, problems))
}
