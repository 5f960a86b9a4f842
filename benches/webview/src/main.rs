//! The webview bench app: one window whose page counts the chat messages that reach
//! JavaScript, in one of two modes chosen by `RELAY_WEBVIEW_MODE`:
//!
//! - `channel`: the plugin, as an app uses it; the page subscribes through
//!   `plugin:twitch-chat|subscribe` and receives batches over a `Channel`.
//! - `emit`: the tutorial's approach; a twitch-irc client in Rust and one `app.emit` per
//!   chat message.
//!
//! The page reports its count through the `report` command; the app prints it as one line
//! (`relay-webview-result {json}`) and exits. It also exits by itself after
//! `RELAY_WEBVIEW_TIME_LIMIT` seconds. The relay bench (`benches/relay/webview.rs`) drives it.

use std::io::Write;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_twitch_chat::core::{ChatConfig, Endpoint};
use tauri_plugin_twitch_chat::TwitchChat;
use twitch_irc::login::StaticLoginCredentials;
use twitch_irc::message::{PrivmsgMessage, ServerMessage};
use twitch_irc::{ClientConfig, TwitchIRCClient};

#[path = "../../relay/loopback.rs"]
mod loopback;

const RESULT_PREFIX: &str = "relay-webview-result";

/// twitch-irc's client as the tutorial uses it, on the bundled server.
type TutorialClient = TwitchIRCClient<loopback::LoopbackTransport, StaticLoginCredentials>;

/// What the driver asked for, from the environment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    /// `channel` or `emit`.
    mode: String,
    /// The bundled server, `irc://127.0.0.1:PORT`.
    #[serde(skip)]
    endpoint: String,
    channel: String,
    /// Chat messages the server sends; the page stops counting there.
    count: u64,
    /// The page gives up and reports what it has after this many seconds.
    time_limit_seconds: u64,
    #[serde(skip)]
    batch_events: Option<usize>,
    #[serde(skip)]
    batch_bytes: Option<usize>,
}

impl Settings {
    fn from_env() -> Settings {
        let text = |name: &str| std::env::var(name).unwrap_or_default();
        let number = |name: &str| text(name).parse::<u64>().ok();
        Settings {
            mode: text("RELAY_WEBVIEW_MODE"),
            endpoint: text("RELAY_WEBVIEW_ENDPOINT"),
            channel: text("RELAY_WEBVIEW_CHANNEL"),
            count: number("RELAY_WEBVIEW_COUNT").unwrap_or(100_000),
            time_limit_seconds: number("RELAY_WEBVIEW_TIME_LIMIT").unwrap_or(60),
            batch_events: number("RELAY_WEBVIEW_BATCH_EVENTS").map(|n| n as usize),
            batch_bytes: number("RELAY_WEBVIEW_BATCH_BYTES").map(|n| n as usize),
        }
    }
}

/// What the page counted; passed through to the driver as it is.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageCount {
    received: u64,
    dropped: u64,
    deliveries: u64,
    seconds: f64,
    problem: Option<String>,
    /// Lines the plugin's relay read from the server (channel mode), to tell a stalled
    /// connection from a stalled page.
    #[serde(default)]
    relay_lines: Option<u64>,
}

/// A chat message as the tutorial's app emits it: the fields a chat view shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChatLine {
    id: String,
    channel: String,
    login: String,
    display_name: String,
    color: Option<String>,
    badges: Vec<String>,
    emotes: Vec<EmoteRange>,
    text: String,
    sent_at: i64,
}

#[derive(Debug, Clone, Serialize)]
struct EmoteRange {
    id: String,
    start: usize,
    end: usize,
}

impl From<PrivmsgMessage> for ChatLine {
    fn from(message: PrivmsgMessage) -> ChatLine {
        ChatLine {
            id: message.message_id,
            channel: message.channel_login,
            login: message.sender.login,
            display_name: message.sender.name,
            color: message.name_color.map(|color| color.to_string()),
            badges: message
                .badges
                .into_iter()
                .map(|badge| format!("{}/{}", badge.name, badge.version))
                .collect(),
            emotes: message
                .emotes
                .into_iter()
                .map(|emote| EmoteRange {
                    id: emote.id,
                    start: emote.char_range.start,
                    end: emote.char_range.end,
                })
                .collect(),
            text: message.message_text,
            sent_at: message.server_timestamp.timestamp_millis(),
        }
    }
}

#[tauri::command]
fn bench_settings(settings: State<'_, Settings>) -> Settings {
    settings.inner().clone()
}

#[tauri::command]
fn report(app: AppHandle, mut count: PageCount) {
    count.relay_lines = app
        .try_state::<TwitchChat>()
        .map(|state| state.chat().stats().lines);
    print_result(&count);
    app.exit(0);
}

/// Starts the tutorial's client: every chat message becomes one `chat-message` event.
#[tauri::command]
fn start_emit(app: AppHandle, settings: State<'_, Settings>) -> Result<(), String> {
    loopback::set_server(&settings.endpoint)?;
    let channel = settings.channel.clone();

    tauri::async_runtime::spawn(async move {
        let (mut incoming, client) = TutorialClient::new(ClientConfig::default());
        if let Err(error) = client.join(channel) {
            eprintln!("relay-webview-bench: {error}");
            return;
        }
        while let Some(message) = incoming.recv().await {
            if let ServerMessage::Privmsg(message) = message {
                if app.emit("chat-message", ChatLine::from(message)).is_err() {
                    break;
                }
            }
        }
    });
    Ok(())
}

fn print_result(count: &PageCount) {
    let json = serde_json::to_string(count).unwrap_or_else(|_| "{}".to_string());
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{RESULT_PREFIX} {json}");
    let _ = stdout.flush();
}

fn main() {
    let settings = Settings::from_env();
    let mut builder = tauri::Builder::default();

    if settings.mode == "channel" {
        let mut config = ChatConfig::default();
        match Endpoint::parse(&settings.endpoint) {
            Ok(endpoint) => config.endpoint = endpoint,
            Err(error) => {
                eprintln!("relay-webview-bench: {error}");
                std::process::exit(2);
            }
        }
        config.batch_max_events = settings.batch_events.unwrap_or(config.batch_max_events);
        config.batch_max_bytes = settings.batch_bytes.unwrap_or(config.batch_max_bytes);
        builder = builder.plugin(
            tauri_plugin_twitch_chat::Builder::new()
                .config(config)
                .build(),
        );
    }

    // The page reports before this; the guard only keeps a broken run from hanging.
    let limit = Duration::from_secs(settings.time_limit_seconds + 10);
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        print_result(&PageCount {
            problem: Some("the page never reported".to_string()),
            ..PageCount::default()
        });
        std::process::exit(0);
    });

    let result = builder
        .manage(settings)
        .invoke_handler(tauri::generate_handler![bench_settings, report, start_emit])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("relay-webview-bench: {error}");
        std::process::exit(1);
    }
}
