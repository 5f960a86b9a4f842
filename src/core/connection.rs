//! The connection task: one IRC connection at a time, kept alive for as long as the relay
//! runs. It logs in, joins the tracked channels under Twitch's join rate limit, answers pings,
//! detects a dead server, decodes every line and publishes the events, and reconnects with
//! capped, jittered exponential backoff whenever the connection is lost.
//!
//! twitch-irc's own client hard-codes Twitch's host and closes the connection over any line it
//! cannot parse, so the relay runs this loop itself and uses twitch-irc for the IRC message
//! format only. A bad line is skipped and counted here; it never costs the connection.
//!
//! The task ends when the relay asks it to (`Command::Shutdown`) or when every `Chat` handle
//! is gone (the command channel closes); either way it parts its channels first.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, timeout, Instant};

use super::channel::ChannelName;
use super::chat::Shared;
use super::decode::{Control, Decoded, Decoder};
use super::delivery::{connection_event, Envelope};
use super::event::{ChannelState, ChannelStatus, ChatEvent, ConnectionStatus};

/// What the `Chat` handle asks of the connection task.
#[derive(Debug)]
pub(crate) enum Command {
    Join(ChannelName),
    Part(ChannelName),
    /// Part every channel, close the connection and end the task.
    Shutdown,
}

/// Why one connection ended.
enum Ended {
    /// The relay is shutting down.
    Shutdown,
    /// The server asked for a reconnect (RECONNECT): go again at once.
    ServerAsked,
    /// The connection failed or was lost.
    Lost(String),
}

/// NOTICE ids with which Twitch refuses a JOIN.
const JOIN_REFUSALS: &[&str] = &[
    "msg_channel_suspended",
    "msg_channel_blocked",
    "msg_banned",
    "tos_ban",
    "invalid_channel",
    "no_permission",
];

/// Message ids remembered to drop a message that arrives twice across a reconnect.
const RECENT_IDS: usize = 4096;

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Runs connections until shutdown.
pub(crate) async fn run(shared: Arc<Shared>, mut commands: mpsc::UnboundedReceiver<Command>) {
    let mut failures: u32 = 0;
    let mut connected_before = false;
    let mut recent = RecentIds::default();

    loop {
        if shared.tracked_channels().is_empty() {
            shared.publish_connection(ConnectionStatus::Disconnected {
                reason: "no channel is tracked".into(),
            });
            match wait_for_first_join(&mut commands).await {
                Some(()) => {}
                None => break,
            }
        }

        shared.publish_connection(ConnectionStatus::Connecting {
            attempt: failures + 1,
        });
        let mut session = Session::new(&shared, connected_before);
        let ended = session.run(&mut commands, &mut recent).await;
        connected_before |= session.logged_in;
        if session.logged_in {
            failures = 0;
        }
        if !matches!(ended, Ended::Shutdown) {
            shared.rejoin_pending();
        }

        let reason = match ended {
            Ended::Shutdown => break,
            Ended::ServerAsked => {
                log::info!("server asked to reconnect");
                shared.stats.reconnects.fetch_add(1, Ordering::Relaxed);
                shared.publish_connection(ConnectionStatus::Reconnecting {
                    attempt: 1,
                    reason: "the server asked for a reconnect".into(),
                    retry_in_ms: 0,
                });
                continue;
            }
            Ended::Lost(reason) => reason,
        };

        failures = failures.saturating_add(1);
        let delay = backoff(&shared, failures);
        log::info!("connection lost ({reason}); retrying in {delay:?}");
        shared.stats.reconnects.fetch_add(1, Ordering::Relaxed);
        shared.publish_connection(ConnectionStatus::Reconnecting {
            attempt: failures,
            reason,
            retry_in_ms: delay.as_millis() as u64,
        });
        if !wait_out_backoff(delay, &mut commands).await {
            break;
        }
    }

    shared.publish_connection(ConnectionStatus::Disconnected {
        reason: "the relay shut down".into(),
    });
    log::info!("chat connection task ended");
}

/// Waits until a channel is tracked. `None` when the relay shuts down meanwhile.
async fn wait_for_first_join(commands: &mut mpsc::UnboundedReceiver<Command>) -> Option<()> {
    loop {
        match commands.recv().await? {
            Command::Join(_) => return Some(()),
            Command::Part(_) => {}
            Command::Shutdown => return None,
        }
    }
}

/// Sleeps through a reconnect delay, still listening for shutdown. Joins and parts that
/// arrive meanwhile are already in the tracked set, which the next connection reads.
async fn wait_out_backoff(
    delay: Duration,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> bool {
    let deadline = Instant::now() + delay;
    loop {
        tokio::select! {
            _ = sleep_until(deadline) => return true,
            command = commands.recv() => match command {
                None | Some(Command::Shutdown) => return false,
                Some(_) => {}
            },
        }
    }
}

/// Exponential backoff from `reconnect_min`, capped at `reconnect_max`, with up to 25 %
/// jitter so that many clients that lost the same server do not return in step.
fn backoff(shared: &Shared, failures: u32) -> Duration {
    let config = &shared.config;
    let exponent = failures.saturating_sub(1).min(16);
    let base = config
        .reconnect_min
        .saturating_mul(1 << exponent)
        .min(config.reconnect_max);
    let jitter = base.mul_f64(jitter_fraction() * 0.25);
    base.saturating_sub(jitter)
}

/// A pseudo-random fraction in [0, 1): enough to spread reconnects, no crate needed.
fn jitter_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    (hasher.finish() % 10_000) as f64 / 10_000.0
}

/// One connection, from connect to close.
struct Session<'a> {
    shared: &'a Shared,
    /// True when an earlier connection had logged in: messages may have been missed.
    reconnecting: bool,
    logged_in: bool,
    nick: String,
    /// Channels this connection has sent a JOIN for, or still has to.
    joined: HashSet<ChannelName>,
    /// JOINs waiting for the rate limit, in the order they were asked for.
    join_queue: VecDeque<ChannelName>,
    /// When the last JOINs were sent, to keep within the rate limit.
    join_times: VecDeque<Instant>,
    /// When the ping sent for keep-alive must be answered by.
    pong_deadline: Option<Instant>,
    /// Events decoded from the current chunk, published together.
    outbox: Vec<Arc<Envelope>>,
    decoder: Decoder,
}

impl<'a> Session<'a> {
    fn new(shared: &'a Shared, reconnecting: bool) -> Session<'a> {
        let nick = match &shared.config.credentials {
            Some(credentials) => credentials.login.to_ascii_lowercase(),
            None => format!(
                "justinfan{}",
                10_000 + (jitter_fraction() * 80_000.0) as u32
            ),
        };
        Session {
            shared,
            reconnecting,
            logged_in: false,
            nick,
            joined: HashSet::new(),
            join_queue: VecDeque::new(),
            join_times: VecDeque::new(),
            pong_deadline: None,
            outbox: Vec::new(),
            decoder: Decoder::with_emote_cdn(shared.config.emote_cdn.clone()),
        }
    }

    async fn run(
        &mut self,
        commands: &mut mpsc::UnboundedReceiver<Command>,
        recent: &mut RecentIds,
    ) -> Ended {
        let config = &self.shared.config;
        let stream = match timeout(config.connect_timeout, connect(self.shared)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(reason)) => return Ended::Lost(reason),
            Err(_) => return Ended::Lost("connecting timed out".into()),
        };
        log::info!("connected to {}", config.endpoint);
        let (mut reader, mut writer) = tokio::io::split(stream);

        if let Err(error) = self.log_in(&mut writer).await {
            return Ended::Lost(error);
        }
        for channel in self.shared.tracked_channels() {
            self.queue_join(channel);
        }

        let ended = self.pump(&mut reader, &mut writer, commands, recent).await;
        if matches!(ended, Ended::Shutdown) {
            self.part_all(&mut writer).await;
        }
        let _ = writer.shutdown().await;
        ended
    }

    async fn log_in(&mut self, writer: &mut WriteHalf<Box<dyn Io>>) -> Result<(), String> {
        let mut handshake = String::from("CAP REQ :twitch.tv/tags twitch.tv/commands\r\n");
        if let Some(credentials) = &self.shared.config.credentials {
            let token = credentials.token.trim_start_matches("oauth:");
            if token.contains(['\r', '\n', ' ']) {
                return Err("the OAuth token contains spaces or line breaks".into());
            }
            handshake.push_str(&format!("PASS oauth:{token}\r\n"));
        }
        if self.nick.contains(['\r', '\n', ' ']) || self.nick.is_empty() {
            return Err("the login is empty or contains spaces or line breaks".into());
        }
        handshake.push_str(&format!("NICK {}\r\n", self.nick));
        write(writer, handshake.as_bytes()).await
    }

    /// Reads, writes and keeps time until the connection ends.
    async fn pump(
        &mut self,
        reader: &mut ReadHalf<Box<dyn Io>>,
        writer: &mut WriteHalf<Box<dyn Io>>,
        commands: &mut mpsc::UnboundedReceiver<Command>,
        recent: &mut RecentIds,
    ) -> Ended {
        let config = &self.shared.config;
        let mut splitter = super::lines::LineSplitter::new(config.max_line_bytes);
        let mut buffer = vec![0u8; 64 * 1024];
        let mut quiet_until = Instant::now() + config.ping_interval;

        loop {
            let next_join = self.next_join_time();
            let pong_deadline = self.pong_deadline;

            tokio::select! {
                read = reader.read(&mut buffer) => {
                    let count = match read {
                        Ok(0) => return self.lost_with_partial(&splitter, "the server closed the connection"),
                        Ok(count) => count,
                        Err(error) => {
                            return self.lost_with_partial(&splitter, &format!("read failed: {error}"))
                        }
                    };
                    quiet_until = Instant::now() + config.ping_interval;
                    let mut replies = String::new();
                    let mut ended = None;
                    // Lines after a RECONNECT in the same read are still valid chat: they are
                    // delivered before the connection is left.
                    let counts = splitter.feed(buffer.get(..count).unwrap_or_default(), |line| {
                        if let Some(end) = self.handle_line(line, &mut replies, recent) {
                            ended.get_or_insert(end);
                        }
                    });
                    if counts.too_long > 0 {
                        self.shared.stats.lines_too_long.fetch_add(counts.too_long, Ordering::Relaxed);
                        log::warn!("skipped {} line(s) longer than {} bytes", counts.too_long, config.max_line_bytes);
                    }
                    self.shared.publish(std::mem::take(&mut self.outbox));
                    if !replies.is_empty() {
                        if let Err(reason) = write(writer, replies.as_bytes()).await {
                            return Ended::Lost(reason);
                        }
                    }
                    if let Some(ended) = ended {
                        return ended;
                    }
                }
                command = commands.recv() => match command {
                    None | Some(Command::Shutdown) => return Ended::Shutdown,
                    Some(Command::Join(channel)) => self.queue_join(channel),
                    Some(Command::Part(channel)) => {
                        if self.joined.remove(&channel) {
                            self.join_queue.retain(|queued| *queued != channel);
                            let line = format!("PART #{channel}\r\n");
                            if let Err(reason) = write(writer, line.as_bytes()).await {
                                return Ended::Lost(reason);
                            }
                            log::info!("parted #{channel}");
                        }
                    }
                },
                _ = sleep_until(next_join.unwrap_or_else(far_future)), if next_join.is_some() => {
                    if let Err(reason) = self.send_due_joins(writer).await {
                        return Ended::Lost(reason);
                    }
                }
                _ = sleep_until(quiet_until), if pong_deadline.is_none() => {
                    if let Err(reason) = write(writer, b"PING :tmi.twitch.tv\r\n").await {
                        return Ended::Lost(reason);
                    }
                    self.pong_deadline = Some(Instant::now() + config.pong_timeout);
                }
                _ = sleep_until(pong_deadline.unwrap_or_else(far_future)), if pong_deadline.is_some() => {
                    return Ended::Lost(format!("no PONG within {:?}", config.pong_timeout));
                }
            }
        }
    }

    /// A connection that ended with part of a line read: that line is cut off and is dropped.
    fn lost_with_partial(&self, splitter: &super::lines::LineSplitter, reason: &str) -> Ended {
        if splitter.pending() > 0 {
            self.shared
                .stats
                .lines_cut_off
                .fetch_add(1, Ordering::Relaxed);
            log::warn!(
                "dropped a line cut off by the connection's end ({} bytes)",
                splitter.pending()
            );
        }
        Ended::Lost(reason.to_string())
    }

    /// Decodes one line and acts on it. Returns how the connection ends, if this line ends it.
    fn handle_line(
        &mut self,
        line: &[u8],
        replies: &mut String,
        recent: &mut RecentIds,
    ) -> Option<Ended> {
        let stats = &self.shared.stats;
        stats.lines.fetch_add(1, Ordering::Relaxed);

        let decoded = match self.decoder.decode_bytes(line) {
            Ok(decoded) => decoded,
            Err(error) => {
                let skipped = stats.lines_malformed.fetch_add(1, Ordering::Relaxed) + 1;
                if skipped <= 20 || skipped.is_multiple_of(1000) {
                    log::warn!("skipped a malformed line ({error}); {skipped} so far");
                }
                return None;
            }
        };

        match decoded {
            Decoded::Event(event) => self.on_event(event, recent),
            Decoded::Control(control) => return self.on_control(control, replies),
            Decoded::Skipped(reason) => log::trace!("skipped a line: {reason}"),
        }
        None
    }

    fn on_event(&mut self, event: ChatEvent, recent: &mut RecentIds) {
        if let Some(channel) = event.channel() {
            if !self.shared.is_tracked(channel) {
                // A line still in flight for a channel that was just untracked.
                return;
            }
        }
        if let Some(id) = event.message_id() {
            if !id.is_empty() && !recent.insert(id) {
                self.shared.stats.duplicates.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        if let ChatEvent::ServerNotice(notice) = &event {
            let refused = notice
                .msg_id
                .as_deref()
                .is_some_and(|id| JOIN_REFUSALS.contains(&id));
            if let (true, Some(channel)) = (refused, notice.channel.as_deref()) {
                log::warn!("#{channel} could not be joined: {:?}", notice.msg_id);
                let state = ChannelState::Failed {
                    msg_id: notice.msg_id.clone(),
                    message: notice.text.clone().unwrap_or_default(),
                };
                self.set_channel_state(channel, state);
            }
        }
        self.outbox.push(Arc::new(Envelope::new(event)));
    }

    fn on_control(&mut self, control: Control, replies: &mut String) -> Option<Ended> {
        match control {
            Control::Ping { argument } => {
                let argument = argument.unwrap_or_else(|| "tmi.twitch.tv".into());
                if !argument.contains(['\r', '\n']) {
                    replies.push_str(&format!("PONG :{argument}\r\n"));
                }
            }
            Control::Pong { .. } => self.pong_deadline = None,
            Control::Reconnect => return Some(Ended::ServerAsked),
            Control::Welcome => {
                self.logged_in = true;
                log::info!("logged in as {}", self.nick);
                let may_have_missed = self.reconnecting;
                self.outbox
                    .push(connection_event(ConnectionStatus::Connected {
                        may_have_missed,
                    }));
            }
            Control::Join { channel, login } if login == self.nick => {
                log::info!("joined #{channel}");
                self.set_channel_state(&channel, ChannelState::Joined);
            }
            Control::Part { channel, login } if login == self.nick => {
                log::debug!("server confirmed the part of #{channel}");
            }
            Control::Join { .. } | Control::Part { .. } | Control::CapAck { .. } => {}
        }
        None
    }

    /// Records a tracked channel's new state and tells subscribers.
    fn set_channel_state(&mut self, channel: &str, state: ChannelState) {
        if !self.shared.set_channel_state(channel, state.clone()) {
            return;
        }
        let status = ChannelStatus {
            channel: channel.to_string(),
            state,
        };
        self.outbox
            .push(Arc::new(Envelope::new(ChatEvent::Channel(status))));
    }

    fn queue_join(&mut self, channel: ChannelName) {
        if self.joined.insert(channel.clone()) {
            self.join_queue.push_back(channel);
        }
    }

    /// When the next queued JOIN may go, or `None` with nothing queued.
    fn next_join_time(&mut self) -> Option<Instant> {
        if self.join_queue.is_empty() {
            return None;
        }
        let window = self.shared.config.join_window;
        let now = Instant::now();
        while self
            .join_times
            .front()
            .is_some_and(|sent| now.duration_since(*sent) >= window)
        {
            self.join_times.pop_front();
        }
        if self.join_times.len() < self.shared.config.join_limit.max(1) {
            return Some(now);
        }
        self.join_times.front().map(|oldest| *oldest + window)
    }

    /// Sends as many queued JOINs as the rate limit allows now, in one write.
    async fn send_due_joins(&mut self, writer: &mut WriteHalf<Box<dyn Io>>) -> Result<(), String> {
        let mut lines = String::new();
        while self.next_join_time().is_some_and(|at| at <= Instant::now()) {
            let Some(channel) = self.join_queue.pop_front() else {
                break;
            };
            self.join_times.push_back(Instant::now());
            lines.push_str(&format!("JOIN #{channel}\r\n"));
        }
        write(writer, lines.as_bytes()).await
    }

    async fn part_all(&mut self, writer: &mut WriteHalf<Box<dyn Io>>) {
        let channels: BTreeSet<&ChannelName> = self.joined.iter().collect();
        let lines: String = channels.iter().map(|c| format!("PART #{c}\r\n")).collect();
        // The connection closes next whatever happens to these lines.
        let _ = timeout(Duration::from_secs(1), write(writer, lines.as_bytes())).await;
    }
}

async fn write(writer: &mut WriteHalf<Box<dyn Io>>, bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Ok(());
    }
    writer
        .write_all(bytes)
        .await
        .map_err(|error| format!("write failed: {error}"))
}

/// Opens TCP, and TLS on top for an `ircs://` endpoint.
async fn connect(shared: &Shared) -> Result<Box<dyn Io>, String> {
    let endpoint = &shared.config.endpoint;
    let tcp = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
        .await
        .map_err(|error| format!("could not connect to {endpoint}: {error}"))?;
    let _ = tcp.set_nodelay(true);
    if !endpoint.tls {
        return Ok(Box::new(tcp));
    }

    // Limitation: the tests reach this path only as far as a failed handshake with a plain-text
    // server; none runs a TLS server with a certificate the system trusts.
    let connector = tokio_native_tls::native_tls::TlsConnector::new()
        .map_err(|error| format!("TLS is not available: {error}"))?;
    let tls = tokio_native_tls::TlsConnector::from(connector)
        .connect(&endpoint.host, tcp)
        .await
        .map_err(|error| format!("TLS handshake with {endpoint} failed: {error}"))?;
    Ok(Box::new(tls))
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}

/// The last few thousand message ids, to drop a message delivered again after a reconnect.
#[derive(Default)]
struct RecentIds {
    order: VecDeque<Box<str>>,
    set: HashSet<Box<str>>,
}

impl RecentIds {
    /// Remembers an id; false if it was already there.
    fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.order.len() >= RECENT_IDS {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
            }
        }
        let id: Box<str> = id.into();
        self.order.push_back(id.clone());
        self.set.insert(id);
        true
    }
}
