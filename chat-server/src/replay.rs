//! Replayed chat: reading a corpus of recorded lines, and pointing each line at the channel it
//! is replayed into.

use std::io;
use std::path::Path;

use base64::Engine;

/// Reads a corpus of raw IRC lines, one per line of the file, without their CRLF.
///
/// A line that starts with `{` is a JSON object (a `.jsonl` corpus): its line is the bytes of
/// base64 `raw_bytes_b64` when present (for lines that are not valid UTF-8), else the string
/// `raw`. Any other non-empty line is taken as the raw IRC line itself.
///
/// # Errors
/// Reading the file fails, or a JSON line is malformed or has neither field; the error names
/// the line.
pub fn load_replay_file(path: &Path) -> io::Result<Vec<Vec<u8>>> {
    let contents = std::fs::read(path)?;
    let mut lines = Vec::new();

    for (index, line) in contents.split(|&b| b == b'\n').enumerate() {
        let line = trim_line_end(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if line.first() == Some(&b'{') {
            let raw = corpus_entry(line).map_err(|reason| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}:{}: {reason}", path.display(), index + 1),
                )
            })?;
            lines.push(trim_line_end(&raw).to_vec());
        } else {
            lines.push(line.to_vec());
        }
    }
    Ok(lines)
}

/// The raw line of one JSON corpus entry.
fn corpus_entry(json: &[u8]) -> Result<Vec<u8>, String> {
    let entry: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| format!("not a JSON object ({e}); expected {{\"raw\": \"...\"}}"))?;

    if let Some(encoded) = entry.get("raw_bytes_b64").and_then(|v| v.as_str()) {
        return base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| format!("raw_bytes_b64 is not valid base64 ({e})"));
    }
    match entry.get("raw").and_then(|v| v.as_str()) {
        Some(raw) => Ok(raw.as_bytes().to_vec()),
        None => Err("the entry has neither a \"raw\" string nor \"raw_bytes_b64\"".to_owned()),
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|&b| b != b'\r' && b != b'\n')
        .map_or(0, |last| last + 1);
    &line[..end]
}

/// `line` as it would read in `channel` (normalized): its channel parameter (the first
/// parameter after the command, when it starts with `#`) becomes `#channel`, and a non-empty
/// `room-id` tag becomes the channel's room id. Anything else is left byte for byte, invalid
/// UTF-8 included.
pub(crate) fn retarget_line(line: &[u8], channel: &str, room_id: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + channel.len());
    let mut rest = line;

    if line.first() == Some(&b'@') {
        let tags_end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
        push_retargeted_tags(&mut out, &line[..tags_end], room_id);
        rest = &line[tags_end..];
    }

    let Some((_, command_end)) = crate::wire::command_span(rest) else {
        out.extend_from_slice(rest);
        return out;
    };
    let mut param_start = command_end;
    while rest.get(param_start) == Some(&b' ') {
        param_start += 1;
    }
    if rest.get(param_start) != Some(&b'#') {
        out.extend_from_slice(rest);
        return out;
    }
    let param_end = rest[param_start..]
        .iter()
        .position(|&b| b == b' ')
        .map_or(rest.len(), |len| param_start + len);

    out.extend_from_slice(&rest[..param_start]);
    out.push(b'#');
    out.extend_from_slice(channel.as_bytes());
    out.extend_from_slice(&rest[param_end..]);
    out
}

/// Copies the tag section, swapping the value of a non-empty `room-id` tag.
fn push_retargeted_tags(out: &mut Vec<u8>, tags: &[u8], room_id: u64) {
    for (n, tag) in tags.split(|&b| b == b';').enumerate() {
        if n > 0 {
            out.push(b';');
        }
        let is_room_id = tag
            .strip_prefix(b"@")
            .unwrap_or(tag)
            .starts_with(b"room-id=")
            && !tag.ends_with(b"=");
        if is_room_id {
            let key_end = tag
                .iter()
                .position(|&b| b == b'=')
                .map_or(tag.len(), |i| i + 1);
            out.extend_from_slice(&tag[..key_end]);
            crate::wire::push_decimal(out, room_id);
        } else {
            out.extend_from_slice(tag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retargets_channel_and_room_id() {
        let line =
            b"@badge-info=;room-id=22484632;id=x :a!a@a.tmi.twitch.tv PRIVMSG #forsen :hi #forsen";

        let out = retarget_line(line, "demo", 123);

        assert_eq!(
            out,
            b"@badge-info=;room-id=123;id=x :a!a@a.tmi.twitch.tv PRIVMSG #demo :hi #forsen"
                .to_vec()
        );
    }

    #[test]
    fn leaves_lines_without_channel_and_empty_room_ids_alone() {
        let clearmsg = b"@login=a;room-id=;target-msg-id=x :tmi.twitch.tv CLEARMSG #xqc :bye";

        assert_eq!(
            retarget_line(b"PING :tmi.twitch.tv", "demo", 1),
            b"PING :tmi.twitch.tv"
        );
        assert_eq!(retarget_line(b"@room-id=5", "demo", 1), b"@room-id=1");
        assert_eq!(
            retarget_line(clearmsg, "demo", 1),
            b"@login=a;room-id=;target-msg-id=x :tmi.twitch.tv CLEARMSG #demo :bye".to_vec()
        );
        assert_eq!(retarget_line(b"", "demo", 1), b"");
    }

    #[test]
    fn keeps_invalid_utf8_bytes() {
        let line = b":a!a@a PRIVMSG #x :\xff\xfe broken";

        assert_eq!(
            retarget_line(line, "y", 1),
            b":a!a@a PRIVMSG #y :\xff\xfe broken".to_vec()
        );
    }

    #[test]
    fn loads_jsonl_and_plain_corpora() -> io::Result<()> {
        let path = std::env::temp_dir().join(format!("chat-corpus-{}.jsonl", std::process::id()));
        let corpus = concat!(
            "{\"raw\": \"PING :a\", \"note\": 1}\r\n",
            "\n",
            "{\"raw\": \"ignored\", \"raw_bytes_b64\": \"/w0K\"}\n",
            ":x PRIVMSG #c :plain\r\n",
        );
        std::fs::write(&path, corpus)?;

        let lines = load_replay_file(&path);
        std::fs::remove_file(&path)?;

        assert_eq!(
            lines?,
            vec![
                b"PING :a".to_vec(),
                vec![0xff],
                b":x PRIVMSG #c :plain".to_vec()
            ]
        );
        Ok(())
    }

    #[test]
    fn malformed_corpus_lines_name_their_line() -> io::Result<()> {
        let path =
            std::env::temp_dir().join(format!("chat-corpus-bad-{}.jsonl", std::process::id()));
        std::fs::write(&path, "PING :a\n{\"other\": 1}\n")?;

        let result = load_replay_file(&path);
        std::fs::remove_file(&path)?;

        let error = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains(":2: "), "{error}");
        Ok(())
    }
}
