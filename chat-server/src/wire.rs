//! The IRC wire format as this server needs it: reading the commands a client sends,
//! escaping IRCv3 tag values, and writing numbers into lines without allocating.

/// One command line from a client, split into its command and parameters.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ClientCommand<'a> {
    /// The command word in upper case (`NICK`, `JOIN`, ...), so matching ignores case.
    pub command: String,
    /// The parameters; a trailing parameter (after ` :`) is the last one, spaces included.
    pub params: Vec<&'a str>,
}

/// Splits one line (without CRLF) into command and parameters, skipping client tags and a
/// prefix. `None` for a line with no command.
pub(crate) fn parse_client_line(line: &str) -> Option<ClientCommand<'_>> {
    let mut rest = line.trim_start_matches(' ');
    if rest.starts_with('@') {
        rest = rest.split_once(' ').map_or("", |(_, after)| after);
        rest = rest.trim_start_matches(' ');
    }
    if rest.starts_with(':') {
        rest = rest.split_once(' ').map_or("", |(_, after)| after);
        rest = rest.trim_start_matches(' ');
    }

    let (command, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    if command.is_empty() {
        return None;
    }

    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() {
            break;
        }
        if let Some(trailing) = rest.strip_prefix(':') {
            params.push(trailing);
            break;
        }
        let (param, after) = rest.split_once(' ').unwrap_or((rest, ""));
        params.push(param);
        rest = after;
    }

    Some(ClientCommand {
        command: command.to_ascii_uppercase(),
        params,
    })
}

/// `value` escaped by the IRCv3 rules for tag values.
pub(crate) fn escape_tag_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for ch in value.chars() {
        match ch {
            ';' => out.push_str("\\:"),
            ' ' => out.push_str("\\s"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// Appends `n` in decimal. Hot path of the flood feed, hence no `write!`.
pub(crate) fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// How many bytes `push_decimal` writes for `n`.
pub(crate) fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// Appends the low 48 bits of `n` as exactly 12 lower-case hex digits.
pub(crate) fn push_hex12(out: &mut Vec<u8>, n: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..12).rev() {
        out.push(HEX[((n >> (shift * 4)) & 0xf) as usize]);
    }
}

/// Whether a raw line is a chat message (its command is `PRIVMSG`), for counting chat lines
/// whatever their source.
pub(crate) fn is_privmsg(line: &[u8]) -> bool {
    command_span(line).is_some_and(|(start, end)| &line[start..end] == b"PRIVMSG")
}

/// Byte range of the command word of a raw server line (after tags and prefix).
pub(crate) fn command_span(line: &[u8]) -> Option<(usize, usize)> {
    let mut at = line.iter().position(|&b| b != b' ')?;
    for marker in [b'@', b':'] {
        if line.get(at) == Some(&marker) {
            at += line[at..].iter().position(|&b| b == b' ')? + 1;
            while line.get(at) == Some(&b' ') {
                at += 1;
            }
        }
    }
    let end = at
        + line[at..]
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(line.len() - at);
    (end > at).then_some((at, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_with_trailing_parameter() {
        let parsed = parse_client_line("CAP REQ :twitch.tv/tags twitch.tv/commands");

        assert_eq!(
            parsed,
            Some(ClientCommand {
                command: "CAP".to_owned(),
                params: vec!["REQ", "twitch.tv/tags twitch.tv/commands"],
            })
        );
    }

    #[test]
    fn skips_client_tags_and_prefix() {
        let parsed = parse_client_line("@client-nonce=abc :me!me@me PRIVMSG #forsen :hi there");

        assert_eq!(
            parsed,
            Some(ClientCommand {
                command: "PRIVMSG".to_owned(),
                params: vec!["#forsen", "hi there"],
            })
        );
    }

    #[test]
    fn lower_case_commands_and_empty_lines() {
        let join = parse_client_line("join #a,#b");

        assert_eq!(
            join.map(|c| (c.command, c.params)),
            Some(("JOIN".to_owned(), vec!["#a,#b"]))
        );
        assert_eq!(parse_client_line(""), None);
        assert_eq!(parse_client_line("@only-tags"), None);
        assert_eq!(parse_client_line(":prefix"), None);
    }

    #[test]
    fn escapes_tag_values() {
        assert_eq!(escape_tag_value("a b;c\\d\r\ne"), "a\\sb\\:c\\\\d\\r\\ne");
    }

    #[test]
    fn writes_numbers() {
        let mut out = Vec::new();

        push_decimal(&mut out, 0);
        out.push(b' ');
        push_decimal(&mut out, 1_700_000_000_123);
        out.push(b' ');
        push_hex12(&mut out, 0x2a);

        assert_eq!(out, b"0 1700000000123 00000000002a");
        assert_eq!(decimal_len(0), 1);
        assert_eq!(decimal_len(10), 2);
        assert_eq!(decimal_len(999), 3);
    }

    #[test]
    fn finds_the_command_of_server_lines() {
        assert!(is_privmsg(b"@id=1;x=y :a!a@a.tmi.twitch.tv PRIVMSG #c :hi"));
        assert!(is_privmsg(b":a!a@a PRIVMSG #c :hi"));
        assert!(!is_privmsg(
            b"@x=PRIVMSG :tmi.twitch.tv USERNOTICE #c :PRIVMSG"
        ));
        assert!(!is_privmsg(b"PING :tmi.twitch.tv"));
        assert!(!is_privmsg(b"@only-tags"));
        assert!(!is_privmsg(b""));
    }
}
