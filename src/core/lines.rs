//! Splitting the server's byte stream into lines, with a bound on line length.
//!
//! A line is handed on only once its `\n` has arrived: bytes left over when the connection
//! closes are a cut-off line and are counted, never decoded. A line longer than the bound is
//! skipped to its end without being buffered, so a server that never sends `\n` cannot make
//! the relay's memory grow.

/// What the splitter found in a chunk of bytes, besides complete lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SplitCounts {
    /// Lines over the length bound, skipped.
    pub too_long: u64,
}

/// Accumulates bytes and yields complete lines.
#[derive(Debug)]
pub struct LineSplitter {
    /// Bytes of the line that has started but not ended yet.
    partial: Vec<u8>,
    /// Longest accepted line, without its line ending.
    max_len: usize,
    /// True while skipping the rest of an over-long line.
    skipping: bool,
}

impl LineSplitter {
    /// A splitter that accepts lines of at most `max_len` bytes.
    pub fn new(max_len: usize) -> LineSplitter {
        LineSplitter {
            partial: Vec::new(),
            max_len,
            skipping: false,
        }
    }

    /// Feeds a chunk; calls `on_line` for each complete line (without CR/LF), in order.
    /// Empty lines are passed over.
    pub fn feed(&mut self, mut chunk: &[u8], mut on_line: impl FnMut(&[u8])) -> SplitCounts {
        let mut counts = SplitCounts::default();

        while !chunk.is_empty() {
            let Some(end) = chunk.iter().position(|b| *b == b'\n') else {
                self.keep_partial(chunk, &mut counts);
                break;
            };
            let (head, rest) = chunk.split_at(end);
            chunk = rest.get(1..).unwrap_or_default();

            if self.skipping {
                self.skipping = false;
                continue;
            }
            let line = if self.partial.is_empty() {
                trim_cr(head)
            } else if self.partial.len() + head.len() > self.max_len + 1 {
                self.partial.clear();
                counts.too_long += 1;
                continue;
            } else {
                self.partial.extend_from_slice(head);
                trim_cr(&self.partial)
            };
            if line.len() > self.max_len {
                counts.too_long += 1;
            } else if !line.is_empty() {
                on_line(line);
            }
            self.partial.clear();
        }
        counts
    }

    /// Bytes of an unfinished line, discarded by the caller when the connection ends.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }

    /// Forgets an unfinished line (the connection it came from is gone).
    pub fn reset(&mut self) {
        self.partial.clear();
        self.skipping = false;
    }

    fn keep_partial(&mut self, chunk: &[u8], counts: &mut SplitCounts) {
        if self.skipping {
            return;
        }
        if self.partial.len() + chunk.len() > self.max_len + 1 {
            self.partial.clear();
            self.skipping = true;
            counts.too_long += 1;
        } else {
            self.partial.extend_from_slice(chunk);
        }
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(splitter: &mut LineSplitter, chunks: &[&[u8]]) -> (Vec<String>, u64) {
        let mut lines = Vec::new();
        let mut too_long = 0;
        for chunk in chunks {
            let counts = splitter.feed(chunk, |line| {
                lines.push(String::from_utf8_lossy(line).into_owned())
            });
            too_long += counts.too_long;
        }
        (lines, too_long)
    }

    #[test]
    fn joins_lines_split_across_chunks() {
        let mut splitter = LineSplitter::new(100);

        let (lines, _) = split(&mut splitter, &[b"PING :a\r\nPRIV", b"MSG #c :hi\r", b"\n"]);

        assert_eq!(lines, ["PING :a", "PRIVMSG #c :hi"]);
        assert_eq!(splitter.pending(), 0);
    }

    #[test]
    fn keeps_a_cut_off_line_pending_instead_of_emitting_it() {
        let mut splitter = LineSplitter::new(100);

        let (lines, _) = split(&mut splitter, &[b"PING :a\r\n@badges=;color=;display-na"]);

        assert_eq!(lines, ["PING :a"]);
        assert_eq!(splitter.pending(), b"@badges=;color=;display-na".len());
    }

    #[test]
    fn skips_an_over_long_line_without_buffering_it() {
        let mut splitter = LineSplitter::new(8);
        let long = vec![b'x'; 1000];

        let (lines, too_long) = split(&mut splitter, &[b"ok\r\n", &long, &long, b"x\r\nnext\r\n"]);

        assert_eq!(lines, ["ok", "next"]);
        assert_eq!(too_long, 1);
        assert!(splitter.partial.capacity() < 64);
    }

    #[test]
    fn counts_an_over_long_line_that_arrives_in_one_chunk() {
        let mut splitter = LineSplitter::new(4);

        let (lines, too_long) = split(&mut splitter, &[b"abcdefgh\r\nabcd\r\n"]);

        assert_eq!(lines, ["abcd"]);
        assert_eq!(too_long, 1);
    }
}
