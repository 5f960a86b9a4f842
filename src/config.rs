//! The plugin's section of `tauri.conf.json` (`plugins` → `twitch-chat`).

use serde::Deserialize;

use crate::core::{ChatConfig, ChatError, Endpoint};

/// What an app may set in its Tauri configuration. Every field is optional.
///
/// ```json
/// { "plugins": { "twitch-chat": { "endpoint": "irc://127.0.0.1:6667", "backlog": 200 } } }
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginConfig {
    /// Chat server, `irc://host:port` or `ircs://host:port`. Default: Twitch over TLS.
    pub endpoint: Option<String>,
    /// Base address of emote images. Default: Twitch's emote server.
    pub emote_cdn: Option<String>,
    /// Events kept per channel for pages that subscribe later. Default 500.
    pub backlog: Option<usize>,
    /// Events a subscriber may have waiting before the oldest are dropped. Default 20,000.
    pub subscriber_queue: Option<usize>,
}

impl PluginConfig {
    /// Applies the set fields over `config`.
    pub(crate) fn apply(&self, config: &mut ChatConfig) -> Result<(), ChatError> {
        if let Some(endpoint) = &self.endpoint {
            config.endpoint = Endpoint::parse(endpoint)?;
        }
        if let Some(emote_cdn) = &self.emote_cdn {
            config.emote_cdn = emote_cdn.clone();
        }
        if let Some(backlog) = self.backlog {
            config.backlog = backlog;
        }
        if let Some(queue) = self.subscriber_queue {
            config.subscriber_queue = queue.max(1);
        }
        Ok(())
    }
}
