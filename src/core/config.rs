//! Settings of the chat core. Every default is chosen for a desktop app reading chat, and the
//! reason for each is written beside it.

use std::time::Duration;

use super::endpoint::Endpoint;

/// A login for an authenticated connection. Without one the relay reads chat anonymously,
/// which is all that reading needs.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Twitch login (lowercase).
    pub login: String,
    /// OAuth token, with or without the `oauth:` prefix. Never logged or shown.
    pub token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// How the core connects and delivers.
#[derive(Debug, Clone)]
pub struct ChatConfig {
    /// Chat server. Default: Twitch over TLS.
    pub endpoint: Endpoint,
    /// Login; default `None`, an anonymous read-only `justinfanNNNNN` login.
    pub credentials: Option<Credentials>,
    /// Base address of emote images in message fragments. Default: Twitch's emote server. An
    /// offline setup points it at a server of its own.
    pub emote_cdn: String,
    /// Recent events kept per tracked channel and replayed to a new subscriber, so a page
    /// that loads or reloads after `track` sees what it missed. Default 500.
    pub backlog: usize,
    /// Events a subscriber may have waiting before the oldest are dropped (and a `lagged`
    /// event says how many). Bounds memory when a page cannot keep up. Default 20,000.
    pub subscriber_queue: usize,
    /// Most events in one batch. Default 200.
    pub batch_max_events: usize,
    /// Most JSON bytes in one batch (a single larger event still goes alone). Default 1 MiB,
    /// so that in practice `batch_max_events` closes a batch: Tauri hands payloads under 8 KiB
    /// to the page by a faster path, but the benchmark (README) measured fewer, larger batches
    /// reaching the page faster than many small ones.
    pub batch_max_bytes: usize,
    /// How long a batch waits for more events after its first one. Default 4 ms: one event
    /// per IPC call costs far more than 4 ms of latency saves.
    pub batch_linger: Duration,
    /// Longest line accepted from the server; longer ones are skipped and counted. Twitch's
    /// lines stay under 10 KiB. Default 64 KiB.
    pub max_line_bytes: usize,
    /// How long to wait for TCP (and TLS) to connect. Default 10 s.
    pub connect_timeout: Duration,
    /// Quiet time after which the relay pings the server. Default 30 s.
    pub ping_interval: Duration,
    /// How long the server has to answer a ping before the connection counts as dead.
    /// Default 10 s.
    pub pong_timeout: Duration,
    /// First reconnect delay; it doubles with each failed attempt. Default 500 ms.
    pub reconnect_min: Duration,
    /// Longest reconnect delay. Default 30 s.
    pub reconnect_max: Duration,
    /// JOINs allowed per `join_window`: Twitch allows 20 per 10 s for ordinary accounts.
    pub join_limit: usize,
    /// See `join_limit`. Default 10 s.
    pub join_window: Duration,
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig {
            endpoint: Endpoint::default(),
            credentials: None,
            emote_cdn: super::fragments::TWITCH_EMOTE_CDN.to_string(),
            backlog: 500,
            subscriber_queue: 20_000,
            batch_max_events: 200,
            batch_max_bytes: 1024 * 1024,
            batch_linger: Duration::from_millis(4),
            max_line_bytes: 64 * 1024,
            connect_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(30),
            pong_timeout: Duration::from_secs(10),
            reconnect_min: Duration::from_millis(500),
            reconnect_max: Duration::from_secs(30),
            join_limit: 20,
            join_window: Duration::from_secs(10),
        }
    }
}
