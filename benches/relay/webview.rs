//! Delivery into a real WebKitGTK webview: the bench app (`benches/webview`) runs once per
//! mode under Xvfb, its page counts the chat messages that reach JavaScript and reports back,
//! and the app prints that as one line and exits.
//!
//! Modes: the plugin's batched `Channel` (at several batch limits), and the tutorial's
//! approach, a twitch-irc client that calls `app.emit` once per message.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use tauri_plugin_twitch_chat::core::ChatConfig;

use crate::report::{number, ratio, verdict, Row};
use crate::server::{self, Feed, ServerProcess};

/// What the app prints before its result's JSON.
const RESULT_PREFIX: &str = "relay-webview-result ";

/// The app stops itself after this long; the driver stops it a little later.
const TIME_LIMIT_SECONDS: u64 = 90;

/// What the page counted.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageCount {
    /// Chat messages that reached JavaScript.
    received: u64,
    /// Chat messages the plugin reported lost to this page.
    dropped: u64,
    /// Calls of the page's handler (batches, or events).
    deliveries: u64,
    /// From the page's request to the last message, in seconds (page clock).
    seconds: f64,
    /// Why the page stopped early, if it did.
    problem: Option<String>,
}

impl PageCount {
    fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.received as f64 / self.seconds
        } else {
            f64::NAN
        }
    }
}

/// A batched-Channel configuration to try: most events, most JSON bytes per batch.
struct BatchLimits {
    events: usize,
    bytes: usize,
}

/// The plugin's defaults first: they are the row compared against `app.emit`. Then a batch
/// that stays under Tauri's 8 KiB direct path (about five events), a 60 KiB cap, and a larger
/// event count.
fn batch_limits() -> [BatchLimits; 4] {
    let defaults = ChatConfig::default();
    [
        BatchLimits {
            events: defaults.batch_max_events,
            bytes: defaults.batch_max_bytes,
        },
        BatchLimits {
            events: 200,
            bytes: 8 * 1024 - 512,
        },
        BatchLimits {
            events: 200,
            bytes: 60 * 1024,
        },
        BatchLimits {
            events: 1000,
            bytes: 1024 * 1024,
        },
    ]
}

/// Runs every mode and adds its rows; a missing app gives a row that says so.
pub fn compare(
    app: Option<&Path>,
    server_binary: &Path,
    count: u64,
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) {
    let Some(app) = app.filter(|path| path.is_file()) else {
        rows.push(Row {
            metric: "5. webview msg/s reaching JS".into(),
            plugin: "not run".into(),
            baseline: "not run".into(),
            ratio: "-".into(),
            target: ">= 10x".into(),
            met: "-".into(),
        });
        notes.push(
            "5. the webview bench app was not built, so delivery into the webview was not measured"
                .into(),
        );
        return;
    };

    let emit = deliver(app, server_binary, count, "emit", None);
    let limits_to_try = batch_limits();
    let mut channel = Vec::new();
    for limits in &limits_to_try {
        channel.push((
            limits,
            deliver(app, server_binary, count, "channel", Some(limits)),
        ));
    }

    let emit_rate = emit.as_ref().map_or(f64::NAN, PageCount::rate);
    for (index, (limits, outcome)) in channel.iter().enumerate() {
        let rate = outcome.as_ref().map_or(f64::NAN, PageCount::rate);
        let (ratio_text, ratio_value) = ratio(rate, emit_rate);
        let first = index == 0;
        rows.push(Row {
            metric: format!(
                "5. webview msg/s reaching JS, Channel <= {} events / {} KiB{}",
                limits.events,
                number(limits.bytes as f64 / 1024.0, 1),
                if first { " (default)" } else { "" }
            ),
            plugin: number(rate, 0),
            baseline: if first {
                number(emit_rate, 0)
            } else {
                "-".into()
            },
            ratio: ratio_text,
            target: if first { ">= 10x".into() } else { "-".into() },
            met: if first {
                verdict(ratio_value.map(|r| r >= 10.0))
            } else {
                "-".into()
            },
        });
    }

    let describe = |label: String, outcome: &Result<PageCount, String>| match outcome {
        Ok(count) => format!(
            "{label}: {} received in {} s, {} lost, {} per delivery{}",
            number(count.received as f64, 0),
            number(count.seconds, 2),
            number(count.dropped as f64, 0),
            number(count.received as f64 / count.deliveries.max(1) as f64, 1),
            count
                .problem
                .as_deref()
                .map_or(String::new(), |p| format!(" ({p})"))
        ),
        Err(problem) => format!("{label}: failed ({problem})"),
    };
    let mut lines = vec![describe("app.emit per message (twitch-irc)".into(), &emit)];
    for (limits, outcome) in &channel {
        lines.push(describe(
            format!("Channel <= {} ev / {} B", limits.events, limits.bytes),
            outcome,
        ));
    }
    let best = channel
        .iter()
        .filter_map(|(limits, outcome)| Some((limits, outcome.as_ref().ok()?.rate())))
        .filter(|(_, rate)| rate.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((limits, rate)) = best {
        lines.push(format!(
            "best batch limits here: {} events / {} bytes ({} msg/s)",
            limits.events,
            limits.bytes,
            number(rate, 0)
        ));
    }
    notes.push(format!("5. {}", lines.join("; ")));
}

/// One run of the app in `mode` against a server of its own.
fn deliver(
    app: &Path,
    server_binary: &Path,
    count: u64,
    mode: &str,
    limits: Option<&BatchLimits>,
) -> Result<PageCount, String> {
    let server = ServerProcess::start(
        server_binary,
        Feed {
            rate: None,
            limit: count,
        },
    )?;

    let mut command = if std::env::var_os("DISPLAY").is_some() {
        Command::new(app)
    } else {
        let mut under_xvfb = Command::new("xvfb-run");
        under_xvfb.args(["--auto-servernum", "--"]).arg(app);
        under_xvfb
    };
    command
        .env("RELAY_WEBVIEW_MODE", mode)
        .env("RELAY_WEBVIEW_ENDPOINT", server.endpoint())
        .env("RELAY_WEBVIEW_CHANNEL", "webviewbench")
        .env("RELAY_WEBVIEW_COUNT", count.to_string())
        .env("RELAY_WEBVIEW_TIME_LIMIT", TIME_LIMIT_SECONDS.to_string());
    if let Some(limits) = limits {
        command
            .env("RELAY_WEBVIEW_BATCH_EVENTS", limits.events.to_string())
            .env("RELAY_WEBVIEW_BATCH_BYTES", limits.bytes.to_string());
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start the webview app: {error}"))?;

    // The app prints its result and exits; a reader thread keeps the wait bounded.
    let stdout = child.stdout.take();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Some(stdout) = stdout else { return };
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(json) = line.strip_prefix(RESULT_PREFIX) {
                let _ = sender.send(json.to_string());
            }
        }
    });
    let result = receiver.recv_timeout(Duration::from_secs(TIME_LIMIT_SECONDS + 20));
    // The app exits by itself once it has printed (or hit its own limit); xvfb-run then
    // takes its X server down with it.
    server::wait_or_stop(&mut child, Duration::from_secs(15));
    drop(server);

    let json = result.map_err(|_| "the app reported no result in time".to_string())?;
    let count: PageCount =
        serde_json::from_str(&json).map_err(|error| format!("unreadable result: {error}"))?;
    eprintln!(
        "bench: webview {mode} {}: {} msg/s{}",
        limits.map_or(String::new(), |l| format!("{}ev/{}B", l.events, l.bytes)),
        number(count.rate(), 0),
        count
            .problem
            .as_deref()
            .map_or(String::new(), |p| format!(" ({p})"))
    );
    Ok(count)
}
