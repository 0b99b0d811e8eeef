//! The preview's web server: its own pages, the pages of the reports it holds in memory, and a
//! stream of server-sent events per browser. Only `GET`; nothing is read from disk on request
//! (a report is found by name in the builder's state, a page by its content hash), so no path a
//! browser sends can reach a file.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::Stream;

use super::builder::{Notice, Shared};
use super::pages;

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    /// Bound to the loopback address: only requests naming it as their host are served (a web
    /// page elsewhere cannot reach the preview through a name that resolves to 127.0.0.1).
    loopback: bool,
}

pub(crate) fn serve(listener: std::net::TcpListener, addr: SocketAddr, loopback: bool, shared: Arc<Shared>, stopped: tokio::sync::oneshot::Receiver<()>) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_io().enable_time().build() {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("cannot start the server's runtime: {e}");
            return;
        }
    };
    let app = App { shared, loopback };
    let router = Router::new()
        .route("/", get(index))
        .route("/report/{*slug}", get(report_page))
        .route("/api/report/{*slug}", get(report_state))
        .route("/page/{hash}", get(page))
        .route("/events", get(index_events))
        .route("/events/{*slug}", get(report_events))
        .route("/preview.js", get(|| async { asset("text/javascript; charset=utf-8", pages::SCRIPT) }))
        .route("/preview.css", get(|| async { asset("text/css; charset=utf-8", pages::STYLE) }))
        .fallback(|| async { refused(StatusCode::NOT_FOUND, "no such page") })
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app);
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!("cannot listen on {addr}: {e}");
                return;
            }
        };
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let _ = stopped.await;
        server.abort();
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
}

/// Every response: `GET` only, a loopback host name when bound to loopback, and headers that
/// forbid anything but the preview's own script, styles and pages.
async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::GET && request.method() != axum::http::Method::HEAD {
        return refused(StatusCode::METHOD_NOT_ALLOWED, "the preview only shows; it changes nothing");
    }
    if app.loopback {
        let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let name = host.rsplit_once(':').map_or(host, |(name, port)| if port.chars().all(|c| c.is_ascii_digit()) { name } else { host });
        if !matches!(name, "127.0.0.1" | "localhost" | "[::1]") {
            return refused(StatusCode::FORBIDDEN, "this preview answers only to localhost");
        }
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

fn refused(status: StatusCode, why: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], why).into_response()
}

fn asset(kind: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-cache")], text).into_response()
}

fn html(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], text).into_response()
}

async fn index(State(app): State<App>) -> Response {
    html(pages::index(&app.shared.state()))
}

async fn report_page(State(app): State<App>, Path(slug): Path<String>) -> Response {
    let state = app.shared.state();
    match state.reports.get(&slug) {
        Some(report) => html(pages::report(report, &state)),
        None => refused(StatusCode::NOT_FOUND, "no such report"),
    }
}

async fn report_state(State(app): State<App>, Path(slug): Path<String>) -> Response {
    let state = app.shared.state();
    match state.reports.get(&slug) {
        Some(report) => ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], pages::report_json(report, &state)).into_response(),
        None => refused(StatusCode::NOT_FOUND, "no such report"),
    }
}

async fn page(State(app): State<App>, Path(hash): Path<String>) -> Response {
    let Some(hash) = hash.strip_suffix(".svg") else { return refused(StatusCode::NOT_FOUND, "no such page") };
    let svg = app.shared.state().svgs.get(hash).cloned();
    match svg {
        // A page's name is its content: it never changes, so the browser keeps it.
        Some(svg) => {
            ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=31536000, immutable")], Body::from(svg.as_bytes().to_vec()))
                .into_response()
        }
        None => refused(StatusCode::NOT_FOUND, "no such page"),
    }
}

/// The list of reports changed: the index reloads.
async fn index_events(State(app): State<App>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    stream(app.shared.notices.subscribe(), None, None)
}

/// Report `slug` changed: its page fetches the new state. The report is rendered (first) while
/// a browser shows it.
async fn report_events(State(app): State<App>, Path(slug): Path<String>) -> Response {
    if !app.shared.state().reports.contains_key(&slug) {
        return refused(StatusCode::NOT_FOUND, "no such report");
    }
    let notices = app.shared.notices.subscribe();
    let viewing = app.shared.view(&slug);
    stream(notices, Some(slug), Some(viewing)).into_response()
}

fn stream(
    notices: tokio::sync::broadcast::Receiver<Notice>,
    slug: Option<String>,
    viewing: Option<super::builder::Viewing>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    use tokio::sync::broadcast::error::RecvError;
    // The first message says "look now": a browser that reconnects catches up.
    let hello = Some(Notice { slug: slug.clone(), version: 0, stop: false });
    let events = futures_util::stream::unfold((notices, slug, viewing, hello), |(mut notices, slug, viewing, mut hello)| async move {
        loop {
            if let Some(n) = hello.take() {
                return Some((Ok(message(&n)), (notices, slug, viewing, None)));
            }
            match notices.recv().await {
                Ok(n) if n.stop => return None,
                Ok(n) if n.slug == slug => return Some((Ok(message(&n)), (notices, slug, viewing, None))),
                Ok(_) => continue,
                // Fell behind: tell the browser to look again.
                Err(RecvError::Lagged(_)) => hello = Some(Notice { slug: slug.clone(), version: 0, stop: false }),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

fn message(n: &Notice) -> SseEvent {
    SseEvent::default().data(serde_json::to_string(n).unwrap_or_default())
}
