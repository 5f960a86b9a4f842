//! The example chat window: the plugin, pointed at real Twitch unless
//! `TWITCH_CHAT_ENDPOINT` names another server (the offline demo sets it).

/// Runs the example app until its last window closes.
pub fn run() {
    let chat = match std::env::var("TWITCH_CHAT_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => {
            tauri_plugin_twitch_chat::Builder::new().endpoint(endpoint)
        }
        _ => tauri_plugin_twitch_chat::Builder::new(),
    };

    let result = tauri::Builder::default()
        .plugin(chat.build())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("tauri-app: {error}");
        std::process::exit(1);
    }
}
