//! The vocabulary of generated chat: chatters with their badges and colors, emotes with their
//! Twitch ids, and phrases in several scripts, including accents and astral-plane emoji whose
//! length in bytes, UTF-16 units and code points all differ.

/// An emote as Twitch tags it: `emotes=<id>:<first>-<last>` over the code points of `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Emote {
    /// Twitch's emote id: a number for old global emotes, `emotesv2_<hex>` for newer ones.
    pub id: String,
    /// The word in the message text that the emote replaces.
    pub code: String,
}

/// Global emotes with their real Twitch ids, so a frontend can render them from the CDN
/// id scheme it already knows.
const GLOBAL_EMOTES: &[(&str, &str)] = &[
    ("25", "Kappa"),
    ("1902", "Keepo"),
    ("305954156", "PogChamp"),
    ("425618", "LUL"),
    ("41", "Kreygasm"),
    ("354", "4Head"),
    ("86", "BibleThump"),
    ("30259", "HeyGuys"),
    ("58765", "NotLikeThis"),
    ("64138", "SeemsGood"),
];

/// The emotes a generated channel uses: the global ones plus one channel emote with an
/// `emotesv2_` id, named after the channel the way Twitch prefixes channel emotes.
pub(crate) fn channel_emotes(channel: &str, channel_hash: u32) -> Vec<Emote> {
    let mut emotes: Vec<Emote> = GLOBAL_EMOTES
        .iter()
        .map(|(id, code)| Emote {
            id: (*id).to_owned(),
            code: (*code).to_owned(),
        })
        .collect();

    let prefix: String = channel
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(4)
        .collect();
    let prefix = if prefix.is_empty() {
        "chan".to_owned()
    } else {
        prefix
    };
    emotes.push(Emote {
        id: format!(
            "emotesv2_{:08x}{:08x}{:08x}{:08x}",
            channel_hash,
            channel_hash.rotate_left(8) ^ 0x5bd1_e995,
            channel_hash.rotate_left(16) ^ 0x2745_937f,
            channel_hash.rotate_left(24) ^ 0x68e3_1da4,
        ),
        code: format!("{prefix}Hype"),
    });
    emotes
}

/// Logins with the display names their owners chose. Twitch lets a display name differ from
/// the login only in case, or be written in another script entirely (the login stays ASCII).
pub(crate) const NAMED_CHATTERS: &[(&str, &str)] = &[
    ("sakura_mochi", "さくらもち"),
    ("yukinohana", "雪の花"),
    ("minjun_kr", "민준"),
    ("xiaolong88", "小龙"),
    ("ivan_dobry", "Иван"),
    ("pixelpanda", "PixelPanda"),
    ("nightowl_42", "NightOwl_42"),
    ("coffee_addict", "Coffee_Addict"),
    ("speedrunfan", "SpeedrunFan"),
    ("lurker9000", "lurker9000"),
    ("quietfox", "QuietFox"),
    ("retro_gamer_x", "Retro_Gamer_X"),
];

/// Halves of generated logins, for a crowd larger than the named chatters.
pub(crate) const LOGIN_STARTS: &[&str] = &[
    "happy", "sleepy", "turbo", "mega", "lazy", "brave", "tiny", "cosmic", "salty", "frosty",
];

/// Second halves of generated logins.
pub(crate) const LOGIN_ENDS: &[&str] = &[
    "otter", "wizard", "potato", "ninja", "cactus", "dragon", "muffin", "pilot",
];

/// Name colors chatters pick; an empty color (never picked one) is added by the generator.
pub(crate) const COLORS: &[&str] = &[
    "#FF0000", "#0000FF", "#008000", "#B22222", "#FF7F50", "#9ACD32", "#FF4500", "#2E8B57",
    "#DAA520", "#D2691E", "#5F9EA0", "#1E90FF", "#FF69B4", "#8A2BE2", "#00FF7F",
];

/// What chatters say, beside emotes. Several scripts, combining marks, flags built from
/// regional indicators, ZWJ sequences and astral-plane emoji, so any code that counts
/// characters the wrong way shows it.
pub(crate) const PHRASES: &[&str] = &[
    "hello chat",
    "that was so clean",
    "no way he hit that",
    "gg wp",
    "let's gooo",
    "what's the song called?",
    "first time catching the stream live",
    "this boss fight is brutal",
    "chat is he going to make it",
    "back from dinner, what did I miss",
    "the timing on that jump was perfect",
    "can we get a replay of that",
    "ça c'est incroyable",
    "¿alguien sabe qué pasó?",
    "naïve café résumé",
    "Grüße aus Köln",
    "Olá pessoal, tudo bem?",
    "Привет всем",
    "こんにちは、みなさん",
    "草",
    "ズルい",
    "안녕하세요 여러분",
    "太强了",
    "😂😂😂",
    "🔥🔥",
    "❤️",
    "👀",
    "🎉 congrats on the milestone",
    "👨‍👩‍👧 family stream night",
    "ok 🫡",
    "greetings from 🇯🇵",
    "𝓯𝓪𝓷𝓬𝔂 letters",
    "monkaS that was close",
    "w",
];

/// Texts of resubs and announcements, without emotes (the generator leaves their `emotes`
/// tag empty).
pub(crate) const EVENT_TEXTS: &[&str] = &[
    "another month, love the streams",
    "still here 💜",
    "remember to stay hydrated chat",
    "giveaway at the end of the stream!",
    "Danke für alles ❤️",
];
