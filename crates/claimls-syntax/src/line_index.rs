//! Byte offsets ↔ lines and columns.
//!
//! The engine speaks byte offsets (tree-sitter does); people and editors speak lines and columns. Lines
//! end at `\n`, `\r\n` or a lone `\r`, as in LSP. Columns come in three measures: UTF-8 bytes
//! (tree-sitter), chars (what `claimls check` prints, 1-based) and UTF-16 code units (LSP's default).

/// A position in the text: 0-based line and the column in each measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// 0-based line.
    pub line: usize,
    /// Column in UTF-8 bytes from the start of the line.
    pub byte: usize,
    /// Column in chars (Unicode scalar values).
    pub char: usize,
    /// Column in UTF-16 code units.
    pub utf16: usize,
}

/// The line starts of one text. Build it once per text version; every query takes the same text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
    /// The lines holding a non-ASCII byte, in order (most texts have none). On every other line a
    /// column is the same in bytes, chars and UTF-16 units, so [`LineIndex::position`] does not count
    /// it char by char: an 837P is often one line of megabytes, and counting from its start for each
    /// finding made `check` quadratic in claims.
    wide: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        // `memchr2` finds the line breaks a word at a time: `check` indexes every claim it reports on.
        let mut breaks = memchr::memchr2_iter(b'\n', b'\r', bytes).peekable();
        while let Some(i) = breaks.next() {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                breaks.next();
                starts.push(i + 2);
            } else {
                starts.push(i + 1);
            }
        }
        let wide = if text.is_ascii() {
            Vec::new()
        } else {
            let ends = starts.iter().skip(1).copied().chain([text.len()]);
            starts
                .iter()
                .zip(ends)
                .enumerate()
                .filter(|(_, (start, end))| !bytes[**start..*end].is_ascii())
                .map(|(line, _)| line)
                .collect()
        };
        LineIndex {
            starts,
            wide,
            len: text.len(),
        }
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        // `starts[0] == 0`, so the partition point is at least 1.
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte offset where `line` starts, or `None` past the last line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// The text of `line` without its line terminator (empty past the last line).
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let raw = text.get(start..end.min(text.len())).unwrap_or("");
        raw.strip_suffix("\r\n")
            .or_else(|| raw.strip_suffix('\n'))
            .or_else(|| raw.strip_suffix('\r'))
            .unwrap_or(raw)
    }

    /// Where `offset` is, in every measure. An offset inside a multi-byte char counts as that char's
    /// start; an offset past the end is the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(self.len).min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line].min(offset);
        let before = text.get(start..offset).unwrap_or("");
        if self.wide.binary_search(&line).is_err() {
            let n = before.len();
            return Position {
                line,
                byte: n,
                char: n,
                utf16: n,
            };
        }
        Position {
            line,
            byte: before.len(),
            char: before.chars().count(),
            utf16: before.chars().map(char::len_utf16).sum(),
        }
    }

    /// The byte offset of a (line, UTF-16 column) position, as LSP sends it. A column past the end of
    /// the line is the end of the line; a line past the end is the end of the text; a column inside a
    /// surrogate pair is that char's start.
    pub fn offset_utf16(&self, text: &str, line: usize, column: usize) -> usize {
        self.offset_by(text, line, column, char::len_utf16)
    }

    /// The byte offset of a (line, char column) position.
    pub fn offset_char(&self, text: &str, line: usize, column: usize) -> usize {
        self.offset_by(text, line, column, |_| 1)
    }

    fn offset_by(&self, text: &str, line: usize, column: usize, width: fn(char) -> usize) -> usize {
        let Some(start) = self.line_start(line) else {
            return self.len;
        };
        let line_text = self.line_text(text, line);
        let mut seen = 0;
        for (i, c) in line_text.char_indices() {
            let w = width(c);
            if seen + w > column {
                return start + i;
            }
            seen += w;
        }
        start + line_text.len()
    }
}

/// The largest char boundary at or before `offset`.
/// `offset`, moved back to the start of the char it falls inside (`text.len()` and below).
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\nb\r\nc\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_text(text, 0), "a");
        assert_eq!(idx.line_text(text, 1), "b");
        assert_eq!(idx.line_text(text, 2), "c");
        assert_eq!(idx.line_text(text, 3), "d");
        assert_eq!(idx.line_text(text, 4), "");
        assert_eq!(idx.line_of(text.find('d').unwrap()), 3);
        // The `\r` of `\r\n` belongs to line 1, not to a line of its own.
        assert_eq!(idx.line_of(3), 1);
        assert_eq!(idx.line_of(4), 1);
    }

    #[test]
    fn trailing_newline_makes_an_empty_last_line() {
        let idx = LineIndex::new("claim A\n");
        assert_eq!(idx.line_count(), 2);
        let idx = LineIndex::new("claim A");
        assert_eq!(idx.line_count(), 1);
        assert_eq!(LineIndex::new("").line_count(), 1);
    }

    #[test]
    fn columns_in_bytes_chars_and_utf16() {
        let text = "note \"a😀é\" x\r\nline";
        let idx = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        let p = idx.position(text, x);
        assert_eq!(p.line, 0);
        assert_eq!(p.byte, 15); // `note "a` 7 + 4 + 2 + `" ` 2
        assert_eq!(p.char, 11);
        assert_eq!(p.utf16, 12);
        assert_eq!(idx.offset_utf16(text, 0, 12), x);
        assert_eq!(idx.offset_char(text, 0, 11), x);
        // Inside the surrogate pair: the emoji's start.
        let emoji = text.find('😀').unwrap();
        assert_eq!(idx.offset_utf16(text, 0, 8), emoji);
        assert_eq!(idx.offset_utf16(text, 0, 7), emoji);
        // Past the end of the line: the end of the line, before `\r\n`.
        assert_eq!(idx.offset_utf16(text, 0, 99), text.find('\r').unwrap());
        assert_eq!(idx.offset_utf16(text, 9, 0), text.len());
        let l = idx.position(text, text.len());
        assert_eq!((l.line, l.char), (1, 4));
    }

    #[test]
    fn offsets_inside_a_char_or_past_the_end_are_clamped() {
        let text = "é\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 1).char, 0);
        assert_eq!(idx.position(text, 100).line, 1);
    }

    #[test]
    fn columns_on_ascii_lines_next_to_lines_that_are_not() {
        // Line 0 and 2 are ASCII (columns counted without reading the line); line 1 is not.
        let text = "claim A\n  note \"Ünal 😀\" pos 11\r\n  pos 11\rend";
        let idx = LineIndex::new(text);
        for offset in 0..=text.len() {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let p = idx.position(text, offset);
            let start = idx.line_start(p.line).unwrap();
            let before = &text[start..offset];
            assert_eq!(p.byte, before.len(), "at {offset}");
            assert_eq!(p.char, before.chars().count(), "at {offset}");
            assert_eq!(
                p.utf16,
                before.chars().map(char::len_utf16).sum::<usize>(),
                "at {offset}"
            );
        }
        let pos = text.rfind("pos").unwrap();
        assert_eq!(idx.position(text, pos).line, 2);
        assert_eq!(idx.position(text, pos).char, 2);
        let on_wide = text.find("pos").unwrap();
        assert_eq!(idx.position(text, on_wide).char, 16);
        assert_eq!(idx.position(text, on_wide).utf16, 17);
    }
}
