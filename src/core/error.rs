//! Errors of the chat core. Each message says what went wrong and what to do about it.

/// Everything the chat core can refuse to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// A channel name that is not a Twitch login.
    #[error("invalid channel name \"{name}\": {reason}")]
    InvalidChannel {
        /// The name as given, shortened and with control characters escaped.
        name: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// An endpoint that is not `irc://host:port` or `ircs://host:port`.
    #[error(
        "invalid chat endpoint \"{endpoint}\": {reason}; use irc://host:port or ircs://host:port"
    )]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The relay was shut down (the app is exiting); nothing can be tracked any more.
    #[error("the chat relay has shut down; restart the app to track channels again")]
    Shutdown,
}
