//! Numbers and ids derived from a channel's name, so that tests can predict and decode them:
//! the room id of a channel and the `id` tags of the messages the server writes into it.
//!
//! Every id has the shape of a Twitch message id (a UUID). Its first group is a hash of the
//! channel, its second group says who made the message, its third and fourth groups carry the
//! server's instance number, and its last group is a per-channel counter in hex.
//!
//! The instance number is drawn at random when a server starts. Counters start at 0 on every
//! start, so without it a restarted server would repeat the ids of the one before, and a
//! client that drops ids it has already seen (as it must when Twitch sends lines again after
//! a `RECONNECT`) would drop the new server's first messages.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

/// Who made a message, as recorded in the second group of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A chat message of a generated feed; the counter is the chat sequence number.
    GeneratedChat,
    /// A message a test injected with `send_privmsg`.
    Injected,
    /// A `USERNOTICE` of a generated feed.
    Event,
    /// The message a generated reply answers (never sent itself).
    ReplyParent,
}

impl Origin {
    fn group(self) -> &'static str {
        match self {
            Origin::GeneratedChat => "0000",
            Origin::Injected => "0001",
            Origin::Event => "0002",
            Origin::ReplyParent => "0003",
        }
    }
}

/// The largest counter an id can hold (12 hex digits).
const COUNTER_MASK: u64 = 0xffff_ffff_ffff;

/// The largest instance number: 24 bits, three hex digits in each of the third and fourth
/// groups of an id, beside the UUID's version (`4`) and variant (`8`) digits.
const INSTANCE_MASK: u32 = 0xff_ffff;

/// A new instance number for a server that is starting, different on every start.
pub(crate) fn new_instance() -> u32 {
    // `RandomState` is seeded from the operating system's randomness once per process and
    // differs per call; the clock and the process id keep apart two processes even so.
    let mut hasher = RandomState::new().build_hasher();
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    hasher.write_u128(since_epoch);
    hasher.write_u32(std::process::id());
    hasher.finish() as u32 & INSTANCE_MASK
}

/// A channel name as the server keys it: without the leading `#`, in lower case.
pub fn normalize_channel(channel: &str) -> String {
    channel.trim().trim_start_matches('#').to_ascii_lowercase()
}

/// The `room-id` the server reports for `channel`: stable across runs and servers, nine digits.
pub fn room_id(channel: &str) -> u64 {
    100_000_000 + u64::from(channel_hash(&normalize_channel(channel))) % 900_000_000
}

/// The `id` tag of the generated chat message number `seq` in `channel`, as written by the
/// server whose instance number is `instance` ([`crate::ChatServer::instance`]).
///
/// ```
/// let id = twitch_chat_server::chat_message_id(0xa1b2c3, "forsen", 17);
/// assert!(id.ends_with("-0000-4a1b-82c3-000000000011"));
/// assert_eq!(twitch_chat_server::chat_seq(&id), Some(17));
/// ```
pub fn chat_message_id(instance: u32, channel: &str, seq: u64) -> String {
    message_id(
        instance,
        &normalize_channel(channel),
        Origin::GeneratedChat,
        seq,
    )
}

/// The sequence number inside the `id` of a generated chat message, or `None` when `id` is
/// not the id of a generated chat message (an injected message, an event, a real Twitch id).
/// The server's instance number does not matter.
pub fn chat_seq(id: &str) -> Option<u64> {
    let hex = |range: std::ops::Range<usize>| {
        id.get(range)
            .is_some_and(|part| part.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let shape_fits = id.len() == 36
        && hex(0..8)
        && id.get(8..15) == Some("-0000-4")
        && hex(15..18)
        && id.get(18..20) == Some("-8")
        && hex(20..23)
        && id.get(23..24) == Some("-");
    if !shape_fits {
        return None;
    }
    u64::from_str_radix(id.get(24..)?, 16).ok()
}

/// The id of a message made by `origin` in the (normalized) `channel`, numbered `counter`, by
/// the server with the given instance number.
pub(crate) fn message_id(instance: u32, channel: &str, origin: Origin, counter: u64) -> String {
    format!(
        "{}{:012x}",
        id_prefix(instance, channel, origin),
        counter & COUNTER_MASK
    )
}

/// Everything of an id but its counter, for writing ids without formatting the whole of it.
pub(crate) fn id_prefix(instance: u32, channel: &str, origin: Origin) -> String {
    let instance = instance & INSTANCE_MASK;
    format!(
        "{:08x}-{}-4{:03x}-8{:03x}-",
        channel_hash(channel),
        origin.group(),
        instance >> 12,
        instance & 0xfff
    )
}

/// FNV-1a: tiny, stable across Rust versions (unlike `DefaultHasher`), good enough to spread
/// channel names.
pub(crate) fn channel_hash(channel: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in channel.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_ids_round_trip_and_differ_across_channels() {
        let a = chat_message_id(7, "#Forsen", 0);
        let b = chat_message_id(7, "xqc", 0);

        assert_ne!(a, b);
        assert_eq!(a, chat_message_id(7, "forsen", 0));
        assert_eq!(chat_seq(&a), Some(0));
        assert_eq!(
            chat_seq(&chat_message_id(INSTANCE_MASK, "xqc", 123_456)),
            Some(123_456)
        );
    }

    #[test]
    fn ids_of_two_server_instances_differ() {
        let first = new_instance();
        let second = new_instance();

        let a = chat_message_id(first, "forsen", 0);
        let b = chat_message_id(second, "forsen", 0);

        assert_ne!(first, second);
        assert_ne!(a, b);
        assert_eq!((chat_seq(&a), chat_seq(&b)), (Some(0), Some(0)));
        assert!(first <= INSTANCE_MASK && second <= INSTANCE_MASK);
    }

    #[test]
    fn chat_seq_rejects_other_ids() {
        let injected = message_id(7, "forsen", Origin::Injected, 3);
        let event = message_id(7, "forsen", Origin::Event, 3);

        assert_eq!(chat_seq(&injected), None);
        assert_eq!(chat_seq(&event), None);
        assert_eq!(chat_seq("b34ccfc7-4977-403a-8a94-33c6bac34fb8"), None);
        assert_eq!(chat_seq("0b3c1d2e-0000-4zzz-8000-00000000d0d0"), None);
        assert_eq!(chat_seq("garbage"), None);
    }

    #[test]
    fn room_ids_are_stable_nine_digit_numbers() {
        let id = room_id("forsen");

        assert_eq!(id, room_id("#FORSEN"));
        assert!((100_000_000..1_000_000_000).contains(&id));
        assert_ne!(id, room_id("xqc"));
    }
}
