//! The `typst::World` of one report.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::Library;

use super::{Engine, TypesetJob};
use crate::error::{Location, Problem};

/// The engine plus one report's generated files; cheap to make for every report.
pub struct ReportWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    generated: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl<'a> ReportWorld<'a> {
    pub fn new(engine: &'a Engine, job: &TypesetJob) -> Result<Self, Problem> {
        let main = file_id(&format!("/{}", job.template))
            .filter(|id| engine.sources.contains_key(id))
            .ok_or_else(|| Problem::template(Location::file(engine.templates_dir.join(&job.template)), "template not found"))?;
        let mut generated = HashMap::new();
        for (path, bytes) in &job.files {
            let id = file_id(path).ok_or_else(|| Problem::internal(Location::file(path), "invalid generated file path"))?;
            generated.insert(id, Bytes::new(bytes.clone()));
        }
        let today = Datetime::from_ymd(job.date.year, job.date.month, job.date.day).expect("validated date");
        Ok(Self { engine, main, generated, today })
    }
}

impl typst::World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(source) = self.engine.sources.get(&id) {
            return Ok(source.clone());
        }
        Err(self.not_served(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.generated.get(&id).or_else(|| self.engine.files.get(&id)) {
            return Ok(bytes.clone());
        }
        Err(self.not_served(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    /// The document's own date (its publication date), never the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

impl ReportWorld<'_> {
    fn not_served(&self, id: FileId) -> FileError {
        if matches!(id.root(), VirtualRoot::Package(_)) {
            // No package downloads: reports use only the project's templates.
            return FileError::Other(Some("packages are not available: reports use only the project's templates".into()));
        }
        FileError::NotFound(id.vpath().get_with_slash().into())
    }
}
