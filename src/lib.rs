//! Twitch chat for Tauri apps: track channels and stream their chat, notices, moderation and
//! room state to the webview as typed events.
//!
//! ```rust,ignore
//! tauri::Builder::default()
//!     .plugin(tauri_plugin_twitch_chat::init())
//!     .run(tauri::generate_context!())
//!     .expect("the app failed to run");
//! ```
//!
//! The chat itself runs in [`core`], which needs no Tauri runtime; this crate root only
//! wires it into an app: state, commands, permissions, and the end of a page's subscriptions
//! when it reloads or its window closes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::plugin::{Builder as PluginBuilder, TauriPlugin};
use tauri::webview::PageLoadEvent;
use tauri::{Manager, RunEvent, Runtime, WindowEvent};

mod commands;
mod config;
pub mod core;
mod error;
mod scope;

pub use config::PluginConfig;
pub use error::{Error, Result};
pub use scope::ChannelScope;

use crate::core::delivery::lock;
use crate::core::{Chat, ChatConfig, Endpoint, SubscribeOptions};

/// Batches a page may have received but not yet acknowledged. Past this the plugin waits,
/// events gather in the subscription's bounded queue, and a page that cannot keep up loses the
/// oldest of them (and is told so) instead of WebKit queuing batches without bound.
const BATCHES_IN_FLIGHT: usize = 8;

/// The plugin's state, managed by the app: the chat relay and which page holds which
/// subscription.
pub struct TwitchChat {
    chat: Chat,
    /// Subscription id → the page that opened it, so that a reload or a closed window ends
    /// exactly that page's subscriptions.
    pages: Arc<Mutex<HashMap<u64, PageSubscription>>>,
}

/// A subscription as the page side of it is concerned.
struct PageSubscription {
    /// Label of the webview that opened it.
    page: String,
    /// One permit per batch the page may still be sent before it acknowledges one.
    credits: Arc<Semaphore>,
}

impl TwitchChat {
    /// The chat relay, for Rust code of the app (track channels, subscribe, read status).
    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    /// Opens a subscription for a page and pumps its batches into `channel` until the
    /// subscription ends or the page stops receiving.
    fn open_subscription(
        &self,
        page: &str,
        options: &SubscribeOptions,
        channel: Channel<InvokeResponseBody>,
    ) -> u64 {
        let mut subscription = self.chat.subscribe(options);
        let id = subscription.id();
        let credits = Arc::new(Semaphore::new(BATCHES_IN_FLIGHT));
        let entry = PageSubscription {
            page: page.to_string(),
            credits: credits.clone(),
        };
        lock(&self.pages).insert(id, entry);

        let pages = self.pages.clone();
        tauri::async_runtime::spawn(async move {
            while let Some(batch) = subscription.next_batch().await {
                // Closed when the subscription ends while waiting for the page.
                let Ok(credit) = credits.acquire().await else {
                    break;
                };
                credit.forget();
                if let Err(error) = channel.send(InvokeResponseBody::Json(batch.to_json())) {
                    log::info!("subscription {id} ended: the page stopped receiving ({error})");
                    break;
                }
            }
            lock(&pages).remove(&id);
        });
        id
    }

    /// The page has handled `batches` more batches of subscription `id`. False if that page
    /// holds no such subscription.
    fn acknowledge(&self, page: &str, id: u64, batches: u32) -> bool {
        let pages = lock(&self.pages);
        match pages.get(&id) {
            Some(entry) if entry.page == page => {
                let room = BATCHES_IN_FLIGHT.saturating_sub(entry.credits.available_permits());
                entry.credits.add_permits((batches as usize).min(room));
                true
            }
            _ => false,
        }
    }

    /// Ends one subscription of `page`. False if that page holds no such subscription.
    fn close_subscription(&self, page: &str, id: u64) -> bool {
        let mut pages = lock(&self.pages);
        if pages.get(&id).map(|entry| entry.page.as_str()) != Some(page) {
            return false;
        }
        if let Some(entry) = pages.remove(&id) {
            entry.credits.close();
        }
        drop(pages);
        self.chat.unsubscribe(id)
    }

    /// Ends every subscription of `page` (it reloaded or closed).
    fn close_page(&self, page: &str) {
        let ids: Vec<u64> = {
            let mut pages = lock(&self.pages);
            let ids: Vec<u64> = pages
                .iter()
                .filter(|(_, entry)| entry.page == page)
                .map(|(id, _)| *id)
                .collect();
            for id in &ids {
                if let Some(entry) = pages.remove(id) {
                    entry.credits.close();
                }
            }
            ids
        };
        for id in &ids {
            self.chat.unsubscribe(*id);
        }
        if !ids.is_empty() {
            log::debug!("ended {} subscription(s) of {page}", ids.len());
        }
    }
}

/// Access to the plugin's state from an `App`, `AppHandle`, `Window` or `Webview`.
pub trait TwitchChatExt<R: Runtime> {
    /// The plugin's state.
    fn twitch_chat(&self) -> &TwitchChat;
}

impl<R: Runtime, T: Manager<R>> TwitchChatExt<R> for T {
    fn twitch_chat(&self) -> &TwitchChat {
        self.state::<TwitchChat>().inner()
    }
}

/// Configures the plugin in code; what is set here wins over `tauri.conf.json`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    endpoint: Option<String>,
    emote_cdn: Option<String>,
    config: Option<ChatConfig>,
}

impl Builder {
    /// A builder with every setting at its default (Twitch over TLS).
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Connects to another server: `irc://host:port` (plain TCP, e.g. the bundled local
    /// server) or `ircs://host:port` (TLS). Checked when the app starts.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Builder {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Serves emote images from another address than Twitch's (`{emote_cdn}/{id}/{format}/dark/{scale}`),
    /// e.g. a local server for an offline setup. The page's CSP must allow it in `img-src`.
    pub fn emote_cdn(mut self, emote_cdn: impl Into<String>) -> Builder {
        self.emote_cdn = Some(emote_cdn.into());
        self
    }

    /// Replaces the whole core configuration (timeouts, queue sizes, batching); the plugin's
    /// section of `tauri.conf.json` is then not read.
    pub fn config(mut self, config: ChatConfig) -> Builder {
        self.config = Some(config);
        self
    }

    /// Builds the plugin.
    pub fn build<R: Runtime>(self) -> TauriPlugin<R, Option<PluginConfig>> {
        PluginBuilder::<R, Option<PluginConfig>>::new("twitch-chat")
            .invoke_handler(tauri::generate_handler![
                commands::track,
                commands::untrack,
                commands::tracked,
                commands::status,
                commands::subscribe,
                commands::unsubscribe,
                commands::ack,
            ])
            .setup(move |app, api| {
                // A whole configuration given in code wins over the file.
                let mut config = ChatConfig::default();
                match self.config {
                    Some(code_config) => config = code_config,
                    None => {
                        if let Some(file_config) = api.config() {
                            file_config.apply(&mut config)?;
                        }
                    }
                }
                if let Some(endpoint) = &self.endpoint {
                    config.endpoint = Endpoint::parse(endpoint)?;
                }
                if let Some(emote_cdn) = &self.emote_cdn {
                    config.emote_cdn.clone_from(emote_cdn);
                }
                log::info!("twitch-chat will connect to {}", config.endpoint);

                let chat = Chat::start_on(config, tauri::async_runtime::handle().inner());
                app.manage(TwitchChat {
                    chat,
                    pages: Arc::default(),
                });
                Ok(())
            })
            .on_page_load(|webview, payload| {
                if payload.event() == PageLoadEvent::Started {
                    if let Some(state) = webview.try_state::<TwitchChat>() {
                        state.close_page(webview.label());
                    }
                }
            })
            .on_event(|app, event| {
                let Some(state) = app.try_state::<TwitchChat>() else {
                    return;
                };
                match event {
                    // Limitation: a window's subscriptions are found by its label, which is the
                    // webview's label for ordinary single-webview windows; webviews added to a
                    // window under other labels end their subscriptions on reload, not on close.
                    RunEvent::WindowEvent {
                        label,
                        event: WindowEvent::Destroyed,
                        ..
                    } => state.close_page(label),
                    RunEvent::Exit => {
                        let chat = state.chat().clone();
                        tauri::async_runtime::block_on(async move {
                            let ending =
                                tokio::time::timeout(Duration::from_secs(2), chat.shutdown());
                            if ending.await.is_err() {
                                log::warn!("the chat relay did not end within 2 s of exit");
                            }
                        });
                    }
                    _ => {}
                }
            })
            .build()
    }
}

/// The plugin with default settings: anonymous, read-only, connected to Twitch.
pub fn init<R: Runtime>() -> TauriPlugin<R, Option<PluginConfig>> {
    Builder::new().build()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tauri's mock runtime emits no window events, so the page bookkeeping that reload and
    // window close rely on is checked here directly.
    #[tokio::test]
    async fn closing_a_page_ends_only_its_subscriptions() {
        let state = TwitchChat {
            chat: Chat::start(ChatConfig::default()),
            pages: Arc::default(),
        };
        let quiet = || Channel::new(|_| Ok(()));
        let options = SubscribeOptions::default();
        state.open_subscription("main", &options, quiet());
        state.open_subscription("main", &options, quiet());
        let other = state.open_subscription("other", &options, quiet());

        state.close_page("main");

        assert_eq!(state.chat.subscriber_count(), 1);
        assert!(
            !state.close_subscription("main", other),
            "one page closed another's"
        );
        assert!(state.close_subscription("other", other));
        assert_eq!(state.chat.subscriber_count(), 0);
        state.chat.shutdown().await;
    }
}
