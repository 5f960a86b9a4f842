//! Generated chat: lines that look like what Twitch sends into a busy channel, fast enough to
//! flood a client.
//!
//! Each channel gets its own [`ChatGenerator`]. It renders a pool of chat message templates
//! once, with every tag already escaped, and only fills in the parts that change per message
//! (emote ranges, id, timestamp, sequence number) while writing. Each chat message is numbered
//! from 0 per channel: the number is in its `id` tag and starts its text as `#<seq> `.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::catalogue::{self, Emote};
use crate::config::Mix;
use crate::ids::{self, Origin};
use crate::wire::{decimal_len, escape_tag_value, push_decimal, push_hex12};

/// How many chat templates a channel's pool holds: enough that neighbouring lines differ.
const TEMPLATES_PER_CHANNEL: usize = 512;

/// One line in this many of a [`Mix::Realistic`] feed is an event rather than a chat message.
const EVENT_SHARE: u64 = 15;

/// Wall-clock time in milliseconds since the Unix epoch, as Twitch writes `tmi-sent-ts`.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

/// A small deterministic random source (splitmix64). Seeded from the channel name, so a
/// channel's feed is the same on every run and a failing test can be replayed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next_u64() % n
    }

    /// True with the given chance in percent.
    pub(crate) fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }

    /// An index into a collection of `len` items.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

/// What [`ChatGenerator::push_line`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// A chat message (`PRIVMSG`), which took the next sequence number.
    Chat,
    /// A moderation or community event, outside the chat sequence.
    Event,
}

/// A chatter of a generated channel, with what Twitch tags about them.
struct Chatter {
    /// Lower-case ASCII login, used in the prefix and in `login` tags.
    login: String,
    /// Shown name: the login in other case, or a name in another script.
    display_name: String,
    /// Stable numeric id, as Twitch gives every account.
    user_id: u64,
    /// Chosen name color, empty for chatters who never picked one (Twitch sends `color=`).
    color: &'static str,
    /// `badge-info` value: subscription length for subscribers.
    badge_info: String,
    /// `badges` value, most important badge first as Twitch orders them.
    badges: String,
    /// Moderators get `mod=1` and `user-type=mod`.
    moderator: bool,
    /// Subscribers get `subscriber=1`.
    subscriber: bool,
    /// VIPs get a `vip=1` tag.
    vip: bool,
    /// `returning-chatter` tag.
    returning: bool,
}

/// Emote occurrences in a message body, grouped by emote as the `emotes` tag groups them.
struct EmoteRanges {
    /// Twitch emote id.
    id: String,
    /// Inclusive code point ranges relative to the start of the body (after `#<seq> `).
    ranges: Vec<(usize, usize)>,
}

/// A pre-rendered chat message with holes for what changes per message.
struct ChatTemplate {
    /// From `@` through `emotes=`.
    head: Vec<u8>,
    /// The emotes of the body, written after `head` shifted by the length of `#<seq> `.
    emotes: Vec<EmoteRanges>,
    /// From after the emote ranges through `id=`.
    before_id: Vec<u8>,
    /// From after the id through `tmi-sent-ts=`.
    before_ts: Vec<u8>,
    /// From after the timestamp through `PRIVMSG #channel :`, plus `\x01ACTION ` for /me.
    before_text: Vec<u8>,
    /// The body after `#<seq> `, the closing `\x01` for /me, and CRLF.
    tail: Vec<u8>,
    /// Which chatter says it, for events that refer back to the last message.
    chatter: usize,
    /// Whether the message is a /me, for `CLEARMSG` lines that quote it.
    is_action: bool,
    /// The body after `#<seq> `, for `CLEARMSG` lines that quote it.
    body: String,
}

/// Room modes a realistic feed toggles with `ROOMSTATE` lines, so it can switch them back.
#[derive(Default)]
struct RoomModes {
    /// Emote-only mode is on.
    emote_only: bool,
    /// Slow mode (30 s) is on.
    slow: bool,
    /// Followers-only mode (10 min) is on.
    followers_only: bool,
    /// Subscribers-only mode is on.
    subs_only: bool,
}

/// Writes the generated feed of one channel.
pub(crate) struct ChatGenerator {
    /// Normalized channel name, for the `PRIVMSG #channel` parameter and event lines.
    channel: String,
    /// The channel's `room-id`.
    room_id: u64,
    /// The server's instance number, in every id, so that a restarted server's ids are new.
    instance: u32,
    /// `<channel hash>-0000-4<instance>-8<instance>-`: chat ids are this plus the sequence
    /// number in hex.
    chat_id_prefix: Vec<u8>,
    /// The crowd of this channel, the broadcaster first.
    chatters: Vec<Chatter>,
    /// Pre-rendered chat messages, picked at random per line.
    templates: Vec<ChatTemplate>,
    /// Picks templates and events.
    rng: Rng,
    /// Whether events are mixed in.
    mix: Mix,
    /// Sequence number of the next chat message.
    next_seq: u64,
    /// Counter of the next event id.
    next_event: u64,
    /// Sequence number and template of the last chat message, which `CLEARMSG` deletes.
    last_chat: Option<(u64, usize)>,
    /// Current room modes, flipped by `ROOMSTATE` events.
    room_modes: RoomModes,
}

impl ChatGenerator {
    /// The generator of `channel` (normalized) for the server with instance number
    /// `instance`, with its templates rendered.
    pub(crate) fn new(channel: &str, mix: Mix, instance: u32) -> ChatGenerator {
        let hash = ids::channel_hash(channel);
        let mut rng = Rng::new(u64::from(hash) << 16 | 0x7a17);
        let chatters = make_chatters(channel, &mut rng);
        let emotes = catalogue::channel_emotes(channel, hash);

        let mut generator = ChatGenerator {
            channel: channel.to_owned(),
            room_id: ids::room_id(channel),
            instance,
            chat_id_prefix: ids::id_prefix(instance, channel, Origin::GeneratedChat).into_bytes(),
            chatters,
            templates: Vec::with_capacity(TEMPLATES_PER_CHANNEL),
            rng,
            mix,
            next_seq: 0,
            next_event: 0,
            last_chat: None,
            room_modes: RoomModes::default(),
        };
        for _ in 0..TEMPLATES_PER_CHANNEL {
            let template = generator.make_template(&emotes);
            generator.templates.push(template);
        }
        generator
    }

    /// Appends the next line of the feed, CRLF included, stamped with `sent_at_ms`.
    pub(crate) fn push_line(&mut self, out: &mut Vec<u8>, sent_at_ms: u64) -> LineKind {
        let event_due = self.mix == Mix::Realistic
            && self.last_chat.is_some()
            && self.rng.below(EVENT_SHARE) == 0;
        if event_due {
            self.push_event(out, sent_at_ms);
            return LineKind::Event;
        }

        let template = self.rng.index(self.templates.len());
        let seq = self.next_seq;
        self.next_seq += 1;
        self.last_chat = Some((seq, template));
        self.push_chat(out, template, seq, sent_at_ms);
        LineKind::Chat
    }

    /// Writes chat message `seq` from template number `template`.
    fn push_chat(&self, out: &mut Vec<u8>, template: usize, seq: u64, sent_at_ms: u64) {
        let Some(t) = self.templates.get(template) else {
            return;
        };
        let shift = decimal_len(seq) + 2;

        out.extend_from_slice(&t.head);
        for (group, emote) in t.emotes.iter().enumerate() {
            if group > 0 {
                out.push(b'/');
            }
            out.extend_from_slice(emote.id.as_bytes());
            out.push(b':');
            for (n, (first, last)) in emote.ranges.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                push_decimal(out, (first + shift) as u64);
                out.push(b'-');
                push_decimal(out, (last + shift) as u64);
            }
        }
        out.extend_from_slice(&t.before_id);
        out.extend_from_slice(&self.chat_id_prefix);
        push_hex12(out, seq);
        out.extend_from_slice(&t.before_ts);
        push_decimal(out, sent_at_ms);
        out.extend_from_slice(&t.before_text);
        out.push(b'#');
        push_decimal(out, seq);
        out.push(b' ');
        out.extend_from_slice(&t.tail);
    }

    /// Renders one chat template: a random chatter saying a random mix of phrases and emotes,
    /// sometimes as a reply, a /me or a cheer.
    fn make_template(&mut self, emotes: &[Emote]) -> ChatTemplate {
        let chatter_index = self.rng.index(self.chatters.len());
        let is_reply = self.rng.percent(8);
        let is_action = !is_reply && self.rng.percent(4);
        let is_cheer = !is_action && self.rng.percent(3);
        let first_msg = self.rng.percent(2);
        let client_nonce = self.rng.percent(85);

        let parent = if is_reply {
            Some(self.rng.index(self.chatters.len()))
        } else {
            None
        };
        let mut body = BodyBuilder::default();
        if let Some(parent) = parent.and_then(|p| self.chatters.get(p)) {
            body.push_word(&format!("@{}", parent.login));
        }
        if is_cheer {
            body.push_word("Cheer100");
        }
        for _ in 0..1 + self.rng.below(4) {
            if self.rng.percent(35) {
                let emote = &emotes[self.rng.index(emotes.len())];
                body.push_emote(emote);
            } else {
                body.push_word(catalogue::PHRASES[self.rng.index(catalogue::PHRASES.len())]);
            }
        }

        let c = &self.chatters[chatter_index];
        let mut head = format!("@badge-info={};badges={};", c.badge_info, c.badges);
        if is_cheer {
            head.push_str("bits=100;");
        }
        if client_nonce {
            head.push_str(&format!(
                "client-nonce={:016x}{:016x};",
                self.rng.next_u64(),
                self.rng.next_u64()
            ));
        }
        head.push_str(&format!(
            "color={};display-name={};emotes=",
            c.color,
            escape_tag_value(&c.display_name)
        ));

        let before_id = format!(";first-msg={};flags=;id=", u8::from(first_msg));

        let mut before_ts = format!(";mod={}", u8::from(c.moderator));
        if let Some(p) = parent.and_then(|p| self.chatters.get(p)) {
            let parent_body = catalogue::PHRASES[self.rng.index(catalogue::PHRASES.len())];
            let parent_id = ids::message_id(
                self.instance,
                &self.channel,
                Origin::ReplyParent,
                self.rng.next_u64(),
            );
            let name = escape_tag_value(&p.display_name);
            before_ts.push_str(&format!(
                ";reply-parent-display-name={name};reply-parent-msg-body={};\
                 reply-parent-msg-id={parent_id};reply-parent-user-id={};\
                 reply-parent-user-login={};reply-thread-parent-display-name={name};\
                 reply-thread-parent-msg-id={parent_id};reply-thread-parent-user-id={};\
                 reply-thread-parent-user-login={}",
                escape_tag_value(parent_body),
                p.user_id,
                p.login,
                p.user_id,
                p.login,
            ));
        }
        before_ts.push_str(&format!(
            ";returning-chatter={};room-id={};subscriber={};tmi-sent-ts=",
            u8::from(c.returning),
            self.room_id,
            u8::from(c.subscriber)
        ));

        let mut before_text = format!(
            ";turbo=0;user-id={};user-type={}{} :{login}!{login}@{login}.tmi.twitch.tv PRIVMSG #{} :",
            c.user_id,
            if c.moderator { "mod" } else { "" },
            if c.vip { ";vip=1" } else { "" },
            self.channel,
            login = c.login,
        );
        let mut tail = body.text.clone();
        if is_action {
            before_text.push_str("\u{1}ACTION ");
            tail.push('\u{1}');
        }
        tail.push_str("\r\n");

        ChatTemplate {
            head: head.into_bytes(),
            emotes: body.emotes,
            before_id: before_id.into_bytes(),
            before_ts: before_ts.into_bytes(),
            before_text: before_text.into_bytes(),
            tail: tail.into_bytes(),
            chatter: chatter_index,
            is_action,
            body: body.text,
        }
    }

    /// Writes one moderation or community event.
    fn push_event(&mut self, out: &mut Vec<u8>, ts: u64) {
        // Anyone but the broadcaster (index 0), who is never timed out nor gifted to.
        let who = 1 + self.rng.index(self.chatters.len() - 1);
        let line = match self.rng.below(17) {
            0..=1 => self.sub_notice(who, ts),
            2..=4 => self.resub_notice(who, ts),
            5..=6 => self.subgift_notice(who, ts),
            7 => self.raid_notice(ts),
            8..=9 => self.announcement_notice(ts),
            10..=11 => self.clearchat(who, Some(600), ts),
            12 => self.clearchat(who, None, ts),
            13..=14 => self.clearmsg(ts),
            _ => self.roomstate_change(),
        };
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }

    /// The tags every `USERNOTICE` carries about its sender, up to `msg-id=`.
    fn notice_head(&mut self, who: usize) -> String {
        let id = ids::message_id(self.instance, &self.channel, Origin::Event, self.next_event);
        self.next_event += 1;
        let c = &self.chatters[who];
        format!(
            "@badge-info={};badges={};color={};display-name={};emotes=;flags=;id={id};login={};\
             mod={};msg-id=",
            c.badge_info,
            c.badges,
            c.color,
            escape_tag_value(&c.display_name),
            c.login,
            u8::from(c.moderator),
        )
    }

    /// The tags every `USERNOTICE` ends with, and its command.
    fn notice_tail(&self, who: usize, system_msg: &str, ts: u64) -> String {
        let c = &self.chatters[who];
        format!(
            "room-id={};subscriber={};system-msg={};tmi-sent-ts={ts};user-id={};user-type={} \
             :tmi.twitch.tv USERNOTICE #{}",
            self.room_id,
            u8::from(c.subscriber),
            escape_tag_value(system_msg),
            c.user_id,
            if c.moderator { "mod" } else { "" },
            self.channel,
        )
    }

    fn sub_notice(&mut self, who: usize, ts: u64) -> String {
        let head = self.notice_head(who);
        let name = self.chatters[who].display_name.clone();
        let tail = self.notice_tail(who, &format!("{name} subscribed at Tier 1."), ts);
        format!(
            "{head}sub;msg-param-cumulative-months=1;msg-param-months=0;\
             msg-param-multimonth-duration=1;msg-param-multimonth-tenure=0;\
             msg-param-should-share-streak=0;msg-param-sub-plan-name={};\
             msg-param-sub-plan=1000;msg-param-was-gifted=false;{tail}",
            escape_tag_value(&format!("Channel Subscription ({})", self.channel)),
        )
    }

    fn resub_notice(&mut self, who: usize, ts: u64) -> String {
        let months = 2 + self.rng.below(40);
        let text = catalogue::EVENT_TEXTS[self.rng.index(catalogue::EVENT_TEXTS.len())];
        let head = self.notice_head(who);
        let name = self.chatters[who].display_name.clone();
        let system_msg = format!(
            "{name} subscribed with Prime. They've subscribed for {months} months, \
             currently on a {months} month streak!"
        );
        let tail = self.notice_tail(who, &system_msg, ts);
        format!(
            "{head}resub;msg-param-cumulative-months={months};msg-param-months=0;\
             msg-param-multimonth-duration=0;msg-param-multimonth-tenure=0;\
             msg-param-should-share-streak=1;msg-param-streak-months={months};\
             msg-param-sub-plan-name={};msg-param-sub-plan=Prime;msg-param-was-gifted=false;\
             {tail} :{text}",
            escape_tag_value(&format!("Channel Subscription ({})", self.channel)),
        )
    }

    fn subgift_notice(&mut self, who: usize, ts: u64) -> String {
        let recipient =
            1 + (who + self.rng.index(self.chatters.len() - 2)) % (self.chatters.len() - 1);
        let given = 1 + self.rng.below(50);
        let origin = self.rng.next_u64();
        let head = self.notice_head(who);
        let (name, r) = (&self.chatters[who].display_name, &self.chatters[recipient]);
        let system_msg = format!(
            "{name} gifted a Tier 1 sub to {}! They have given {given} Gift Subs in the channel!",
            r.display_name
        );
        let params = format!(
            "subgift;msg-param-gift-months=1;msg-param-months=1;msg-param-origin-id={origin};\
             msg-param-recipient-display-name={};msg-param-recipient-id={};\
             msg-param-recipient-user-name={};msg-param-sender-count={given};\
             msg-param-sub-plan-name={};msg-param-sub-plan=1000;",
            escape_tag_value(&r.display_name),
            r.user_id,
            r.login,
            escape_tag_value(&format!("Channel Subscription ({})", self.channel)),
        );
        let tail = self.notice_tail(who, &system_msg, ts);
        format!("{head}{params}{tail}")
    }

    fn raid_notice(&mut self, ts: u64) -> String {
        // The raider is the broadcaster of another channel; any chatter stands in for one.
        let who = self.rng.index(self.chatters.len());
        let viewers = 5 + self.rng.below(5000);
        let head = self.notice_head(who);
        let c = &self.chatters[who];
        let system_msg = format!("{viewers} raiders from {} have joined!", c.display_name);
        // The profile image points at loopback: nothing the server writes may lead a client
        // to another host.
        let params = format!(
            "raid;msg-param-displayName={};msg-param-login={};\
             msg-param-profileImageURL=http://127.0.0.1/raider-70x70.png;\
             msg-param-viewerCount={viewers};",
            escape_tag_value(&c.display_name),
            c.login,
        );
        let tail = self.notice_tail(who, &system_msg, ts);
        format!("{head}{params}{tail}")
    }

    fn announcement_notice(&mut self, ts: u64) -> String {
        // Announcements come from the broadcaster or a moderator; the broadcaster is first.
        let text = catalogue::EVENT_TEXTS[self.rng.index(catalogue::EVENT_TEXTS.len())];
        let head = self.notice_head(0);
        let tail = self.notice_tail(0, "", ts);
        format!("{head}announcement;msg-param-color=PRIMARY;{tail} :{text}")
    }

    fn clearchat(&self, who: usize, ban_duration: Option<u64>, ts: u64) -> String {
        let c = &self.chatters[who];
        let duration = ban_duration.map_or(String::new(), |d| format!("ban-duration={d};"));
        format!(
            "@{duration}room-id={};target-user-id={};tmi-sent-ts={ts} \
             :tmi.twitch.tv CLEARCHAT #{} :{}",
            self.room_id, c.user_id, self.channel, c.login
        )
    }

    fn clearmsg(&self, ts: u64) -> String {
        let Some((seq, t)) = self
            .last_chat
            .and_then(|(seq, index)| Some((seq, self.templates.get(index)?)))
        else {
            return self.clearchat(0, Some(1), ts);
        };
        let target = ids::message_id(self.instance, &self.channel, Origin::GeneratedChat, seq);
        let (open, close) = if t.is_action {
            ("\u{1}ACTION ", "\u{1}")
        } else {
            ("", "")
        };
        format!(
            "@login={};room-id=;target-msg-id={target};tmi-sent-ts={ts} \
             :tmi.twitch.tv CLEARMSG #{} :{open}#{seq} {}{close}",
            self.chatters[t.chatter].login, self.channel, t.body
        )
    }

    fn roomstate_change(&mut self) -> String {
        let modes = &mut self.room_modes;
        let change = match self.rng.below(4) {
            0 => {
                modes.emote_only = !modes.emote_only;
                format!("emote-only={}", u8::from(modes.emote_only))
            }
            1 => {
                modes.slow = !modes.slow;
                format!("slow={}", if modes.slow { 30 } else { 0 })
            }
            2 => {
                modes.followers_only = !modes.followers_only;
                format!(
                    "followers-only={}",
                    if modes.followers_only { "10" } else { "-1" }
                )
            }
            _ => {
                modes.subs_only = !modes.subs_only;
                format!("subs-only={}", u8::from(modes.subs_only))
            }
        };
        format!(
            "@{change};room-id={} :tmi.twitch.tv ROOMSTATE #{}",
            self.room_id, self.channel
        )
    }
}

/// Builds a message body word by word, counting code points for the emote ranges.
#[derive(Default)]
struct BodyBuilder {
    /// The body so far.
    text: String,
    /// Length of `text` in code points, which is what Twitch's emote ranges count.
    code_points: usize,
    /// Emotes placed so far.
    emotes: Vec<EmoteRanges>,
}

impl BodyBuilder {
    fn push_word(&mut self, word: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
            self.code_points += 1;
        }
        self.text.push_str(word);
        self.code_points += word.chars().count();
    }

    fn push_emote(&mut self, emote: &Emote) {
        self.push_word(&emote.code);
        let last = self.code_points - 1;
        let first = self.code_points - emote.code.chars().count();
        match self.emotes.iter_mut().find(|e| e.id == emote.id) {
            Some(group) => group.ranges.push((first, last)),
            None => self.emotes.push(EmoteRanges {
                id: emote.id.clone(),
                ranges: vec![(first, last)],
            }),
        }
    }
}

/// The crowd of a channel: its broadcaster, the named chatters, and generated ones.
fn make_chatters(channel: &str, rng: &mut Rng) -> Vec<Chatter> {
    let mut names: Vec<(String, String)> = vec![(channel.to_owned(), capitalize(channel))];
    for (login, display_name) in catalogue::NAMED_CHATTERS {
        names.push(((*login).to_owned(), (*display_name).to_owned()));
    }
    for start in catalogue::LOGIN_STARTS.iter().take(6) {
        let end = catalogue::LOGIN_ENDS[rng.index(catalogue::LOGIN_ENDS.len())];
        let login = format!("{start}_{end}{}", rng.below(100));
        let display_name = if rng.percent(50) {
            capitalize(&login)
        } else {
            login.clone()
        };
        names.push((login, display_name));
    }

    let mut chatters = Vec::with_capacity(names.len());
    for (n, (login, display_name)) in names.into_iter().enumerate() {
        let broadcaster = n == 0;
        let moderator = !broadcaster && rng.percent(10);
        let vip = !broadcaster && !moderator && rng.percent(6);
        let subscriber = broadcaster || rng.percent(45);
        let months = 1 + rng.below(60);

        let mut badges = Vec::new();
        if broadcaster {
            badges.push("broadcaster/1".to_owned());
        }
        if moderator {
            badges.push("moderator/1".to_owned());
        }
        if vip {
            badges.push("vip/1".to_owned());
        }
        if subscriber {
            let tier_badge = [0, 3, 6, 9, 12, 24, 36, 48]
                .into_iter()
                .rfind(|&badge| badge <= months)
                .unwrap_or(0);
            badges.push(format!("subscriber/{tier_badge}"));
        }
        if rng.percent(30) {
            badges.push(format!("bits/{}", [1, 100, 1000, 5000][rng.index(4)]));
        } else if rng.percent(20) {
            badges.push("premium/1".to_owned());
        }
        let color = if rng.percent(15) {
            ""
        } else {
            catalogue::COLORS[rng.index(catalogue::COLORS.len())]
        };

        chatters.push(Chatter {
            user_id: if broadcaster {
                ids::room_id(channel)
            } else {
                10_000_000 + rng.below(990_000_000)
            },
            login,
            display_name,
            color,
            badge_info: if subscriber {
                format!("subscriber/{months}")
            } else {
                String::new()
            },
            badges: badges.join(","),
            moderator,
            subscriber,
            vip,
            returning: rng.percent(5),
        });
    }
    chatters
}

/// `forsen` -> `Forsen`, the display name most chatters never change.
fn capitalize(login: &str) -> String {
    let mut chars = login.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A tagged `PRIVMSG` from `login` with `text`, as a test injects it into the server with
/// instance number `instance`, and its id. Known global emotes in `text` get their `emotes`
/// ranges.
pub(crate) fn injected_privmsg(
    instance: u32,
    channel: &str,
    login: &str,
    text: &str,
    counter: u64,
) -> (Vec<u8>, String) {
    let login: String = login
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let login = if login.is_empty() {
        "justinfan1".to_owned()
    } else {
        login
    };
    // A CR or LF inside the text would end the line early and forge another one.
    let text = text.replace(['\r', '\n'], " ");
    let id = ids::message_id(instance, channel, Origin::Injected, counter);
    let user_hash = ids::channel_hash(&login);
    let color = catalogue::COLORS[user_hash as usize % catalogue::COLORS.len()];

    let emotes = catalogue::channel_emotes(channel, ids::channel_hash(channel));
    let mut ranges: Vec<EmoteRanges> = Vec::new();
    let mut position = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if let Some(emote) = emotes.iter().find(|e| e.code == word) {
            let range = (position, position + len - 1);
            match ranges.iter_mut().find(|r| r.id == emote.id) {
                Some(group) => group.ranges.push(range),
                None => ranges.push(EmoteRanges {
                    id: emote.id.clone(),
                    ranges: vec![range],
                }),
            }
        }
        position += len + 1;
    }
    let emotes_tag = ranges
        .iter()
        .map(|group| {
            let spans: Vec<String> = group
                .ranges
                .iter()
                .map(|(first, last)| format!("{first}-{last}"))
                .collect();
            format!("{}:{}", group.id, spans.join(","))
        })
        .collect::<Vec<_>>()
        .join("/");

    let line = format!(
        "@badge-info=;badges=;client-nonce={:032x};color={color};display-name={};emotes={emotes_tag};\
         first-msg=0;flags=;id={id};mod=0;returning-chatter=0;room-id={};subscriber=0;\
         tmi-sent-ts={};turbo=0;user-id={};user-type= \
         :{login}!{login}@{login}.tmi.twitch.tv PRIVMSG #{channel} :{text}",
        u128::from(user_hash) << 64 | u128::from(counter),
        capitalize(&login),
        ids::room_id(channel),
        now_ms(),
        10_000_000 + u64::from(user_hash) % 990_000_000,
    );
    (line.into_bytes(), id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instance number of the server the generators of these tests belong to.
    const INSTANCE: u32 = 0x5eed;

    /// The text of a generated `PRIVMSG` line and its `emotes` tag.
    fn text_and_emotes(line: &str) -> (String, String) {
        let emotes = line
            .split(';')
            .find_map(|tag| tag.strip_prefix("emotes="))
            .unwrap_or_default()
            .to_owned();
        let text = line
            .split_once(" PRIVMSG #")
            .and_then(|(_, rest)| rest.split_once(" :"))
            .map(|(_, text)| text.trim_end_matches("\r\n"))
            .unwrap_or_default();
        let text = text
            .strip_prefix("\u{1}ACTION ")
            .and_then(|t| t.strip_suffix('\u{1}'))
            .unwrap_or(text);
        (text.to_owned(), emotes)
    }

    fn render(generator: &mut ChatGenerator, count: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for _ in 0..count {
            let mut out = Vec::new();
            generator.push_line(&mut out, 1_700_000_000_000);
            lines.push(String::from_utf8(out).unwrap_or_default());
        }
        lines
    }

    #[test]
    fn emote_ranges_cover_exactly_the_emote_code_in_code_points() {
        let mut generator = ChatGenerator::new("forsen", Mix::ChatOnly, INSTANCE);
        let emotes = catalogue::channel_emotes("forsen", ids::channel_hash("forsen"));
        let mut checked = 0;

        // Past seq 9 and 99 the `#<seq> ` prefix grows, which shifts every range.
        for line in render(&mut generator, 1200) {
            let (text, emotes_tag) = text_and_emotes(&line);
            let chars: Vec<char> = text.chars().collect();
            for group in emotes_tag.split('/').filter(|g| !g.is_empty()) {
                let (id, spans) = group.split_once(':').unwrap_or_default();
                let code = &emotes.iter().find(|e| e.id == id).map(|e| e.code.clone());
                for span in spans.split(',') {
                    let (first, last) = span.split_once('-').unwrap_or_default();
                    let first: usize = first.parse().unwrap_or(usize::MAX);
                    let last: usize = last.parse().unwrap_or(0);
                    let covered: Option<String> =
                        chars.get(first..=last).map(|c| c.iter().collect());
                    assert_eq!(covered.as_ref(), code.as_ref(), "in line {line}");
                    checked += 1;
                }
            }
        }

        assert!(checked > 200, "only {checked} emote ranges were generated");
    }

    #[test]
    fn chat_messages_are_numbered_in_id_and_text() {
        let mut generator = ChatGenerator::new("xqc", Mix::ChatOnly, INSTANCE);

        let lines = render(&mut generator, 120);

        for (seq, line) in lines.iter().enumerate() {
            let id = line
                .split(';')
                .find_map(|tag| tag.strip_prefix("id="))
                .unwrap_or_default();
            assert_eq!(ids::chat_seq(id), Some(seq as u64));
            assert_eq!(id, ids::chat_message_id(INSTANCE, "xqc", seq as u64));
            assert!(
                text_and_emotes(line).0.starts_with(&format!("#{seq} ")),
                "{line}"
            );
            assert!(line.contains(";tmi-sent-ts=1700000000000;"));
        }
    }

    #[test]
    fn chat_lines_are_about_twitch_sized_and_varied() {
        let mut generator = ChatGenerator::new("forsen", Mix::ChatOnly, INSTANCE);

        let lines = render(&mut generator, 4000);

        let average = lines.iter().map(String::len).sum::<usize>() / lines.len();
        assert!(
            (380..=540).contains(&average),
            "average line is {average} bytes"
        );
        assert!(lines.iter().any(|l| l.contains("reply-parent-msg-body=")));
        assert!(lines.iter().any(|l| l.contains("\u{1}ACTION ")));
        assert!(lines
            .iter()
            .any(|l| l.contains(";bits=100;") || l.contains("bits=100;")));
        assert!(lines.iter().any(|l| l.contains(";color=;")));
        assert!(lines.iter().any(|l| l.contains("display-name=さくらもち")));
        assert!(lines.iter().any(|l| l.contains('😂')));
        assert!(lines
            .iter()
            .all(|l| !l.contains("Cheer100") || l.contains("bits=100;")));
    }

    #[test]
    fn realistic_mix_adds_events_outside_the_chat_sequence() {
        let mut generator = ChatGenerator::new("forsen", Mix::Realistic, INSTANCE);
        let mut chat = 0;
        let mut commands = std::collections::BTreeSet::new();

        for _ in 0..3000 {
            let mut out = Vec::new();
            if generator.push_line(&mut out, 1) == LineKind::Chat {
                chat += 1;
            }
            let line = String::from_utf8(out).unwrap_or_default();
            let (start, end) = crate::wire::command_span(line.as_bytes()).unwrap_or((0, 0));
            commands.insert(line[start..end].to_owned());
            if let Some(kind) = line.split(';').find_map(|t| t.strip_prefix("msg-id=")) {
                commands.insert(kind.to_owned());
            }
        }

        assert_eq!(generator.next_seq, chat);
        assert!(chat > 2600 && chat < 2950, "{chat} chat lines of 3000");
        for expected in [
            "PRIVMSG",
            "USERNOTICE",
            "CLEARCHAT",
            "CLEARMSG",
            "ROOMSTATE",
            "sub",
            "resub",
            "subgift",
            "raid",
            "announcement",
        ] {
            assert!(commands.contains(expected), "no {expected} in {commands:?}");
        }
    }

    #[test]
    fn injected_messages_get_emote_ranges_and_their_own_ids() {
        let (line, id) =
            injected_privmsg(INSTANCE, "forsen", "Tester", "héllo Kappa 😂 Kappa LUL", 4);
        let line = String::from_utf8(line).unwrap_or_default();

        assert!(
            line.contains(";emotes=25:6-10,14-18/425618:20-22;"),
            "{line}"
        );
        assert!(line.contains(&format!(";id={id};")));
        assert_eq!(ids::chat_seq(&id), None);
        assert!(line.ends_with(
            " :tester!tester@tester.tmi.twitch.tv PRIVMSG #forsen :héllo Kappa 😂 Kappa LUL"
        ));
    }
}
