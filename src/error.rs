//! The error a command returns to the page: serialized as `{ kind, message }` so that the
//! frontend can branch on `kind` and show `message`.

use serde::{Serialize, Serializer};

use crate::core::ChatError;

/// Everything a command of this plugin can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The chat core refused (bad channel name, relay shut down).
    #[error(transparent)]
    Chat(#[from] ChatError),
    /// The channel is valid but this window's capability does not allow it.
    #[error("tracking \"{0}\" is not allowed by this window's capability (see the channel scope of twitch-chat:allow-track)")]
    ChannelNotAllowed(String),
    /// Tauri itself failed.
    #[error(transparent)]
    Tauri(#[from] tauri::Error),
}

impl Error {
    /// The machine-readable kind the page branches on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Chat(ChatError::InvalidChannel { .. }) => "invalidChannel",
            Error::Chat(ChatError::InvalidEndpoint { .. }) => "invalidEndpoint",
            Error::Chat(ChatError::Shutdown) => "shutdown",
            Error::ChannelNotAllowed(_) => "channelNotAllowed",
            Error::Tauri(_) => "tauri",
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut error = serializer.serialize_struct("Error", 2)?;
        error.serialize_field("kind", self.kind())?;
        error.serialize_field("message", &self.to_string())?;
        error.end()
    }
}

/// Results of this plugin's commands.
pub type Result<T> = std::result::Result<T, Error>;
