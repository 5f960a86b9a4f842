//! The plugin's side: the chat core with its default settings and one subscription, consumed
//! the way the Tauri layer consumes it: every batch becomes the JSON the page would receive.

use tauri_plugin_twitch_chat::core::{
    Batch, Chat, ChatConfig, ChatEvent, Endpoint, EventKind, SubscribeOptions, Subscription,
};
use tokio::time::{timeout_at, Instant};

use crate::source::{Arrival, ChatSource, Received};

pub struct PluginRelay {
    chat: Chat,
    subscription: Subscription,
}

impl ChatSource for PluginRelay {
    fn open(endpoint: &str, channel: &str) -> Result<Self, String> {
        let endpoint = Endpoint::parse(endpoint).map_err(|error| error.to_string())?;
        let chat = Chat::start(ChatConfig {
            endpoint,
            ..ChatConfig::default()
        });

        let subscription = chat.subscribe(&SubscribeOptions::default());
        chat.track(channel).map_err(|error| error.to_string())?;
        Ok(PluginRelay { chat, subscription })
    }

    async fn receive(&mut self, arrival: &mut Arrival, deadline: Instant) -> Received {
        match timeout_at(deadline, self.subscription.next_batch()).await {
            Ok(Some(batch)) => {
                note(&batch, arrival);
                Received::Delivery
            }
            Ok(None) => Received::Ended,
            Err(_) => Received::TimedOut,
        }
    }

    fn take_waiting(&mut self, arrival: &mut Arrival) -> bool {
        match self.subscription.try_next_batch() {
            Some(batch) => {
                note(&batch, arrival);
                true
            }
            None => false,
        }
    }

    async fn close(self) {
        drop(self.subscription);
        self.chat.shutdown().await;
    }
}

/// Serializes the batch as the page gets it, then counts its chat messages; their latency
/// runs to the moment the JSON is ready.
fn note(batch: &Batch, arrival: &mut Arrival) {
    let json = batch.to_json();
    let ready_ms = arrival.clock_ms();

    arrival.deliveries += 1;
    arrival.bytes += json.len() as u64;
    for envelope in &batch.events {
        match envelope.kind {
            EventKind::Message => arrival.message(server_time(&envelope.json), ready_ms),
            EventKind::Lagged => {
                if let Some(ChatEvent::Lagged(lagged)) = envelope.event() {
                    arrival.dropped += lagged.dropped;
                }
            }
            _ => {}
        }
    }
}

/// A chat message's `serverTime`, read straight from its JSON: decoding the whole event again
/// would be measured as the plugin's work.
fn server_time(json: &str) -> u64 {
    const KEY: &str = "\"serverTime\":";
    json.rfind(KEY)
        .and_then(|at| json.get(at + KEY.len()..))
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}
