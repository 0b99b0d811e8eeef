//! Walks the project into the list of inputs: frameworks, inspections, aggregate definitions.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Location, Problem};

/// The input files of a project, each list sorted so that runs are deterministic.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub frameworks: Vec<PathBuf>,
    pub inspections: Vec<PathBuf>,
    pub aggregates: Vec<PathBuf>,
}

/// Finds `frameworks/*.yaml`, `inspections/**/inspection.yaml` and `aggregates/*.yaml` in `data`.
pub fn discover(data: &Path) -> Result<Inputs, Problem> {
    if !data.is_dir() {
        return Err(Problem::data(Location::file(data), "the data folder does not exist")
            .with_hint("run from the project root, or pass --data <folder>"));
    }
    let yaml_in = |dir: &Path, name: Option<&str>| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = WalkDir::new(dir)
            .follow_links(true)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .filter(|p| match name {
                Some(n) => p.file_name().is_some_and(|f| f == n),
                None => p.extension().is_some_and(|x| x == "yaml" || x == "yml"),
            })
            .collect();
        found.sort();
        found
    };
    Ok(Inputs {
        frameworks: yaml_in(&data.join("frameworks"), None),
        inspections: yaml_in(&data.join("inspections"), Some("inspection.yaml")),
        aggregates: yaml_in(&data.join("aggregates"), None),
    })
}
