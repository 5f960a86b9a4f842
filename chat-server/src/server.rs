//! The handle a test or the binary holds: starting a server, injecting lines and faults,
//! reading what clients did, and shutting down.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::config::ServerConfig;
use crate::generator::injected_privmsg;
use crate::hub::{Hub, JoinRecord};
use crate::ids::normalize_channel;

/// A running chat server. Every method but `start`, `wait_for_*` and `shutdown` is
/// synchronous and never blocks, so a test can call it from anywhere.
///
/// Dropping the handle stops the server too, without waiting for its tasks; `shutdown`
/// waits until every task has ended.
pub struct ChatServer {
    /// State shared with the server's tasks.
    hub: Arc<Hub>,
    /// The bound address, with the port the OS picked for port 0.
    addr: SocketAddr,
    /// Reports the end of the last task; see `hub` for the mechanism.
    tasks_ended: mpsc::Receiver<()>,
}

impl ChatServer {
    /// Binds `config.bind` and starts accepting connections.
    ///
    /// # Errors
    /// Binding fails (address in use, no permission).
    pub async fn start(config: ServerConfig) -> io::Result<ChatServer> {
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let (hub, tasks_ended) = Hub::new(config);

        hub.spawn(accept_connections(Arc::clone(&hub), listener));
        Ok(ChatServer {
            hub,
            addr,
            tasks_ended,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The random number this server writes into every message id, drawn at start: a
    /// restarted server never repeats the ids of the one before. With
    /// [`crate::chat_message_id`] it gives the id of any generated chat message.
    pub fn instance(&self) -> u32 {
        self.hub.instance
    }

    /// The address as a URL, `irc://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("irc://{}", self.addr)
    }

    /// Writes one raw line (the server adds CRLF) to every connection joined to `channel`
    /// (with or without `#`). A `PRIVMSG` line counts in [`ChatServer::sent_messages`].
    pub fn send_line(&self, channel: &str, line: &[u8]) {
        self.hub.broadcast_line(&normalize_channel(channel), line);
    }

    /// Writes `bytes` exactly as given to every open connection, joined or not: half lines,
    /// invalid UTF-8, several lines at once.
    pub fn send_raw(&self, bytes: &[u8]) {
        self.hub.send_to_all(bytes);
    }

    /// Writes a realistic tagged `PRIVMSG` from `login` saying `text` into `channel`, and
    /// returns its `id` tag. Known global emotes in `text` get `emotes` ranges. The id has
    /// the channel's hash, the server's instance number and a per-channel counter, and never
    /// collides with a generated feed's ids ([`crate::chat_seq`] returns `None` for it).
    pub fn send_privmsg(&self, channel: &str, login: &str, text: &str) -> String {
        let channel = normalize_channel(channel);
        let counter = self.hub.next_injected(&channel);
        let (line, id) = injected_privmsg(self.hub.instance, &channel, login, text, counter);
        self.hub.broadcast_line(&channel, &line);
        id
    }

    /// Sends `:tmi.twitch.tv RECONNECT` to every open connection, then closes them after
    /// `config.reconnect_grace`, as Twitch does before a restart.
    pub fn reconnect_all(&self) {
        let connections = self.hub.send_to_all(b":tmi.twitch.tv RECONNECT\r\n");
        let hub = Arc::clone(&self.hub);
        let grace = self.hub.config.reconnect_grace;

        self.hub.spawn(async move {
            let mut shutdown = hub.shutdown_signal();
            tokio::select! {
                _ = shutdown.wait_for(|stop| *stop) => {}
                _ = tokio::time::sleep(grace) => hub.close_connections(Some(&connections)),
            }
        });
    }

    /// Closes every open connection at once, without a word, as a network failure would.
    pub fn drop_all(&self) {
        self.hub.close_connections(None);
    }

    /// When `true`, PINGs from clients go unanswered, as from a hung server.
    pub fn set_pong_silence(&self, silent: bool) {
        self.hub.pong_silence.store(silent, Ordering::Relaxed);
    }

    /// When `true`, new connections are accepted and closed at once, as by a server that is
    /// down behind a load balancer. Open connections stay.
    pub fn set_refusing(&self, refusing: bool) {
        self.hub.refusing.store(refusing, Ordering::Relaxed);
    }

    /// Every JOIN received so far, in order, one record per channel.
    pub fn joins(&self) -> Vec<JoinRecord> {
        self.hub.joins()
    }

    /// Every PART received so far, in order, one record per channel.
    pub fn parts(&self) -> Vec<JoinRecord> {
        self.hub.parts()
    }

    /// Connections accepted so far, refused ones included.
    pub fn connections_opened(&self) -> u64 {
        self.hub.connections_opened()
    }

    /// Connections open now.
    pub fn open_connections(&self) -> usize {
        self.hub.open_connections()
    }

    /// Waits until at least one JOIN of `channel` has been received (earlier ones count).
    /// `false` when `timeout` passed first.
    pub async fn wait_for_join(&self, channel: &str, timeout: Duration) -> bool {
        self.wait_for_joins(channel, 1, timeout).await
    }

    /// Waits until at least `count` JOINs of `channel` have been received in all, e.g. 2 for
    /// the rejoin after a reconnect. `false` when `timeout` passed first.
    pub async fn wait_for_joins(&self, channel: &str, count: usize, timeout: Duration) -> bool {
        let channel = normalize_channel(channel);
        let mut membership_events = self.hub.membership_events();
        let hub = &self.hub;

        let reached = async {
            membership_events
                .wait_for(|_| hub.join_count(&channel) >= count)
                .await
                .is_ok()
        };
        tokio::time::timeout(timeout, reached)
            .await
            .unwrap_or(false)
    }

    /// Waits until a PART of `channel` has been received (earlier ones count). `false` when
    /// `timeout` passed first.
    pub async fn wait_for_part(&self, channel: &str, timeout: Duration) -> bool {
        let channel = normalize_channel(channel);
        let mut membership_events = self.hub.membership_events();
        let hub = &self.hub;

        let reached = async {
            membership_events
                .wait_for(|_| hub.part_count(&channel) > 0)
                .await
                .is_ok()
        };
        tokio::time::timeout(timeout, reached)
            .await
            .unwrap_or(false)
    }

    /// Chat lines (`PRIVMSG`) broadcast so far in `channel`, from the feed, `send_line` and
    /// `send_privmsg`, whether or not anyone was joined.
    pub fn sent_messages(&self, channel: &str) -> u64 {
        self.hub.sent_messages(&normalize_channel(channel))
    }

    /// Stops accepting, closes every connection, and returns once every task has ended.
    pub async fn shutdown(mut self) {
        self.hub.begin_shutdown();
        self.hub.close_connections(None);
        while self.tasks_ended.recv().await.is_some() {}
    }
}

impl Drop for ChatServer {
    fn drop(&mut self) {
        self.hub.begin_shutdown();
    }
}

/// Accepts connections until shutdown.
async fn accept_connections(hub: Arc<Hub>, listener: TcpListener) {
    let mut shutdown = hub.shutdown_signal();

    loop {
        let accepted = tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                let id = hub.next_connection_id();
                if hub.refusing.load(Ordering::Relaxed) {
                    drop(stream);
                    continue;
                }
                hub.spawn(crate::connection::serve(Arc::clone(&hub), stream, id));
            }
            Err(_) => {
                // Out of file descriptors or similar: back off instead of spinning.
                tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => break,
                    _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handle_can_be_shared_across_tasks() {
        fn shareable<T: Send + Sync>() {}

        shareable::<ChatServer>();
    }
}
