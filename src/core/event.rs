//! The typed events a frontend receives: every kind of chat line Twitch sends, decoded so that
//! an app can render it without knowing IRC, plus the relay's own status events.
//!
//! The JSON shape of these types is the plugin's wire format. The TypeScript declarations in
//! `guest-js/generated/` are generated from them (`cargo test` writes them), so the two sides
//! cannot drift apart.

use serde::{Deserialize, Serialize};

/// One event delivered to a subscriber.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ChatEvent {
    /// A chat message (PRIVMSG).
    Message(ChatMessage),
    /// A subscription, gift, raid, announcement or other channel notice (USERNOTICE).
    Notice(UserNotice),
    /// A ban, timeout, chat clear or deleted message (CLEARCHAT, CLEARMSG).
    Moderation(Moderation),
    /// A change of the channel's chat modes (ROOMSTATE).
    RoomState(RoomState),
    /// A message from the server itself (NOTICE), such as a mode change confirmation.
    ServerNotice(ServerNotice),
    /// A whisper addressed to the logged-in user; never seen with the anonymous login.
    Whisper(Whisper),
    /// The logged-in user's own state in a channel, or globally (USERSTATE, GLOBALUSERSTATE).
    UserState(UserState),
    /// The connection to the chat server changed state.
    Connection(ConnectionStatus),
    /// A tracked channel was joined, parted, or could not be joined.
    Channel(ChannelStatus),
    /// This subscriber fell behind and lost its oldest undelivered events.
    Lagged(Lagged),
}

/// The broad kind of an event, used to filter subscriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    Message,
    Notice,
    Moderation,
    RoomState,
    ServerNotice,
    Whisper,
    UserState,
    Connection,
    Channel,
    Lagged,
}

impl ChatEvent {
    /// The kind of this event, as named in the `kind` field of its JSON.
    pub fn kind(&self) -> EventKind {
        match self {
            ChatEvent::Message(_) => EventKind::Message,
            ChatEvent::Notice(_) => EventKind::Notice,
            ChatEvent::Moderation(_) => EventKind::Moderation,
            ChatEvent::RoomState(_) => EventKind::RoomState,
            ChatEvent::ServerNotice(_) => EventKind::ServerNotice,
            ChatEvent::Whisper(_) => EventKind::Whisper,
            ChatEvent::UserState(_) => EventKind::UserState,
            ChatEvent::Connection(_) => EventKind::Connection,
            ChatEvent::Channel(_) => EventKind::Channel,
            ChatEvent::Lagged(_) => EventKind::Lagged,
        }
    }

    /// The channel (login) the event belongs to, if it belongs to one.
    pub fn channel(&self) -> Option<&str> {
        match self {
            ChatEvent::Message(m) => Some(&m.channel),
            ChatEvent::Notice(n) => Some(&n.channel),
            ChatEvent::Moderation(m) => Some(&m.channel),
            ChatEvent::RoomState(r) => Some(&r.channel),
            ChatEvent::ServerNotice(n) => n.channel.as_deref(),
            ChatEvent::UserState(u) => u.channel.as_deref(),
            ChatEvent::Channel(c) => Some(&c.channel),
            ChatEvent::Whisper(_) | ChatEvent::Connection(_) | ChatEvent::Lagged(_) => None,
        }
    }

    /// The Twitch message id, for events that carry one (used to drop duplicates).
    pub fn message_id(&self) -> Option<&str> {
        match self {
            ChatEvent::Message(m) => Some(&m.id),
            ChatEvent::Notice(n) => Some(&n.id),
            _ => None,
        }
    }
}

/// A chat user as a message names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Lowercase login; absent only on a line with no `nick!user@host` prefix.
    pub login: Option<String>,
    /// Twitch user id (`user-id` tag); absent when the server sent no tags.
    pub id: Option<String>,
    /// The name to show. Falls back to the login when Twitch sends an empty display name, and
    /// may be in another script than the login (an app may want to show both).
    pub display_name: String,
}

/// A chat badge such as `subscriber/12`, or a `badge-info` entry such as `subscriber/22`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Badge {
    /// Badge set name, e.g. `moderator`.
    pub name: String,
    /// Version within the set; for `badge-info` the exact value (e.g. subscribed months).
    pub version: String,
}

/// Where a run of text sits in its message, in both units a frontend may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// First Unicode code point (Twitch's unit).
    pub start: u32,
    /// One past the last code point.
    pub end: u32,
    /// First UTF-16 code unit: what a JavaScript string index needs.
    pub u16_start: u32,
    /// One past the last UTF-16 code unit.
    pub u16_end: u32,
}

/// Image addresses of an emote at Twitch's three sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct EmoteImages {
    /// 28 px, the size chat shows by default.
    pub x1: String,
    /// 56 px, for high-density screens.
    pub x2: String,
    /// 112 px.
    pub x3: String,
}

/// A piece of a message's text, in order; the pieces together cover the text exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Fragment {
    /// Plain text.
    Text { text: String, span: Span },
    /// A Twitch emote; `text` is the code as it stands in the message.
    #[serde(rename_all = "camelCase")]
    Emote {
        text: String,
        span: Span,
        id: String,
        /// Animated where Twitch has an animated version, static otherwise.
        images: EmoteImages,
        /// Always a still image, for apps that honour reduced motion.
        static_images: EmoteImages,
    },
    /// A cheermote such as `Cheer100`: `prefix` is the cheermote, `bits` the amount.
    Cheermote {
        text: String,
        span: Span,
        prefix: String,
        bits: u32,
    },
    /// An `@login` mention; `login` is lowercased and without the `@`.
    Mention {
        text: String,
        span: Span,
        login: String,
    },
}

impl Fragment {
    /// The piece of the message this fragment covers.
    pub fn text(&self) -> &str {
        match self {
            Fragment::Text { text, .. }
            | Fragment::Emote { text, .. }
            | Fragment::Cheermote { text, .. }
            | Fragment::Mention { text, .. } => text,
        }
    }
}

/// The message a reply answers (`reply-parent-*` tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ReplyParent {
    pub message_id: String,
    pub user_login: String,
    pub user_id: String,
    pub display_name: String,
    /// Text of the message being answered.
    pub body: String,
    /// Id of the first message of the thread; the same as `message_id` for a direct reply.
    pub thread_message_id: Option<String>,
    /// Login of the thread's first author.
    pub thread_user_login: Option<String>,
}

/// Shared Chat origin: the message or notice was sent in another channel of a shared session
/// and mirrored into this one. The same `source_message_id` arrives once per tracked channel
/// of the session, so an app tracking several of them can show it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct SharedChat {
    /// Room (channel id) the message was sent in.
    pub source_room_id: String,
    /// Message id in the source room.
    pub source_message_id: Option<String>,
    /// The sender's badges in the source room.
    pub source_badges: Vec<Badge>,
    pub source_badge_info: Vec<Badge>,
    /// True when the message was sent in this very channel.
    pub is_origin: bool,
}

/// A chat message (PRIVMSG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// Twitch message id; moderation events refer to it.
    pub id: String,
    /// Channel login, without `#`.
    pub channel: String,
    /// Channel's Twitch user id (`room-id` tag).
    pub channel_id: Option<String>,
    pub sender: User,
    /// Name colour as `#RRGGBB`; absent when the user never chose one.
    pub color: Option<String>,
    pub badges: Vec<Badge>,
    pub badge_info: Vec<Badge>,
    /// The text as sent, with a `/me` wrapper removed.
    pub text: String,
    /// Sent with `/me`: apps usually render it in the sender's colour or in italics.
    pub is_action: bool,
    /// The text split into plain text, emotes, cheermotes and mentions.
    pub fragments: Vec<Fragment>,
    /// Total bits cheered with this message.
    pub bits: Option<u32>,
    pub reply: Option<ReplyParent>,
    /// The sender's first message ever in this channel.
    pub first_message: bool,
    /// A returning chatter, as Twitch flags them for the broadcaster.
    pub returning_chatter: bool,
    /// Highlighted with channel points.
    pub highlighted: bool,
    /// The channel-points reward this message redeemed, if any.
    pub reward_id: Option<String>,
    /// The raw `msg-id` tag, present on some special messages.
    pub msg_id: Option<String>,
    pub shared_chat: Option<SharedChat>,
    /// Replayed from history by a recent-messages service rather than sent live.
    pub historical: bool,
    /// Replayed from history and already deleted there by a moderator.
    pub deleted: bool,
    /// When Twitch received the message, in milliseconds since the Unix epoch.
    #[cfg_attr(test, ts(type = "number"))]
    pub server_time: u64,
}

/// A subscription, gift, raid or other channel notice (USERNOTICE).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct UserNotice {
    pub id: String,
    pub channel: String,
    pub channel_id: Option<String>,
    /// The user the notice is about (the subscriber, the gifter, the raider).
    pub sender: User,
    pub color: Option<String>,
    pub badges: Vec<Badge>,
    pub badge_info: Vec<Badge>,
    /// Twitch's own sentence for the notice, ready to show; may be empty.
    pub system_message: String,
    /// Twitch's raw `msg-id`, e.g. `resub` or `sharedchatnotice` (whose real kind is `event`).
    pub msg_id: String,
    /// What the user wrote with it, if anything (absent, not empty, when they wrote nothing).
    pub text: Option<String>,
    pub fragments: Vec<Fragment>,
    pub event: NoticeEvent,
    pub shared_chat: Option<SharedChat>,
    #[cfg_attr(test, ts(type = "number"))]
    pub server_time: u64,
}

/// A user named inside a notice (a gift's recipient, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct NoticeUser {
    pub login: String,
    pub id: String,
    pub display_name: String,
}

/// A running promotion a gift or upgrade belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Promotion {
    pub name: String,
    pub total_gifts: Option<u32>,
}

/// What a notice is about, with the facts for each kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum NoticeEvent {
    /// A new subscription (`is_resub` false) or a renewal.
    #[serde(rename_all = "camelCase")]
    Sub {
        is_resub: bool,
        cumulative_months: u32,
        /// Present only when the user chose to share their streak.
        streak_months: Option<u32>,
        /// `Prime`, `1000`, `2000` or `3000`.
        plan: String,
        plan_name: String,
        /// Months bought at once for a multi-month subscription.
        multimonth_duration: Option<u32>,
        was_gifted: bool,
    },
    /// A gifted subscription; the sender is `AnAnonymousGifter` when anonymous.
    #[serde(rename_all = "camelCase")]
    SubGift {
        is_anonymous: bool,
        recipient: NoticeUser,
        /// The recipient's cumulative months.
        months: u32,
        plan: String,
        plan_name: String,
        gift_months: u32,
        /// How many gifts the sender has made in the channel, when Twitch says.
        sender_total: Option<u32>,
    },
    /// Someone is gifting several subscriptions to the community at once.
    #[serde(rename_all = "camelCase")]
    SubMysteryGift {
        is_anonymous: bool,
        count: u32,
        sender_total: Option<u32>,
        plan: String,
    },
    /// A gifted subscription continued as a paid one.
    #[serde(rename_all = "camelCase")]
    GiftPaidUpgrade {
        /// Absent when the gift was anonymous.
        gifter_login: Option<String>,
        gifter_name: Option<String>,
        promotion: Option<Promotion>,
    },
    /// A Prime subscription upgraded to a paid one.
    #[serde(rename_all = "camelCase")]
    PrimePaidUpgrade { plan: String },
    /// Another channel raided this one.
    #[serde(rename_all = "camelCase")]
    Raid {
        viewer_count: u32,
        profile_image_url: Option<String>,
    },
    /// A raid was cancelled.
    Unraid,
    /// A ritual such as a new chatter's first message.
    #[serde(rename_all = "camelCase")]
    Ritual { name: String },
    /// The user reached a new bits badge tier.
    BitsBadgeTier { threshold: u32 },
    /// A highlighted announcement; `color` is `PRIMARY`, `BLUE`, `GREEN`, `ORANGE` or `PURPLE`.
    Announcement { color: String },
    /// A viewer milestone such as a watch streak.
    #[serde(rename_all = "camelCase")]
    ViewerMilestone {
        category: String,
        value: Option<u32>,
        reward: Option<u32>,
    },
    /// Any notice this plugin does not know (yet): every tag is kept.
    #[serde(rename_all = "camelCase")]
    Unknown {
        msg_id: String,
        #[cfg_attr(test, ts(type = "Record<string, string>"))]
        tags: std::collections::BTreeMap<String, String>,
    },
}

/// A moderation action in a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Moderation {
    pub channel: String,
    pub channel_id: Option<String>,
    pub action: ModerationAction,
    /// Absent only when the server sent no tags.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub server_time: Option<u64>,
}

/// What a moderator did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ModerationAction {
    /// A user was banned: hide their messages.
    #[serde(rename_all = "camelCase")]
    Ban {
        user_login: String,
        user_id: Option<String>,
    },
    /// A user was timed out for `duration_seconds`: hide their messages.
    #[serde(rename_all = "camelCase")]
    Timeout {
        user_login: String,
        user_id: Option<String>,
        duration_seconds: u32,
    },
    /// A user's messages were removed, but the server did not say whether by ban or timeout
    /// (a server that sends no tags).
    #[serde(rename_all = "camelCase")]
    ClearUser { user_login: String },
    /// The whole chat was cleared.
    Clear,
    /// One message was deleted.
    #[serde(rename_all = "camelCase")]
    DeleteMessage {
        message_id: String,
        user_login: String,
        text: String,
        is_action: bool,
    },
}

/// Followers-only mode: off is not the same as on with no minimum follow time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum FollowersOnly {
    Off,
    /// Only followers of at least `minutes` may chat (0: any follower).
    On {
        minutes: u32,
    },
}

/// Chat modes of a channel. A field that is absent was not in this update and keeps its value;
/// the first update after joining names them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct RoomState {
    pub channel: String,
    pub channel_id: Option<String>,
    pub emote_only: Option<bool>,
    pub followers_only: Option<FollowersOnly>,
    /// Seconds a user must wait between messages (0: slow mode off).
    pub slow_seconds: Option<u32>,
    pub subscribers_only: Option<bool>,
    /// Unique-chat (`r9k`) mode: no repeated messages.
    pub unique_chat: Option<bool>,
}

/// A message from the server (NOTICE).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ServerNotice {
    /// Absent for notices about the connection itself (such as a failed login).
    pub channel: Option<String>,
    /// Twitch's machine-readable id, e.g. `msg_channel_suspended`.
    pub msg_id: Option<String>,
    pub text: Option<String>,
}

/// A whisper to the logged-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Whisper {
    pub id: Option<String>,
    pub recipient_login: String,
    pub sender: User,
    pub color: Option<String>,
    pub badges: Vec<Badge>,
    pub text: String,
    pub fragments: Vec<Fragment>,
}

/// The logged-in user's own state: per channel, or global when `channel` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct UserState {
    pub channel: Option<String>,
    pub user_id: Option<String>,
    pub display_name: Option<String>,
    pub color: Option<String>,
    pub badges: Vec<Badge>,
    pub emote_sets: Vec<String>,
}

/// The state of the connection to the chat server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ConnectionStatus {
    /// Opening a connection; `attempt` counts from 1 since the last successful one.
    Connecting { attempt: u32 },
    /// Connected and logged in. `may_have_missed` is true after a reconnect: messages sent
    /// while the connection was down are lost, and an app may want to say so.
    #[serde(rename_all = "camelCase")]
    Connected { may_have_missed: bool },
    /// The connection was lost; the next attempt starts after `retry_in_ms`.
    #[serde(rename_all = "camelCase")]
    Reconnecting {
        attempt: u32,
        reason: String,
        #[cfg_attr(test, ts(type = "number"))]
        retry_in_ms: u64,
    },
    /// Not connected and not trying: nothing is tracked, or the plugin is shutting down.
    Disconnected { reason: String },
}

/// What happened to one tracked channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct ChannelStatus {
    pub channel: String,
    pub state: ChannelState,
}

/// The state of one tracked channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ChannelState {
    /// Tracked; the JOIN is sent or waiting for its turn under the join rate limit.
    Joining,
    /// The server confirmed the JOIN: messages flow.
    Joined,
    /// Untracked and parted.
    Parted,
    /// The server refused the channel (suspended or unknown); `msg_id` is Twitch's reason.
    #[serde(rename_all = "camelCase")]
    Failed {
        msg_id: Option<String>,
        message: String,
    },
}

/// Events were dropped for this subscriber because it did not keep up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Lagged {
    /// How many events were dropped, oldest first, since the last delivered one.
    #[cfg_attr(test, ts(type = "number"))]
    pub dropped: u64,
}
