//! One measured run: what the driver asks a child process to do, and what the child reports.
//! Both cross the process boundary as one line of JSON each.

use serde::{Deserialize, Serialize};

/// Which client receives the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    /// The plugin's core: socket, decoding, delivery, `Batch::to_json` per batch.
    Plugin,
    /// twitch-irc's own client on its default multi-thread runtime, reading each message's text.
    Baseline,
    /// A bare socket that only counts chat lines: how fast the server can possibly go.
    Raw,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Plugin => "plugin",
            Side::Baseline => "twitch-irc",
            Side::Raw => "raw socket",
        }
    }
}

/// What the run does with the chat it receives.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum Scenario {
    /// Receive `count` chat messages of a flood as fast as they come.
    Throughput { count: u64 },
    /// Take a flood of `count` chat messages with a consumer that never reads.
    Flood { count: u64 },
    /// Paced chat: how long each message took from the server's `tmi-sent-ts` to receipt.
    Latency { count: u64 },
    /// Paced chat for `seconds`, resident memory every `every_seconds`.
    Residency { seconds: u64, every_seconds: u64 },
}

/// Everything a child process needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    pub side: Side,
    pub scenario: Scenario,
    /// The bundled server, `irc://127.0.0.1:PORT`.
    pub endpoint: String,
    pub channel: String,
    /// The run gives up and reports what it has after this long.
    pub time_limit_seconds: u64,
}

/// What a child measured. Fields a scenario does not measure stay at their defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Chat messages received.
    pub messages: u64,
    /// Chat messages the client reported lost (the plugin's `lagged` events).
    pub dropped: u64,
    /// Whether every message the server sent was received or reported lost.
    pub complete: bool,
    /// From the start of the connection to the last message (throughput), or the whole run.
    pub seconds: f64,
    /// CPU time of the whole process over `seconds`.
    pub cpu_seconds: f64,
    /// Highest resident memory of the process.
    pub peak_rss_bytes: u64,
    /// JSON bytes of the plugin's batches, or text bytes the baseline read.
    pub bytes: u64,
    /// Deliveries: batches for the plugin, messages for the baseline.
    pub deliveries: u64,
    /// Receipt time minus `tmi-sent-ts`, in milliseconds, sorted (latency runs).
    pub latencies_ms: Vec<f64>,
    /// (seconds since the first message, resident bytes), residency runs.
    pub rss_samples: Vec<(f64, u64)>,
    /// Why the run ended early, if it did.
    pub problem: Option<String>,
}

impl Outcome {
    /// Messages per second over the run.
    pub fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.messages as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// CPU seconds per 100,000 messages.
    pub fn cpu_per_100k(&self) -> f64 {
        if self.messages > 0 {
            self.cpu_seconds * 100_000.0 / self.messages as f64
        } else {
            f64::NAN
        }
    }

    /// The latency below which `fraction` of the messages arrived.
    pub fn latency_quantile(&self, fraction: f64) -> f64 {
        if self.latencies_ms.is_empty() {
            return f64::NAN;
        }
        let last = self.latencies_ms.len() - 1;
        let index = ((last as f64) * fraction).round() as usize;
        self.latencies_ms
            .get(index.min(last))
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// Largest minus smallest resident sample, in bytes.
    pub fn rss_spread(&self) -> u64 {
        let values = self.rss_samples.iter().map(|(_, bytes)| *bytes);
        let max = values.clone().max().unwrap_or(0);
        let min = values.min().unwrap_or(0);
        max - min
    }
}
