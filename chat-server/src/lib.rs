//! A Twitch-like IRC chat server for loopback use: offline development, tests, the demo and
//! benchmarks of `tauri-plugin-twitch-chat`, with no Twitch account or network.
//!
//! It speaks what Twitch speaks on one plain-text connection (capabilities, the welcome,
//! JOIN/PART with names and room state, PING/PONG, RECONNECT) and fills each joined channel
//! with generated or replayed chat. Tests steer it through [`ChatServer`]: inject lines,
//! break framing, drop or refuse connections, silence PONGs, and read back the JOINs it saw.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use twitch_chat_server::{ChatServer, Feed, Mix, ServerConfig};
//!
//! let server = ChatServer::start(ServerConfig {
//!     feed: Feed::Generated { rate: Some(20.0), limit: None, mix: Mix::Realistic },
//!     ..ServerConfig::default()
//! })
//! .await?;
//! println!("point the client at {}", server.endpoint());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod catalogue;
mod config;
mod connection;
mod feed;
mod generator;
mod hub;
mod ids;
mod replay;
mod server;
mod wire;

pub use config::{Feed, Mix, ServerConfig};
pub use hub::JoinRecord;
pub use ids::{chat_message_id, chat_seq, normalize_channel, room_id};
pub use replay::load_replay_file;
pub use server::ChatServer;
