//! The channel scope a capability can put on `track`: which channels a window may track.
//!
//! ```json
//! { "identifier": "twitch-chat:allow-track",
//!   "allow": [{ "channel": "my_channel" }, { "channel": "team_*" }],
//!   "deny": [{ "channel": "team_secret" }] }
//! ```
//!
//! With no allow entry any valid channel may be tracked; a deny entry always wins.

use serde::Deserialize;

use crate::core::ChannelName;

/// One entry of the scope: a channel login pattern where `*` stands for any run of
/// characters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelScope {
    /// The pattern, e.g. `my_channel` or `team_*`; matched against the normalized login.
    pub channel: String,
}

impl ChannelScope {
    fn matches(&self, channel: &ChannelName) -> bool {
        let pattern = self.channel.trim_start_matches('#').to_ascii_lowercase();
        wildcard_match(&pattern, channel.as_str())
    }
}

/// Whether the scope lets `channel` be tracked.
pub(crate) fn allows<'a>(
    allow: impl IntoIterator<Item = &'a ChannelScope>,
    deny: impl IntoIterator<Item = &'a ChannelScope>,
    channel: &ChannelName,
) -> bool {
    if deny.into_iter().any(|entry| entry.matches(channel)) {
        return false;
    }
    let mut allow = allow.into_iter().peekable();
    allow.peek().is_none() || allow.any(|entry| entry.matches(channel))
}

/// Matches `text` against `pattern`, where `*` matches any run of characters (also none).
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(pattern: &str) -> ChannelScope {
        ChannelScope {
            channel: pattern.to_string(),
        }
    }

    fn name(raw: &str) -> ChannelName {
        match ChannelName::parse(raw) {
            Ok(name) => name,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn wildcards_match_runs_of_characters() {
        let cases = [
            ("team_*", "team_red", true),
            ("team_*", "team_", true),
            ("team_*", "teamred", false),
            ("*_fan", "big_fan", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "acb", false),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("*", "anything", true),
        ];

        for (pattern, text, expected) in cases {
            assert_eq!(
                wildcard_match(pattern, text),
                expected,
                "{pattern} ~ {text}"
            );
        }
    }

    #[test]
    fn deny_wins_over_allow() {
        let allow = [entry("team_*")];
        let deny = [entry("team_secret")];

        assert!(allows(&allow, &deny, &name("team_red")));
        assert!(!allows(&allow, &deny, &name("team_secret")));
        assert!(!allows(&allow, &deny, &name("other")));
    }

    #[test]
    fn empty_allow_list_allows_every_channel() {
        let none: [ChannelScope; 0] = [];

        assert!(allows(&none, &none, &name("anyone")));
        assert!(!allows(&none, &[entry("#Any*")], &name("anyone")));
    }
}
