//! Decoding one line from Twitch's chat server into what the relay does with it: an event for
//! subscribers, a line the connection acts on itself, or a reason to skip it.
//!
//! twitch-irc parses the IRC level (tags, prefix, command, parameters) and unescapes tag
//! values. Everything above that is read here tag by tag rather than through twitch-irc's typed
//! messages, because those reject a whole message over one odd tag: here a malformed field
//! becomes an absent field, and the message is still delivered.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use std::borrow::Cow;

use twitch_irc::message::{IRCMessage, IRCParseError, IRCPrefix};

use super::event::{
    Badge, ChatEvent, ChatMessage, FollowersOnly, Moderation, ModerationAction, NoticeEvent,
    NoticeUser, Promotion, ReplyParent, RoomState, ServerNotice, SharedChat, User, UserNotice,
    UserState, Whisper,
};
use super::fragments;

/// What one line from the server means to the relay.
// Nearly every line is an event and a `Decoded` lives only until it is matched, so boxing the
// event would cost an allocation per message to save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// Something to deliver to subscribers.
    Event(ChatEvent),
    /// Something the connection acts on itself.
    Control(Control),
    /// A valid line that carries nothing to deliver; the reason is for logs and the `decode`
    /// command-line tool.
    Skipped(&'static str),
}

/// A line the connection handles itself instead of delivering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// The server checks the connection is alive; the reply must echo `argument`.
    Ping { argument: Option<String> },
    /// The answer to the relay's own keep-alive ping.
    Pong { argument: Option<String> },
    /// The server is about to restart: connect again and rejoin.
    Reconnect,
    /// A JOIN echo: the relay's own login, or with the membership capability anyone's.
    Join { channel: String, login: String },
    /// A PART echo, as for [`Control::Join`].
    Part { channel: String, login: String },
    /// Numeric 001: the login was accepted.
    Welcome,
    /// The server granted these capabilities (`twitch.tv/tags`, ...).
    CapAck { capabilities: Vec<String> },
}

/// A line that could not be decoded at all. The connection counts and logs it, then goes on
/// with the next line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The line is not valid IRC.
    #[error("the chat server sent a line that is not valid IRC ({0}); the line was skipped")]
    Malformed(#[from] IRCParseError),
    /// The line's bytes are not UTF-8 text.
    #[error(
        "the chat server sent a line that is not UTF-8 text (bad byte at {valid_up_to}); \
         the line was skipped"
    )]
    NotUtf8 {
        /// Bytes of the line that were valid before the first bad one.
        valid_up_to: usize,
    },
}

/// Decodes one line, given without its CR LF, with emote images on Twitch's server.
pub fn decode_line(line: &str) -> Result<Decoded, DecodeError> {
    Decoder::default().decode_line(line)
}

/// Decodes one line as raw bytes, with emote images on Twitch's server. A line that is not
/// UTF-8 is an error for this line only, never for the connection.
pub fn decode_bytes(line: &[u8]) -> Result<Decoded, DecodeError> {
    Decoder::default().decode_bytes(line)
}

/// Decodes a line twitch-irc has already parsed at the IRC level.
pub fn decode_message(message: &IRCMessage) -> Decoded {
    Decoder::default().decode_message(message)
}

/// Decodes lines, with emote image addresses under a chosen server.
#[derive(Debug, Clone)]
pub struct Decoder {
    /// Base address of emote images: Twitch's server unless an offline setup serves its own.
    emote_cdn: Cow<'static, str>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            emote_cdn: Cow::Borrowed(fragments::TWITCH_EMOTE_CDN),
        }
    }
}

impl Decoder {
    /// A decoder whose emote images are `{emote_cdn}/{id}/{format}/dark/{scale}`.
    pub fn with_emote_cdn(emote_cdn: impl Into<String>) -> Decoder {
        Decoder {
            emote_cdn: Cow::Owned(emote_cdn.into()),
        }
    }

    /// Decodes one line, given without its CR LF.
    pub fn decode_line(&self, line: &str) -> Result<Decoded, DecodeError> {
        let message = IRCMessage::parse(line)?;
        Ok(self.decode_message(&message))
    }

    /// Decodes one line as raw bytes, given without its CR LF.
    pub fn decode_bytes(&self, line: &[u8]) -> Result<Decoded, DecodeError> {
        let line = std::str::from_utf8(line).map_err(|error| DecodeError::NotUtf8 {
            valid_up_to: error.valid_up_to(),
        })?;
        self.decode_line(line)
    }

    /// Decodes a line twitch-irc has already parsed at the IRC level.
    pub fn decode_message(&self, message: &IRCMessage) -> Decoded {
        decode_command(message, &self.emote_cdn)
    }
}

fn decode_command(message: &IRCMessage, emote_cdn: &str) -> Decoded {
    match message.command.as_str() {
        "PRIVMSG" => chat_message(message, emote_cdn),
        "USERNOTICE" => user_notice(message, emote_cdn),
        "CLEARCHAT" => clear_chat(message),
        "CLEARMSG" => clear_message(message),
        "ROOMSTATE" => room_state(message),
        "NOTICE" => server_notice(message),
        "WHISPER" => whisper(message, emote_cdn),
        "USERSTATE" | "GLOBALUSERSTATE" => user_state(message),
        "PING" => Decoded::Control(Control::Ping {
            argument: message.params.last().cloned(),
        }),
        "PONG" => Decoded::Control(Control::Pong {
            argument: message.params.last().cloned(),
        }),
        "RECONNECT" => Decoded::Control(Control::Reconnect),
        "JOIN" => membership(message, |channel, login| Control::Join { channel, login }),
        "PART" => membership(message, |channel, login| Control::Part { channel, login }),
        "001" => Decoded::Control(Control::Welcome),
        "CAP" => capabilities(message),
        "002" | "003" | "004" | "372" | "375" | "376" => Decoded::Skipped("login banner"),
        "353" | "366" => Decoded::Skipped("channel member list (NAMES)"),
        "HOSTTARGET" => Decoded::Skipped("host mode notice (Twitch retired hosting)"),
        _ => Decoded::Skipped("command the relay does not use"),
    }
}

/// PRIVMSG: a chat message.
fn chat_message(message: &IRCMessage, emote_cdn: &str) -> Decoded {
    let Some(channel) = channel_param(message) else {
        return Decoded::Skipped("PRIVMSG to a user, not a channel (legacy host notice)");
    };
    let Some(raw_text) = trailing_param(message) else {
        return Decoded::Skipped("PRIVMSG without text");
    };
    let tags = Tags(&message.tags.0);

    let (text, is_action) = unwrap_action(raw_text);
    let bits = tags.number::<u32>("bits");
    let has_bits = bits.is_some_and(|b| b > 0);
    let fragments = fragments::split_with_cdn(text, tags.get("emotes"), has_bits, emote_cdn);
    let msg_id = tags.owned("msg-id");

    Decoded::Event(ChatEvent::Message(ChatMessage {
        id: tags.owned("id").unwrap_or_default(),
        channel,
        channel_id: tags.owned("room-id"),
        sender: tags.user(prefix_login(message)),
        color: tags.owned("color"),
        badges: tags.badges("badges"),
        badge_info: tags.badges("badge-info"),
        text: text.to_owned(),
        is_action,
        fragments,
        bits,
        reply: reply_parent(&tags),
        first_message: tags.flag("first-msg"),
        returning_chatter: tags.flag("returning-chatter"),
        highlighted: msg_id.as_deref() == Some("highlighted-message"),
        reward_id: tags.owned("custom-reward-id"),
        msg_id,
        shared_chat: shared_chat(&tags),
        historical: tags.flag("historical"),
        deleted: tags.flag("rm-deleted"),
        // Zero stands for "unknown": the type has no absent time for a chat message.
        server_time: tags.number("tmi-sent-ts").unwrap_or(0),
    }))
}

/// USERNOTICE: a subscription, gift, raid, announcement or other channel notice.
fn user_notice(message: &IRCMessage, emote_cdn: &str) -> Decoded {
    let Some(channel) = channel_param(message) else {
        return Decoded::Skipped("USERNOTICE without a channel");
    };
    let tags = Tags(&message.tags.0);

    // Twitch sends a `/me` here with its \u{1} bytes but counts emote offsets without the
    // first one, so the text is kept exactly as sent and the ranges are only clamped.
    let text = trailing_param(message).cloned();
    let fragments = text
        .as_deref()
        .map(|text| fragments::split_with_cdn(text, tags.get("emotes"), false, emote_cdn))
        .unwrap_or_default();
    let login = tags.owned("login").map(|login| login.to_lowercase());

    Decoded::Event(ChatEvent::Notice(UserNotice {
        id: tags.owned("id").unwrap_or_default(),
        channel,
        channel_id: tags.owned("room-id"),
        event: notice_event(&tags, login.as_deref()),
        sender: tags.user(login),
        color: tags.owned("color"),
        badges: tags.badges("badges"),
        badge_info: tags.badges("badge-info"),
        system_message: tags.owned("system-msg").unwrap_or_default(),
        msg_id: tags.owned("msg-id").unwrap_or_default(),
        text,
        fragments,
        shared_chat: shared_chat(&tags),
        // Zero stands for "unknown": the type has no absent time for a notice.
        server_time: tags.number("tmi-sent-ts").unwrap_or(0),
    }))
}

/// What a USERNOTICE is about. A kind this relay does not know, or a known kind without the
/// facts that make it one, becomes `Unknown` with every tag, so nothing is lost.
fn notice_event(tags: &Tags, login: Option<&str>) -> NoticeEvent {
    let msg_id = tags.get("msg-id").unwrap_or("");
    // Shared Chat mirrors a partner channel's notice under one umbrella id; the kind it
    // stands for is in `source-msg-id`.
    let kind = match msg_id {
        "sharedchatnotice" => tags.get("source-msg-id").unwrap_or(msg_id),
        _ => msg_id,
    };

    known_notice_event(kind, tags, login).unwrap_or_else(|| NoticeEvent::Unknown {
        msg_id: kind.to_owned(),
        tags: tags.all(),
    })
}

/// Numbers Twitch leaves out become 0 where the event type has no absent value for them.
fn known_notice_event(kind: &str, tags: &Tags, login: Option<&str>) -> Option<NoticeEvent> {
    let plan = || tags.owned("msg-param-sub-plan");
    let plan_name = || tags.owned("msg-param-sub-plan-name").unwrap_or_default();
    let anonymous = kind.starts_with("anon") || login == Some("ananonymousgifter");

    let event = match kind {
        "sub" | "resub" => NoticeEvent::Sub {
            is_resub: kind == "resub",
            cumulative_months: tags.number("msg-param-cumulative-months").unwrap_or(0),
            streak_months: tags
                .flag("msg-param-should-share-streak")
                .then(|| tags.number("msg-param-streak-months"))
                .flatten(),
            plan: plan()?,
            plan_name: plan_name(),
            multimonth_duration: tags.number("msg-param-multimonth-duration"),
            was_gifted: matches!(tags.get("msg-param-was-gifted"), Some("true" | "1")),
        },
        "subgift" | "anonsubgift" => NoticeEvent::SubGift {
            is_anonymous: anonymous,
            recipient: NoticeUser {
                login: tags.owned("msg-param-recipient-user-name")?.to_lowercase(),
                id: tags.owned("msg-param-recipient-id").unwrap_or_default(),
                display_name: tags
                    .owned("msg-param-recipient-display-name")
                    .or_else(|| tags.owned("msg-param-recipient-user-name"))
                    .unwrap_or_default(),
            },
            months: tags.number("msg-param-months").unwrap_or(0),
            plan: plan()?,
            plan_name: plan_name(),
            gift_months: tags.number("msg-param-gift-months").unwrap_or(1),
            sender_total: tags.number("msg-param-sender-count"),
        },
        "submysterygift" | "anonsubmysterygift" => NoticeEvent::SubMysteryGift {
            is_anonymous: anonymous,
            count: tags.number("msg-param-mass-gift-count").unwrap_or(0),
            sender_total: tags.number("msg-param-sender-count"),
            plan: plan()?,
        },
        "giftpaidupgrade" | "anongiftpaidupgrade" => NoticeEvent::GiftPaidUpgrade {
            gifter_login: tags.owned("msg-param-sender-login"),
            gifter_name: tags.owned("msg-param-sender-name"),
            promotion: tags.owned("msg-param-promo-name").map(|name| Promotion {
                name,
                total_gifts: tags.number("msg-param-promo-gift-total"),
            }),
        },
        "primepaidupgrade" => NoticeEvent::PrimePaidUpgrade { plan: plan()? },
        "raid" => NoticeEvent::Raid {
            viewer_count: tags.number("msg-param-viewerCount").unwrap_or(0),
            profile_image_url: tags.owned("msg-param-profileImageURL"),
        },
        "unraid" => NoticeEvent::Unraid,
        "ritual" => NoticeEvent::Ritual {
            name: tags.owned("msg-param-ritual-name")?,
        },
        "bitsbadgetier" => NoticeEvent::BitsBadgeTier {
            threshold: tags.number("msg-param-threshold").unwrap_or(0),
        },
        "announcement" => NoticeEvent::Announcement {
            color: tags
                .owned("msg-param-color")
                .unwrap_or_else(|| "PRIMARY".to_owned()),
        },
        "viewermilestone" => NoticeEvent::ViewerMilestone {
            category: tags.owned("msg-param-category")?,
            value: tags.number("msg-param-value"),
            reward: tags.number("msg-param-copoReward"),
        },
        _ => return None,
    };
    Some(event)
}

/// CLEARCHAT: a ban, a timeout, or the whole chat cleared.
fn clear_chat(message: &IRCMessage) -> Decoded {
    let Some(channel) = channel_param(message) else {
        return Decoded::Skipped("CLEARCHAT without a channel");
    };
    let tags = Tags(&message.tags.0);

    let target = trailing_param(message).filter(|login| !login.is_empty());
    let action = match target {
        None => ModerationAction::Clear,
        Some(login) => user_action(&tags, login.to_lowercase()),
    };

    Decoded::Event(ChatEvent::Moderation(Moderation {
        channel,
        channel_id: tags.owned("room-id"),
        action,
        server_time: tags.number("tmi-sent-ts"),
    }))
}

/// A CLEARCHAT aimed at one user. Only the tags tell a ban from a timeout: a server that sends
/// none (or a duration that is not a number) leaves it open.
fn user_action(tags: &Tags, user_login: String) -> ModerationAction {
    let user_id = tags.owned("target-user-id");
    match tags.get("ban-duration").map(u32::from_str) {
        Some(Ok(duration_seconds)) => ModerationAction::Timeout {
            user_login,
            user_id,
            duration_seconds,
        },
        None if user_id.is_some() || tags.get("room-id").is_some() => ModerationAction::Ban {
            user_login,
            user_id,
        },
        Some(Err(_)) | None => ModerationAction::ClearUser { user_login },
    }
}

/// CLEARMSG: one message deleted.
fn clear_message(message: &IRCMessage) -> Decoded {
    let Some(channel) = channel_param(message) else {
        return Decoded::Skipped("CLEARMSG without a channel");
    };
    let tags = Tags(&message.tags.0);
    let Some(message_id) = tags.owned("target-msg-id") else {
        return Decoded::Skipped("CLEARMSG without the id of the deleted message");
    };

    let raw_text = trailing_param(message).map(String::as_str).unwrap_or("");
    let (text, is_action) = unwrap_action(raw_text);

    Decoded::Event(ChatEvent::Moderation(Moderation {
        channel,
        channel_id: tags.owned("room-id"),
        action: ModerationAction::DeleteMessage {
            message_id,
            user_login: tags.owned("login").unwrap_or_default(),
            text: text.to_owned(),
            is_action,
        },
        server_time: tags.number("tmi-sent-ts"),
    }))
}

/// ROOMSTATE: only the modes named in the line; the others did not change.
fn room_state(message: &IRCMessage) -> Decoded {
    let Some(channel) = channel_param(message) else {
        return Decoded::Skipped("ROOMSTATE without a channel");
    };
    let tags = Tags(&message.tags.0);

    let followers_only = tags
        .number::<i64>("followers-only")
        .and_then(|minutes| match minutes {
            -1 => Some(FollowersOnly::Off),
            _ => u32::try_from(minutes)
                .ok()
                .map(|minutes| FollowersOnly::On { minutes }),
        });

    Decoded::Event(ChatEvent::RoomState(RoomState {
        channel,
        channel_id: tags.owned("room-id"),
        emote_only: tags.switch("emote-only"),
        followers_only,
        slow_seconds: tags.number("slow"),
        subscribers_only: tags.switch("subs-only"),
        unique_chat: tags.switch("r9k"),
    }))
}

/// NOTICE: a message from the server, about a channel or about the connection (`*`).
fn server_notice(message: &IRCMessage) -> Decoded {
    let tags = Tags(&message.tags.0);
    Decoded::Event(ChatEvent::ServerNotice(ServerNotice {
        channel: channel_param(message),
        msg_id: tags.owned("msg-id"),
        text: trailing_param(message).cloned(),
    }))
}

/// WHISPER: a private message to the logged-in user.
fn whisper(message: &IRCMessage, emote_cdn: &str) -> Decoded {
    let (Some(recipient), Some(text)) = (message.params.first(), trailing_param(message)) else {
        return Decoded::Skipped("WHISPER without a recipient or text");
    };
    let tags = Tags(&message.tags.0);

    Decoded::Event(ChatEvent::Whisper(Whisper {
        id: tags.owned("message-id"),
        recipient_login: recipient.to_lowercase(),
        sender: tags.user(prefix_login(message)),
        color: tags.owned("color"),
        badges: tags.badges("badges"),
        fragments: fragments::split_with_cdn(text, tags.get("emotes"), false, emote_cdn),
        text: text.clone(),
    }))
}

/// USERSTATE (one channel) and GLOBALUSERSTATE: the logged-in user's own state.
fn user_state(message: &IRCMessage) -> Decoded {
    let tags = Tags(&message.tags.0);
    let emote_sets = tags
        .get("emote-sets")
        .unwrap_or("")
        .split(',')
        .filter(|set| !set.is_empty())
        .map(str::to_owned)
        .collect();

    Decoded::Event(ChatEvent::UserState(UserState {
        channel: channel_param(message),
        user_id: tags.owned("user-id"),
        display_name: tags.owned("display-name"),
        color: tags.owned("color"),
        badges: tags.badges("badges"),
        emote_sets,
    }))
}

/// JOIN and PART echoes.
fn membership(message: &IRCMessage, control: fn(String, String) -> Control) -> Decoded {
    match (channel_param(message), prefix_login(message)) {
        (Some(channel), Some(login)) => Decoded::Control(control(channel, login)),
        _ => Decoded::Skipped("JOIN or PART without a channel or a login"),
    }
}

/// `CAP * ACK :caps`; the other capability replies change nothing for the relay.
fn capabilities(message: &IRCMessage) -> Decoded {
    if message.params.get(1).map(String::as_str) != Some("ACK") {
        return Decoded::Skipped("capability reply other than ACK");
    }
    let capabilities = message
        .params
        .get(2)
        .map(|list| list.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    Decoded::Control(Control::CapAck { capabilities })
}

/// The channel login of a `#channel` first parameter: lowercase, without `#`.
fn channel_param(message: &IRCMessage) -> Option<String> {
    let channel = message.params.first()?.strip_prefix('#')?;
    (!channel.is_empty()).then(|| channel.to_lowercase())
}

/// The text after the target (`PRIVMSG #channel :text`): the last parameter, when there is
/// one besides the target.
fn trailing_param(message: &IRCMessage) -> Option<&String> {
    message.params.get(1..)?.last()
}

/// The login in a `nick!user@host` prefix; none for a server's host-only prefix.
fn prefix_login(message: &IRCMessage) -> Option<String> {
    match &message.prefix {
        Some(IRCPrefix::Full { nick, .. }) if !nick.is_empty() => Some(nick.to_lowercase()),
        _ => None,
    }
}

/// Removes a `/me` wrapper (`\u{1}ACTION text\u{1}`). A bare `\u{1}ACTION\u{1}` has no
/// separating space and is kept as it is.
fn unwrap_action(text: &str) -> (&str, bool) {
    match text
        .strip_prefix("\u{1}ACTION ")
        .and_then(|rest| rest.strip_suffix('\u{1}'))
    {
        Some(action) => (action, true),
        None => (text, false),
    }
}

fn reply_parent(tags: &Tags) -> Option<ReplyParent> {
    let message_id = tags.owned("reply-parent-msg-id")?;
    let text = |key| tags.owned(key).unwrap_or_default();
    Some(ReplyParent {
        message_id,
        user_login: text("reply-parent-user-login"),
        user_id: text("reply-parent-user-id"),
        display_name: text("reply-parent-display-name"),
        body: text("reply-parent-msg-body"),
        thread_message_id: tags.owned("reply-thread-parent-msg-id"),
        thread_user_login: tags.owned("reply-thread-parent-user-login"),
    })
}

fn shared_chat(tags: &Tags) -> Option<SharedChat> {
    let source_room_id = tags.owned("source-room-id")?;
    Some(SharedChat {
        is_origin: tags.get("room-id") == Some(source_room_id.as_str()),
        source_room_id,
        source_message_id: tags.owned("source-id"),
        source_badges: tags.badges("source-badges"),
        source_badge_info: tags.badges("source-badge-info"),
    })
}

/// A message's tags, already unescaped. An empty value reads as absent everywhere.
struct Tags<'a>(&'a HashMap<String, String>);

impl<'a> Tags<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    fn owned(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_owned)
    }

    /// `1` is true; anything else, or no tag, is false.
    fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("1")
    }

    /// A `0`/`1` mode; absent when missing or neither.
    fn switch(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }

    /// A number; absent when missing, not a number, or out of range for `T`.
    fn number<T: FromStr>(&self, key: &str) -> Option<T> {
        self.get(key)?.parse().ok()
    }

    /// A `name/version,name/version` list; an entry without `/` is skipped.
    fn badges(&self, key: &str) -> Vec<Badge> {
        self.get(key)
            .unwrap_or("")
            .split(',')
            .filter_map(|entry| entry.split_once('/'))
            .filter(|(name, _)| !name.is_empty())
            .map(|(name, version)| Badge {
                name: name.to_owned(),
                version: version.to_owned(),
            })
            .collect()
    }

    /// The sender from `user-id` and `display-name`, falling back to the login for a missing
    /// or empty display name.
    fn user(&self, login: Option<String>) -> User {
        let display_name = self
            .owned("display-name")
            .or_else(|| login.clone())
            .unwrap_or_default();
        User {
            login,
            id: self.owned("user-id"),
            display_name,
        }
    }

    fn all(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::core::event::{Fragment, Span};

    const USER_PREFIX: &str = ":viewer_one!viewer_one@viewer_one.tmi.twitch.tv";

    fn chat(line: &str) -> ChatMessage {
        match decode_line(line) {
            Ok(Decoded::Event(ChatEvent::Message(message))) => message,
            other => panic!("expected a chat message, got {other:?}"),
        }
    }

    fn notice(line: &str) -> UserNotice {
        match decode_line(line) {
            Ok(Decoded::Event(ChatEvent::Notice(notice))) => notice,
            other => panic!("expected a user notice, got {other:?}"),
        }
    }

    fn moderation(line: &str) -> ModerationAction {
        match decode_line(line) {
            Ok(Decoded::Event(ChatEvent::Moderation(moderation))) => moderation.action,
            other => panic!("expected a moderation event, got {other:?}"),
        }
    }

    fn room(line: &str) -> RoomState {
        match decode_line(line) {
            Ok(Decoded::Event(ChatEvent::RoomState(state))) => state,
            other => panic!("expected a room state, got {other:?}"),
        }
    }

    fn emotes(fragments: &[Fragment]) -> Vec<(&str, &str, Span)> {
        fragments
            .iter()
            .filter_map(|fragment| match fragment {
                Fragment::Emote { text, span, id, .. } => Some((text.as_str(), id.as_str(), *span)),
                _ => None,
            })
            .collect()
    }

    fn span(start: u32, end: u32, u16_start: u32, u16_end: u32) -> Span {
        Span {
            start,
            end,
            u16_start,
            u16_end,
        }
    }

    #[test]
    fn action_is_unwrapped_and_emotes_count_from_its_text() {
        let line = format!(
            "@emotes=25:0-4;id=m1 {USER_PREFIX} PRIVMSG #test_stream :\u{1}ACTION Kappa waves\u{1}"
        );

        let message = chat(&line);

        assert!(message.is_action);
        assert_eq!(message.text, "Kappa waves");
        assert_eq!(
            emotes(&message.fragments),
            vec![("Kappa", "25", span(0, 5, 0, 5))]
        );
    }

    #[test]
    fn bare_action_marker_is_not_an_action() {
        let line = format!("@id=m1 {USER_PREFIX} PRIVMSG #test_stream :\u{1}ACTION\u{1}");

        let message = chat(&line);

        assert!(!message.is_action);
        assert_eq!(message.text, "\u{1}ACTION\u{1}");
    }

    #[test]
    fn action_without_closing_marker_is_not_an_action() {
        let line = format!("@id=m1 {USER_PREFIX} PRIVMSG #test_stream :\u{1}ACTION dances");

        let message = chat(&line);

        assert!(!message.is_action);
        assert_eq!(message.text, "\u{1}ACTION dances");
    }

    #[test]
    fn emote_ranges_past_the_text_are_clamped_or_dropped() {
        let line =
            format!("@emotes=84608:0-15/1:40-41 {USER_PREFIX} PRIVMSG #test_stream :foo bar");

        let message = chat(&line);

        assert_eq!(
            emotes(&message.fragments),
            vec![("foo bar", "84608", span(0, 7, 0, 7))]
        );
    }

    #[test]
    fn reversed_overlapping_and_dashless_emote_ranges_are_dropped() {
        let line = format!(
            "@emotes=25:4-0,04,0-4/1902:2-8,6-10 {USER_PREFIX} PRIVMSG #test_stream :Kappa Keepo"
        );

        let message = chat(&line);

        assert_eq!(
            emotes(&message.fragments),
            vec![
                ("Kappa", "25", span(0, 5, 0, 5)),
                ("Keepo", "1902", span(6, 11, 6, 11))
            ]
        );
    }

    #[test]
    fn utf16_offsets_account_for_astral_emoji() {
        let line =
            format!("@emotes=25:0-4,8-12 {USER_PREFIX} PRIVMSG #test_stream :Kappa 😂 Kappa");

        let message = chat(&line);

        assert_eq!(
            emotes(&message.fragments),
            vec![
                ("Kappa", "25", span(0, 5, 0, 5)),
                ("Kappa", "25", span(8, 13, 9, 14))
            ]
        );
    }

    #[test]
    fn mentions_are_lowercased_logins() {
        let line = format!("@id=m1 {USER_PREFIX} PRIVMSG #test_stream :@ParentUser yes");

        let message = chat(&line);

        assert_eq!(
            message.fragments[0],
            Fragment::Mention {
                text: "@ParentUser".to_owned(),
                span: span(0, 11, 0, 11),
                login: "parentuser".to_owned()
            }
        );
    }

    #[test]
    fn cheermotes_only_when_bits_are_cheered() {
        let cheered = format!("@bits=100 {USER_PREFIX} PRIVMSG #test_stream :Cheer100 hi");
        let not_cheered = format!("@bits=0 {USER_PREFIX} PRIVMSG #test_stream :Cheer100 hi");

        let cheered = chat(&cheered);
        let not_cheered = chat(&not_cheered);

        assert_eq!(cheered.bits, Some(100));
        assert!(matches!(
            &cheered.fragments[0],
            Fragment::Cheermote { prefix, bits: 100, .. } if prefix == "Cheer"
        ));
        assert!(matches!(
            &not_cheered.fragments[..],
            [Fragment::Text { .. }]
        ));
    }

    #[test]
    fn bits_and_timestamps_out_of_range_read_as_absent() {
        let line =
            format!("@bits=99999999999;tmi-sent-ts=-5 {USER_PREFIX} PRIVMSG #test_stream :Cheer1");

        let message = chat(&line);

        assert_eq!(message.bits, None);
        assert_eq!(message.server_time, 0);
        assert!(matches!(&message.fragments[..], [Fragment::Text { .. }]));
    }

    #[test]
    fn empty_display_name_falls_back_to_the_login() {
        let line = format!("@display-name=;user-id=7 {USER_PREFIX} PRIVMSG #test_stream :hi");

        let message = chat(&line);

        assert_eq!(message.sender.display_name, "viewer_one");
        assert_eq!(message.sender.id.as_deref(), Some("7"));
    }

    #[test]
    fn badge_without_slash_is_skipped_and_the_rest_kept() {
        let line = format!(
            "@badges=subscriber24,vip/1;badge-info=subscriber/27 {USER_PREFIX} PRIVMSG #c :b"
        );

        let message = chat(&line);

        let badges: Vec<(&str, &str)> = message
            .badges
            .iter()
            .map(|b| (b.name.as_str(), b.version.as_str()))
            .collect();
        assert_eq!(badges, vec![("vip", "1")]);
        assert_eq!(message.badge_info.len(), 1);
    }

    #[test]
    fn privmsg_without_tags_is_still_delivered() {
        let line =
            ":plain_viewer!plain_viewer@plain_viewer.tmi.twitch.tv PRIVMSG #Test_Stream :so far";

        let message = chat(line);

        assert_eq!(message.channel, "test_stream");
        assert_eq!(message.sender.login.as_deref(), Some("plain_viewer"));
        assert_eq!(message.sender.display_name, "plain_viewer");
        assert_eq!(message.sender.id, None);
        assert_eq!(message.id, "");
        assert_eq!(message.server_time, 0);
    }

    #[test]
    fn host_only_prefix_has_no_login() {
        let message = chat("@display-name=ViewerOne :tmi.twitch.tv PRIVMSG #test_stream :hi");

        assert_eq!(message.sender.login, None);
        assert_eq!(message.sender.display_name, "ViewerOne");
    }

    #[test]
    fn privmsg_to_a_user_is_skipped() {
        let line = ":jtv!jtv@jtv.tmi.twitch.tv PRIVMSG relay_bot :someone is now hosting you.";

        let decoded = decode_line(line).unwrap();

        assert!(matches!(decoded, Decoded::Skipped(_)));
    }

    #[test]
    fn twitch_irc_unescapes_tags_as_the_corpus_expects() {
        let line = format!(
            "@reply-parent-msg-id=p1;reply-parent-msg-body=semi\\:colon\\sspace\\sback\\\\slash\\scr\\rlf\\nunknown\\aend\\ {USER_PREFIX} PRIVMSG #test_stream :x"
        );

        let message = chat(&line);

        let body = message.reply.map(|reply| reply.body);
        assert_eq!(
            body.as_deref(),
            Some("semi;colon space back\\slash cr\rlf\nunknownaend")
        );
    }

    #[test]
    fn partial_room_state_names_only_the_changed_mode() {
        let state = room("@room-id=100000001;slow=120 :tmi.twitch.tv ROOMSTATE #test_stream");

        assert_eq!(state.slow_seconds, Some(120));
        assert_eq!(state.channel_id.as_deref(), Some("100000001"));
        assert_eq!(
            (
                state.emote_only,
                state.followers_only,
                state.subscribers_only,
                state.unique_chat
            ),
            (None, None, None, None)
        );
    }

    #[test]
    fn followers_only_minus_one_is_off_and_minutes_otherwise() {
        let off = room("@followers-only=-1 :tmi.twitch.tv ROOMSTATE #c");
        let on = room("@followers-only=10;r9k=1 :tmi.twitch.tv ROOMSTATE #c");
        let garbage = room("@followers-only=-7;emote-only=yes :tmi.twitch.tv ROOMSTATE #c");

        assert_eq!(off.followers_only, Some(FollowersOnly::Off));
        assert_eq!(on.followers_only, Some(FollowersOnly::On { minutes: 10 }));
        assert_eq!(on.unique_chat, Some(true));
        assert_eq!((garbage.followers_only, garbage.emote_only), (None, None));
        assert_eq!(off.channel_id, None);
    }

    #[test]
    fn clearchat_tells_timeout_ban_clear_and_unknown_apart() {
        let timeout =
            moderation("@ban-duration=600;target-user-id=5 :tmi.twitch.tv CLEARCHAT #c :u");
        let ban = moderation("@room-id=1;target-user-id=5 :tmi.twitch.tv CLEARCHAT #c :u");
        let clear = moderation("@room-id=1 :tmi.twitch.tv CLEARCHAT #c");
        let untagged = moderation(":tmi.twitch.tv CLEARCHAT #c :u");

        assert!(matches!(
            timeout,
            ModerationAction::Timeout {
                duration_seconds: 600,
                ..
            }
        ));
        assert!(matches!(
            ban,
            ModerationAction::Ban {
                user_id: Some(_),
                ..
            }
        ));
        assert_eq!(clear, ModerationAction::Clear);
        assert_eq!(
            untagged,
            ModerationAction::ClearUser {
                user_login: "u".to_owned()
            }
        );
    }

    #[test]
    fn deleted_action_message_is_unwrapped() {
        let action = moderation(
            "@login=modalice;room-id=;target-msg-id=m9 :tmi.twitch.tv CLEARMSG #c :\u{1}ACTION dances\u{1}",
        );

        assert_eq!(
            action,
            ModerationAction::DeleteMessage {
                message_id: "m9".to_owned(),
                user_login: "modalice".to_owned(),
                text: "dances".to_owned(),
                is_action: true
            }
        );
    }

    #[test]
    fn shared_chat_notice_takes_its_kind_from_source_msg_id() {
        let line = "@msg-id=sharedchatnotice;source-msg-id=announcement;msg-param-color=BLUE;\
                    room-id=1;source-room-id=4;login=partner_mod :tmi.twitch.tv USERNOTICE #c :hi";

        let notice = notice(line);

        assert_eq!(
            notice.event,
            NoticeEvent::Announcement {
                color: "BLUE".to_owned()
            }
        );
        assert_eq!(
            notice.shared_chat.map(|shared| shared.is_origin),
            Some(false)
        );
        assert_eq!(notice.text.as_deref(), Some("hi"));
    }

    #[test]
    fn unknown_notice_keeps_every_tag() {
        let line =
            "@msg-id=rewardgift;msg-param-domain=pride;login=gifter :tmi.twitch.tv USERNOTICE #c";

        let notice = notice(line);

        let NoticeEvent::Unknown { msg_id, tags } = notice.event else {
            panic!("expected an unknown notice");
        };
        assert_eq!(msg_id, "rewardgift");
        assert_eq!(
            tags.get("msg-param-domain").map(String::as_str),
            Some("pride")
        );
        assert_eq!(notice.text, None);
    }

    #[test]
    fn gift_without_recipient_becomes_unknown() {
        let line = "@msg-id=subgift;msg-param-sub-plan=1000 :tmi.twitch.tv USERNOTICE #c";

        let notice = notice(line);

        assert!(
            matches!(notice.event, NoticeEvent::Unknown { ref msg_id, .. } if msg_id == "subgift")
        );
    }

    #[test]
    fn anonymous_gifter_login_marks_the_gift_anonymous() {
        let line = "@msg-id=subgift;login=ananonymousgifter;msg-param-sub-plan=1000;\
                    msg-param-recipient-user-name=lucky;msg-param-months=13 :tmi.twitch.tv USERNOTICE #c";

        let notice = notice(line);

        assert!(matches!(
            notice.event,
            NoticeEvent::SubGift {
                is_anonymous: true,
                months: 13,
                gift_months: 1,
                ..
            }
        ));
    }

    #[test]
    fn resub_streak_only_when_shared() {
        let hidden = "@msg-id=resub;msg-param-sub-plan=1000;msg-param-streak-months=4;\
                      msg-param-should-share-streak=0;msg-param-was-gifted=true :tmi.twitch.tv USERNOTICE #c";

        let notice = notice(hidden);

        assert!(matches!(
            notice.event,
            NoticeEvent::Sub {
                is_resub: true,
                streak_months: None,
                was_gifted: true,
                ..
            }
        ));
    }

    #[test]
    fn usernotice_keeps_action_bytes_and_clamps_emotes() {
        let line = "@msg-id=announcement;emotes=25:7-11,40-45 :tmi.twitch.tv USERNOTICE #c :\u{1}ACTION Kappa\u{1}";

        let notice = notice(line);

        assert_eq!(notice.text.as_deref(), Some("\u{1}ACTION Kappa\u{1}"));
        assert_eq!(
            emotes(&notice.fragments),
            vec![(" Kapp", "25", span(7, 12, 7, 12))]
        );
    }

    #[test]
    fn connection_lines_are_control() {
        let cases = [
            (
                "PING :tmi.twitch.tv",
                Control::Ping {
                    argument: Some("tmi.twitch.tv".to_owned()),
                },
            ),
            (":tmi.twitch.tv PING", Control::Ping { argument: None }),
            (
                ":tmi.twitch.tv PONG tmi.twitch.tv :x",
                Control::Pong {
                    argument: Some("x".to_owned()),
                },
            ),
            (":tmi.twitch.tv RECONNECT", Control::Reconnect),
            (":tmi.twitch.tv 001 me :Welcome, GLHF!", Control::Welcome),
            (
                ":me!me@me.tmi.twitch.tv JOIN #Chan",
                Control::Join {
                    channel: "chan".to_owned(),
                    login: "me".to_owned(),
                },
            ),
            (
                ":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands",
                Control::CapAck {
                    capabilities: vec![
                        "twitch.tv/tags".to_owned(),
                        "twitch.tv/commands".to_owned(),
                    ],
                },
            ),
        ];

        for (line, expected) in cases {
            assert_eq!(decode_line(line), Ok(Decoded::Control(expected)), "{line}");
        }
    }

    #[test]
    fn server_chatter_is_skipped() {
        let lines = [
            ":tmi.twitch.tv 372 me :You are in a maze of twisty passages.",
            ":me.tmi.twitch.tv 353 me = #c :me",
            ":tmi.twitch.tv HOSTTARGET #c :other 3",
            ":tmi.twitch.tv CAP * NAK :twitch.tv/membership",
        ];

        for line in lines {
            assert!(
                matches!(decode_line(line), Ok(Decoded::Skipped(_))),
                "{line}"
            );
        }
    }

    #[test]
    fn login_failure_notice_has_no_channel() {
        let decoded = decode_line(":tmi.twitch.tv NOTICE * :Login authentication failed");

        assert_eq!(
            decoded,
            Ok(Decoded::Event(ChatEvent::ServerNotice(ServerNotice {
                channel: None,
                msg_id: None,
                text: Some("Login authentication failed".to_owned())
            })))
        );
    }

    #[test]
    fn invalid_irc_and_invalid_utf8_are_errors() {
        let truncated = decode_line("@badges=;turbo");
        let not_utf8 = decode_bytes(b"PRIVMSG #c :caf\xe9");

        assert_eq!(
            truncated,
            Err(DecodeError::Malformed(IRCParseError::NoSpaceAfterTags))
        );
        assert_eq!(not_utf8, Err(DecodeError::NotUtf8 { valid_up_to: 15 }));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Checks that the fragments cover the text exactly and that their spans line up.
        fn assert_fragments_cover(text: &str, fragments: &[Fragment]) {
            let mut joined = String::new();
            let mut at = (0, 0);
            for fragment in fragments {
                let (piece, span) = match fragment {
                    Fragment::Text { text, span }
                    | Fragment::Emote { text, span, .. }
                    | Fragment::Cheermote { text, span, .. }
                    | Fragment::Mention { text, span, .. } => (text, span),
                };
                assert!(!piece.is_empty(), "empty fragment in {fragments:?}");
                assert_eq!((span.start, span.u16_start), at, "gap before {fragment:?}");
                assert_eq!(span.end - span.start, piece.chars().count() as u32);
                assert_eq!(
                    span.u16_end - span.u16_start,
                    piece.encode_utf16().count() as u32
                );
                joined.push_str(piece);
                at = (span.end, span.u16_end);
            }
            assert_eq!(joined, text);
            assert_eq!(at.0, text.chars().count() as u32);
            assert_eq!(at.1, text.encode_utf16().count() as u32);
        }

        fn check_line(line: &str) {
            if let Ok(Decoded::Event(ChatEvent::Message(message))) = decode_line(line) {
                assert_fragments_cover(&message.text, &message.fragments);
            }
        }

        proptest! {
            #[test]
            fn any_string_decodes_without_panicking(line in any::<String>()) {
                let _ = decode_line(&line);
            }

            #[test]
            fn any_bytes_decode_without_panicking(line in proptest::collection::vec(any::<u8>(), 0..200)) {
                let _ = decode_bytes(&line);
            }

            #[test]
            fn any_tags_in_a_privmsg_decode_without_panicking(
                tags in "[^ \r\n]{1,200}",
                text in "[^\r\n]{0,60}",
            ) {
                check_line(&format!("@{tags} {USER_PREFIX} PRIVMSG #test_stream :{text}"));
                check_line(&format!("@{tags} :tmi.twitch.tv USERNOTICE #test_stream :{text}"));
                check_line(&format!("@{tags} :tmi.twitch.tv CLEARCHAT #test_stream :{text}"));
                check_line(&format!("@{tags} :tmi.twitch.tv ROOMSTATE #test_stream"));
            }

            #[test]
            fn any_emotes_tag_gives_fragments_covering_the_text(
                emotes in "[0-9a-z_:,/-]{0,40}|([0-9]{1,3}:[0-9]{1,3}-[0-9]{1,3}(,[0-9]{1,3}-[0-9]{1,3}){0,3}/?){1,4}",
                text in "([^\r\n]|\u{1}ACTION |😂|@[a-z_]{0,5}|[Cc]heer[0-9]{0,4}| ){0,30}",
                bits in proptest::option::of(0u32..1000),
            ) {
                let bits = bits.map(|bits| format!("bits={bits};")).unwrap_or_default();
                let line = format!("@{bits}emotes={emotes} {USER_PREFIX} PRIVMSG #test_stream :{text}");

                let decoded = decode_line(&line);

                if let Ok(Decoded::Event(ChatEvent::Message(message))) = decoded {
                    assert_fragments_cover(&message.text, &message.fragments);
                }
            }
        }
    }
}
