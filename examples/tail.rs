//! Prints a channel's chat as the page would receive it, one JSON line per event.
//!
//! ```text
//! cargo run --release --example tail -- --endpoint irc://127.0.0.1:6667 --count 100 some_channel
//! ```
//!
//! Every delivered event goes to stdout as `{"seq":N,"event":{...}}`, exactly the elements of
//! the batches a page gets. Diagnostics go to stderr. It exits after `--count` chat messages,
//! or on Ctrl-C.

use std::io::Write;
use std::process::ExitCode;

use tauri_plugin_twitch_chat::core::{Chat, ChatConfig, Endpoint, EventKind, SubscribeOptions};

const USAGE: &str =
    "usage: tail [--endpoint irc://host:port | ircs://host:port] [--count N] CHANNEL...";

struct Args {
    endpoint: Endpoint,
    count: Option<u64>,
    channels: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args {
        endpoint: Endpoint::default(),
        count: None,
        channels: Vec::new(),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--endpoint" => {
                let raw = args.next().ok_or("--endpoint needs a value")?;
                parsed.endpoint = Endpoint::parse(&raw).map_err(|e| e.to_string())?;
            }
            "--count" => {
                let raw = args.next().ok_or("--count needs a value")?;
                parsed.count = Some(
                    raw.parse()
                        .map_err(|_| format!("--count {raw}: not a number"))?,
                );
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}\n{USAGE}")),
            channel => parsed.channels.push(channel.to_string()),
        }
    }
    if parsed.channels.is_empty() {
        return Err(format!("name at least one channel\n{USAGE}"));
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };

    let chat = Chat::start(ChatConfig {
        endpoint: args.endpoint,
        ..ChatConfig::default()
    });
    let mut subscription = chat.subscribe(&SubscribeOptions::default());
    for channel in &args.channels {
        if let Err(error) = chat.track(channel) {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    }

    let mut messages = 0;
    let mut stdout = std::io::stdout().lock();
    // One future for the whole run: a Ctrl-C that arrives while a batch is printed still counts.
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    'receiving: loop {
        let batch = tokio::select! {
            batch = subscription.next_batch() => batch,
            _ = &mut interrupted => break,
        };
        let Some(batch) = batch else { break };
        for (offset, envelope) in batch.events.iter().enumerate() {
            let seq = batch.first_seq + offset as u64;
            if envelope.kind == EventKind::Connection {
                eprintln!("connection: {}", envelope.json);
            }
            if writeln!(stdout, "{{\"seq\":{seq},\"event\":{}}}", envelope.json).is_err() {
                break 'receiving;
            }
            if envelope.kind == EventKind::Message {
                messages += 1;
                if args.count.is_some_and(|count| messages >= count) {
                    break 'receiving;
                }
            }
        }
    }

    let _ = stdout.flush();
    drop(subscription);
    chat.shutdown().await;
    eprintln!("{messages} chat messages; {:?}", chat.stats());
    ExitCode::SUCCESS
}
