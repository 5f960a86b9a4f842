//! The bundled chat server as a separate process, so its CPU time and memory never count
//! towards the client being measured. It listens on 127.0.0.1 only.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `twitch-chat-server`; stopped (SIGTERM, then SIGKILL) when dropped.
pub struct ServerProcess {
    child: Child,
    endpoint: String,
}

/// How the server feeds each joined channel.
#[derive(Debug, Clone, Copy)]
pub struct Feed {
    /// Chat lines per second per channel; `None` floods.
    pub rate: Option<u32>,
    /// Chat messages per channel before the feed stops.
    pub limit: u64,
}

impl ServerProcess {
    /// Starts `binary` on a free loopback port with a chat-only generated feed.
    pub fn start(binary: &Path, feed: Feed) -> Result<ServerProcess, String> {
        let rate = feed.rate.unwrap_or(0).to_string();
        let mut child = Command::new(binary)
            .args(["--port", "0", "--mix", "chat", "--rate", &rate])
            .args(["--limit", &feed.limit.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;

        // The first line of stdout names the address; nothing else is written there.
        let mut first_line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut first_line);
        }
        let server = ServerProcess {
            child,
            endpoint: first_line
                .trim()
                .strip_prefix("listening on ")
                .unwrap_or_default()
                .to_string(),
        };
        if !server.endpoint.starts_with("irc://127.0.0.1:") {
            return Err(format!(
                "the server did not announce a loopback address (got {first_line:?})"
            ));
        }
        Ok(server)
    }

    /// `irc://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        stop(&mut self.child, Duration::from_secs(3));
    }
}

/// Gives a child process of ours `patience` to end by itself, then stops it.
pub fn wait_or_stop(child: &mut Child, patience: Duration) {
    let until = Instant::now() + patience;
    while Instant::now() < until {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    stop(child, Duration::from_secs(3));
}

/// Asks a child process of ours to stop, and kills it if it has not after `grace`.
pub fn stop(child: &mut Child, grace: Duration) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: signalling a process id this process spawned and has not reaped yet.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let until = Instant::now() + grace;
    while Instant::now() < until {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
