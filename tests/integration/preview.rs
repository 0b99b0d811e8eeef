//! The live preview (`serve`): a saved export updates the open report in the browser without a
//! reload, a broken one is shown over the last good pages exactly as `check` words it and clears
//! when fixed, two browsers follow at once; the server serves only its own pages and shows
//! hostile text as text. The browser test drives headless Chromium through ChromeDriver.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use inspection_reports::preview::{self, Options, Server};
use inspection_reports::project::{self, Filter, Settings};

use crate::common::{copy_tree, root};
use crate::webdriver::{http, Driver};

const LANCASHIRE: &str = "omi2/2011-12/lancashire";

/// A copy of the sample's OMI 2 data (and the templates) to edit, previewed on a free port.
struct Preview {
    dir: tempfile::TempDir,
    settings: Settings,
    server: Server,
}

impl Preview {
    fn start() -> Preview {
        Preview::start_with(Options { addr: "127.0.0.1:0".parse().unwrap(), ..Options::default() })
    }

    fn start_with(options: Options) -> Preview {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&root().join("data"), &dir.path().join("data"));
        copy_tree(&root().join("report-templates"), &dir.path().join("report-templates"));
        let mut settings = Settings::for_root(dir.path());
        settings.fonts = root().join("fonts");
        settings.filter = Filter::new(Some("omi2".into()), None, None);
        let server = preview::start(&settings, &options).expect("the preview starts");
        let p = Preview { dir, settings, server };
        p.wait("the first plan", || p.server.snapshot(LANCASHIRE).is_some());
        p
    }

    fn port(&self) -> u16 {
        self.server.addr().port()
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port())
    }

    fn get(&self, target: &str) -> (u16, String) {
        let (code, body) = http(self.port(), "GET", target, None, "127.0.0.1").expect("the server answers");
        (code, String::from_utf8_lossy(&body).into_owned())
    }

    fn export(&self) -> PathBuf {
        self.dir.path().join("data/inspections/omi2-2011-12/lancashire/cases.csv")
    }

    fn wait(&self, what: &str, done: impl Fn() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(start.elapsed() < Duration::from_secs(30), "waited 30 s for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What `check` says about the same data, each problem as it prints it.
    fn check(&self) -> Vec<String> {
        let mut s = self.settings.clone();
        s.write = false;
        s.draft = true;
        project::run(&s, &|_| {}).problems.0.iter().map(|p| p.render("error", false)).collect()
    }
}

/// Saves `text` to `path` as an editor does: a whole new file.
fn save(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// The export with the first answer `from` of case L0001 turned into `to`.
fn edit_first_case(export: &str, from: &str, to: &str) -> String {
    let mut lines: Vec<String> = export.lines().map(str::to_string).collect();
    let i = lines.iter().position(|l| l.starts_with("L0001,")).expect("case L0001");
    let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
    let k = cells.iter().skip(6).position(|c| c == from).expect("an answer to change") + 6;
    cells[k] = to.to_string();
    lines[i] = cells.join(",");
    lines.join("\n") + "\n"
}

/// The first figure of `figures_csv` (group, kind, id, breakdown → yes) that differs from `before`.
fn changed_figure(before: &str, after: &str) -> (String, String) {
    let rows = |csv: &str| -> Vec<Vec<String>> {
        csv::Reader::from_reader(csv.as_bytes()).records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    };
    let key = |r: &[String]| [0, 1, 2, 4].iter().map(|&i| r[i].clone()).collect::<Vec<_>>().join("|");
    let old: std::collections::HashMap<String, String> = rows(before).iter().map(|r| (key(r), r[5].clone())).collect();
    rows(after)
        .iter()
        .find(|r| r[0] == "Lancashire" && old.get(&key(r)) != Some(&r[5]))
        .map(|r| (key(r), r[5].clone()))
        .expect("a figure of Lancashire changed")
}

#[test]
fn the_preview_serves_only_its_own_pages() {
    let p = Preview::start();
    let (code, index) = p.get("/");
    assert_eq!(code, 200);
    assert!(index.contains("/report/omi2"), "the index links the reports");
    for target in [
        "/../../etc/passwd",
        "/report/../../etc/passwd",
        "/report/%2e%2e/%2e%2e/etc/passwd",
        "/report/..%2f..%2f..%2fetc%2fpasswd",
        "/report/omi2/2011-12/..%2f..%2f..%2fCargo.toml",
        "/page/..%2f..%2fetc%2fpasswd",
        "/page/%2Fetc%2Fpasswd.svg",
        "//etc/passwd",
        "/report//etc/passwd",
        "/report/%2Fetc%2Fpasswd",
        "/api/report/%2e%2e%2f%2e%2e%2fdata%2finspections",
        "/events/..%2f..%2fetc%2fpasswd",
        "/preview.js/../../../etc/passwd",
        "/data/inspections/omi2-2011-12/lancashire/cases.csv",
    ] {
        let (code, body) = p.get(target);
        assert!(code == 404 || code == 400, "{target}: {code}");
        assert!(!body.contains("root:") && !body.contains("[package]") && !body.contains("L0001"), "{target} served a file: {body}");
    }
    // Nothing changes anything.
    for method in ["POST", "PUT", "DELETE"] {
        let (code, _) = http(p.port(), method, "/report/omi2/2011-12/lancashire", Some("{}"), "127.0.0.1").unwrap();
        assert_eq!(code, 405, "{method}");
    }
    // A page elsewhere that points a name at 127.0.0.1 (DNS rebinding) is refused.
    let (code, _) = http(p.port(), "GET", "/", None, "attacker.example:80").unwrap();
    assert_eq!(code, 403);
    let (code, _) = http(p.port(), "GET", "/", None, &format!("localhost:{}", p.port())).unwrap();
    assert_eq!(code, 200);
}

#[test]
fn hostile_text_in_the_data_is_shown_as_text() {
    // Polling, as on a network drive where file events do not arrive.
    let p = Preview::start_with(Options { addr: "127.0.0.1:0".parse().unwrap(), poll: Some(Duration::from_millis(100)), ..Options::default() });
    let yaml_path = p.dir.path().join("data/inspections/omi2-2011-12/lancashire/inspection.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    let hostile = r#"<script>alert("owned")</script><img src=x onerror=alert(1)> & Co"#;
    save(&yaml_path, &yaml.replacen("area: Lancashire", &format!("area: '{hostile}'"), 1));
    p.wait("the new name", || p.get("/").1.contains("&lt;script&gt;"));
    let (_, index) = p.get("/");
    assert!(!index.contains("<script>alert") && !index.contains("<img src=x"), "raw markup in the index");
    let (code, page) = p.get(&format!("/report/{LANCASHIRE}"));
    assert_eq!(code, 200);
    assert!(page.contains("&lt;script&gt;alert(") && !page.contains("<script>alert"), "raw markup in the report page");
    // The only script a page loads is the preview's own, and the policy forbids any other.
    assert_eq!(page.matches("<script").count(), 1);
    let (code, json) = p.get(&format!("/api/report/{LANCASHIRE}"));
    assert_eq!(code, 200);
    assert!(!json.contains("<script>alert"), "raw markup in the state a page inserts");
}

#[test]
fn a_saved_export_updates_open_browsers_and_a_broken_one_is_shown_over_the_last_good_pages() {
    let p = Preview::start();
    let driver = Driver::start();
    let browsers = [driver.browser(), driver.browser()];
    let long = Duration::from_secs(30);
    for b in &browsers {
        b.goto(&p.url(&format!("/report/{LANCASHIRE}")));
        b.wait_for(
            "the pages",
            "const i = document.querySelectorAll('#pages img'); return i.length > 0 && Array.from(i).every(x => x.complete && x.naturalWidth > 0);",
            long,
        );
        // Gone if the page reloads.
        b.eval("window.notReloaded = 'still here'; return null;");
    }
    // A third browser on the index of reports.
    let index = driver.browser();
    index.goto(&p.url("/"));
    index.wait_for("the index", "return document.querySelector('a[href=\"/report/omi2/2011-12/lancashire\"]') !== null;", long);
    let before = p.server.snapshot(LANCASHIRE).unwrap();
    assert!(before.problems.is_empty(), "{:?}", before.problems);
    let shown = |b: &crate::webdriver::Browser<'_>, key: &str| -> String {
        let script = format!("const r = document.querySelector('#figures tr[data-key=\"{key}\"]'); return r ? r.querySelector('td').textContent : null;");
        b.eval(&script).as_str().unwrap_or_default().to_string()
    };

    // One answer changed and saved: the figure and the pages change in both browsers, no reload.
    let original = std::fs::read_to_string(p.export()).unwrap();
    let edited = edit_first_case(&original, "Yes", "No");
    save(&p.export(), &edited);
    p.wait("the new render", || p.server.snapshot(LANCASHIRE).is_some_and(|s| s.figures_csv != before.figures_csv && !s.stale));
    let after = p.server.snapshot(LANCASHIRE).unwrap();
    let (key, yes) = changed_figure(&before.figures_csv, &after.figures_csv);
    assert_ne!(after.pages, before.pages, "some page changed");
    for b in &browsers {
        b.wait_for(
            &format!("{key} to show {yes}"),
            &format!("const r = document.querySelector('#figures tr[data-key=\"{key}\"]'); return r && r.querySelector('td').textContent === '{yes}';"),
            long,
        );
        assert_eq!(shown(b, &key), yes);
        let hashes = b.wait_for(
            "the new pages",
            &format!(
                "const h = Array.from(document.querySelectorAll('#pages img')).map(i => i.dataset.hash); return h.join(' ') === '{}' ? h : null;",
                after.pages.join(" ")
            ),
            long,
        );
        assert_eq!(hashes.as_array().unwrap().len(), after.pages.len());
        assert_eq!(b.eval("return window.notReloaded || null;").as_str(), Some("still here"), "updated without a reload");
    }

    // A broken export: the problem over the last good pages, worded as `check` words it.
    save(&p.export(), &edit_first_case(&edited, "Yes", "Perhaps"));
    p.wait("the problem", || p.server.snapshot(LANCASHIRE).is_some_and(|s| !s.problems.is_empty()));
    let broken = p.server.snapshot(LANCASHIRE).unwrap();
    assert_eq!(broken.pages, after.pages, "the last good pages are kept");
    let check = p.check();
    for problem in &broken.problems {
        assert!(check.contains(problem), "shown: {problem}\n`check` says: {check:#?}");
    }
    let problem = &broken.problems[0];
    assert!(problem.contains("cases.csv") && problem.contains("Perhaps") && problem.contains("row 2"), "{problem}");
    for b in &browsers {
        let text = b.wait_for("the problem in place", "const p = document.querySelector('#problems .problems'); return p ? p.innerText : null;", long);
        let text = text.as_str().unwrap();
        assert!(text.contains("Perhaps") && text.contains("cases.csv") && text.contains("hint:"), "{text}");
        assert_eq!(b.eval("return document.querySelectorAll('#pages img').length;").as_u64(), Some(after.pages.len() as u64), "the pages stay under it");
    }
    // The README's picture of a problem shown in place: PREVIEW_SCREENSHOT=path.png.
    if let Some(path) = std::env::var_os("PREVIEW_SCREENSHOT") {
        std::fs::write(path, browsers[0].screenshot()).unwrap();
    }

    // The index says so too, by itself.
    index.wait_for(
        "the index to show Lancashire's problem",
        "const a = document.querySelector('a[href=\"/report/omi2/2011-12/lancashire\"]'); return a && a.closest('tr').textContent.includes('1 problem');",
        long,
    );

    // Fixed: the problem clears by itself.
    save(&p.export(), &original);
    p.wait("the problem to clear", || p.server.snapshot(LANCASHIRE).is_some_and(|s| s.problems.is_empty() && !s.stale && s.figures_csv == before.figures_csv));
    for b in &browsers {
        b.wait_for("the problem to go", "return document.querySelector('#problems .problems') === null;", long);
        // The figures may arrive a moment after the problem goes (a loaded machine showed the
        // edited figure for an instant): wait for them, then check.
        let first = changed_figure(&after.figures_csv, &before.figures_csv).1;
        b.wait_for(
            &format!("{key} back to {first}"),
            &format!("const r = document.querySelector('#figures tr[data-key=\"{key}\"]'); return r && r.querySelector('td').textContent === '{first}';"),
            long,
        );
        assert_eq!(shown(b, &key), first, "back to the first figure");
        assert_eq!(b.eval("return window.notReloaded || null;").as_str(), Some("still here"));
    }
    assert!(!p.settings.output.exists(), "the preview wrote into the output folder");
}

#[test]
fn a_template_error_is_shown_on_the_open_report_and_clears_when_fixed() {
    let p = Preview::start();
    let sse = std::net::TcpStream::connect(("127.0.0.1", p.port())).unwrap();
    {
        use std::io::Write;
        let mut s = &sse;
        write!(s, "GET /events/{LANCASHIRE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    }
    p.wait("the first render", || p.server.snapshot(LANCASHIRE).is_some_and(|s| !s.pages.is_empty() && !s.stale));
    let good = p.server.snapshot(LANCASHIRE).unwrap();
    let template = p.dir.path().join("report-templates/area.typ");
    let text = std::fs::read_to_string(&template).unwrap();
    save(&template, &format!("{text}\n#let broken = (\n"));
    p.wait("the template error", || p.server.snapshot(LANCASHIRE).is_some_and(|s| !s.problems.is_empty()));
    let broken = p.server.snapshot(LANCASHIRE).unwrap();
    assert_eq!(broken.pages, good.pages, "the last good pages are kept");
    assert!(broken.problems[0].contains("area.typ"), "{:?}", broken.problems);
    save(&template, &text);
    p.wait("the error to clear", || p.server.snapshot(LANCASHIRE).is_some_and(|s| s.problems.is_empty() && !s.stale));
    assert_eq!(p.server.snapshot(LANCASHIRE).unwrap().pages, good.pages, "the same pages again");
    drop(sse);
}
