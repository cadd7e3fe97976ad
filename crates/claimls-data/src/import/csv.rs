//! A small CSV reader for the CMS files: quoted fields (with embedded commas, quotes and newlines),
//! CRLF or LF, and the line number each record starts on (for error messages).

/// One CSV record: its fields and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

impl Record {
    /// The field at `i`, trimmed; empty when the row is shorter.
    pub fn get(&self, i: usize) -> &str {
        self.fields.get(i).map(|f| f.trim()).unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Split text into records. An unterminated quote is reported as the line it opened on.
pub fn records(text: &str) -> Result<Vec<Record>, usize> {
    let mut out = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut quote_line = 1usize;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                in_quotes = true;
                quote_line = line;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push(Record {
                    line: record_line,
                    fields: std::mem::take(&mut fields),
                });
                line += 1;
                record_line = line;
                any = false;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(quote_line);
    }
    if any {
        fields.push(field);
        out.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_lines() {
        let r = records("a,\"b, c\",\"x\"\"y\"\r\n\"multi\nline\",2\n3").expect("valid csv");
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].fields, vec!["a", "b, c", "x\"y"]);
        assert_eq!(r[1].line, 2);
        assert_eq!(r[1].fields, vec!["multi\nline", "2"]);
        assert_eq!(r[2].line, 4);
    }

    #[test]
    fn unterminated_quote_names_its_line() {
        assert_eq!(records("a\n\"b,c\nd"), Err(2));
    }
}
