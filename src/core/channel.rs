//! Channel names: the one place where a name that came from a page or a config file becomes a
//! login that is safe to put into a JOIN or PART line.

use std::fmt;

use serde::Serialize;

use super::error::ChatError;

/// Twitch logins are at most 25 characters long.
pub const MAX_CHANNEL_LEN: usize = 25;

/// A validated channel login: lowercase ASCII letters, digits and underscores, 1 to 25 of them.
///
/// Nothing else can be built, so a value of this type can never smuggle a space, a comma, CR or
/// LF into an IRC command.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ChannelName(String);

impl ChannelName {
    /// Normalizes (leading `#` stripped, ASCII lowercased) and validates a channel name.
    pub fn parse(raw: &str) -> Result<ChannelName, ChatError> {
        let name = raw.strip_prefix('#').unwrap_or(raw);

        let bad_char = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'));
        let problem = if name.is_empty() {
            Some("it is empty".to_string())
        } else if name.chars().count() > MAX_CHANNEL_LEN {
            Some(format!("it is longer than {MAX_CHANNEL_LEN} characters"))
        } else {
            bad_char
                .map(|bad| format!("it contains {bad:?}; only letters, digits and '_' are allowed"))
        };

        match problem {
            Some(reason) => Err(ChatError::InvalidChannel {
                name: printable(raw),
                reason,
            }),
            None => Ok(ChannelName(name.to_ascii_lowercase())),
        }
    }

    /// The login, without `#`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ChannelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shortens a rejected name and escapes control characters, so an error message stays one
/// readable line whatever the page sent.
fn printable(raw: &str) -> String {
    let mut shown: String = raw.chars().take(40).flat_map(char::escape_debug).collect();
    if raw.chars().count() > 40 {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_hash_and_case() {
        let name = ChannelName::parse("#Some_Channel42");

        assert_eq!(name.ok().map(|n| n.0), Some("some_channel42".to_string()));
    }

    #[test]
    fn rejects_names_that_could_inject_irc() {
        let hostile = [
            "",
            "#",
            "a b",
            "a,b",
            "a\r\nPRIVMSG #x :hi",
            "nul\0",
            "ünicode",
            "##double",
            "abcdefghijklmnopqrstuvwxyz",
        ];

        for raw in hostile {
            let result = ChannelName::parse(raw);

            assert!(
                matches!(result, Err(ChatError::InvalidChannel { .. })),
                "{raw:?} was accepted"
            );
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let Err(error) = ChannelName::parse("abcdefghijklmnopqrstuvwxé") else {
            panic!("accepted a non-ASCII name");
        };

        assert!(error.to_string().contains("'é'"), "{error}");
    }

    #[test]
    fn error_message_escapes_control_characters() {
        let Err(error) = ChannelName::parse("bad\r\nname") else {
            panic!("accepted a name with CRLF");
        };

        let message = error.to_string();

        assert!(
            !message.contains('\n') && !message.contains('\r'),
            "{message}"
        );
    }
}
