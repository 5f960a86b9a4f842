//! A raw IRC client for the tests: one TCP connection, lines read one at a time, every wait
//! bounded so a broken server fails the test instead of hanging it.

#![allow(dead_code)] // Each test file uses a different part of the client.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use twitch_chat_server::ChatServer;

/// How long any single wait of a test may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub struct TestClient {
    /// Lines from the server.
    reader: BufReader<OwnedReadHalf>,
    /// Commands to the server.
    writer: OwnedWriteHalf,
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("timed out waiting for {what}"),
    )
}

impl TestClient {
    pub async fn connect(server: &ChatServer) -> io::Result<TestClient> {
        let stream = TcpStream::connect(server.addr()).await?;
        let (reader, writer) = stream.into_split();
        Ok(TestClient {
            reader: BufReader::new(reader),
            writer,
        })
    }

    /// Sends `line` with CRLF.
    pub async fn send(&mut self, line: &str) -> io::Result<()> {
        self.send_bytes(format!("{line}\r\n").as_bytes()).await
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes).await
    }

    /// The next line as raw bytes without CRLF; `None` at EOF.
    pub async fn next_raw_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let read = tokio::time::timeout(WAIT, self.reader.read_until(b'\n', &mut line))
            .await
            .map_err(|_| timed_out("a line"))??;
        if read == 0 {
            return Ok(None);
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(Some(line))
    }

    /// The next line, which must exist.
    pub async fn next_line(&mut self) -> io::Result<String> {
        match self.next_raw_line().await? {
            Some(line) => Ok(String::from_utf8_lossy(&line).into_owned()),
            None => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            )),
        }
    }

    /// Skips lines until one for which `wanted` holds, and returns it.
    pub async fn line_where(&mut self, wanted: impl Fn(&str) -> bool) -> io::Result<String> {
        loop {
            let line = self.next_line().await?;
            if wanted(&line) {
                return Ok(line);
            }
        }
    }

    /// CAP, PASS and NICK, then waits for the end of the welcome.
    pub async fn login(&mut self, nick: &str) -> io::Result<()> {
        self.send("CAP REQ :twitch.tv/tags twitch.tv/commands")
            .await?;
        self.send("PASS oauth:anything").await?;
        self.send(&format!("NICK {nick}")).await?;
        self.line_where(|l| l.starts_with(":tmi.twitch.tv 376 "))
            .await?;
        Ok(())
    }

    /// Joins `channel` and waits for its ROOMSTATE.
    pub async fn join(&mut self, channel: &str) -> io::Result<()> {
        self.send(&format!("JOIN #{channel}")).await?;
        let roomstate = format!(":tmi.twitch.tv ROOMSTATE #{channel}");
        self.line_where(|l| l.ends_with(&roomstate)).await?;
        Ok(())
    }

    /// Reads until the server closes the connection (EOF or reset).
    pub async fn expect_closed(&mut self) -> io::Result<()> {
        loop {
            match self.next_raw_line().await {
                Ok(None) => return Ok(()),
                Ok(Some(_)) => {}
                Err(e) if e.kind() == io::ErrorKind::TimedOut => return Err(e),
                Err(_) => return Ok(()),
            }
        }
    }
}

/// The value of tag `key` in a tagged line.
pub fn tag<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let tags = line.strip_prefix('@')?.split(' ').next()?;
    tags.split(';')
        .find_map(|t| t.strip_prefix(key)?.strip_prefix('='))
}

/// The text (last parameter) of a PRIVMSG line.
pub fn privmsg_text(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once(" PRIVMSG #")?;
    Some(rest.split_once(" :")?.1)
}

/// The `#<seq> ` number a generated chat message starts with.
pub fn text_seq(line: &str) -> Option<u64> {
    let text = privmsg_text(line)?;
    let text = text.strip_prefix("\u{1}ACTION ").unwrap_or(text);
    text.strip_prefix('#')?.split(' ').next()?.parse().ok()
}
