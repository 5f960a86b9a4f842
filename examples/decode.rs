//! Decodes raw IRC lines from stdin, one per line, and prints one JSON line for each: the
//! event exactly as the page would get it, or why the line delivers nothing.
//!
//! ```text
//! printf '%s\n' ':tmi.twitch.tv CLEARCHAT #some_channel' | cargo run --example decode
//! ```

use std::io::{BufRead, Write};

use tauri_plugin_twitch_chat::core::decode::{decode_bytes, Decoded};
use tauri_plugin_twitch_chat::core::Envelope;

fn main() {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();

    for line in stdin.split(b'\n') {
        let Ok(mut line) = line else { break };
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let output = match decode_bytes(&line) {
            Ok(Decoded::Event(event)) => Envelope::new(event).json.into_string(),
            Ok(Decoded::Control(control)) => {
                skipped(&format!("handled by the connection itself: {control:?}"))
            }
            Ok(Decoded::Skipped(reason)) => skipped(reason),
            Err(error) => skipped(&format!("not delivered: {error}")),
        };
        if writeln!(stdout, "{output}").is_err() {
            break;
        }
    }
}

fn skipped(reason: &str) -> String {
    serde_json::json!({ "skipped": reason }).to_string()
}
