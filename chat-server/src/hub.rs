//! The state all tasks of a server share: open connections, who has joined which channel, the
//! record of joins and parts, and the switches a test flips.
//!
//! One `std::sync::Mutex` guards connections and membership. It is never held across an
//! `.await`. Lines whose order matters relative to a JOIN or PART (the echo, and feed lines
//! that must not reach a connection after its PART echo) are queued while holding it, so a
//! connection sees either "feed line, then PART" or "PART, and no more feed lines".
//!
//! Shutdown: every task is spawned through [`Hub::spawn`], which hands it a clone of one
//! `mpsc::Sender`. Shutting down flips the `shutdown` watch, which every loop selects on, and
//! drops the hub's own sender; when the receiver sees the channel closed, every task has ended.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

use crate::config::{Feed, ServerConfig};
use crate::ids::{self, normalize_channel};

/// How many feed chunks a connection may have queued but not yet written. Two keeps one
/// chunk on the wire while the next is rendered, and keeps `tmi-sent-ts` close to the time
/// the line really reaches the socket.
pub(crate) const FEED_CHUNKS_IN_FLIGHT: usize = 2;

/// A JOIN or PART the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRecord {
    /// When the server read the command, for measuring how fast a client (re)joins.
    pub at: Instant,
    /// The channel, normalized (no `#`, lower case).
    pub channel: String,
    /// Which connection sent it, numbered from 1 in accept order, so a test can tell a
    /// rejoin on a new connection from a duplicate JOIN on the same one.
    pub connection: u64,
}

/// Something a connection's writer is to write.
pub(crate) enum Outbound {
    /// Protocol replies and injected lines or bytes.
    Bytes(Arc<[u8]>),
    /// A chunk of a feed.
    Feed {
        /// The lines, CRLF-terminated.
        chunk: Arc<[u8]>,
        /// One of the connection's feed credits, only held: dropping it after the write
        /// returns the credit to the feed.
        _credit: OwnedSemaphorePermit,
    },
}

/// How the hub reaches one open connection.
pub(crate) struct ConnectionHandle {
    /// The connection's write queue. Unbounded so that the synchronous test API never blocks;
    /// feeds are bounded by `feed_credits` instead.
    pub outbound: mpsc::UnboundedSender<Outbound>,
    /// Set to `true` to close the connection at once, queued lines or not.
    pub close: Arc<watch::Sender<bool>>,
    /// Feed chunks this connection may still queue; a feed waits for a credit before queuing,
    /// so a flood runs at the pace of the slowest reader instead of filling memory.
    pub feed_credits: Arc<Semaphore>,
}

/// One channel as the server knows it.
struct Channel {
    /// Connections that joined it, in join order.
    members: Vec<u64>,
    /// Number of members, watched by the channel's feed to pause while nobody listens.
    member_count: watch::Sender<usize>,
    /// Whether the channel's feed task was started (it runs until the server stops).
    feed_started: bool,
    /// Chat lines (`PRIVMSG`) broadcast so far, from any source.
    sent_messages: u64,
    /// Counter for the ids of messages injected with `send_privmsg`.
    injected: u64,
}

impl Channel {
    fn new() -> Channel {
        Channel {
            members: Vec::new(),
            member_count: watch::Sender::new(0),
            feed_started: false,
            sent_messages: 0,
            injected: 0,
        }
    }
}

/// Everything behind the hub's lock.
#[derive(Default)]
struct State {
    /// Open connections by id.
    connections: HashMap<u64, ConnectionHandle>,
    /// Channels that anyone ever joined or that a test wrote into, by normalized name.
    channels: HashMap<String, Channel>,
    /// Every JOIN received, in order.
    joins: Vec<JoinRecord>,
    /// Every PART received, in order.
    parts: Vec<JoinRecord>,
}

/// The shared state of one server.
pub(crate) struct Hub {
    /// The configuration the server was started with.
    pub config: ServerConfig,
    /// `config.unknown_channels`, normalized for lookups.
    unknown_channels: HashSet<String>,
    /// Drawn at start and written into every message id, so that the ids of a restarted
    /// server differ from those of the one before (see [`crate::ids`]).
    pub instance: u32,
    /// The runtime the server started on, so the synchronous API can spawn timers.
    runtime: Handle,
    /// Id of the next accepted connection.
    next_connection: AtomicU64,
    /// When set, PINGs from clients go unanswered (a hung server).
    pub pong_silence: AtomicBool,
    /// When set, new connections are closed right after accept (a server that is down).
    pub refusing: AtomicBool,
    /// Connections and membership.
    state: Mutex<State>,
    /// Bumped after every JOIN or PART is recorded, so waiters re-check without polling.
    membership_events: watch::Sender<u64>,
    /// Flipped to `true` once, when the server shuts down.
    shutdown: watch::Sender<bool>,
    /// Cloned into every spawned task and dropped at shutdown; see the module docs.
    task_guard: Mutex<Option<mpsc::Sender<()>>>,
}

impl Hub {
    /// A hub for `config`, and the receiver that reports when every task has ended.
    pub(crate) fn new(config: ServerConfig) -> (Arc<Hub>, mpsc::Receiver<()>) {
        let (task_guard, tasks_ended) = mpsc::channel(1);
        let hub = Hub {
            unknown_channels: config
                .unknown_channels
                .iter()
                .map(|c| normalize_channel(c))
                .collect(),
            config,
            instance: ids::new_instance(),
            runtime: Handle::current(),
            next_connection: AtomicU64::new(1),
            pong_silence: AtomicBool::new(false),
            refusing: AtomicBool::new(false),
            state: Mutex::new(State::default()),
            membership_events: watch::Sender::new(0),
            shutdown: watch::Sender::new(false),
            task_guard: Mutex::new(Some(task_guard)),
        };
        (Arc::new(hub), tasks_ended)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the maps consistent (no multi-step updates
        // are interrupted by code that can panic), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `task` on the server's runtime, counted for shutdown. After shutdown began, the
    /// task is not started.
    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let guard = self
            .task_guard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(guard) = guard {
            self.runtime.spawn(async move {
                task.await;
                drop(guard);
            });
        }
    }

    /// A receiver that turns `true` when the server shuts down.
    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Starts shutting down: every loop sees the signal, and no new task starts.
    pub(crate) fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
        self.task_guard
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }

    /// A fresh connection id; every accepted connection takes one, refused ones included.
    pub(crate) fn next_connection_id(&self) -> u64 {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn connections_opened(&self) -> u64 {
        self.next_connection.load(Ordering::Relaxed) - 1
    }

    pub(crate) fn open_connections(&self) -> usize {
        self.state().connections.len()
    }

    pub(crate) fn register(&self, id: u64, connection: ConnectionHandle) {
        self.state().connections.insert(id, connection);
    }

    /// Forgets a closed connection: it leaves every channel, and a feed waiting for its
    /// credits stops waiting.
    pub(crate) fn unregister(&self, id: u64) {
        let mut state = self.state();
        if let Some(connection) = state.connections.remove(&id) {
            connection.feed_credits.close();
        }
        for channel in state.channels.values_mut() {
            if let Some(at) = channel.members.iter().position(|&m| m == id) {
                channel.members.remove(at);
                channel.member_count.send_replace(channel.members.len());
            }
        }
    }

    /// Handles `JOIN #channel` from `connection` (whose nick is `nick`): records it, and
    /// answers either with the join echo, names and room state, or with the notice for an
    /// unknown channel.
    pub(crate) fn join(self: &Arc<Self>, connection: u64, nick: &str, channel: &str) {
        let start_feed = {
            let mut state = self.state();
            state.joins.push(JoinRecord {
                at: Instant::now(),
                channel: channel.to_owned(),
                connection,
            });

            let reply = if self.unknown_channels.contains(channel) {
                format!(
                    "@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #{channel} \
                     :This channel does not exist or has been suspended.\r\n"
                )
            } else {
                // Limitation: the room state on JOIN always shows the default modes, even
                // after a realistic feed switched some on with a ROOMSTATE change.
                format!(
                    ":{nick}!{nick}@{nick}.tmi.twitch.tv JOIN #{channel}\r\n\
                     :{nick}.tmi.twitch.tv 353 {nick} = #{channel} :{nick}\r\n\
                     :{nick}.tmi.twitch.tv 366 {nick} #{channel} :End of /NAMES list\r\n\
                     @emote-only=0;followers-only=-1;r9k=0;room-id={};slow=0;subs-only=0 \
                     :tmi.twitch.tv ROOMSTATE #{channel}\r\n",
                    ids::room_id(channel)
                )
            };
            if let Some(handle) = state.connections.get(&connection) {
                let _ = handle
                    .outbound
                    .send(Outbound::Bytes(reply.into_bytes().into()));
            }

            if self.unknown_channels.contains(channel) {
                false
            } else {
                let entry = state
                    .channels
                    .entry(channel.to_owned())
                    .or_insert_with(Channel::new);
                if !entry.members.contains(&connection) {
                    entry.members.push(connection);
                    entry.member_count.send_replace(entry.members.len());
                }
                let start = !entry.feed_started && !matches!(self.config.feed, Feed::Silent);
                entry.feed_started = true;
                start
            }
        };

        // Outside the lock: waiters take the lock in their check.
        self.membership_events.send_modify(|count| *count += 1);
        if start_feed {
            let member_count = self
                .state()
                .channels
                .get(channel)
                .map(|c| c.member_count.subscribe());
            if let Some(member_count) = member_count {
                let task = crate::feed::run(Arc::clone(self), channel.to_owned(), member_count);
                self.spawn(task);
            }
        }
    }

    /// Handles `PART #channel`: records it, echoes it, and stops the channel's lines to this
    /// connection.
    pub(crate) fn part(&self, connection: u64, nick: &str, channel: &str) {
        let mut state = self.state();
        state.parts.push(JoinRecord {
            at: Instant::now(),
            channel: channel.to_owned(),
            connection,
        });
        if let Some(entry) = state.channels.get_mut(channel) {
            if let Some(at) = entry.members.iter().position(|&m| m == connection) {
                entry.members.remove(at);
                entry.member_count.send_replace(entry.members.len());
            }
        }
        let echo = format!(":{nick}!{nick}@{nick}.tmi.twitch.tv PART #{channel}\r\n");
        if let Some(handle) = state.connections.get(&connection) {
            let _ = handle
                .outbound
                .send(Outbound::Bytes(echo.into_bytes().into()));
        }
        drop(state);
        // Outside the lock: waiters take the lock in their check.
        self.membership_events.send_modify(|count| *count += 1);
    }

    /// Queues one line (CRLF added) to every member of `channel`; counts it when it is a
    /// chat line.
    pub(crate) fn broadcast_line(&self, channel: &str, line: &[u8]) {
        let mut framed = Vec::with_capacity(line.len() + 2);
        framed.extend_from_slice(line);
        framed.extend_from_slice(b"\r\n");
        let framed: Arc<[u8]> = framed.into();

        let mut state = self.state();
        let state = &mut *state;
        let entry = state
            .channels
            .entry(channel.to_owned())
            .or_insert_with(Channel::new);
        if crate::wire::is_privmsg(line) {
            entry.sent_messages += 1;
        }
        for member in &entry.members {
            if let Some(handle) = state.connections.get(member) {
                let _ = handle.outbound.send(Outbound::Bytes(Arc::clone(&framed)));
            }
        }
    }

    /// Takes the next id counter for an injected message in `channel`.
    pub(crate) fn next_injected(&self, channel: &str) -> u64 {
        let mut state = self.state();
        let entry = state
            .channels
            .entry(channel.to_owned())
            .or_insert_with(Channel::new);
        let counter = entry.injected;
        entry.injected += 1;
        counter
    }

    /// Queues `bytes` as they are to every open connection; returns their ids.
    pub(crate) fn send_to_all(&self, bytes: &[u8]) -> Vec<u64> {
        let bytes: Arc<[u8]> = bytes.into();
        let state = self.state();
        for handle in state.connections.values() {
            let _ = handle.outbound.send(Outbound::Bytes(Arc::clone(&bytes)));
        }
        state.connections.keys().copied().collect()
    }

    /// Closes the given connections (all when `None`) without flushing their queues.
    pub(crate) fn close_connections(&self, ids: Option<&[u64]>) {
        let state = self.state();
        for (id, handle) in &state.connections {
            if ids.is_none_or(|ids| ids.contains(id)) {
                handle.close.send_replace(true);
            }
        }
    }

    /// Queues a feed chunk holding `chat_lines` chat lines to every member of `channel`,
    /// waiting for each member's feed credit in turn.
    pub(crate) async fn deliver_feed(&self, channel: &str, chunk: Arc<[u8]>, chat_lines: u64) {
        let targets: Vec<(u64, Arc<Semaphore>)> = {
            let mut state = self.state();
            let state = &mut *state;
            let Some(entry) = state.channels.get_mut(channel) else {
                return;
            };
            entry.sent_messages += chat_lines;
            entry
                .members
                .iter()
                .filter_map(|id| {
                    let handle = state.connections.get(id)?;
                    Some((*id, Arc::clone(&handle.feed_credits)))
                })
                .collect()
        };

        for (id, credits) in targets {
            // Err: the connection closed while we waited.
            let Ok(credit) = credits.acquire_owned().await else {
                continue;
            };
            let state = self.state();
            let still_member = state
                .channels
                .get(channel)
                .is_some_and(|c| c.members.contains(&id));
            if let (true, Some(handle)) = (still_member, state.connections.get(&id)) {
                let _ = handle.outbound.send(Outbound::Feed {
                    chunk: Arc::clone(&chunk),
                    _credit: credit,
                });
            }
        }
    }

    pub(crate) fn joins(&self) -> Vec<JoinRecord> {
        self.state().joins.clone()
    }

    pub(crate) fn parts(&self) -> Vec<JoinRecord> {
        self.state().parts.clone()
    }

    pub(crate) fn join_count(&self, channel: &str) -> usize {
        self.state()
            .joins
            .iter()
            .filter(|j| j.channel == channel)
            .count()
    }

    pub(crate) fn sent_messages(&self, channel: &str) -> u64 {
        self.state()
            .channels
            .get(channel)
            .map_or(0, |c| c.sent_messages)
    }

    /// A receiver that changes after every recorded JOIN or PART.
    pub(crate) fn membership_events(&self) -> watch::Receiver<u64> {
        self.membership_events.subscribe()
    }

    /// PARTs of `channel` received so far.
    pub(crate) fn part_count(&self, channel: &str) -> usize {
        self.state()
            .parts
            .iter()
            .filter(|p| p.channel == channel)
            .count()
    }
}
