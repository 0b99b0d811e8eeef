//! Every page publishable: a layout check over every page of every published sample PDF, from
//! the position of every word (`pdftotext -bbox-layout`). It fails on two words whose boxes
//! overlap (a table running into itself, a label over a label), a word outside the page's text
//! area (a cropped chart, a table or label wider than the text block), a heading with less than
//! two lines of its content under it at the foot of a page, a chart caption separated from its
//! chart, and a page more than 85% empty in the middle of a chapter.
//!
//! The text area is the one `report-templates/lib/style.typ` sets (`margin: (x: 2.2cm, top:
//! 2.6cm, bottom: 2.4cm)`); the running head and the page number are the only words allowed in
//! the margins. Headings are told by their size (13 pt and over in the report's body), as the
//! style sets them; the cover (page 1) is designed on its own and is not checked.

use std::path::{Path, PathBuf};

use crate::common::*;

const CM: f64 = 72.0 / 2.54;
const LEFT: f64 = 2.2 * CM;
const RIGHT: f64 = 2.2 * CM;
const TOP: f64 = 2.6 * CM;
const BOTTOM: f64 = 2.4 * CM;
/// Headings are 13, 16 and 22 pt; body text 11 pt, tables 10.5 pt.
const HEADING: f64 = 12.6;
const CHAPTER: f64 = 20.0;

#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    width: f64,
    height: f64,
    lines: Vec<Vec<Word>>,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).map(|i| i + key.len()).unwrap_or_else(|| panic!("no {name} in {tag}"));
    let end = tag[start..].find('"').expect("a closing quote") + start;
    tag[start..end].parse().expect("a number")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Every page's words, line by line, in points from the top left.
fn pages(pdf: &Path) -> Vec<Page> {
    let out = std::process::Command::new("pdftotext").arg("-bbox-layout").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    let xml = String::from_utf8_lossy(&out.stdout);
    let mut pages = Vec::new();
    let mut page = Page::default();
    let mut line: Vec<Word> = Vec::new();
    for raw in xml.lines() {
        let l = raw.trim();
        if l.starts_with("<page ") {
            page = Page { width: attr(l, "width"), height: attr(l, "height"), lines: Vec::new() };
        } else if l == "</page>" {
            pages.push(std::mem::take(&mut page));
        } else if l.starts_with("<line ") {
            line = Vec::new();
        } else if l == "</line>" {
            if !line.is_empty() {
                page.lines.push(std::mem::take(&mut line));
            }
        } else if let Some(rest) = l.strip_prefix("<word ") {
            let close = rest.find('>').expect("a tag");
            let text = rest[close + 1..].trim_end_matches("</word>");
            line.push(Word { x0: attr(rest, "xMin"), y0: attr(rest, "yMin"), x1: attr(rest, "xMax"), y1: attr(rest, "yMax"), text: unescape(text) });
        }
    }
    pages
}

fn line_height(l: &[Word]) -> f64 {
    l.iter().map(|w| w.y1 - w.y0).fold(0.0, f64::max)
}

fn line_text(l: &[Word]) -> String {
    l.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
}

/// The number of pages of `pdf` and its layout defects, one line each: `page N: what (where)`.
fn defects(pdf: &Path) -> (usize, Vec<String>) {
    let pages = pages(pdf);
    let mut found = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        if n == 1 {
            continue;
        }
        let last = n == pages.len();
        let (w, h) = (page.width, page.height);
        let in_body = |l: &[Word]| l.iter().all(|x| x.y0 >= TOP - 2.0 && x.y1 <= h - BOTTOM + 4.0);
        // Outside the text area (the running head and the page number excepted).
        for word in page.lines.iter().flatten() {
            let head = word.y1 < TOP && word.y0 > 20.0 && word.x0 >= LEFT - 2.0 && word.x1 <= w - RIGHT + 2.0;
            let folio = word.y0 > h - BOTTOM + 4.0 && word.y1 < h - 20.0 && word.text.chars().all(|c| c.is_ascii_digit());
            if head || folio {
                continue;
            }
            if word.x0 < LEFT - 2.0 || word.x1 > w - RIGHT + 2.0 || word.y0 < TOP - 2.0 || word.y1 > h - BOTTOM + 4.0 {
                found.push(format!("page {n}: `{}` outside the text area (at {:.0},{:.0} to {:.0},{:.0} pt)", word.text, word.x0, word.y0, word.x1, word.y1));
            }
        }
        // Overlapping words.
        let mut words: Vec<&Word> = page.lines.iter().flatten().collect();
        words.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        for (k, a) in words.iter().enumerate() {
            for b in &words[k + 1..] {
                if b.y0 >= a.y1 {
                    break;
                }
                let ix = a.x1.min(b.x1) - a.x0.max(b.x0);
                let iy = a.y1.min(b.y1) - a.y0.max(b.y0);
                if ix > 0.5 && iy > 1.5 {
                    found.push(format!("page {n}: `{}` overlaps `{}` (at {:.0},{:.0} pt)", a.text, b.text, a.x0.max(b.x0), a.y0.max(b.y0)));
                }
            }
        }
        let mut body: Vec<&Vec<Word>> = page.lines.iter().filter(|l| in_body(l)).collect();
        body.sort_by(|a, b| a[0].y0.total_cmp(&b[0].y0));
        // A heading at the foot of a page: fewer than two lines of its content under it.
        if !last {
            for (k, l) in body.iter().enumerate() {
                if line_height(l) < HEADING {
                    continue;
                }
                let under = body[k + 1..].iter().filter(|m| line_height(m) < HEADING && m[0].y0 > l[0].y1).count();
                // Its content goes on overleaf unless the next page opens with a heading.
                let next = &pages[i + 1];
                let next_first = next.lines.iter().filter(|m| in_body(m)).min_by(|a, b| a[0].y0.total_cmp(&b[0].y0));
                let continues = next_first.is_some_and(|m| line_height(m) < HEADING);
                if under == 0 || (under < 2 && continues) {
                    found.push(format!("page {n}: heading `{}` at the foot of the page, its content overleaf", line_text(l)));
                    break;
                }
            }
        }
        // A caption first on its page: its chart is on the page before.
        if let Some(first) = body.first() {
            let t = line_text(first);
            if t.starts_with("Figure ") && t.split(' ').nth(1).is_some_and(|x| x.trim_end_matches(':').parse::<u32>().is_ok()) {
                found.push(format!("page {n}: caption `{t}` first on the page, away from its chart"));
            }
        }
        // More than 85% empty, in the middle of a chapter (the next page does not open one).
        if !last && !body.is_empty() {
            let low = body.iter().map(|l| l.iter().map(|x| x.y1).fold(0.0, f64::max)).fold(0.0, f64::max);
            let filled = (low - TOP) / (h - BOTTOM - TOP);
            let next = &pages[i + 1];
            let opens_chapter = next
                .lines
                .iter()
                .filter(|l| l.iter().all(|x| x.y0 >= TOP - 2.0))
                .min_by(|a, b| a[0].y0.total_cmp(&b[0].y0))
                .is_some_and(|l| line_height(l) >= CHAPTER);
            if filled < 0.15 && !opens_chapter {
                found.push(format!("page {n}: {:.0}% of the page used, in the middle of a chapter", filled * 100.0));
            }
        }
    }
    (pages.len(), found)
}

fn published_pdfs(out: &Path) -> Vec<PathBuf> {
    let mut pdfs: Vec<PathBuf> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf") && !p.strip_prefix(out).unwrap().starts_with("drafts"))
        .collect();
    pdfs.sort();
    pdfs
}

#[test]
fn every_page_of_every_published_sample_report_is_laid_out_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let summary = build(&root(), &out, false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let pdfs = published_pdfs(&out);
    assert_eq!(pdfs.len(), 108, "every published sample report");
    let mut report = Vec::new();
    let (mut pages, mut bad_pages) = (0, 0);
    for pdf in &pdfs {
        let name = pdf.strip_prefix(&out).unwrap().display().to_string();
        let (n, d) = defects(pdf);
        pages += n;
        let mut seen: Vec<&str> = d.iter().map(|x| x.split(':').next().unwrap()).collect();
        seen.dedup();
        bad_pages += seen.len();
        report.extend(d.into_iter().map(|x| format!("{name} {x}")));
    }
    println!("layout: {pages} pages checked, {bad_pages} with a defect");
    assert!(report.is_empty(), "{bad_pages} of {pages} pages have layout defects:\n{}", report.iter().take(60).cloned().collect::<Vec<_>>().join("\n"));
}

#[test]
fn a_table_wider_than_the_text_block_fails_the_check() {
    // A mini project whose area template gains a five-column table of fixed 5 cm columns: 25 cm
    // on a page whose text block is 16.6 cm wide.
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,No\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases)]);
    let templates = dir.path().join("report-templates");
    copy_tree(&root().join("report-templates"), &templates);
    let area = templates.join("area.typ");
    let wide = "\n#table(columns: (5cm,) * 5, ..range(10).map(i => [Column #i]))\n";
    std::fs::write(&area, std::fs::read_to_string(&area).unwrap() + wide).unwrap();
    let mut s = inspection_reports::project::Settings::for_root(dir.path());
    s.fonts = root().join("fonts");
    s.output = dir.path().join("out");
    let summary = inspection_reports::project::run(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let (_, found) = defects(&summary.built[0].pdf);
    assert!(found.iter().any(|d| d.contains("outside the text area")), "{found:#?}");

    // The same report without it passes.
    std::fs::write(&area, std::fs::read_to_string(root().join("report-templates/area.typ")).unwrap()).unwrap();
    let summary = inspection_reports::project::run(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let (_, found) = defects(&summary.built[0].pdf);
    assert!(found.is_empty(), "{found:#?}");
}
