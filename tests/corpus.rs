//! One test per entry of the shared Twitch chat corpus (`tests/corpus/twitch-irc-corpus.jsonl`,
//! described in `/work/shared/cases/README.md`), named after the entry's `id`.
//!
//! Each test decodes the entry's line and checks every fact its `expect` names against what the
//! relay delivers, translating the corpus's neutral names into the plugin's fields. A fact that
//! is neither checked nor listed here as deliberately not delivered fails its test, so no fact
//! of the corpus goes unchecked without saying so.

use std::collections::HashSet;
use std::fmt::Debug;

use libtest_mimic::{Arguments, Failed, Trial};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use tauri_plugin_twitch_chat::core::decode::{
    decode_bytes, decode_line, Control, DecodeError, Decoded,
};
use tauri_plugin_twitch_chat::core::event::{
    Badge, ChatEvent, ChatMessage, FollowersOnly, Fragment, Moderation, ModerationAction,
    NoticeEvent, RoomState, ServerNotice, User, UserNotice, UserState, Whisper,
};
use twitch_irc::message::IRCMessage;

const CORPUS: &str = include_str!("corpus/twitch-irc-corpus.jsonl");

/// `expect` fields that describe twitch-irc or explain the case to a reader. What `relay` asks
/// of a relay (skip, survive, fall back) is checked through the outcome each kind must have.
const NOT_FACTS: &[&str] = &[
    "crate",
    "crate_error",
    "relay",
    "note",
    "intended_code",
    "intended_codes",
    "synthetic",
];

/// Facts of a line the relay skips (a legacy host notice, HOSTTARGET, NAMES): it delivers
/// nothing, so it delivers none of them.
const FACTS_OF_SKIPPED_LINES: &[&str] = &[
    "channel",
    "sender_login",
    "text",
    "target",
    "viewers",
    "names",
];

/// Facts of a line that is not UTF-8: the relay counts and logs it without decoding it.
const FACTS_OF_UNDECODABLE_LINES: &[&str] = &["channel", "sender_login", "text_lossy"];

/// Tags the corpus lists that `ChatMessage` has no field for.
const TAGS_NOT_CARRIED: &[&str] = &[
    // AutoMod's flagged ranges.
    "flags",
];

/// One corpus entry.
#[derive(Deserialize)]
struct Case {
    id: String,
    kind: String,
    raw: String,
    raw_bytes_b64: Option<String>,
    expect: Map<String, Value>,
}

fn main() {
    let args = Arguments::from_args();

    let mut ids = HashSet::new();
    let mut trials = Vec::new();
    for (index, line) in CORPUS.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let trial = match serde_json::from_str::<Case>(line) {
            Ok(case) if !ids.insert(case.id.clone()) => {
                let id = case.id;
                Trial::test(format!("{id}-duplicate-line-{}", index + 1), move || {
                    Err(format!("a second corpus entry is named {id}").into())
                })
            }
            Ok(case) => Trial::test(case.id.clone(), move || {
                check_case(&case).map_err(Failed::from)
            }),
            Err(error) => Trial::test(format!("corpus-line-{}", index + 1), move || {
                Err(format!("not a corpus entry: {error}").into())
            }),
        };
        trials.push(trial);
    }

    libtest_mimic::run(&args, trials).exit();
}

fn check_case(case: &Case) -> Result<(), String> {
    let mut facts = Facts::new("expect", case.expect.clone());
    let decoded = match &case.raw_bytes_b64 {
        Some(encoded) => decode_bytes(&base64_bytes(encoded)?),
        None => decode_line(&case.raw),
    };

    match (case.kind.as_str(), decoded) {
        ("malformed", Err(DecodeError::Malformed(_))) => {}
        ("framing", Err(DecodeError::NotUtf8 { .. })) => {
            facts.not_delivered(FACTS_OF_UNDECODABLE_LINES)
        }
        (kind, Err(error)) => facts.fail(format!("a {kind} line failed to decode: {error}")),
        ("privmsg", Ok(Decoded::Event(ChatEvent::Message(message)))) => {
            check_chat_message(&mut facts, &message, &case.raw)
        }
        ("privmsg", Ok(Decoded::Skipped(_))) if facts.peek("channel") == Some(&Value::Null) => {
            facts.not_delivered(FACTS_OF_SKIPPED_LINES)
        }
        ("usernotice", Ok(Decoded::Event(ChatEvent::Notice(notice)))) => {
            check_user_notice(&mut facts, &notice)
        }
        ("clearchat" | "clearmsg", Ok(Decoded::Event(ChatEvent::Moderation(moderation)))) => {
            check_moderation(&mut facts, &moderation)
        }
        ("notice", Ok(Decoded::Event(ChatEvent::ServerNotice(notice)))) => {
            check_server_notice(&mut facts, &notice)
        }
        ("roomstate", Ok(Decoded::Event(ChatEvent::RoomState(state)))) => {
            check_room_state(&mut facts, &state)
        }
        ("userstate" | "globaluserstate", Ok(Decoded::Event(ChatEvent::UserState(state)))) => {
            check_user_state(&mut facts, &state)
        }
        ("whisper", Ok(Decoded::Event(ChatEvent::Whisper(whisper)))) => {
            check_whisper(&mut facts, &whisper)
        }
        ("hosttarget", Ok(Decoded::Skipped(_))) => facts.not_delivered(FACTS_OF_SKIPPED_LINES),
        ("reconnect", Ok(Decoded::Control(Control::Reconnect))) => {}
        ("ping", Ok(Decoded::Control(Control::Ping { argument })))
        | ("pong", Ok(Decoded::Control(Control::Pong { argument }))) => {
            facts.check("argument", argument)
        }
        ("join", Ok(Decoded::Control(Control::Join { channel, login })))
        | ("part", Ok(Decoded::Control(Control::Part { channel, login }))) => {
            facts.check("channel", channel);
            facts.check("user_login", login);
        }
        ("numeric" | "cap", Ok(decoded)) => check_server_reply(&mut facts, decoded),
        (kind, Ok(decoded)) => facts.fail(format!("a {kind} line decoded to {decoded:?}")),
    }

    facts.finish()
}

fn check_chat_message(facts: &mut Facts, message: &ChatMessage, raw: &str) {
    facts.check("channel", message.channel.clone());
    facts.check("channel_id", message.channel_id.clone());
    check_sender(facts, &message.sender);
    facts.check("color", message.color.clone());
    facts.check("text", message.text.clone());
    facts.check("is_action", message.is_action);
    facts.check("message_id", message.id.clone());
    facts.check("server_ts_ms", message.server_time);
    facts.check("bits", message.bits);
    facts.check("badges", pairs(&message.badges));
    facts.check("badge_info", pairs(&message.badge_info));
    facts.check("first_msg", message.first_message);
    check_emotes(facts, &message.text, &message.fragments);

    if let Some(tag) = facts.take("emotes_tag") {
        let in_line = IRCMessage::parse(raw)
            .ok()
            .and_then(|line| line.tags.0.get("emotes").cloned());
        facts.compare("emotes_tag", &Some(tag), &in_line.map(Value::String));
        if emote_fragments(&message.fragments).next().is_some() {
            facts.fail("emotes_tag: a malformed range still produced an emote".to_owned());
        }
    }

    if let Some(expected) = facts.take("reply_parent") {
        match (expected, &message.reply) {
            (Value::Null, None) => {}
            (Value::Object(expected), Some(reply)) => {
                let mut parent = Facts::new("reply_parent", expected);
                parent.check("message_id", reply.message_id.clone());
                parent.check("user_login", reply.user_login.clone());
                parent.check("user_id", reply.user_id.clone());
                parent.check("display_name", reply.display_name.clone());
                parent.check("body", reply.body.clone());
                facts.absorb(parent);
            }
            (expected, reply) => facts.fail(format!("reply_parent: {expected} vs {reply:?}")),
        }
    }
    let thread = message
        .reply
        .as_ref()
        .and_then(|reply| reply.thread_message_id.clone());
    facts.check("thread_parent_message_id", thread);

    let shared = message.shared_chat.as_ref();
    facts.check("source_room_id", shared.map(|s| s.source_room_id.clone()));
    facts.check(
        "source_message_id",
        shared.and_then(|s| s.source_message_id.clone()),
    );
    facts.check("source_badges", shared.map(|s| pairs(&s.source_badges)));

    if let Some(tags) = facts.take("tags") {
        check_tags(facts, tags, message);
    }
}

/// The `tags` fact lists raw tags; each must show in the field it maps to.
fn check_tags(facts: &mut Facts, tags: Value, message: &ChatMessage) {
    let Value::Object(tags) = tags else {
        return facts.fail(format!("tags: not an object: {tags}"));
    };
    for (name, value) in tags {
        let value = value.as_str().unwrap_or_default().to_owned();
        match name.as_str() {
            "msg-id" => {
                facts.compare("tags.msg-id", &Some(value.clone()), &message.msg_id);
                let highlighted = value == "highlighted-message";
                facts.compare(
                    "tags.msg-id highlighted",
                    &highlighted,
                    &message.highlighted,
                );
            }
            "historical" => facts.compare("tags.historical", &(value == "1"), &message.historical),
            "rm-deleted" => facts.compare("tags.rm-deleted", &(value == "1"), &message.deleted),
            name if TAGS_NOT_CARRIED.contains(&name) => {}
            name => facts.fail(format!("tags.{name}: no field this tag maps to")),
        }
    }
}

fn check_user_notice(facts: &mut Facts, notice: &UserNotice) {
    let mirrored = facts.peek("msg_id") == Some(&Value::from("sharedchatnotice"));

    facts.check("channel", notice.channel.clone());
    facts.check("channel_id", notice.channel_id.clone());
    check_sender(facts, &notice.sender);
    facts.check("color", notice.color.clone());
    facts.check("badges", pairs(&notice.badges));
    facts.check("badge_info", pairs(&notice.badge_info));
    facts.check("message_id", notice.id.clone());
    facts.check("server_ts_ms", notice.server_time);
    facts.check("system_msg", notice.system_message.clone());
    facts.check("text", notice.text.clone());
    check_emotes(
        facts,
        notice.text.as_deref().unwrap_or(""),
        &notice.fragments,
    );

    let shared = notice.shared_chat.as_ref();
    facts.check("source_room_id", shared.map(|s| s.source_room_id.clone()));

    // The raw msg-id is carried as it is, and the event's variant must stand for it.
    let kinds = notice_kinds(&notice.event);
    if let Some(msg_id) = facts.take("msg_id") {
        let msg_id = msg_id.as_str().unwrap_or_default().to_owned();
        if msg_id != notice.msg_id {
            facts.fail(format!("msg_id: expected {msg_id}, got {}", notice.msg_id));
        }
        if mirrored {
            if shared.is_none_or(|s| s.is_origin) {
                facts.fail("msg_id: a mirrored notice must come from another room".to_owned());
            }
            if facts.peek("source_msg_id").is_none() {
                facts.fail("msg_id: a mirrored notice needs source_msg_id".to_owned());
            }
        } else if !kinds.contains(&msg_id.as_str()) {
            facts.fail(format!("msg_id: {msg_id} decoded to {:?}", notice.event));
        }
    }
    if let Some(source_msg_id) = facts.take("source_msg_id") {
        let source_msg_id = source_msg_id.as_str().unwrap_or_default();
        if shared.is_none() || !kinds.contains(&source_msg_id) {
            facts.fail(format!(
                "source_msg_id: {source_msg_id} decoded to {:?}",
                notice.event
            ));
        }
    }

    if let Some(expected) = facts.take("event") {
        check_notice_event(facts, expected, &notice.event, mirrored);
    }
}

/// The msg-id values a decoded notice event stands for.
fn notice_kinds(event: &NoticeEvent) -> Vec<&str> {
    match event {
        NoticeEvent::Sub {
            is_resub: false, ..
        } => vec!["sub"],
        NoticeEvent::Sub { is_resub: true, .. } => vec!["resub"],
        NoticeEvent::SubGift { .. } => vec!["subgift", "anonsubgift"],
        NoticeEvent::SubMysteryGift { .. } => vec!["submysterygift", "anonsubmysterygift"],
        NoticeEvent::GiftPaidUpgrade { .. } => vec!["giftpaidupgrade", "anongiftpaidupgrade"],
        NoticeEvent::PrimePaidUpgrade { .. } => vec!["primepaidupgrade"],
        NoticeEvent::Raid { .. } => vec!["raid"],
        NoticeEvent::Unraid => vec!["unraid"],
        NoticeEvent::Ritual { .. } => vec!["ritual"],
        NoticeEvent::BitsBadgeTier { .. } => vec!["bitsbadgetier"],
        NoticeEvent::Announcement { .. } => vec!["announcement"],
        NoticeEvent::ViewerMilestone { .. } => vec!["viewermilestone"],
        NoticeEvent::Unknown { msg_id, .. } => vec![msg_id.as_str()],
    }
}

/// Maps the corpus's event names and fields onto `NoticeEvent`.
fn check_notice_event(facts: &mut Facts, expected: Value, actual: &NoticeEvent, mirrored: bool) {
    let Value::Object(expected) = expected else {
        return facts.fail(format!("event: not an object: {expected}"));
    };
    let mut event = Facts::new("event", expected);
    let kind = event.take("type").unwrap_or_default();

    match (kind.as_str().unwrap_or_default(), actual) {
        (
            "SubOrResub",
            NoticeEvent::Sub {
                is_resub,
                cumulative_months,
                streak_months,
                plan,
                plan_name,
                ..
            },
        ) => {
            event.check("is_resub", *is_resub);
            event.check("cumulative_months", *cumulative_months);
            event.check("streak_months", *streak_months);
            event.check("sub_plan", plan.clone());
            event.check("sub_plan_name", plan_name.clone());
        }
        (
            "SubGift",
            NoticeEvent::SubGift {
                is_anonymous,
                recipient,
                months,
                plan,
                plan_name,
                gift_months,
                ..
            },
        ) => {
            event.check("is_sender_anonymous", *is_anonymous);
            event.check("cumulative_months", *months);
            event.check("sub_plan", plan.clone());
            event.check("sub_plan_name", plan_name.clone());
            event.check("num_gifted_months", *gift_months);
            if let Some(Value::Object(expected)) = event.take("recipient") {
                let mut user = Facts::new("event.recipient", expected);
                user.check("login", recipient.login.clone());
                user.check("id", recipient.id.clone());
                user.check("display_name", recipient.display_name.clone());
                event.absorb(user);
            }
        }
        (
            "SubMysteryGift",
            NoticeEvent::SubMysteryGift {
                count,
                sender_total,
                plan,
                ..
            },
        ) => {
            event.check("mass_gift_count", *count);
            event.check("sender_total_gifts", *sender_total);
            event.check("sub_plan", plan.clone());
        }
        (
            "GiftPaidUpgrade",
            NoticeEvent::GiftPaidUpgrade {
                gifter_login,
                gifter_name,
                promotion,
            },
        ) => {
            event.check("gifter_login", gifter_login.clone());
            event.check("gifter_name", gifter_name.clone());
            match (event.take("promotion"), promotion) {
                (None, _) | (Some(Value::Null), None) => {}
                (Some(Value::Object(expected)), Some(promotion)) => {
                    let mut promo = Facts::new("event.promotion", expected);
                    promo.check("promo_name", promotion.name.clone());
                    promo.check("total_gifts", promotion.total_gifts);
                    event.absorb(promo);
                }
                (expected, actual) => event.fail(format!("promotion: {expected:?} vs {actual:?}")),
            }
        }
        (
            "Raid",
            NoticeEvent::Raid {
                viewer_count,
                profile_image_url,
            },
        ) => {
            event.check("viewer_count", *viewer_count);
            event.check("profile_image_url", profile_image_url.clone());
        }
        ("Ritual", NoticeEvent::Ritual { name }) => event.check("ritual_name", name.clone()),
        ("BitsBadgeTier", NoticeEvent::BitsBadgeTier { threshold }) => {
            event.check("threshold", *threshold)
        }
        ("Announcement", NoticeEvent::Announcement { color }) => {
            event.check("color", color.clone())
        }
        // twitch-irc cannot type a mirrored Shared Chat notice; the plugin decodes the kind in
        // `source-msg-id`, which the `source_msg_id` fact checks.
        ("Unknown", _) if mirrored => {}
        ("Unknown", NoticeEvent::Unknown { .. }) => {}
        (kind, actual) => event.fail(format!("expected a {kind} event, decoded {actual:?}")),
    }

    facts.absorb(event);
}

fn check_moderation(facts: &mut Facts, moderation: &Moderation) {
    facts.check("channel", moderation.channel.clone());
    facts.check("channel_id", moderation.channel_id.clone());
    facts.check("server_ts_ms", moderation.server_time);

    let (action, login, id, duration) = match &moderation.action {
        ModerationAction::Timeout {
            user_login,
            user_id,
            duration_seconds,
        } => (
            "timeout",
            Some(user_login),
            user_id.clone(),
            Some(*duration_seconds),
        ),
        ModerationAction::Ban {
            user_login,
            user_id,
        } => ("ban", Some(user_login), user_id.clone(), None),
        // Without tags Twitch does not say which of the two it was.
        ModerationAction::ClearUser { user_login } => {
            ("timeout_or_ban", Some(user_login), None, None)
        }
        ModerationAction::Clear => ("clear", None, None, None),
        ModerationAction::DeleteMessage {
            message_id,
            user_login,
            text,
            is_action,
        } => {
            facts.check("target_message_id", message_id.clone());
            facts.check("sender_login", user_login.clone());
            facts.check("text", text.clone());
            facts.check("is_action", *is_action);
            return;
        }
    };
    facts.check("action", action.to_owned());
    facts.check("target_login", login.cloned());
    facts.check("target_id", id);
    facts.check("duration_s", duration);
}

fn check_server_notice(facts: &mut Facts, notice: &ServerNotice) {
    facts.check("channel", notice.channel.clone());
    facts.check("msg_id", notice.msg_id.clone());
    facts.check("text", notice.text.clone());
}

fn check_room_state(facts: &mut Facts, state: &RoomState) {
    let followers_minutes = state.followers_only.map(|mode| match mode {
        FollowersOnly::Off => -1,
        FollowersOnly::On { minutes } => i64::from(minutes),
    });

    facts.check("channel", state.channel.clone());
    facts.check("channel_id", state.channel_id.clone());
    facts.check("emote_only", state.emote_only);
    facts.check("followers_only_min", followers_minutes);
    facts.check("slow_s", state.slow_seconds);
    facts.check("subs_only", state.subscribers_only);
    facts.check("r9k", state.unique_chat);
}

fn check_user_state(facts: &mut Facts, state: &UserState) {
    facts.check("channel", state.channel.clone());
    facts.check("user_id", state.user_id.clone());
    facts.check("display_name", state.display_name.clone());
    facts.check("color", state.color.clone());
    facts.check("badges", pairs(&state.badges));
    facts.check("emote_sets", state.emote_sets.clone());
}

fn check_whisper(facts: &mut Facts, whisper: &Whisper) {
    facts.check("recipient_login", whisper.recipient_login.clone());
    check_sender(facts, &whisper.sender);
    facts.check("color", whisper.color.clone());
    facts.check("text", whisper.text.clone());
    check_emotes(facts, &whisper.text, &whisper.fragments);
}

/// Numerics and CAP: what the relay does with each.
fn check_server_reply(facts: &mut Facts, decoded: Decoded) {
    let command = facts.take("command").unwrap_or_default();
    match (command.as_str().unwrap_or_default(), decoded) {
        ("001", Decoded::Control(Control::Welcome)) => {}
        ("CAP", Decoded::Control(Control::CapAck { capabilities })) => {
            facts.check("acked", capabilities)
        }
        ("353" | "366", Decoded::Skipped(_)) => facts.not_delivered(FACTS_OF_SKIPPED_LINES),
        (command, decoded) => facts.fail(format!("command {command} decoded to {decoded:?}")),
    }
}

/// Login, id and display name of a sender. An empty display name in the corpus means Twitch
/// sent none; the plugin then shows the login, as the corpus's `relay` advice asks.
fn check_sender(facts: &mut Facts, sender: &User) {
    facts.check("sender_login", sender.login.clone());
    facts.check("sender_id", sender.id.clone());
    if facts.peek("display_name") == Some(&Value::from("")) {
        facts.take("display_name");
        let fallback = sender.login.clone().unwrap_or_default();
        facts.compare(
            "display_name (falls back to the login)",
            &fallback,
            &sender.display_name,
        );
    } else {
        facts.check("display_name", sender.display_name.clone());
    }
}

/// Emote ranges: the same ranges, clamped to the text; a range the corpus gives an empty code
/// lies outside the text and must produce no emote at all.
fn check_emotes(facts: &mut Facts, text: &str, fragments: &[Fragment]) {
    check_coverage(facts, text, fragments);
    let Some(expected) = facts.take("emotes") else {
        return;
    };
    let Value::Array(expected) = expected else {
        return facts.fail(format!("emotes: not a list: {expected}"));
    };

    let text_len = text.chars().count() as u64;
    let expected: Vec<Map<String, Value>> = expected
        .into_iter()
        .filter_map(|emote| match emote {
            Value::Object(emote) => Some(emote),
            _ => None,
        })
        .filter(|emote| emote.get("code").and_then(Value::as_str) != Some(""))
        .collect();
    let actual: Vec<_> = emote_fragments(fragments).collect();
    if expected.len() != actual.len() {
        return facts.fail(format!("emotes: expected {expected:?}, decoded {actual:?}"));
    }

    for (index, (expected, (code, id, span))) in expected.into_iter().zip(actual).enumerate() {
        let mut emote = Facts::new(&format!("emotes[{index}]"), expected);
        let end = emote.take("end").and_then(|end| end.as_u64()).unwrap_or(0);
        emote.compare(
            "end (clamped to the text)",
            &end.min(text_len),
            &u64::from(span.end),
        );
        emote.check("id", id.to_owned());
        emote.check("code", code.to_owned());
        emote.check("start", span.start);
        emote.check("u16_start", span.u16_start);
        emote.check("u16_end", span.u16_end);
        facts.absorb(emote);
    }
}

fn emote_fragments(
    fragments: &[Fragment],
) -> impl Iterator<Item = (&str, &str, tauri_plugin_twitch_chat::core::event::Span)> {
    fragments.iter().filter_map(|fragment| match fragment {
        Fragment::Emote { text, span, id, .. } => Some((text.as_str(), id.as_str(), *span)),
        _ => None,
    })
}

/// The fragments cover the text exactly, in order.
fn check_coverage(facts: &mut Facts, text: &str, fragments: &[Fragment]) {
    let joined: String = fragments.iter().map(Fragment::text).collect();
    if joined != text {
        facts.fail(format!("fragments cover {joined:?}, not the text {text:?}"));
    }
}

fn pairs(badges: &[Badge]) -> Vec<(String, String)> {
    badges
        .iter()
        .map(|badge| (badge.name.clone(), badge.version.clone()))
        .collect()
}

/// The facts of one `expect` object (or of an object inside it) not checked yet, and the
/// mismatches found so far.
struct Facts {
    path: String,
    unchecked: Map<String, Value>,
    failures: Vec<String>,
}

impl Facts {
    fn new(path: &str, facts: Map<String, Value>) -> Self {
        Facts {
            path: path.to_owned(),
            unchecked: facts,
            failures: Vec::new(),
        }
    }

    fn peek(&self, key: &str) -> Option<&Value> {
        self.unchecked.get(key)
    }

    /// Takes a fact out to check it by hand.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.unchecked.remove(key)
    }

    /// Checks a fact, when the entry names it, against what the plugin delivers.
    fn check<T: PartialEq + Debug + DeserializeOwned>(&mut self, key: &str, actual: T) {
        let Some(expected) = self.take(key) else {
            return;
        };
        match serde_json::from_value::<T>(expected.clone()) {
            Ok(expected) => self.compare(key, &expected, &actual),
            Err(error) => self.fail(format!(
                "{key}: cannot read {expected} as expected: {error}"
            )),
        }
    }

    fn compare<T: PartialEq + Debug>(&mut self, key: &str, expected: &T, actual: &T) {
        if expected != actual {
            self.fail(format!("{key}: expected {expected:?}, decoded {actual:?}"));
        }
    }

    fn fail(&mut self, failure: String) {
        self.failures.push(format!("{}: {failure}", self.path));
    }

    /// Facts the plugin deliberately does not deliver for this outcome.
    fn not_delivered(&mut self, keys: &[&str]) {
        for key in keys {
            self.unchecked.remove(*key);
        }
    }

    /// Takes over the failures and unchecked facts of a nested object.
    fn absorb(&mut self, nested: Facts) {
        self.failures.extend(nested.failures);
        if !nested.unchecked.is_empty() {
            let keys: Vec<&String> = nested.unchecked.keys().collect();
            self.failures
                .push(format!("{}: facts nobody checked: {keys:?}", nested.path));
        }
    }

    fn finish(mut self) -> Result<(), String> {
        self.not_delivered(NOT_FACTS);
        let leftover = Facts::new(&self.path, std::mem::take(&mut self.unchecked));
        self.absorb(leftover);
        match self.failures.is_empty() {
            true => Ok(()),
            false => Err(self.failures.join("\n")),
        }
    }
}

/// Decodes standard base64 (the `raw_bytes_b64` field).
fn base64_bytes(encoded: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(encoded.len() / 4 * 3);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for symbol in encoded.bytes().filter(|&symbol| symbol != b'=') {
        let value = match symbol {
            b'A'..=b'Z' => symbol - b'A',
            b'a'..=b'z' => symbol - b'a' + 26,
            b'0'..=b'9' => symbol - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("raw_bytes_b64: {:?} is not base64", symbol as char)),
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(bytes)
}
