//! One client connection: reading its commands, answering them as Twitch does, keeping it
//! alive with PINGs, and writing everything queued for it.
//!
//! The reading and the writing half run side by side in the connection's task. Either half
//! ending (EOF, an error, a line too long, `close` set by the server) sets `close`, which
//! ends the other; then the connection leaves every channel.

use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Semaphore};

use crate::hub::{ConnectionHandle, Hub, Outbound, FEED_CHUNKS_IN_FLIGHT};
use crate::ids::normalize_channel;
use crate::wire::parse_client_line;

/// The longest line a client may send. Twitch's own limit is far lower; anything longer is
/// a broken or hostile client, which is dropped.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// Queued lines are gathered into one write up to this size.
const WRITE_BATCH_BYTES: usize = 64 * 1024;

/// Serves one accepted connection until it closes.
pub(crate) async fn serve(hub: Arc<Hub>, stream: TcpStream, id: u64) {
    // Chat is latency-sensitive and the writer already batches.
    let _ = stream.set_nodelay(true);
    let (reader, writer) = stream.into_split();
    let (outbound, queue) = mpsc::unbounded_channel();
    let close = Arc::new(watch::Sender::new(false));
    hub.register(
        id,
        ConnectionHandle {
            outbound: outbound.clone(),
            close: Arc::clone(&close),
            feed_credits: Arc::new(Semaphore::new(FEED_CHUNKS_IN_FLIGHT)),
        },
    );

    let session = Session {
        hub: Arc::clone(&hub),
        id,
        outbound,
        nick: None,
        pending_joins: Vec::new(),
        awaiting_pong: false,
    };
    tokio::join!(
        read_commands(session, reader, Arc::clone(&close)),
        write_queue(writer, queue, Arc::clone(&close)),
    );

    hub.unregister(id);
}

/// What the server knows about a client from the commands it sent.
struct Session {
    /// The server's shared state.
    hub: Arc<Hub>,
    /// This connection's id in the hub.
    id: u64,
    /// This connection's write queue, for direct replies.
    outbound: mpsc::UnboundedSender<Outbound>,
    /// The login from NICK; `None` until then (JOINs wait for it, as replies name it).
    nick: Option<String>,
    /// Channels joined before NICK, joined right after the welcome.
    pending_joins: Vec<String>,
    /// A server PING is unanswered; the next keepalive tick closes the connection.
    awaiting_pong: bool,
}

impl Session {
    fn reply(&self, line: String) {
        let mut line = line.into_bytes();
        line.extend_from_slice(b"\r\n");
        let _ = self.outbound.send(Outbound::Bytes(line.into()));
    }

    /// Handles every complete line in `pending` and keeps the unfinished rest.
    fn take_lines(&mut self, pending: &mut Vec<u8>) -> ControlFlow<()> {
        let mut start = 0;
        while let Some(len) = pending[start..].iter().position(|&b| b == b'\n') {
            let line = &pending[start..start + len];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let flow = self.handle_line(&String::from_utf8_lossy(line));
            start += len + 1;
            if flow.is_break() {
                return flow;
            }
        }
        pending.drain(..start);
        ControlFlow::Continue(())
    }

    fn handle_line(&mut self, line: &str) -> ControlFlow<()> {
        let Some(command) = parse_client_line(line) else {
            return ControlFlow::Continue(());
        };
        let first = command.params.first().copied().unwrap_or_default();

        match command.command.as_str() {
            "CAP" => self.cap(&command.params),
            // Any password is accepted: the server has no accounts.
            "PASS" | "USER" => {}
            "NICK" => self.nick(first),
            "JOIN" => {
                for channel in first.split(',').map(normalize_channel) {
                    if channel.is_empty() {
                        continue;
                    }
                    match &self.nick {
                        Some(nick) => self.hub.join(self.id, nick, &channel),
                        None => self.pending_joins.push(channel),
                    }
                }
            }
            "PART" => {
                let nick = self.nick.clone().unwrap_or_else(|| "justinfan".to_owned());
                for channel in first.split(',').map(normalize_channel) {
                    if !channel.is_empty() {
                        self.hub.part(self.id, &nick, &channel);
                    }
                }
            }
            "PING" => {
                if !self.hub.pong_silence.load(Ordering::Relaxed) {
                    let token = if first.is_empty() {
                        "tmi.twitch.tv"
                    } else {
                        first
                    };
                    self.reply(format!(":tmi.twitch.tv PONG tmi.twitch.tv :{token}"));
                }
            }
            "PONG" => self.awaiting_pong = false,
            "QUIT" => return ControlFlow::Break(()),
            // Limitation: chat sent by clients is dropped; the server only relays what its
            // feed and the test API say.
            "PRIVMSG" => {}
            other => {
                let shown: String = other
                    .chars()
                    .filter(char::is_ascii_graphic)
                    .take(32)
                    .collect();
                let nick = self.nick.as_deref().unwrap_or("*");
                self.reply(format!(
                    ":tmi.twitch.tv 421 {nick} {shown} :Unknown command"
                ));
            }
        }
        ControlFlow::Continue(())
    }

    /// Acknowledges exactly the capabilities requested.
    // Limitation: tags and Twitch commands are sent whether or not the client requested
    // them; every client of this project requests both.
    fn cap(&self, params: &[&str]) {
        match params
            .first()
            .map(|sub| sub.to_ascii_uppercase())
            .as_deref()
        {
            Some("REQ") => {
                let requested = params.get(1).copied().unwrap_or_default();
                self.reply(format!(":tmi.twitch.tv CAP * ACK :{requested}"));
            }
            Some("LS") => self.reply(
                ":tmi.twitch.tv CAP * LS :twitch.tv/tags twitch.tv/commands twitch.tv/membership"
                    .to_owned(),
            ),
            _ => {}
        }
    }

    /// Takes the login and sends the welcome.
    // Limitation: every client is treated as anonymous: no GLOBALUSERSTATE or USERSTATE
    // follows for a real login, and any password is accepted.
    fn nick(&mut self, requested: &str) {
        if self.nick.is_some() {
            return;
        }
        let nick: String = requested
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase();
        let nick = if nick.is_empty() {
            "justinfan0".to_owned()
        } else {
            nick
        };

        let welcome = [
            ("001", "Welcome, GLHF!"),
            ("002", "Your host is tmi.twitch.tv"),
            ("003", "This server is rather new"),
            ("004", "-"),
            ("375", "-"),
            ("372", "You are in a maze of twisty passages, all alike."),
            ("376", ">"),
        ];
        for (code, text) in welcome {
            self.reply(format!(":tmi.twitch.tv {code} {nick} :{text}"));
        }

        for channel in std::mem::take(&mut self.pending_joins) {
            self.hub.join(self.id, &nick, &channel);
        }
        self.nick = Some(nick);
    }

    /// One keepalive tick: closes a connection that ignored the last PING, else pings it.
    fn keepalive(&mut self) -> ControlFlow<()> {
        if self.awaiting_pong {
            return ControlFlow::Break(());
        }
        self.awaiting_pong = true;
        self.reply("PING :tmi.twitch.tv".to_owned());
        ControlFlow::Continue(())
    }
}

/// Reads and handles the client's lines until the connection is to close.
async fn read_commands(
    mut session: Session,
    mut reader: OwnedReadHalf,
    close: Arc<watch::Sender<bool>>,
) {
    let mut closed = close.subscribe();
    let mut shutdown = session.hub.shutdown_signal();
    let interval = session.hub.config.ping_interval;
    // A zero interval turns server PINGs off instead of spinning.
    let mut keepalive = (!interval.is_zero())
        .then(|| tokio::time::interval_at(tokio::time::Instant::now() + interval, interval));
    let mut pending = Vec::with_capacity(4096);
    let mut buffer = vec![0u8; 16 * 1024];

    loop {
        let tick = async {
            match keepalive.as_mut() {
                Some(keepalive) => {
                    keepalive.tick().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = closed.wait_for(|closed| *closed) => break,
            _ = shutdown.wait_for(|stop| *stop) => break,
            _ = tick => {
                if session.keepalive().is_break() {
                    break;
                }
            }
            read = reader.read(&mut buffer) => {
                let read = match read {
                    Ok(0) | Err(_) => break,
                    Ok(read) => read,
                };
                pending.extend_from_slice(&buffer[..read]);
                if session.take_lines(&mut pending).is_break() || pending.len() > MAX_LINE_BYTES {
                    break;
                }
            }
        }
    }
    close.send_replace(true);
}

/// Writes queued lines and feed chunks, batching what is queued, until the connection is to
/// close.
async fn write_queue(
    mut writer: OwnedWriteHalf,
    mut queue: mpsc::UnboundedReceiver<Outbound>,
    close: Arc<watch::Sender<bool>>,
) {
    let mut closed = close.subscribe();
    let mut batch = Vec::with_capacity(WRITE_BATCH_BYTES);

    loop {
        let first = tokio::select! {
            biased;
            _ = closed.wait_for(|closed| *closed) => break,
            next = queue.recv() => match next {
                Some(next) => next,
                None => break,
            },
        };

        // Gather what else is queued; feed credits are held until the write is done.
        let mut pieces = vec![first];
        let mut size = pieces[0].bytes().len();
        while size < WRITE_BATCH_BYTES {
            match queue.try_recv() {
                Ok(next) => {
                    size += next.bytes().len();
                    pieces.push(next);
                }
                Err(_) => break,
            }
        }
        let bytes: &[u8] = if let [single] = pieces.as_slice() {
            single.bytes()
        } else {
            batch.clear();
            for piece in &pieces {
                batch.extend_from_slice(piece.bytes());
            }
            &batch
        };

        let written = tokio::select! {
            biased;
            _ = closed.wait_for(|closed| *closed) => break,
            written = writer.write_all(bytes) => written,
        };
        if written.is_err() {
            break;
        }
        drop(pieces);
    }
    close.send_replace(true);
}

impl Outbound {
    fn bytes(&self) -> &[u8] {
        match self {
            Outbound::Bytes(bytes) | Outbound::Feed { chunk: bytes, .. } => bytes,
        }
    }
}
