//! A bare socket that logs in, joins and counts chat lines without parsing them: the server's
//! ceiling on this machine. A client that comes close to it is limited by the server.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use crate::source::{Arrival, ChatSource, Received};

pub struct RawReader {
    /// Connected, or `None` until the first `receive` connects.
    stream: Option<TcpStream>,
    endpoint: String,
    channel: String,
    /// Received bytes whose line has not ended yet.
    pending: Vec<u8>,
    buffer: Vec<u8>,
}

impl ChatSource for RawReader {
    fn open(endpoint: &str, channel: &str) -> Result<Self, String> {
        Ok(RawReader {
            stream: None,
            endpoint: endpoint
                .strip_prefix("irc://")
                .unwrap_or(endpoint)
                .to_string(),
            channel: channel.to_string(),
            pending: Vec::new(),
            buffer: vec![0; 64 * 1024],
        })
    }

    async fn receive(&mut self, arrival: &mut Arrival, deadline: Instant) -> Received {
        if self.stream.is_none() {
            match timeout_at(deadline, self.connect()).await {
                Ok(Ok(stream)) => self.stream = Some(stream),
                Ok(Err(_)) => return Received::Ended,
                Err(_) => return Received::TimedOut,
            }
        }
        let Some(stream) = self.stream.as_mut() else {
            return Received::Ended;
        };

        let count = match timeout_at(deadline, stream.read(&mut self.buffer)).await {
            Ok(Ok(0) | Err(_)) => return Received::Ended,
            Ok(Ok(count)) => count,
            Err(_) => return Received::TimedOut,
        };
        arrival.deliveries += 1;
        arrival.bytes += count as u64;
        self.pending
            .extend_from_slice(self.buffer.get(..count).unwrap_or_default());
        let mut start = 0;
        while let Some(end) = self.pending[start..].iter().position(|b| *b == b'\n') {
            if is_chat_line(&self.pending[start..start + end]) {
                arrival.message(0, 0.0);
            }
            start += end + 1;
        }
        self.pending.drain(..start);
        Received::Delivery
    }

    fn take_waiting(&mut self, _arrival: &mut Arrival) -> bool {
        false
    }

    async fn close(self) {}
}

impl RawReader {
    async fn connect(&self) -> std::io::Result<TcpStream> {
        let mut stream = TcpStream::connect(self.endpoint.as_str()).await?;
        let login = format!(
            "CAP REQ :twitch.tv/tags twitch.tv/commands\r\nNICK justinfan4711\r\nJOIN #{}\r\n",
            self.channel
        );
        stream.write_all(login.as_bytes()).await?;
        Ok(stream)
    }
}

/// Whether the command after the tags and the prefix is PRIVMSG.
fn is_chat_line(line: &[u8]) -> bool {
    let mut rest = line;
    for marker in [b'@', b':'] {
        if rest.first() == Some(&marker) {
            let after = rest
                .iter()
                .position(|b| *b == b' ')
                .map_or(rest.len(), |at| at + 1);
            rest = &rest[after..];
        }
    }
    rest.starts_with(b"PRIVMSG ")
}
