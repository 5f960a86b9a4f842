//! Splitting a message's text into what a frontend renders: plain text, Twitch emotes,
//! cheermotes and `@mentions`, in order and covering the text exactly. Each piece knows its
//! place in the text both in code points (Twitch's unit) and in UTF-16 code units (what a
//! JavaScript string index needs).

use super::event::{EmoteImages, Fragment, Span};

/// Cheermote prefixes every channel accepts, as Twitch spells them.
// Limitation: channels may define their own cheermote prefixes; those are only known through
// the Helix API, which the relay does not call, so they stay plain text here.
const CHEERMOTE_PREFIXES: &[&str] = &[
    "Cheer",
    "DoodleCheer",
    "BibleThump",
    "cheerwhal",
    "Corgo",
    "uni",
    "ShowLove",
    "Party",
    "SeemsGood",
    "Pride",
    "Kappa",
    "FrankerZ",
    "HeyGuys",
    "DansGame",
    "EleGiggle",
    "TriHard",
    "Kreygasm",
    "4Head",
    "SwiftRage",
    "NotLikeThis",
    "FailFish",
    "VoHiYo",
    "PJSalt",
    "MrDestructoid",
    "bday",
    "RIPCheer",
    "Shamrock",
    "BitBoss",
    "Streamlabs",
    "Muxy",
    "HolidayCheer",
    "Goal",
    "Anon",
    "Charity",
];

/// Splits `text` into fragments.
///
/// `emotes` is the raw `emotes` tag (`id:start-end,start-end/id2:start-end`, inclusive ends,
/// code points, in no particular order). A range that starts past the text, is reversed, is
/// not two numbers joined by `-`, or overlaps an earlier range is skipped; a range that runs
/// past the text is cut at its end. Cheermotes are recognised only when the message carried
/// bits (`has_bits`), because the same words are ordinary text otherwise.
pub fn split(text: &str, emotes: Option<&str>, has_bits: bool) -> Vec<Fragment> {
    split_with_cdn(text, emotes, has_bits, TWITCH_EMOTE_CDN)
}

/// Twitch's emote image server; `{cdn}/{id}/{format}/dark/{scale}` is an emote's image.
pub const TWITCH_EMOTE_CDN: &str = "https://static-cdn.jtvnw.net/emoticons/v2";

/// [`split`], with emote image addresses under `emote_cdn` instead of Twitch's server (an
/// offline demo or a test serves its own images).
pub fn split_with_cdn(
    text: &str,
    emotes: Option<&str>,
    has_bits: bool,
    emote_cdn: &str,
) -> Vec<Fragment> {
    let mut builder = Builder::new(text, emote_cdn);
    let emotes = emote_ranges(emotes.unwrap_or(""), builder.positions.len());

    let mut cursor = 0;
    for emote in emotes {
        builder.scan_words(cursor, emote.start, has_bits);
        builder.push_emote(&emote);
        cursor = emote.end;
    }
    builder.scan_words(cursor, builder.positions.len(), has_bits);

    builder.finish()
}

/// One emote occurrence, in code points, end exclusive and already clamped to the text.
#[derive(Debug, PartialEq)]
struct EmoteRange<'a> {
    id: &'a str,
    start: usize,
    end: usize,
}

/// Reads the `emotes` tag into ordered, non-overlapping ranges inside a text of `text_len`
/// code points.
fn emote_ranges(tag: &str, text_len: usize) -> Vec<EmoteRange<'_>> {
    let mut ranges: Vec<EmoteRange> = tag
        .split('/')
        .filter_map(|entry| entry.split_once(':'))
        .filter(|(id, _)| is_emote_id(id))
        .flat_map(|(id, ranges)| ranges.split(',').filter_map(move |r| parse_range(id, r)))
        .filter(|range| range.start < text_len)
        .collect();
    ranges.sort_by_key(|range| range.start);

    let mut kept: Vec<EmoteRange> = Vec::with_capacity(ranges.len());
    for mut range in ranges {
        if kept.last().is_some_and(|last| range.start < last.end) {
            continue;
        }
        range.end = range.end.min(text_len);
        kept.push(range);
    }
    kept
}

/// Parses `start-end` (inclusive end) into a range with an exclusive end.
fn parse_range<'a>(id: &'a str, range: &str) -> Option<EmoteRange<'a>> {
    let (start, last) = range.split_once('-')?;
    let start: usize = start.parse().ok()?;
    let last: usize = last.parse().ok()?;
    if start > last {
        return None;
    }
    Some(EmoteRange {
        id,
        start,
        end: last.saturating_add(1),
    })
}

/// An emote id goes into an image address, so only the characters Twitch uses are accepted
/// (`25`, `emotesv2_…`, `300000001_TK`).
fn is_emote_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn emote_images(cdn: &str, id: &str, format: &str) -> EmoteImages {
    let cdn = cdn.trim_end_matches('/');
    let url = |scale: &str| format!("{cdn}/{id}/{format}/dark/{scale}");
    EmoteImages {
        x1: url("1.0"),
        x2: url("2.0"),
        x3: url("3.0"),
    }
}

/// Where each code point of the text starts, in bytes and in UTF-16 code units.
#[derive(Clone, Copy)]
struct Position {
    byte: usize,
    utf16: usize,
}

/// Collects fragments left to right; plain text between special fragments is gathered and
/// emitted as one `Text` fragment.
struct Builder<'a> {
    text: &'a str,
    /// One entry per code point.
    positions: Vec<Position>,
    /// UTF-16 length of the whole text.
    utf16_len: usize,
    fragments: Vec<Fragment>,
    /// Code point where the plain text not yet emitted begins.
    text_start: usize,
    /// Base address of emote images.
    emote_cdn: &'a str,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, emote_cdn: &'a str) -> Self {
        let mut positions = Vec::with_capacity(text.len());
        let mut utf16 = 0;
        for (byte, c) in text.char_indices() {
            positions.push(Position { byte, utf16 });
            utf16 += c.len_utf16();
        }
        Builder {
            text,
            emote_cdn,
            positions,
            utf16_len: utf16,
            fragments: Vec::new(),
            text_start: 0,
        }
    }

    fn position(&self, index: usize) -> Position {
        self.positions.get(index).copied().unwrap_or(Position {
            byte: self.text.len(),
            utf16: self.utf16_len,
        })
    }

    /// The text between two code point indices.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        let text = self.text;
        text.get(self.position(start).byte..self.position(end).byte)
            .unwrap_or("")
    }

    fn span(&self, start: usize, end: usize) -> Span {
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: to_u32(start),
            end: to_u32(end),
            u16_start: to_u32(self.position(start).utf16),
            u16_end: to_u32(self.position(end).utf16),
        }
    }

    /// Looks for mentions and cheermotes among the words between two code points.
    fn scan_words(&mut self, start: usize, end: usize, has_bits: bool) {
        let segment = self.slice(start, end);
        let mut word_start: Option<usize> = None;
        let mut index = start;
        for c in segment.chars() {
            match (c.is_whitespace(), word_start) {
                (true, Some(begin)) => {
                    self.classify_word(begin, index, has_bits);
                    word_start = None;
                }
                (false, None) => word_start = Some(index),
                _ => {}
            }
            index += 1;
        }
        if let Some(begin) = word_start {
            self.classify_word(begin, index, has_bits);
        }
    }

    fn classify_word(&mut self, start: usize, end: usize, has_bits: bool) {
        let word = self.slice(start, end);

        if has_bits {
            if let Some((prefix, bits)) = cheermote(word) {
                let span = self.span(start, end);
                self.push(start, end, |text| Fragment::Cheermote {
                    text,
                    span,
                    prefix: prefix.to_owned(),
                    bits,
                });
                return;
            }
        }

        if let Some(login) = mention(word) {
            // The '@' and the login are ASCII: one code point per byte.
            let mention_end = start + 1 + login.len();
            let span = self.span(start, mention_end);
            let login = login.to_ascii_lowercase();
            self.push(start, mention_end, |text| Fragment::Mention {
                text,
                span,
                login,
            });
        }
    }

    fn push_emote(&mut self, emote: &EmoteRange) {
        let span = self.span(emote.start, emote.end);
        let id = emote.id.to_owned();
        self.push(emote.start, emote.end, |text| Fragment::Emote {
            text,
            span,
            images: emote_images(self.emote_cdn, &id, "default"),
            static_images: emote_images(self.emote_cdn, &id, "static"),
            id,
        });
    }

    /// Emits the plain text gathered so far, then the fragment covering `start..end`.
    fn push(&mut self, start: usize, end: usize, fragment: impl FnOnce(String) -> Fragment) {
        self.flush_text(start);
        let text = self.slice(start, end).to_owned();
        self.fragments.push(fragment(text));
        self.text_start = end;
    }

    fn flush_text(&mut self, end: usize) {
        if end > self.text_start {
            let span = self.span(self.text_start, end);
            let text = self.slice(self.text_start, end).to_owned();
            self.fragments.push(Fragment::Text { text, span });
        }
        self.text_start = end;
    }

    fn finish(mut self) -> Vec<Fragment> {
        self.flush_text(self.positions.len());
        self.fragments
    }
}

/// A word such as `Cheer100`: a known prefix, in any case, followed by digits only.
fn cheermote(word: &str) -> Option<(&'static str, u32)> {
    let prefix = word.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = word.get(prefix.len()..)?;
    if digits.is_empty() {
        return None;
    }
    let bits: u32 = digits.parse().ok().filter(|&bits| bits > 0)?;
    let known = CHEERMOTE_PREFIXES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(prefix))?;
    Some((known, bits))
}

/// The login of a word such as `@name` or `@name,`: letters, digits and `_` after the `@`.
fn mention(word: &str) -> Option<&str> {
    let rest = word.strip_prefix('@')?;
    let length = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    rest.get(..length).filter(|login| !login.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emote_spans(fragments: &[Fragment]) -> Vec<(String, &str, u32, u32, u32, u32)> {
        fragments
            .iter()
            .filter_map(|fragment| match fragment {
                Fragment::Emote { text, span, id, .. } => Some((
                    text.clone(),
                    id.as_str(),
                    span.start,
                    span.end,
                    span.u16_start,
                    span.u16_end,
                )),
                _ => None,
            })
            .collect()
    }

    fn texts(fragments: &[Fragment]) -> String {
        fragments.iter().map(Fragment::text).collect()
    }

    #[test]
    fn emote_ranges_are_sorted_by_start() {
        let fragments = split("Kappa Keepo Kappa", Some("1902:6-10/25:0-4,12-16"), false);

        let emotes = emote_spans(&fragments);

        let starts: Vec<u32> = emotes.iter().map(|e| e.2).collect();
        assert_eq!(starts, vec![0, 6, 12]);
        assert_eq!(texts(&fragments), "Kappa Keepo Kappa");
    }

    #[test]
    fn emote_running_past_the_text_is_clamped() {
        let fragments = split("foo bar", Some("84608:0-15"), false);

        let emotes = emote_spans(&fragments);

        assert_eq!(emotes, vec![("foo bar".to_owned(), "84608", 0, 7, 0, 7)]);
        assert_eq!(fragments.len(), 1);
    }

    #[test]
    fn emote_starting_beyond_the_text_is_dropped() {
        let fragments = split("foo bar", Some("84608:9-10"), false);

        assert!(emote_spans(&fragments).is_empty());
        assert_eq!(texts(&fragments), "foo bar");
    }

    #[test]
    fn reversed_emote_range_is_dropped() {
        let fragments = split("Kappa Kappa", Some("25:4-0,6-10"), false);

        let emotes = emote_spans(&fragments);

        assert_eq!(emotes, vec![("Kappa".to_owned(), "25", 6, 11, 6, 11)]);
    }

    #[test]
    fn overlapping_emote_range_is_dropped() {
        let fragments = split("KappaKeepo", Some("25:0-4/1902:3-9"), false);

        let emotes = emote_spans(&fragments);

        assert_eq!(emotes, vec![("Kappa".to_owned(), "25", 0, 5, 0, 5)]);
        assert_eq!(texts(&fragments), "KappaKeepo");
    }

    #[test]
    fn emote_range_without_dash_or_numbers_is_dropped() {
        let fragments = split("Kappa Kappa Kappa", Some("25:04,6-x,12-16"), false);

        let emotes = emote_spans(&fragments);

        assert_eq!(emotes, vec![("Kappa".to_owned(), "25", 12, 17, 12, 17)]);
    }

    #[test]
    fn huge_emote_numbers_do_not_overflow() {
        let max = usize::MAX;
        let fragments = split("Kappa", Some(&format!("25:0-{max}/1:{max}-{max}")), false);

        let emotes = emote_spans(&fragments);

        assert_eq!(emotes, vec![("Kappa".to_owned(), "25", 0, 5, 0, 5)]);
    }

    #[test]
    fn utf16_offsets_count_astral_emoji_twice() {
        let fragments = split("👉 <3 hi 👉 <3", Some("483:2-3,10-11"), false);

        let emotes = emote_spans(&fragments);

        assert_eq!(
            emotes,
            vec![
                ("<3".to_owned(), "483", 2, 4, 3, 5),
                ("<3".to_owned(), "483", 10, 12, 12, 14)
            ]
        );
    }

    #[test]
    fn mention_stops_before_trailing_punctuation() {
        let fragments = split("hi @Some_User, bye", None, false);

        assert_eq!(
            fragments,
            vec![
                Fragment::Text {
                    text: "hi ".to_owned(),
                    span: Span {
                        start: 0,
                        end: 3,
                        u16_start: 0,
                        u16_end: 3
                    }
                },
                Fragment::Mention {
                    text: "@Some_User".to_owned(),
                    span: Span {
                        start: 3,
                        end: 13,
                        u16_start: 3,
                        u16_end: 13
                    },
                    login: "some_user".to_owned()
                },
                Fragment::Text {
                    text: ", bye".to_owned(),
                    span: Span {
                        start: 13,
                        end: 18,
                        u16_start: 13,
                        u16_end: 18
                    }
                },
            ]
        );
    }

    #[test]
    fn lone_at_sign_is_text() {
        let fragments = split("@ @! a@b", None, false);

        assert_eq!(fragments.len(), 1);
        assert!(matches!(&fragments[0], Fragment::Text { text, .. } if text == "@ @! a@b"));
    }

    #[test]
    fn cheermotes_only_when_the_message_has_bits() {
        let without_bits = split("Cheer100 hi", None, false);
        let with_bits = split("cheer100 hi Cheer0 Cheerx1 uni5", None, true);

        assert_eq!(without_bits.len(), 1);
        let cheers: Vec<(&str, u32, &str)> = with_bits
            .iter()
            .filter_map(|fragment| match fragment {
                Fragment::Cheermote {
                    text, prefix, bits, ..
                } => Some((text.as_str(), *bits, prefix.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(cheers, vec![("cheer100", 100, "Cheer"), ("uni5", 5, "uni")]);
        assert_eq!(texts(&with_bits), "cheer100 hi Cheer0 Cheerx1 uni5");
    }

    #[test]
    fn whitespace_is_kept_byte_exact() {
        let text = "  two  spaces\tand a tab  ";

        let fragments = split(text, None, true);

        assert_eq!(texts(&fragments), text);
        assert_eq!(fragments.len(), 1);
    }

    #[test]
    fn empty_text_has_no_fragments() {
        assert!(split("", Some("25:0-4"), true).is_empty());
    }

    #[test]
    fn emote_id_with_odd_characters_is_dropped() {
        let fragments = split("Kappa", Some("x?y=z:0-4"), false);

        assert!(emote_spans(&fragments).is_empty());
    }
}
