//! The one interface the scenarios drive: a client that joins a channel and hands over what it
//! received, delivery by delivery. The plugin delivers batches, twitch-irc single messages.

use std::future::Future;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::time::Instant;

/// What the deliveries so far held. Counters only grow; the scenario reads and resets them.
#[derive(Debug, Default)]
pub struct Arrival {
    /// Chat messages.
    pub messages: u64,
    /// Chat messages reported lost.
    pub dropped: u64,
    /// Bytes the consumer produced or read (batch JSON, or message text).
    pub bytes: u64,
    /// Deliveries (batches or messages).
    pub deliveries: u64,
    /// Receipt time minus `tmi-sent-ts` of every message, when the scenario wants them.
    pub latencies_ms: Option<Vec<f64>>,
}

impl Arrival {
    /// The wall clock in milliseconds when latencies are recorded, else 0 without reading it.
    pub fn clock_ms(&self) -> f64 {
        if self.latencies_ms.is_some() {
            wall_clock_ms()
        } else {
            0.0
        }
    }

    /// Notes a chat message sent at `sent_ms` (`tmi-sent-ts`) and received at `received_ms`.
    pub fn message(&mut self, sent_ms: u64, received_ms: f64) {
        self.messages += 1;
        if let Some(latencies) = &mut self.latencies_ms {
            latencies.push(received_ms - sent_ms as f64);
        }
    }
}

/// How waiting for a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Delivery,
    /// The deadline passed first.
    TimedOut,
    /// The client stopped (connection closed and not coming back).
    Ended,
}

/// A chat client under test.
pub trait ChatSource: Sized + Send + 'static {
    /// Connects to `endpoint` (`irc://127.0.0.1:PORT`) and joins `channel`. Runs inside the
    /// Tokio runtime of the measured process.
    fn open(endpoint: &str, channel: &str) -> Result<Self, String>;

    /// Waits for the next delivery until `deadline` and notes what it held in `arrival`.
    fn receive(
        &mut self,
        arrival: &mut Arrival,
        deadline: Instant,
    ) -> impl Future<Output = Received> + Send;

    /// Notes one delivery that is already waiting, without waiting; false if none was.
    fn take_waiting(&mut self, arrival: &mut Arrival) -> bool;

    /// Disconnects.
    fn close(self) -> impl Future<Output = ()> + Send;
}

/// Wall-clock time in milliseconds since the Unix epoch, comparable with `tmi-sent-ts`.
pub fn wall_clock_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64() * 1000.0)
}
