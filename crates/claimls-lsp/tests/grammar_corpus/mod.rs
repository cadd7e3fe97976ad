//! The grammar's corpus tests as inputs for the LSP's tests (`mod grammar_corpus;`).

/// The inputs of every grammar corpus test (the text between the `===` header and the `---`).
pub fn corpus_inputs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        if !l.starts_with("===") {
            continue;
        }
        // The title, then the closing `===` line.
        lines.next();
        lines.next();
        let mut input = String::new();
        for l in lines.by_ref() {
            if l == "---" {
                break;
            }
            input.push_str(l);
            input.push('\n');
        }
        out.push(input);
    }
    out
}
