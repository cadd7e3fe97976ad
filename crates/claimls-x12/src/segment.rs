//! The X12 segment reader: separators from the ISA segment, then segments with their number and line.
//!
//! Tolerant by design: line breaks between segments (or inside none), a component separator that
//! differs from the one ISA16 declares, trailing whitespace — all are read; what cannot be read at all
//! (no ISA, an ISA too short to give the separators) is one [`ReadError`] that says what was expected.

use claimls_model::Span;

/// The separators an interchange declares in its ISA segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// ISA's fourth character, usually `*`.
    pub element: char,
    /// ISA16, usually `:`.
    pub component: char,
    /// ISA11 in 005010, usually `^`.
    pub repetition: char,
    /// The character after ISA16, usually `~`.
    pub segment: char,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            element: '*',
            component: ':',
            repetition: '^',
            segment: '~',
        }
    }
}

/// One segment: its id, its elements (element 1 is `elements[0]`), where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// `ISA`, `CLM`, `SV1`…
    pub id: String,
    pub elements: Vec<String>,
    /// 1-based position in the file (ISA is segment 1).
    pub number: usize,
    /// 1-based line of the segment's first character.
    pub line: usize,
    /// Byte range of the segment in the file, without its terminator.
    pub span: Span,
}

impl Segment {
    /// Element `n` (1-based, as the implementation guide numbers them: `CLM02` is `element(2)`), or "".
    pub fn element(&self, n: usize) -> &str {
        n.checked_sub(1)
            .and_then(|i| self.elements.get(i))
            .map_or("", String::as_str)
    }

    /// Element `n` split at the component separator (`HC:J2350:JZ` → `["HC", "J2350", "JZ"]`).
    pub fn components(&self, n: usize, separators: &Separators) -> Vec<&str> {
        let value = self.element(n);
        if value.is_empty() {
            return Vec::new();
        }
        value.split(separators.component).collect()
    }
}

/// The segments of one file.
#[derive(Debug, Clone)]
pub struct Segments {
    pub separators: Separators,
    pub segments: Vec<Segment>,
}

/// Why a file could not be read as X12 at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("segment {segment} (line {line}): {message}")]
pub struct ReadError {
    pub segment: usize,
    pub line: usize,
    pub span: Span,
    pub message: String,
}

/// Whether a text looks like an X12 interchange: it starts (after whitespace) with `ISA` and a separator.
pub fn looks_like_x12(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let mut chars = t.chars();
    chars.next() == Some('I')
        && chars.next() == Some('S')
        && chars.next() == Some('A')
        && chars
            .next()
            .is_some_and(|c| !c.is_ascii_alphanumeric() && !c.is_whitespace())
}

/// Read the segments of an interchange. The separators come from ISA: the element separator is the
/// character after `ISA`, the component separator ISA16, the segment terminator the character after it.
pub fn read(text: &str) -> Result<Segments, ReadError> {
    let start = text.len() - text.trim_start_matches('\u{feff}').trim_start().len();
    let body = &text[start..];
    let at_start = |message: String| ReadError {
        segment: 1,
        line: line_of(text, start),
        span: Span::new(start, (start + 3).min(text.len())),
        message,
    };
    if !looks_like_x12(body) {
        return Err(at_start(
            "expected an ISA segment (`ISA*00*…`) at the start of an X12 interchange".to_string(),
        ));
    }
    let separators = isa_separators(body).ok_or_else(|| {
        at_start(
            "the ISA segment is too short: it needs 16 elements, the last (ISA16) the component separator followed by the segment terminator (`…*:~`)"
                .to_string(),
        )
    })?;
    let mut segments = Vec::new();
    let mut offset = start;
    // The line of each segment, counted on from the previous one's (counting from the start of the
    // text for every segment made reading quadratic: 10,800 claims took six minutes).
    let mut counted = (0, 1);
    let mut line_at = |at: usize| {
        let (from, line) = counted;
        let line = line
            + text.as_bytes()[from..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
        counted = (at, line);
        line
    };
    for raw in body.split(separators.segment) {
        let raw_start = offset;
        offset += raw.len() + separators.segment.len_utf8();
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let seg_start = raw_start + lead;
        let mut parts = trimmed.split(separators.element);
        let id = parts.next().unwrap_or_default().to_string();
        let elements = parts.map(str::to_string).collect();
        segments.push(Segment {
            id,
            elements,
            number: segments.len() + 1,
            line: line_at(seg_start),
            span: Span::new(seg_start, seg_start + trimmed.len()),
        });
    }
    Ok(Segments {
        separators,
        segments,
    })
}

/// The separators of a text starting with `ISA`: fixed positions when the ISA is the standard 106
/// characters, else by counting elements (a hand-edited ISA with unpadded fields).
fn isa_separators(body: &str) -> Option<Separators> {
    let chars: Vec<char> = body.chars().take(200).collect();
    let element = *chars.get(3)?;
    let mut seen = 0;
    let mut i = 3;
    while i < chars.len() {
        if chars[i] == element {
            seen += 1;
            if seen == 16 {
                let component = *chars.get(i + 1)?;
                let segment = *chars.get(i + 2)?;
                if segment.is_ascii_alphanumeric() || segment == element {
                    return None;
                }
                let repetition = isa11(&chars, element).unwrap_or('^');
                return Some(Separators {
                    element,
                    component,
                    repetition,
                    segment,
                });
            }
        }
        i += 1;
    }
    None
}

fn isa11(chars: &[char], element: char) -> Option<char> {
    let text: String = chars.iter().collect();
    let value = text.split(element).nth(11)?;
    let mut it = value.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *231106*1411*^*00501*000000001*0*T*:~";

    #[test]
    fn separators_from_isa() {
        let s = read(&format!("{ISA}\nGS*HC*A*B~\n")).unwrap();
        assert_eq!(s.separators, Separators::default());
        assert_eq!(s.segments.len(), 2);
        assert_eq!(s.segments[1].id, "GS");
        assert_eq!(s.segments[1].number, 2);
        assert_eq!(s.segments[1].line, 2);
        assert_eq!(s.segments[1].element(2), "A");
    }

    #[test]
    fn unpadded_isa_is_read() {
        let s = read("ISA*00**00**ZZ*S*ZZ*R*231106*1411*^*00501*1*0*T*>|SV1*HC>J2350*1|").unwrap();
        assert_eq!(s.separators.component, '>');
        assert_eq!(s.separators.segment, '|');
        assert_eq!(s.segments[1].components(1, &s.separators), ["HC", "J2350"]);
    }

    #[test]
    fn not_x12_says_what_was_expected() {
        let e = read("claim C-1\n").unwrap_err();
        assert_eq!(e.segment, 1);
        assert!(
            e.message.contains("expected an ISA segment"),
            "{}",
            e.message
        );
        let e = read("ISA*00*  *00").unwrap_err();
        assert!(e.message.contains("16 elements"), "{}", e.message);
    }
}
