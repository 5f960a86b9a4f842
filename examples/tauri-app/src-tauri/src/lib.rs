//! The example chat window: the plugin, pointed at real Twitch unless `TWITCH_CHAT_ENDPOINT`
//! names another server (the offline demo sets it, and `TWITCH_CHAT_EMOTE_CDN` for the emote
//! images).

/// Runs the example app until its last window closes.
pub fn run() {
    let mut chat = tauri_plugin_twitch_chat::Builder::new();
    if let Some(endpoint) = setting("TWITCH_CHAT_ENDPOINT") {
        chat = chat.endpoint(endpoint);
    }
    if let Some(emote_cdn) = setting("TWITCH_CHAT_EMOTE_CDN") {
        chat = chat.emote_cdn(emote_cdn);
    }

    let result = tauri::Builder::default()
        .plugin(chat.build())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("tauri-app: {error}");
        std::process::exit(1);
    }
}

fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
