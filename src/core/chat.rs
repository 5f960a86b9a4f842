//! The `Chat` handle: what an app (or the Tauri layer, a test, a CLI) holds to track channels
//! and subscribe to their events.
//!
//! The handle is cheap to clone. The connection task it starts owns the socket; the handle
//! only records which channels are wanted and tells the task. When the last handle is dropped
//! the task parts its channels and ends, and `shutdown` does the same on request and waits
//! for it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::channel::ChannelName;
use super::config::ChatConfig;
use super::connection::{self, Command};
use super::delivery::{
    connection_event, lock, DeliveryLimits, Envelope, Hub, SubscribeOptions, Subscription,
};
use super::error::ChatError;
use super::event::{ChannelState, ChannelStatus, ChatEvent, ConnectionStatus, EventKind};

/// Counters of what the connection saw: every line that was not delivered is counted here.
#[derive(Debug, Default)]
pub struct Stats {
    /// Lines received.
    pub lines: AtomicU64,
    /// Lines that were not valid IRC or not UTF-8, skipped.
    pub lines_malformed: AtomicU64,
    /// Lines over the length bound, skipped.
    pub lines_too_long: AtomicU64,
    /// Lines cut off by a closed connection, dropped.
    pub lines_cut_off: AtomicU64,
    /// Messages that arrived twice (around a reconnect), delivered once.
    pub duplicates: AtomicU64,
    /// Connections lost or ended by the server.
    pub reconnects: AtomicU64,
}

/// A plain copy of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsSnapshot {
    pub lines: u64,
    pub lines_malformed: u64,
    pub lines_too_long: u64,
    pub lines_cut_off: u64,
    pub duplicates: u64,
    pub reconnects: u64,
}

/// The connection's and every tracked channel's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StatusSnapshot {
    pub connection: ConnectionStatus,
    pub channels: Vec<ChannelStatus>,
}

/// State shared by the handles and the connection task.
pub(crate) struct Shared {
    pub(crate) config: ChatConfig,
    pub(crate) stats: Stats,
    hub: Arc<Hub>,
    /// The tracked channels and where each stands. The connection joins exactly these.
    channels: Mutex<BTreeMap<ChannelName, ChannelState>>,
    connection: Mutex<ConnectionStatus>,
}

impl Shared {
    pub(crate) fn tracked_channels(&self) -> Vec<ChannelName> {
        lock(&self.channels).keys().cloned().collect()
    }

    pub(crate) fn is_tracked(&self, channel: &str) -> bool {
        ChannelName::parse(channel).is_ok_and(|name| lock(&self.channels).contains_key(&name))
    }

    /// Updates a tracked channel's state; false if the channel is not tracked (any more).
    pub(crate) fn set_channel_state(&self, channel: &str, state: ChannelState) -> bool {
        let Ok(name) = ChannelName::parse(channel) else {
            return false;
        };
        match lock(&self.channels).get_mut(&name) {
            Some(current) => {
                *current = state;
                true
            }
            None => false,
        }
    }

    /// The connection is gone: every joined channel is joining again until the next
    /// connection's JOIN is confirmed, and subscribers are told so.
    pub(crate) fn rejoin_pending(&self) {
        let rejoining: Vec<ChannelName> = {
            let mut channels = lock(&self.channels);
            channels
                .iter_mut()
                .filter(|(_, state)| **state == ChannelState::Joined)
                .map(|(channel, state)| {
                    *state = ChannelState::Joining;
                    channel.clone()
                })
                .collect()
        };
        for channel in &rejoining {
            self.publish_channel(channel, ChannelState::Joining);
        }
    }

    pub(crate) fn publish(&self, events: Vec<Arc<Envelope>>) {
        // Connection changes are rare, so decoding their JSON again here costs nothing.
        let latest = events
            .iter()
            .rev()
            .filter(|envelope| envelope.kind == EventKind::Connection)
            .find_map(|envelope| envelope.event());
        if let Some(ChatEvent::Connection(status)) = latest {
            *lock(&self.connection) = status;
        }
        self.hub.publish(events);
    }

    pub(crate) fn publish_connection(&self, status: ConnectionStatus) {
        self.publish(vec![connection_event(status)]);
    }

    fn publish_channel(&self, channel: &ChannelName, state: ChannelState) {
        let status = ChannelStatus {
            channel: channel.to_string(),
            state,
        };
        self.publish(vec![Arc::new(Envelope::new(ChatEvent::Channel(status)))]);
    }
}

/// A running chat relay. Clone it freely; see the module documentation for its lifetime.
#[derive(Clone)]
pub struct Chat {
    shared: Arc<Shared>,
    commands: mpsc::UnboundedSender<Command>,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Chat {
    /// Starts a relay on the current Tokio runtime. Nothing connects until a channel is
    /// tracked.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, as `tokio::spawn` does; use [`Chat::start_on`] there.
    pub fn start(config: ChatConfig) -> Chat {
        Chat::start_on(config, &tokio::runtime::Handle::current())
    }

    /// Starts a relay whose connection task runs on `runtime`.
    pub fn start_on(config: ChatConfig, runtime: &tokio::runtime::Handle) -> Chat {
        let limits = DeliveryLimits {
            backlog: config.backlog,
            queue: config.subscriber_queue,
            batch_events: config.batch_max_events.max(1),
            batch_bytes: config.batch_max_bytes,
            linger: config.batch_linger,
        };
        let shared = Arc::new(Shared {
            config,
            stats: Stats::default(),
            hub: Hub::new(limits),
            channels: Mutex::new(BTreeMap::new()),
            connection: Mutex::new(ConnectionStatus::Disconnected {
                reason: "no channel is tracked".into(),
            }),
        });
        let (commands, receiver) = mpsc::unbounded_channel();
        let task = runtime.spawn(connection::run(shared.clone(), receiver));

        Chat {
            shared,
            commands,
            task: Arc::new(Mutex::new(Some(task))),
        }
    }

    /// Starts receiving a channel's chat. Tracking a channel twice is the same as once.
    pub fn track(&self, channel: &str) -> Result<ChannelName, ChatError> {
        let name = ChannelName::parse(channel)?;
        if self.commands.is_closed() {
            return Err(ChatError::Shutdown);
        }

        let newly = {
            let mut channels = lock(&self.shared.channels);
            let newly = !channels.contains_key(&name);
            if newly {
                channels.insert(name.clone(), ChannelState::Joining);
            }
            newly
        };
        if newly {
            log::info!("tracking #{name}");
            self.shared.publish_channel(&name, ChannelState::Joining);
            self.send(Command::Join(name.clone()))?;
        }
        Ok(name)
    }

    /// Stops receiving a channel's chat, and only that channel's. True if it was tracked.
    pub fn untrack(&self, channel: &str) -> Result<bool, ChatError> {
        let name = ChannelName::parse(channel)?;

        let was_tracked = lock(&self.shared.channels).remove(&name).is_some();
        if was_tracked {
            log::info!("untracking #{name}");
            self.shared.hub.forget_channel(&name);
            self.shared.publish_channel(&name, ChannelState::Parted);
            // A relay that is shutting down parts everything anyway.
            let _ = self.send(Command::Part(name));
        }
        Ok(was_tracked)
    }

    /// The tracked channels, sorted.
    pub fn tracked(&self) -> Vec<ChannelName> {
        self.shared.tracked_channels()
    }

    /// Where the connection and each tracked channel stand.
    pub fn status(&self) -> StatusSnapshot {
        let channels = lock(&self.shared.channels)
            .iter()
            .map(|(channel, state)| ChannelStatus {
                channel: channel.to_string(),
                state: state.clone(),
            })
            .collect();
        StatusSnapshot {
            connection: lock(&self.shared.connection).clone(),
            channels,
        }
    }

    /// Opens a subscription. Its first events are the current status (if its kinds include
    /// status) and, with `replay`, the backlog; live events follow without gap or duplicate.
    pub fn subscribe(&self, options: &SubscribeOptions) -> Subscription {
        self.shared.hub.subscribe(options)
    }

    /// Ends a subscription by id. True if it was open.
    pub fn unsubscribe(&self, id: u64) -> bool {
        self.shared.hub.unsubscribe(id)
    }

    /// How many subscriptions are open.
    pub fn subscriber_count(&self) -> usize {
        self.shared.hub.subscriber_count()
    }

    /// Events held in the backlogs of all tracked channels.
    pub fn backlog_len(&self) -> usize {
        self.shared.hub.backlog_len()
    }

    /// What the connection has seen so far.
    pub fn stats(&self) -> StatsSnapshot {
        let stats = &self.shared.stats;
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StatsSnapshot {
            lines: read(&stats.lines),
            lines_malformed: read(&stats.lines_malformed),
            lines_too_long: read(&stats.lines_too_long),
            lines_cut_off: read(&stats.lines_cut_off),
            duplicates: read(&stats.duplicates),
            reconnects: read(&stats.reconnects),
        }
    }

    /// Parts every channel, closes the connection, ends every subscription and waits for the
    /// connection task to finish. Later calls return at once.
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown);
        let task = lock(&self.task).take();
        if let Some(task) = task {
            if let Err(error) = task.await {
                log::warn!("the chat connection task failed: {error}");
            }
        }
        self.shared.hub.close_all();
    }

    fn send(&self, command: Command) -> Result<(), ChatError> {
        self.commands.send(command).map_err(|_| ChatError::Shutdown)
    }
}
