//! What a server is told at start: where to listen, what to say in each channel, and how
//! strict to be about keepalive and reconnects.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// How a [`crate::ChatServer`] behaves. `ServerConfig::default()` is what tests want: a silent
/// server on a free loopback port.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on. Default `127.0.0.1:0`: loopback only, so nothing outside this
    /// machine can reach the server, and port 0 so parallel tests never collide.
    pub bind: SocketAddr,
    /// What the server says in each joined channel besides what a test injects.
    /// Default [`Feed::Silent`], so a test sees only the lines it sends itself.
    pub feed: Feed,
    /// Channels (without `#`, any case) whose JOIN is answered with the notice Twitch sends
    /// for a suspended or unknown channel instead of the join echo. Default empty.
    pub unknown_channels: Vec<String>,
    /// How often the server sends `PING :tmi.twitch.tv`. A connection that has not answered
    /// the previous PING by the next one is closed, as Twitch does. Default 60 s.
    pub ping_interval: Duration,
    /// How long [`crate::ChatServer::reconnect_all`] waits between sending `RECONNECT` and
    /// closing the connections. Twitch gives about 30 s; the default of 200 ms keeps tests short.
    pub reconnect_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            feed: Feed::Silent,
            unknown_channels: Vec::new(),
            ping_interval: Duration::from_secs(60),
            reconnect_grace: Duration::from_millis(200),
        }
    }
}

/// What the server says in each joined channel on its own.
#[derive(Debug, Clone)]
pub enum Feed {
    /// Nothing but what the test injects.
    Silent,
    /// Generated realistic chat, per channel, starting when the channel gets its first joiner
    /// and running while it has at least one.
    ///
    /// Every chat message carries a per-channel sequence number starting at 0: in its `id` tag
    /// (see [`crate::chat_message_id`]) and as the `#<seq> ` start of its text.
    Generated {
        /// Lines per second per channel; `None` writes as fast as the sockets take them (flood).
        rate: Option<f64>,
        /// Stop after this many chat messages per channel; `None` runs while anyone listens.
        limit: Option<u64>,
        /// Which kinds of lines the feed is made of.
        mix: Mix,
    },
    /// Replays raw lines (bytes without CRLF) in order into each joined channel, rewriting the
    /// channel parameter (`#something`) and a non-empty `room-id` tag of each line to the
    /// joined channel.
    Replay {
        /// The corpus, one IRC line each, as [`crate::load_replay_file`] reads it.
        lines: Vec<Vec<u8>>,
        /// Lines per second per channel; `None` writes as fast as the sockets take them (flood).
        rate: Option<f64>,
        /// Start over at the end instead of going quiet.
        repeat: bool,
    },
}

/// Which kinds of lines a generated feed is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Chat messages (`PRIVMSG`) only.
    ChatOnly,
    /// Chat messages with, about one line in fifteen, a moderation or community event:
    /// `USERNOTICE` (sub, resub, subgift, raid, announcement), `CLEARCHAT` (timeout, ban),
    /// `CLEARMSG` and `ROOMSTATE` changes.
    Realistic,
}
