//! Numbers and ids derived from a channel's name, so that tests can predict and decode them:
//! the room id of a channel and the `id` tags of the messages the server writes into it.
//!
//! Every id has the shape of a Twitch message id (a UUID). Its first group is a hash of the
//! channel, its second group says who made the message, and its last group is a per-channel
//! counter in hex.

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

/// A channel name as the server keys it: without the leading `#`, in lower case.
pub fn normalize_channel(channel: &str) -> String {
    channel.trim().trim_start_matches('#').to_ascii_lowercase()
}

/// The `room-id` the server reports for `channel`: stable across runs and servers, nine digits.
pub fn room_id(channel: &str) -> u64 {
    100_000_000 + u64::from(channel_hash(&normalize_channel(channel))) % 900_000_000
}

/// The `id` tag of the generated chat message number `seq` in `channel`.
///
/// ```
/// let id = twitch_chat_server::chat_message_id("forsen", 17);
/// assert!(id.ends_with("-0000-4000-8000-000000000011"));
/// assert_eq!(twitch_chat_server::chat_seq(&id), Some(17));
/// ```
pub fn chat_message_id(channel: &str, seq: u64) -> String {
    message_id(&normalize_channel(channel), Origin::GeneratedChat, seq)
}

/// The sequence number inside the `id` of a generated chat message, or `None` when `id` is
/// not the id of a generated chat message (an injected message, an event, a real Twitch id).
pub fn chat_seq(id: &str) -> Option<u64> {
    let bytes = id.as_bytes();
    let shape_fits = bytes.len() == 36
        && id.get(8..24) == Some("-0000-4000-8000-")
        && bytes[..8].iter().all(u8::is_ascii_hexdigit);
    if !shape_fits {
        return None;
    }
    u64::from_str_radix(id.get(24..)?, 16).ok()
}

/// The id of a message made by `origin` in the (normalized) `channel`, numbered `counter`.
pub(crate) fn message_id(channel: &str, origin: Origin, counter: u64) -> String {
    format!(
        "{}{:012x}",
        id_prefix(channel, origin),
        counter & COUNTER_MASK
    )
}

/// Everything of an id but its counter, for writing ids without formatting the whole of it.
pub(crate) fn id_prefix(channel: &str, origin: Origin) -> String {
    format!(
        "{:08x}-{}-4000-8000-",
        channel_hash(channel),
        origin.group()
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
        let a = chat_message_id("#Forsen", 0);
        let b = chat_message_id("xqc", 0);

        assert_ne!(a, b);
        assert_eq!(a, chat_message_id("forsen", 0));
        assert_eq!(chat_seq(&a), Some(0));
        assert_eq!(chat_seq(&chat_message_id("xqc", 123_456)), Some(123_456));
    }

    #[test]
    fn chat_seq_rejects_other_ids() {
        let injected = message_id("forsen", Origin::Injected, 3);

        assert_eq!(chat_seq(&injected), None);
        assert_eq!(chat_seq("b34ccfc7-4977-403a-8a94-33c6bac34fb8"), None);
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
