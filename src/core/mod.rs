//! The chat core: connection, decoding into events and delivery to subscribers. Nothing here
//! needs a Tauri runtime, so tests, the command-line tools and the benchmarks drive it directly.

pub mod channel;
pub mod chat;
pub mod config;
mod connection;
pub mod decode;
pub mod delivery;
pub mod endpoint;
pub mod error;
pub mod event;
pub mod fragments;
pub mod lines;

pub use channel::ChannelName;
pub use chat::{Chat, StatsSnapshot, StatusSnapshot};
pub use config::{ChatConfig, Credentials};
pub use delivery::{Batch, Delivery, Envelope, SubscribeOptions, Subscription};
pub use endpoint::Endpoint;
pub use error::ChatError;
pub use event::*;
