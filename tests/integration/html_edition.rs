//! The HTML edition: every sample report's HTML passes the axe-core accessibility engine (WCAG
//! 2.1 A and AA) in headless Chromium and the html-validate markup validator, and says what the
//! PDF says; hostile text stays text. (Same bytes twice: `end_to_end.rs`.)

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::common::*;
use crate::webdriver::Driver;

/// The npm packages `.ci/run` installs (axe-core, html-validate), outside the clone.
fn node_modules() -> PathBuf {
    if let Some(p) = std::env::var_os("INSPECTION_REPORTS_NODE_MODULES") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let dir = home.join(".cache/inspection-reports/node/node_modules");
    assert!(
        dir.join("axe-core/axe.min.js").is_file() && dir.join(".bin/html-validate").is_file(),
        "axe-core and html-validate are missing from {}: `bash .ci/run` installs them (npm)",
        dir.display()
    );
    dir
}

fn html_files(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        walkdir::WalkDir::new(out).into_iter().map(Result::unwrap).map(|e| e.into_path()).filter(|p| p.extension().is_some_and(|x| x == "html")).collect();
    files.sort();
    files
}

#[test]
fn every_sample_html_report_is_accessible_and_valid() {
    let out = tempfile::tempdir().unwrap();
    let summary = build(&root(), out.path(), false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    let files = html_files(out.path());
    assert_eq!(files.len(), 108, "an HTML edition beside every PDF");
    let modules = node_modules();

    // The markup, by html-validate's recommended rules.
    let validate = Command::new(modules.join(".bin/html-validate")).args(&files).output().expect("html-validate runs (node)");
    assert!(
        validate.status.success(),
        "html-validate found problems:\n{}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );

    // Accessibility, by axe-core in a real browser: no violation of WCAG 2.1 A or AA.
    let axe = std::fs::read_to_string(modules.join("axe-core/axe.min.js")).unwrap();
    let driver = Driver::start();
    let browser = driver.browser();
    browser.script_timeout(Duration::from_secs(300));
    let mut violations = Vec::new();
    for file in &files {
        browser.goto(&format!("file://{}", file.display()));
        let loaded = browser.eval_with(
            "const s = document.createElement('script'); s.textContent = arguments[0]; document.head.appendChild(s); return typeof axe;",
            vec![json!(axe)],
        );
        assert_eq!(loaded.as_str(), Some("object"), "axe-core did not load in {}", file.display());
        let found = browser.eval_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ' elements, e.g. ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join('; ') + ')')))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        );
        for v in found.as_array().cloned().unwrap_or_default() {
            violations.push(format!("{}: {}", file.strip_prefix(out.path()).unwrap().display(), v.as_str().unwrap_or_default()));
        }
        // Every chart is an image named by its caption and described by its alt text.
        let unnamed = browser.eval("return Array.from(document.querySelectorAll('figure svg')).filter(s => s.getAttribute('role') !== 'img' || !s.querySelector('title') || !s.querySelector('desc') || !s.querySelector('desc').textContent.trim()).length;");
        assert_eq!(unnamed.as_u64(), Some(0), "a chart without title or description in {}", file.display());
        // No table wider than the text column (at a laptop's 1100 px): split, not scrolled.
        let wide = browser.eval("const w = document.querySelector('main').clientWidth; return Array.from(document.querySelectorAll('table')).filter(t => t.scrollWidth > w + 2).map(t => (t.caption ? t.caption.textContent : t.rows[0].textContent).slice(0, 80) + ': ' + t.scrollWidth + ' px in ' + w);");
        for t in wide.as_array().cloned().unwrap_or_default() {
            violations.push(format!("{}: table wider than the page: {}", file.strip_prefix(out.path()).unwrap().display(), t.as_str().unwrap_or_default()));
        }
    }
    assert!(violations.is_empty(), "{} problems (axe-core violations, tables too wide):\n{}", violations.len(), violations.join("\n"));
}

#[test]
fn the_html_edition_says_what_the_pdf_says() {
    let out = tempfile::tempdir().unwrap();
    let summary = build(&root(), out.path(), false);
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    for rel in ["omi2/2011-12/lancashire", "adult-2018/2018-19/eastfield-nps-division", "aggregate/cci-2011-12"] {
        let pdf = squash(&pdf_text(&out.path().join(format!("{rel}.pdf"))));
        let html = std::fs::read_to_string(out.path().join(format!("{rel}.html"))).unwrap();
        let text = squash(&unescape(&strip(&html)));
        // Every figure of the figures CSV that the PDF shows as a percentage, the HTML shows too.
        let mut checked = 0;
        for row in read_csv(&out.path().join(format!("{rel}.figures.csv"))) {
            let shown = format!("{}%", row["percent"]);
            if row["percent"].is_empty() || !pdf.contains(&shown) {
                continue;
            }
            assert!(text.contains(&shown), "{rel}: {shown} ({} {}) in the PDF, not in the HTML", row["group"], row["title"]);
            checked += 1;
        }
        assert!(checked > 5, "{rel}: only {checked} figures compared");
        // The headings in the PDF's order.
        let headings: Vec<String> =
            html.split("<h2 id=\"section-").skip(1).map(|h| unescape(&strip(&h[h.find('>').unwrap() + 1..h.find("</h2>").unwrap()]))).collect();
        let mut at = 0;
        for h in &headings {
            let found = pdf[at..].find(&squash(h)).unwrap_or_else(|| panic!("{rel}: heading `{h}` not in the PDF after the previous one"));
            at += found;
        }
        assert!(headings.len() >= 8, "{rel}: {headings:?}");
        assert!(html.contains("<html lang=\"en-GB\">") && html.contains("<nav class=\"contents\""));
        assert!(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http://"), "{rel}: a script or a request elsewhere");
    }
}

#[test]
fn hostile_text_in_the_html_edition_stays_text_and_a_draft_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("data"), &dir.path().join("data"));
    let yaml_path = dir.path().join("data/inspections/omi2-2011-12/lancashire/inspection.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    let hostile = r#"<script>alert("owned")</script><img src=x onerror=alert(1)>"#;
    std::fs::write(&yaml_path, yaml.replacen("area: Lancashire", &format!("area: 'Lancashire {hostile}'"), 1)).unwrap();
    let mut s = inspection_reports::project::Settings::for_root(dir.path());
    s.templates = root().join("report-templates");
    s.fonts = root().join("fonts");
    s.filter = inspection_reports::project::Filter::new(Some("omi2".into()), None, None);
    // As drafts: the HTML edition is marked as the PDF is.
    s.draft = true;
    let summary = inspection_reports::project::run(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    for file in html_files(&s.output) {
        let html = std::fs::read_to_string(&file).unwrap();
        assert!(!html.contains("<script") && !html.contains("<img"), "{}: markup from the data", file.display());
        assert!(html.contains("DRAFT – not for publication") && html.contains("(draft)</title>"), "{}: the draft mark", file.display());
        if file.ends_with("lancashire.html") || file.ends_with("omi2-2011-12.html") {
            assert!(html.contains("&lt;script&gt;alert("), "{}: the name is shown as text", file.display());
        }
    }
}

fn strip(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => {
                inside = true;
                out.push(' ');
            }
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}
