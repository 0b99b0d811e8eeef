//! The preview benchmark: `cargo bench --bench preview`. Prints the edit-to-page latency of the
//! live preview (`serve`): from the moment a case export is saved to the moment a browser that
//! shows the report has everything it needs to draw the new figure: the server's notice (a
//! server-sent event), the report's new state and every page whose content changed (the pages a
//! browser fetches again). p50 and p95 over repeated edits, for an area report and an aggregate
//! report, on a copy of the whole embedded sample (108 reports), each edit one answer of one case
//! of Lancashire's export turned from Yes to No or back.
//!
//! Between two edits the server is let finish the background work the last edit caused (the
//! other reports that read the export): the latency of an inspector's save, not of a burst of
//! saves. Settings: `BENCH_EDITS` (edits per report, default 20).
//! Not a test: nothing here fails on a slow machine; the figures are for people to read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use inspection_reports::preview::{self, Options};
use inspection_reports::project::Settings;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let edits: usize = std::env::var("BENCH_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let scratch = tempfile::tempdir().expect("scratch folder");
    for folder in ["data", "report-templates", "fonts"] {
        copy_tree(&root.join(folder), &scratch.path().join(folder));
    }
    let settings = Settings::for_root(scratch.path());
    // The published reports the drafts are compared with.
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_inspection-reports"))
        .args(["build", "--quiet", "--root"])
        .arg(scratch.path())
        .status()
        .expect("the build runs");
    assert!(built.success(), "the sample builds");

    println!("# Preview benchmark\n");
    println!("cores: {}", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let started = Instant::now();
    let server = preview::start(&settings, &Options { addr: "127.0.0.1:0".parse().unwrap(), ..Options::default() }).expect("the preview starts");
    wait(|| !server.busy(), Duration::from_secs(300));
    println!("first pass over the 108 reports (in the background, as a server starts): {:.1} s\n", started.elapsed().as_secs_f64());
    let port = server.addr().port();
    let export = scratch.path().join("data/inspections/omi2-2011-12/lancashire/cases.csv");

    println!("| report | edits | p50 | p95 | min | max | pages |");
    println!("|---|---|---|---|---|---|---|");
    for (name, slug) in [("area (OMI 2, Lancashire)", "omi2/2011-12/lancashire"), ("aggregate (OMI 2 2011-12)", "aggregate/omi2-2011-12")] {
        let notices = subscribe(port, slug);
        wait(|| server.snapshot(slug).is_some_and(|s| !s.pages.is_empty() && !s.stale), Duration::from_secs(60));
        wait(|| !server.busy(), Duration::from_secs(300));
        let mut pages: std::collections::BTreeSet<String> = server.snapshot(slug).unwrap().pages.into_iter().collect();
        let mut version = server.snapshot(slug).unwrap().version;
        while notices.try_recv().is_ok() {}
        let mut times = Vec::new();
        for i in 0..edits {
            let text = std::fs::read_to_string(&export).unwrap();
            let (from, to) = if i % 2 == 0 { ("Yes", "No") } else { ("No", "Yes") };
            let edited = flip_first_answer(&text, from, to);
            let t0 = Instant::now();
            std::fs::write(&export, edited).unwrap();
            // As the browser does: on each notice, fetch the state; done once the new pages are in.
            loop {
                notices.recv_timeout(Duration::from_secs(30)).expect("a notice within 30 s");
                let state: serde_json::Value = serde_json::from_slice(&get(port, &format!("/api/report/{slug}"))).expect("JSON");
                let v = state["version"].as_u64().unwrap_or(0);
                if state["stale"].as_bool() == Some(true) || v <= version {
                    continue;
                }
                version = v;
                let now: Vec<String> = state["pages"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()).collect();
                for h in now.iter().filter(|h| !pages.contains(*h)) {
                    assert!(!get(port, &format!("/page/{h}.svg")).is_empty());
                }
                pages = now.into_iter().collect();
                break;
            }
            times.push(t0.elapsed());
            wait(|| !server.busy(), Duration::from_secs(300));
            std::thread::sleep(Duration::from_millis(50));
            while notices.try_recv().is_ok() {}
        }
        times.sort();
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        println!("| {name} | {} | {} | {} | {} | {} | {} |", times.len(), ms(pct(0.5)), ms(pct(0.95)), ms(times[0]), ms(times[times.len() - 1]), pages.len());
    }
}

/// Server-sent events of `slug`, one message per notice, in a thread.
fn subscribe(port: u16, slug: &str) -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET /events/{slug} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            if line.contains("data:") && tx.send(()).is_err() {
                return;
            }
        }
    });
    rx
}

fn get(port: u16, target: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    raw[split + 4..].to_vec()
}

fn wait(done: impl Fn() -> bool, timeout: Duration) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "waited {timeout:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn flip_first_answer(export: &str, from: &str, to: &str) -> String {
    let mut lines: Vec<String> = export.lines().map(str::to_string).collect();
    let i = lines.iter().position(|l| l.starts_with("L0001,")).expect("case L0001");
    let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
    let k = (6..cells.len()).find(|&k| cells[k] == from || cells[k] == to).expect("an answer");
    cells[k] = to.to_string();
    lines[i] = cells.join(",");
    lines.join("\n") + "\n"
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
