//! Cutting a `.claim` text into claims: a claim runs from its `claim` line to the next one. Rules judge
//! one claim at a time, so each piece can be parsed, lowered and checked on its own (the LSP re-checks
//! only the claim an edit touched; `claimls check` streams a file claim by claim, in parallel).
//!
//! [`Batches`] reads a file in pieces that end at claim boundaries, so a file far larger than memory
//! is checked a few megabytes at a time.

use std::io::Read;
use std::ops::Range;

/// Whether a line opens a claim (`claim` as its first word).
pub fn opens_claim(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.strip_prefix("claim")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '#']))
}

/// Byte ranges of the claims of a text, and of the text before the first claim when it is not empty.
/// Together they cover the text.
pub fn claim_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    // Only a line whose first word is `claim` opens one: a `claim` after a newline and blanks. The
    // search jumps from one `claim` to the next (memchr) instead of reading every line.
    for at in memchr::memmem::find_iter(bytes, b"claim") {
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |i| i + 1);
        if line_start == 0 || bytes[line_start - 1] != b'\n' || line_start == start {
            continue;
        }
        if opens_claim_bytes(&bytes[at..]) {
            out.push(start..line_start);
            start = line_start;
        }
    }
    if start < text.len() || text.is_empty() {
        out.push(start..text.len());
    }
    out
}

/// The end of the line starting at `start` (after its `\n`, or the end of the text).
fn line_end(text: &str, start: usize) -> usize {
    text[start..]
        .find('\n')
        .map(|i| start + i + 1)
        .unwrap_or(text.len())
}

/// The range of [`claim_ranges`] that holds byte `offset`, found by scanning outwards from it (so
/// its cost is the claim's size, not the document's).
pub fn claim_range_at(text: &str, offset: usize) -> Range<usize> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let mut line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let start = loop {
        if opens_claim(&text[line_start..line_end(text, line_start)]) || line_start == 0 {
            break line_start;
        }
        line_start = text[..line_start - 1]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0);
    };
    let mut pos = line_end(text, offset);
    let end = loop {
        if pos >= text.len() {
            break text.len();
        }
        let next = line_end(text, pos);
        if opens_claim(&text[pos..next]) {
            break pos;
        }
        pos = next;
    };
    start..end
}

/// One piece of a file read by [`Batches`]: whole claims, where they are in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub text: String,
    /// Byte offset of the piece in the file.
    pub offset: usize,
    /// 0-based line the piece starts on.
    pub line: usize,
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum BatchError {
    Io(std::io::Error),
    /// Not UTF-8: the byte offset of the first bad byte and its 0-based line.
    NotUtf8 {
        offset: usize,
        line: usize,
    },
}

/// A reader's text in pieces of about `size` bytes that each end where a claim starts (or at the end):
/// the pieces' [`claim_ranges`] are the whole text's. A claim longer than `size` is one piece.
pub struct Batches<R> {
    reader: R,
    size: usize,
    buf: Vec<u8>,
    /// How far `buf` has been searched for a claim start (lines before it hold none).
    scanned: usize,
    offset: usize,
    line: usize,
    eof: bool,
}

impl<R: Read> Batches<R> {
    pub fn new(reader: R, size: usize) -> Batches<R> {
        Batches {
            reader,
            size: size.max(1),
            buf: Vec::new(),
            scanned: 0,
            offset: 0,
            line: 0,
            eof: false,
        }
    }

    /// Where the next piece ends: the first complete line at or past `size` bytes that opens a claim.
    fn cut(&mut self) -> Option<usize> {
        // A piece is at least `size` bytes: the lines that start before that are not read.
        let mut at = self.scanned;
        if at < self.size {
            // The first line that starts at or past `size`; none yet: the line that holds byte
            // `size - 1` is not whole (or is the last), and the search starts over with more text.
            let from = self.buf.get(self.size - 1..).unwrap_or_default();
            at = self.size + memchr::memchr(b'\n', from)?;
        }
        while let Some(nl) = memchr::memchr(b'\n', &self.buf[at..]) {
            let end = at + nl + 1;
            if opens_claim_bytes(&self.buf[at..end]) {
                return Some(at);
            }
            at = end;
        }
        // At the end of the text its last line is whole without a `\n`.
        if self.eof && at < self.buf.len() && opens_claim_bytes(&self.buf[at..]) {
            self.scanned = self.buf.len();
            return Some(at);
        }
        // The incomplete last line is searched again once it is whole.
        self.scanned = at;
        None
    }

    fn fill(&mut self) -> std::io::Result<()> {
        // `read_to_end` grows the buffer as the text comes: a small file costs what it holds.
        let limit = self.size.max(64 * 1024) as u64;
        let n = (&mut self.reader).take(limit).read_to_end(&mut self.buf)?;
        if (n as u64) < limit {
            self.eof = true;
        }
        Ok(())
    }

    fn take(&mut self, end: usize) -> Result<Batch, BatchError> {
        let rest = self.buf.split_off(end);
        let bytes = std::mem::replace(&mut self.buf, rest);
        self.scanned = 0;
        let offset = self.offset;
        let line = self.line;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            BatchError::NotUtf8 {
                offset: offset + valid,
                line: line + memchr::memchr_iter(b'\n', &bytes[..valid]).count(),
            }
        })?;
        self.offset += text.len();
        self.line += memchr::memchr_iter(b'\n', text.as_bytes()).count();
        Ok(Batch { text, offset, line })
    }
}

/// [`opens_claim`] on bytes (the line need not be UTF-8).
fn opens_claim_bytes(line: &[u8]) -> bool {
    let start = line
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(line.len());
    let t = &line[start..];
    t.starts_with(b"claim") && matches!(t.get(5), None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'#'))
}

impl<R: Read> Iterator for Batches<R> {
    type Item = Result<Batch, BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(end) = self.cut() {
                return Some(self.take(end));
            }
            if self.eof {
                if self.buf.is_empty() {
                    return None;
                }
                let end = self.buf.len();
                return Some(self.take(end));
            }
            if let Err(e) = self.fill() {
                self.eof = true;
                self.buf.clear();
                return Some(Err(BatchError::Io(e)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, size: usize) -> Vec<Batch> {
        Batches::new(text.as_bytes(), size)
            .map(|b| b.unwrap())
            .collect()
    }

    #[test]
    fn batches_end_where_claims_start_and_cover_the_text() {
        let text = "# head\nclaim A\n  x 1\nclaim B\n  y 2\n  claim C # note\nclaimant\nclaim D";
        for size in [1, 5, 10, 20, 1000] {
            let got = pieces(text, size);
            let joined: String = got.iter().map(|b| b.text.as_str()).collect();
            assert_eq!(joined, text, "size {size}");
            let mut ranges = Vec::new();
            for b in &got {
                assert_eq!(&text[b.offset..b.offset + b.text.len()], b.text);
                assert_eq!(b.line, text[..b.offset].matches('\n').count());
                for r in claim_ranges(&b.text) {
                    ranges.push(r.start + b.offset..r.end + b.offset);
                }
            }
            assert_eq!(ranges, claim_ranges(text), "size {size}");
        }
        assert_eq!(pieces(text, 1).len(), 5, "one piece per claim when small");
    }

    #[test]
    fn not_utf8_names_the_line() {
        let bytes = b"claim A\n  x 1\nclaim B\n  note \xff\n".to_vec();
        let got: Vec<_> = Batches::new(&bytes[..], 4).collect();
        assert!(got[0].is_ok());
        match &got[1] {
            Err(BatchError::NotUtf8 { offset, line }) => {
                assert_eq!((*offset, *line), (29, 3));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ranges_cover_and_split_at_claim_lines() {
        let text = "# a\nclaim A\nx\nclaim B\n";
        assert_eq!(claim_ranges(text), vec![0..4, 4..14, 14..22]);
        assert_eq!(claim_range_at(text, 15), 14..22);
        assert_eq!(claim_ranges(""), vec![0..0]);
    }

    /// Where claims start, found the plain way: every line read, [`opens_claim`] asked of each (the
    /// definition the memchr searches of [`claim_ranges`] and [`Batches`] must agree with).
    fn starts_line_by_line(text: &str) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if offset > 0 && opens_claim(line) {
                starts.push(offset);
            }
            offset += line.len();
        }
        starts
    }

    #[test]
    fn searches_agree_with_reading_every_line() {
        let texts = [
            "",
            "claim",
            "claim A",
            "x\nclaim",
            "x\nclaim\n",
            "  claim A\n\tclaim B\n \t claim#c\nclaim\r\nclaim\tD\n",
            "claimant\nxclaim\n# claim\n  claim: no\nclaims\nclaim  \n",
            "payer é claim\n\u{00e9}claim\n\r\nclaim É\n\n\nclaim",
            "\r\n\r\n  claim X\r\n  dx G35\r\nclaim Y\r\n",
            "claim A\nclaim B\nclaim C\nclaim D\nclaim E",
        ];
        for text in texts {
            let starts = starts_line_by_line(text);
            let mut expected = Vec::new();
            let mut from = 0;
            for &s in &starts {
                expected.push(from..s);
                from = s;
            }
            if from < text.len() || text.is_empty() {
                expected.push(from..text.len());
            }
            assert_eq!(claim_ranges(text), expected, "{text:?}");
            for size in 1..=text.len() + 1 {
                let cuts: Vec<usize> = pieces(text, size)
                    .iter()
                    .skip(1)
                    .map(|b| b.offset)
                    .collect();
                // A piece ends at the first claim start at least `size` bytes past its own start.
                let mut want = Vec::new();
                let mut piece_start = 0;
                for &s in &starts {
                    if s >= piece_start + size {
                        want.push(s);
                        piece_start = s;
                    }
                }
                assert_eq!(cuts, want, "{text:?} in pieces of {size}");
            }
        }
    }
}
