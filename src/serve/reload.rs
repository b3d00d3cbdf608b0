//! Live reload: open pages listen on a Server-Sent Events stream and reload, swap their
//! stylesheet, or show the build's diagnostics in an overlay.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::error::Error;

/// Reserved URL paths of the preview server (never part of a site).
pub const EVENTS_PATH: &str = "/__praktika/events";
pub const SCRIPT_PATH: &str = "/__praktika/reload.js";

/// The client: reconnects by itself (EventSource does), escapes everything it shows.
pub const CLIENT_SCRIPT: &str = r#"(function () {
  'use strict';
  var overlay = null;
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  function show(problems) {
    hide();
    overlay = document.createElement('div');
    overlay.id = 'praktika-overlay';
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-labelledby', 'praktika-overlay-title');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:15px/1.5 ui-monospace,Consolas,monospace';
    var h = document.createElement('h2');
    h.id = 'praktika-overlay-title';
    h.textContent = 'Сборка не удалась: ' + problems.length + ' ' + (problems.length == 1 ? 'ошибка' : 'ошибок') + '. Показана последняя удачная версия.';
    h.style.cssText = 'color:#ff8a80;font:bold 18px system-ui,sans-serif;margin:0 0 1rem';
    var close = document.createElement('button');
    close.type = 'button'; close.textContent = 'Закрыть';
    close.onclick = hide;
    overlay.append(h, close);
    problems.forEach(function (p) {
      var pre = document.createElement('pre');
      pre.className = 'praktika-diagnostic';
      pre.style.cssText = 'white-space:pre-wrap;border-left:4px solid #ff8a80;padding:.5rem 1rem;margin:1rem 0';
      pre.textContent = p.text;
      overlay.append(pre);
    });
    document.body.append(overlay);
    close.focus();
  }
  var source = new EventSource('/__praktika/events');
  source.addEventListener('reload', function () { location.reload(); });
  source.addEventListener('css', function (e) {
    var sheets = JSON.parse(e.data);
    hide();
    document.querySelectorAll('link[rel=stylesheet]').forEach(function (link) {
      sheets.forEach(function (s) { if (link.href.indexOf('/' + s.stem + '.') > 0) link.href = s.url; });
    });
  });
  source.addEventListener('build-error', function (e) { show(JSON.parse(e.data)); });
  source.addEventListener('build-ok', hide);
})();
"#;

/// One problem as the overlay shows it.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct OverlayProblem {
    /// `path:line:col`, or empty for problems outside content files.
    pub location: String,
    pub message: String,
    pub hint: Option<String>,
    /// The full report as the terminal prints it, with the source line and caret.
    pub text: String,
}

/// The overlay's payload for a failed build.
pub fn overlay_payload(error: &Error) -> String {
    let problems: Vec<OverlayProblem> = match error {
        Error::Content(diagnostics) => diagnostics.iter().map(problem).collect(),
        other => vec![OverlayProblem {
            location: String::new(),
            message: other.to_string(),
            hint: None,
            text: other.to_string(),
        }],
    };
    serde_json::to_string(&problems).unwrap_or_else(|_| "[]".into())
}

fn problem(d: &Diagnostic) -> OverlayProblem {
    OverlayProblem {
        location: d.location_label(),
        message: d.message.clone(),
        hint: d.hint.clone(),
        text: d.to_string(),
    }
}

/// An event for open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Reload,
    /// New stylesheet URLs, as `[{"stem": "style", "url": "/static/style.1234.css"}]`.
    Css(String),
    BuildError(String),
    BuildOk,
}

impl Event {
    /// The event in SSE wire format. Data never contains a raw newline (JSON escapes them).
    pub fn wire(&self) -> String {
        let (name, data) = match self {
            Event::Reload => ("reload", "{}"),
            Event::Css(data) => ("css", data.as_str()),
            Event::BuildError(data) => ("build-error", data.as_str()),
            Event::BuildOk => ("build-ok", "{}"),
        };
        format!("event: {name}\ndata: {}\n\n", data.replace('\n', "\\n"))
    }
}

/// The connected pages, and the current build error that new pages must see at once.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Event>>>,
    failing: Mutex<Option<Event>>,
}

impl Hub {
    pub fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        if let Some(error) = lock(&self.failing).clone() {
            let _ = tx.send(error);
        }
        lock(&self.clients).push(tx);
        rx
    }

    pub fn broadcast(&self, event: Event) {
        *lock(&self.failing) = match &event {
            Event::BuildError(_) => Some(event.clone()),
            _ => None,
        };
        lock(&self.clients).retain(|client| client.send(event.clone()).is_ok());
    }

    pub fn clients(&self) -> usize {
        lock(&self.clients).len()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Streams events to one page until it goes away. A comment every 15 s keeps proxies and
/// the browser from closing an idle stream, and reveals a closed one.
pub fn stream(mut writer: Box<dyn Write + Send>, events: Receiver<Event>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 500\n\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    loop {
        let chunk = match events.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event.wire(),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(chunk.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn events_are_single_sse_messages() {
        assert_eq!(Event::Reload.wire(), "event: reload\ndata: {}\n\n");
        assert_eq!(
            Event::BuildError("a\nb".into()).wire(),
            "event: build-error\ndata: a\\nb\n\n"
        );
    }

    #[test]
    fn the_overlay_payload_carries_the_terminal_report() {
        let d = Diagnostic::file_error(
            "unknown-region",
            Path::new("content/practices/a.md"),
            "unknown region «<script>»",
        )
        .with_hint("did you mean «Тамбовская область»?");
        let payload = overlay_payload(&Error::Content(vec![d]));
        let parsed: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(parsed[0]["location"], "content/practices/a.md");
        assert!(parsed[0]["text"]
            .as_str()
            .unwrap()
            .contains("hint: did you mean"));
        // JSON inside an SSE data line: no raw `<` needs escaping, but newlines must not break it.
        assert!(!Event::BuildError(payload)
            .wire()
            .trim_end()
            .contains("\n\n"));
    }

    #[test]
    fn new_pages_see_the_current_failure_and_fixes_clear_it() {
        let hub = Hub::default();
        hub.broadcast(Event::BuildError("[]".into()));
        let late = hub.subscribe();
        assert_eq!(late.try_recv().unwrap(), Event::BuildError("[]".into()));
        hub.broadcast(Event::BuildOk);
        assert_eq!(late.try_recv().unwrap(), Event::BuildOk);
        let later = hub.subscribe();
        assert!(later.try_recv().is_err());
    }
}
