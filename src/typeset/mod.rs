//! One Typst engine for the whole run: fonts parsed once, the standard library built once, the
//! templates read once. Each report is compiled in a [`ReportWorld`] that borrows the engine and
//! adds the report's own generated files (its data as JSON, its charts as SVG).
//!
//! The world serves only the templates folder, the fonts and the report's generated files: a
//! template that asks for anything else gets an error, and nothing is downloaded.

mod world;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};
use walkdir::WalkDir;

use crate::date::Date;
use crate::error::{Location, Problem};

pub use world::ReportWorld;

/// The warm engine shared by every report of a run (and, later, by the preview server).
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Template files by virtual path (`/area.typ`), sources parsed once.
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    templates_dir: PathBuf,
}

/// One report to typeset: which template, its generated files, and its metadata.
pub struct TypesetJob {
    /// Template entry point inside the templates folder, such as `area.typ`.
    pub template: String,
    /// Generated files the template may read, by virtual path (`/data.json`, `/charts/x.svg`).
    pub files: Vec<(String, Vec<u8>)>,
    /// Stable identifier of the document (its output path), for a deterministic PDF id.
    pub ident: String,
    /// The document date: the publication date from the data, never the clock.
    pub date: Date,
    /// Enforce PDF/UA-1 (title, alt text, structure); drafts are tagged but not enforced.
    pub enforce_ua: bool,
}

impl TypesetJob {
    /// Writes the job to `dir` as Typst would see it: `job.json` (template, ident, date, UA)
    /// and the generated files at their virtual paths. The typesetting floor of the benchmark
    /// compiles these again with nothing else, and a template author can read exactly what a
    /// report was given. `start` is the report's position in the order the build started
    /// reports, which the floor follows.
    pub fn dump(&self, dir: &Path, start: usize) -> Result<(), Problem> {
        let meta = serde_json::json!({
            "start": start,
            "template": self.template,
            "ident": self.ident,
            "date": self.date.to_string(),
            "enforce_ua": self.enforce_ua,
        });
        let write = |path: &Path, bytes: &[u8]| -> Result<(), Problem> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Problem::internal(Location::file(parent), format!("cannot create folder: {e}")))?;
            }
            std::fs::write(path, bytes).map_err(|e| Problem::internal(Location::file(path), format!("cannot write: {e}")))
        };
        let _ = std::fs::remove_dir_all(dir);
        write(&dir.join("job.json"), serde_json::to_string_pretty(&meta).expect("plain JSON").as_bytes())?;
        for (vpath, bytes) in &self.files {
            write(&dir.join("files").join(vpath.trim_start_matches('/')), bytes)?;
        }
        Ok(())
    }

    /// Reads a job written by [`TypesetJob::dump`].
    pub fn load(dir: &Path) -> Result<TypesetJob, Problem> {
        let meta_path = dir.join("job.json");
        let meta: serde_json::Value = serde_json::from_slice(&crate::error::read(&meta_path)?)
            .map_err(|e| Problem::internal(Location::file(&meta_path), format!("not a typesetting job: {e}")))?;
        let text = |key: &str| meta[key].as_str().map(str::to_string).ok_or_else(|| Problem::internal(Location::file(&meta_path).key(key), "missing"));
        let files_dir = dir.join("files");
        let mut files = Vec::new();
        for entry in WalkDir::new(&files_dir).sort_by_file_name() {
            let entry = entry.map_err(|e| Problem::internal(Location::file(&files_dir), e.to_string()))?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&files_dir).expect("walked under files_dir");
                files.push((format!("/{}", rel.to_string_lossy().replace('\\', "/")), crate::error::read(entry.path())?));
            }
        }
        Ok(TypesetJob {
            template: text("template")?,
            files,
            ident: text("ident")?,
            date: Date::parse(&text("date")?).map_err(|e| Problem::internal(Location::file(&meta_path).key("date"), e))?,
            enforce_ua: meta["enforce_ua"].as_bool().unwrap_or(true),
        })
    }
}

/// What typesetting produced: the PDF and the number of pages.
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<String>,
    /// Time spent compiling (evaluation and layout) and exporting the PDF.
    pub compile_time: std::time::Duration,
    pub export_time: std::time::Duration,
}

/// What typesetting for the preview produced: one SVG image per page.
pub struct SvgPages {
    pub pages: Vec<String>,
    pub warnings: Vec<String>,
    pub compile_time: std::time::Duration,
    pub export_time: std::time::Duration,
}

/// Every file under `dir`; a folder or file that cannot be read is an error, named (a template
/// or a font silently missing would change every report).
fn walk_files(dir: &Path) -> Result<Vec<PathBuf>, Problem> {
    let mut files = Vec::new();
    for entry in WalkDir::new(dir) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            let why = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
            Problem::internal(Location::file(&path), format!("could not read this folder or file: {why}"))
        })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

impl Engine {
    /// Loads every font in `fonts_dir` and every file in `templates_dir`.
    pub fn new(templates_dir: &Path, fonts_dir: &Path) -> Result<Engine, Problem> {
        let mut fonts = Vec::new();
        let mut font_paths: Vec<PathBuf> =
            walk_files(fonts_dir)?.into_iter().filter(|p| p.extension().is_some_and(|x| matches!(x.to_str(), Some("ttf" | "otf" | "ttc" | "otc")))).collect();
        font_paths.sort();
        for path in &font_paths {
            let bytes = crate::error::read(path)?;
            fonts.extend(Font::iter(Bytes::new(bytes)));
        }
        if fonts.is_empty() {
            return Err(Problem::internal(Location::file(fonts_dir), "no fonts found")
                .with_hint("the fonts/ folder of the project must hold the report fonts (.ttf or .otf)"));
        }
        let book = FontBook::from_fonts(&fonts);

        let mut sources = HashMap::new();
        let mut files = HashMap::new();
        let mut template_paths: Vec<PathBuf> = walk_files(templates_dir)?;
        template_paths.sort();
        if template_paths.is_empty() {
            return Err(Problem::template(Location::file(templates_dir), "no report templates found")
                .with_hint("run from the project root, or pass --templates <folder>"));
        }
        for path in template_paths {
            let rel = path.strip_prefix(templates_dir).expect("walked under templates_dir");
            let vpath = VirtualPath::virtualize(Path::new("/"), &Path::new("/").join(rel))
                .map_err(|e| Problem::template(Location::file(&path), format!("unusable template path: {e:?}")))?;
            let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
            let bytes = crate::error::read(&path)?;
            if path.extension().is_some_and(|x| x == "typ") {
                let text = String::from_utf8(bytes.clone()).map_err(|_| Problem::template(Location::file(&path), "template is not UTF-8 text"))?;
                sources.insert(id, Source::new(id, text));
            }
            files.insert(id, Bytes::new(bytes));
        }

        Ok(Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            sources,
            files,
            templates_dir: templates_dir.to_path_buf(),
        })
    }

    /// The first character of `text` that no font of the engine can draw (it would print as
    /// an empty box, or fail the report); spaces, controls and invisible format characters are
    /// not drawn and never count.
    pub fn first_uncovered(&self, text: &str) -> Option<char> {
        text.chars().find(|&c| {
            let invisible = c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}');
            !invisible && !self.fonts.iter().any(|f| f.info().coverage.contains(c as u32))
        })
    }

    /// Compiles one report to PDF. Memoised layout results of earlier reports are evicted
    /// afterwards (also after a failure), so memory stays flat over a long run.
    pub fn compile_pdf(&self, job: &TypesetJob) -> Result<Typeset, Problem> {
        let result = self.compile_inner(job);
        comemo::evict(2);
        result
    }

    /// Compiles one report to one SVG image per page (the preview server's pages): the same
    /// document as [`Engine::compile_pdf`] makes, drawn for a browser.
    pub fn compile_svg(&self, job: &TypesetJob) -> Result<SvgPages, Problem> {
        let result = (|| {
            let world = ReportWorld::new(self, job)?;
            let started = std::time::Instant::now();
            let (document, warnings) = self.compile_document(&world, job)?;
            let compile_time = started.elapsed();
            let started = std::time::Instant::now();
            let options = typst_svg::SvgOptions::default();
            let pages = document.pages().iter().map(|page| typst_svg::svg(page, &options)).collect();
            Ok(SvgPages { pages, warnings, compile_time, export_time: started.elapsed() })
        })();
        comemo::evict(2);
        result
    }

    fn compile_document(&self, world: &ReportWorld<'_>, job: &TypesetJob) -> Result<(PagedDocument, Vec<String>), Problem> {
        let warned = typst::compile::<PagedDocument>(world);
        let warnings: Vec<String> = warned.warnings.iter().map(|d| self.describe(world, d)).collect();
        let document = warned.output.map_err(|errors| {
            let errors: Vec<&SourceDiagnostic> = errors.iter().filter(|d| d.severity == Severity::Error).collect();
            let text: Vec<String> = errors.iter().map(|d| self.describe(world, d)).collect();
            // Placed in the template the error is in (an imported one too), not the entry's.
            let first = errors.first().and_then(|d| self.excerpt(world, d));
            let file = first.as_ref().map_or_else(|| self.templates_dir.join(&job.template), |x| PathBuf::from(&x.file));
            let problem = Problem::template(Location::file(file), text.join("\n")).with_hint("a template error; `check` lists it with the generated data");
            match first {
                Some(x) => problem.with_excerpt(x),
                None => problem,
            }
        })?;
        Ok((document, warnings))
    }

    fn compile_inner(&self, job: &TypesetJob) -> Result<Typeset, Problem> {
        let world = ReportWorld::new(self, job)?;
        let started = std::time::Instant::now();
        let (document, warnings) = self.compile_document(&world, job)?;
        let compile_time = started.elapsed();
        let date = Datetime::from_ymd(job.date.year, job.date.month, job.date.day).expect("validated date");
        let mut standards = Vec::new();
        if job.enforce_ua {
            standards.push(PdfStandard::Ua_1);
        }
        let options = PdfOptions {
            ident: Smart::Custom(job.ident.clone()),
            creator: Smart::Custom(Some("inspection-reports".into())),
            timestamp: Some(Timestamp::new_utc(date)),
            standards: PdfStandards::new(&standards).map_err(|e| Problem::internal(Location::default(), format!("{e:?}")))?,
            ..PdfOptions::default()
        };
        let started = std::time::Instant::now();
        let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| {
            let text: Vec<String> = errors.iter().map(|d| self.describe(&world, d)).collect();
            Problem::template(Location::file(self.templates_dir.join(&job.template)), format!("PDF export failed: {}", text.join("\n")))
                .with_hint("PDF/UA-1 needs a document title and alt text on every image")
        })?;
        Ok(Typeset { pdf, pages: document.pages().len(), warnings, compile_time, export_time: started.elapsed() })
    }

    /// The source stretch a diagnostic points at, named as the user's file (a template under
    /// the templates folder; a generated file by its virtual path).
    fn excerpt(&self, world: &ReportWorld<'_>, d: &SourceDiagnostic) -> Option<crate::error::Excerpt> {
        let id = d.span.id()?;
        let source = typst::World::source(world, id).ok()?;
        let range = typst::WorldExt::range(world, d.span)?;
        let path = id.vpath().get_without_slash().to_string();
        let shown = if path.starts_with("data.json") || path.starts_with("charts/") {
            format!("(generated) /{path}")
        } else {
            self.templates_dir.join(&path).display().to_string()
        };
        Some(crate::error::Excerpt::new(shown, source.text().to_string(), range))
    }

    /// `file:line:col: message` for a diagnostic, with its hints.
    fn describe(&self, world: &ReportWorld<'_>, d: &SourceDiagnostic) -> String {
        let mut place = String::new();
        if let Some(id) = d.span.id() {
            let path = id.vpath().get_without_slash().to_string();
            if let (Ok(source), Some(range)) = (typst::World::source(world, id), typst::WorldExt::range(world, d.span)) {
                let lines = source.lines();
                let line = lines.byte_to_line(range.start).map(|l| l + 1).unwrap_or(0);
                let col = lines.byte_to_column(range.start).map(|c| c + 1).unwrap_or(0);
                place = format!("{path}:{line}:{col}: ");
            } else {
                place = format!("{path}: ");
            }
        }
        let mut s = format!("{place}{}", d.message);
        for h in &d.hints {
            s.push_str(&format!(" (hint: {})", h.v));
        }
        s
    }
}
