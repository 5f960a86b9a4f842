//! The feed of one channel: what the server says in it on its own, generated or replayed,
//! paced to a rate or as fast as the readers take it, and paused while nobody listens.
//!
//! One task per channel, started at the channel's first JOIN. Lines are rendered in chunks
//! and each chunk is handed to every member's writer at once, so the server writes large
//! buffers in a flood instead of one syscall per line.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::Feed;
use crate::generator::{now_ms, ChatGenerator, LineKind};
use crate::hub::Hub;
use crate::ids;
use crate::replay::retarget_line;

/// Lines per chunk at most: about 60 KiB of generated chat, large enough for few syscalls,
/// small enough that a paced feed's chunk is written without delay.
const CHUNK_LINES: u64 = 128;

/// Where a channel's lines come from.
enum Source {
    Generated {
        /// Renders the channel's chat.
        generator: ChatGenerator,
        /// Chat messages after which the feed ends.
        limit: Option<u64>,
        /// Chat messages written so far.
        chat_written: u64,
    },
    Replay {
        /// The corpus retargeted to this channel, each line with its CRLF.
        lines: Vec<Vec<u8>>,
        /// Whether each line is a chat line, for counting.
        is_chat: Vec<bool>,
        /// Next line to write.
        cursor: usize,
        /// Start over at the end.
        repeat: bool,
    },
}

/// One rendered chunk.
struct Chunk {
    /// The lines, CRLF-terminated.
    bytes: Vec<u8>,
    /// Lines in `bytes`.
    lines: u64,
    /// Chat lines among them.
    chat_lines: u64,
    /// The source has nothing more to say.
    finished: bool,
}

impl Source {
    fn new(feed: &Feed, channel: &str, instance: u32) -> Option<Source> {
        match feed {
            Feed::Silent => None,
            Feed::Generated { limit, mix, .. } => Some(Source::Generated {
                generator: ChatGenerator::new(channel, *mix, instance),
                limit: *limit,
                chat_written: 0,
            }),
            // Limitation: replayed lines keep their recorded `id` and `tmi-sent-ts`; only
            // generated chat carries sequence ids and send-time stamps.
            Feed::Replay { lines, repeat, .. } => {
                let room_id = ids::room_id(channel);
                let is_chat = lines.iter().map(|l| crate::wire::is_privmsg(l)).collect();
                let lines = lines
                    .iter()
                    .map(|line| {
                        let mut line = retarget_line(line, channel, room_id);
                        line.extend_from_slice(b"\r\n");
                        line
                    })
                    .collect();
                Some(Source::Replay {
                    lines,
                    is_chat,
                    cursor: 0,
                    repeat: *repeat,
                })
            }
        }
    }

    /// Renders up to `count` lines.
    fn render(&mut self, count: u64) -> Chunk {
        let mut chunk = Chunk {
            bytes: Vec::with_capacity(count as usize * 512),
            lines: 0,
            chat_lines: 0,
            finished: false,
        };
        match self {
            Source::Generated {
                generator,
                limit,
                chat_written,
            } => {
                // One timestamp per chunk: the chunk goes to the socket as one write.
                let sent_at = now_ms();
                while chunk.lines < count && limit.is_none_or(|l| *chat_written < l) {
                    if generator.push_line(&mut chunk.bytes, sent_at) == LineKind::Chat {
                        *chat_written += 1;
                        chunk.chat_lines += 1;
                    }
                    chunk.lines += 1;
                }
                chunk.finished = limit.is_some_and(|l| *chat_written >= l);
            }
            Source::Replay {
                lines,
                is_chat,
                cursor,
                repeat,
            } => {
                while chunk.lines < count {
                    if *cursor >= lines.len() {
                        if *repeat && !lines.is_empty() {
                            *cursor = 0;
                        } else {
                            break;
                        }
                    }
                    chunk.bytes.extend_from_slice(&lines[*cursor]);
                    chunk.chat_lines += u64::from(is_chat[*cursor]);
                    chunk.lines += 1;
                    *cursor += 1;
                }
                chunk.finished = lines.is_empty() || (!*repeat && *cursor >= lines.len());
            }
        }
        chunk
    }
}

/// Runs the feed of `channel` until its source is exhausted or the server shuts down.
/// `member_count` is the channel's number of joined connections.
pub(crate) async fn run(hub: Arc<Hub>, channel: String, mut member_count: watch::Receiver<usize>) {
    let Some(mut source) = Source::new(&hub.config.feed, &channel, hub.instance) else {
        return;
    };
    let rate = match &hub.config.feed {
        Feed::Generated { rate, .. } | Feed::Replay { rate, .. } => *rate,
        Feed::Silent => None,
    };
    // A rate that is not a positive number means flood, like `None`.
    let rate = rate.filter(|r| r.is_finite() && *r > 0.0);
    let mut shutdown = hub.shutdown_signal();

    loop {
        let listeners = async { member_count.wait_for(|n| *n > 0).await.is_ok() };
        tokio::select! {
            _ = shutdown.wait_for(|stop| *stop) => return,
            present = listeners => if !present { return },
        }

        // The pace restarts on every resume: lines missed while nobody listened are not
        // made up in a burst.
        let resumed = Instant::now();
        let mut written: u64 = 0;
        while *member_count.borrow() > 0 {
            let count = match rate {
                None => CHUNK_LINES,
                Some(rate) => {
                    let due_at = resumed + Duration::from_secs_f64((written + 1) as f64 / rate);
                    tokio::select! {
                        _ = shutdown.wait_for(|stop| *stop) => return,
                        _ = tokio::time::sleep_until(due_at) => {}
                    }
                    let due = (resumed.elapsed().as_secs_f64() * rate) as u64;
                    due.saturating_sub(written).clamp(1, CHUNK_LINES)
                }
            };

            let chunk = source.render(count);
            written += chunk.lines;
            if chunk.lines > 0 {
                let delivery = hub.deliver_feed(&channel, chunk.bytes.into(), chunk.chat_lines);
                tokio::select! {
                    _ = shutdown.wait_for(|stop| *stop) => return,
                    _ = delivery => {}
                }
            }
            if chunk.finished {
                return;
            }
        }
    }
}
