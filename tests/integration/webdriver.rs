//! A WebDriver client just large enough for the browser tests: headless Chromium driven by
//! ChromeDriver (Debian's `chromium` and `chromium-driver`, which `.ci/run` installs), over
//! plain HTTP with JSON, no client crate.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A running ChromeDriver; stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
    profiles: tempfile::TempDir,
}

fn program(var: &str, candidates: &[&str]) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{} is missing: install Debian's `chromium` and `chromium-driver` (`bash .ci/run` does), or set {var}", candidates[0]))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Driver {
    pub fn start() -> Driver {
        let chromedriver = program("CHROMEDRIVER", &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let driver = Driver { child, port, profiles: tempfile::tempdir().unwrap() };
        let start = Instant::now();
        loop {
            if let Ok((200, status)) = driver.call("GET", "/status", None) {
                if status["value"]["ready"].as_bool() == Some(true) {
                    return driver;
                }
            }
            assert!(start.elapsed() < Duration::from_secs(20), "ChromeDriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new headless browser.
    pub fn browser(&self) -> Browser<'_> {
        let chromium = program("CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]);
        let profile = tempfile::tempdir_in(self.profiles.path()).unwrap().keep();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // As root (CI) Chromium needs --no-sandbox; the network flags keep it from
                // calling home, which a closed network refuses slowly.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=1400,1000", format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let (code, answer) = self.call("POST", "/session", Some(caps)).expect("ChromeDriver answers");
        assert_eq!(code, 200, "no browser session: {answer}");
        let id = answer["value"]["sessionId"].as_str().expect("a session id").to_string();
        Browser { driver: self, id }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> std::io::Result<(u16, Value)> {
        let (code, bytes) = http(self.port, method, path, body.map(|b| b.to_string()).as_deref(), "127.0.0.1")?;
        Ok((code, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window (a WebDriver session).
pub struct Browser<'d> {
    driver: &'d Driver,
    id: String,
}

impl Browser<'_> {
    pub fn goto(&self, url: &str) {
        let (code, answer) = self.driver.call("POST", &format!("/session/{}/url", self.id), Some(json!({ "url": url }))).unwrap();
        assert_eq!(code, 200, "{answer}");
    }

    /// Runs `script` (a function body) in the page; its return value.
    pub fn eval(&self, script: &str) -> Value {
        let (code, answer) = self.driver.call("POST", &format!("/session/{}/execute/sync", self.id), Some(json!({ "script": script, "args": [] }))).unwrap();
        assert_eq!(code, 200, "script failed: {answer}");
        answer["value"].clone()
    }

    /// Runs `script` with `args`, asynchronously: the script calls its last argument with the
    /// result.
    pub fn eval_async(&self, script: &str, args: Vec<Value>) -> Value {
        let (code, answer) = self.driver.call("POST", &format!("/session/{}/execute/async", self.id), Some(json!({ "script": script, "args": args }))).unwrap();
        assert_eq!(code, 200, "script failed: {answer}");
        answer["value"].clone()
    }

    /// Runs `script` with `args`.
    pub fn eval_with(&self, script: &str, args: Vec<Value>) -> Value {
        let (code, answer) = self.driver.call("POST", &format!("/session/{}/execute/sync", self.id), Some(json!({ "script": script, "args": args }))).unwrap();
        assert_eq!(code, 200, "script failed: {answer}");
        answer["value"].clone()
    }

    /// How long a script may run.
    pub fn script_timeout(&self, timeout: Duration) {
        let (code, answer) =
            self.driver.call("POST", &format!("/session/{}/timeouts", self.id), Some(json!({ "script": timeout.as_millis() as u64 }))).unwrap();
        assert_eq!(code, 200, "{answer}");
    }

    /// Waits until `script` returns a value that is not null, false or empty; that value.
    pub fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(script);
            let done = match &v {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            };
            if done {
                return v;
            }
            assert!(
                start.elapsed() < timeout,
                "waited {timeout:?} in the browser for {what}; the page's state: {}",
                self.eval("return document.body.innerText.slice(0, 2000)")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The window's screenshot as PNG.
    pub fn screenshot(&self) -> Vec<u8> {
        let (code, answer) = self.driver.call("GET", &format!("/session/{}/screenshot", self.id), None).unwrap();
        assert_eq!(code, 200, "{answer}");
        base64(answer["value"].as_str().unwrap_or(""))
    }
}

impl Drop for Browser<'_> {
    fn drop(&mut self) {
        let _ = self.driver.call("DELETE", &format!("/session/{}", self.id), None);
    }
}

/// One HTTP/1.1 request on loopback, `Connection: close`; the status and the body.
pub fn http(port: u16, method: &str, target: &str, body: Option<&str>, host: &str) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    // Read the header, then exactly the body it announces (ChromeDriver keeps the connection
    // open whatever the request says).
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    let split = loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break split;
        }
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::other("no HTTP header"));
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let code: u16 = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let length: Option<usize> = head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    let mut content = raw[split + 4..].to_vec();
    loop {
        let complete = match length {
            Some(n) => content.len() >= n,
            None if chunked => content.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if complete {
            break;
        }
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        content.extend_from_slice(&buf[..n]);
    }
    if let Some(n) = length {
        content.truncate(n);
    } else if chunked {
        content = dechunk(&content);
    }
    Ok((code, content))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
