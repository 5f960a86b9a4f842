//! What the integration tests share: a bundled chat server on a free loopback port, a relay
//! configured for quick tests, and ways to wait for events instead of sleeping.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use tauri_plugin_twitch_chat::core::{
    Batch, Chat, ChatConfig, ChatEvent, ChatMessage, Endpoint, Subscription,
};
use twitch_chat_server::{ChatServer, Feed, Mix, ServerConfig};

/// Longest any single wait in a test may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A server that says nothing unless the test makes it.
pub async fn silent_server() -> ChatServer {
    ChatServer::start(ServerConfig::default())
        .await
        .expect("the chat server starts")
}

/// A server that sends `limit` generated chat messages per joined channel.
pub async fn chatty_server(rate: Option<f64>, limit: Option<u64>) -> ChatServer {
    let config = ServerConfig {
        feed: Feed::Generated {
            rate,
            limit,
            mix: Mix::ChatOnly,
        },
        ..ServerConfig::default()
    };
    ChatServer::start(config)
        .await
        .expect("the chat server starts")
}

/// Relay settings for tests: the given server, quick reconnects.
pub fn test_config(server: &ChatServer) -> ChatConfig {
    ChatConfig {
        endpoint: Endpoint::parse(&server.endpoint()).expect("the server's endpoint parses"),
        reconnect_min: Duration::from_millis(50),
        reconnect_max: Duration::from_millis(400),
        ..ChatConfig::default()
    }
}

/// A relay connected to `server`.
pub fn relay(server: &ChatServer) -> Chat {
    Chat::start(test_config(server))
}

/// The next batch, or a test failure after `PATIENCE`.
pub async fn next_batch(subscription: &mut Subscription) -> Batch {
    match tokio::time::timeout(PATIENCE, subscription.next_batch()).await {
        Ok(Some(batch)) => batch,
        Ok(None) => panic!("the subscription ended early"),
        Err(_) => panic!("no batch within {PATIENCE:?}"),
    }
}

/// Events (with their sequence numbers) until `done` says enough.
pub async fn events_until(
    subscription: &mut Subscription,
    mut done: impl FnMut(&[(u64, ChatEvent)]) -> bool,
) -> Vec<(u64, ChatEvent)> {
    let mut events = Vec::new();
    while !done(&events) {
        let batch = next_batch(subscription).await;
        for (offset, envelope) in batch.events.iter().enumerate() {
            let event = envelope.event().expect("an envelope holds an event");
            events.push((batch.first_seq + offset as u64, event));
        }
    }
    events
}

/// Chat messages until there are `count` of them.
pub async fn messages(subscription: &mut Subscription, count: usize) -> Vec<ChatMessage> {
    let events = events_until(subscription, |events| chat_messages(events).len() >= count).await;
    chat_messages(&events)
}

/// The chat messages among `events`, in order.
pub fn chat_messages(events: &[(u64, ChatEvent)]) -> Vec<ChatMessage> {
    events
        .iter()
        .filter_map(|(_, event)| match event {
            ChatEvent::Message(message) => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// The generator's sequence number of a chat message (its text starts with `#<seq> `).
pub fn seq_of(message: &ChatMessage) -> u64 {
    twitch_chat_server::chat_seq(&message.id).expect("a generated message id")
}

/// Waits until the server has seen a PART of `channel`.
pub async fn wait_for_part(server: &ChatServer, channel: &str) -> bool {
    server.wait_for_part(channel, PATIENCE).await
}
