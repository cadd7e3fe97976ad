//! Tests of the claim grammar through the Rust binding: the spec examples, the node contract of
//! NODES.md, line endings, error recovery per line, the queries, and (through the tree-sitter
//! CLI) that the committed `src/` is what `tree-sitter generate` makes and that the corpus passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use tree_sitter::{Node, Parser, Query, Tree};

const MAINTENANCE_INFUSION: &str = include_str!("../test/examples/maintenance-infusion.claim");
const WEIGHT_BASED_WASTE: &str = include_str!("../test/examples/weight-based-waste.claim");

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_claim::LANGUAGE.into())
        .expect("the claim grammar loads");
    parser
        .parse(text, None)
        .expect("a parse without timeout or cancellation")
}

/// Every node of the tree, depth first.
fn nodes(tree: &Tree) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Named nodes of one kind (not the anonymous keyword of the same spelling: `claim`).
fn of_kind<'t>(tree: &'t Tree, kind: &str) -> Vec<Node<'t>> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.is_named() && n.kind() == kind)
        .collect()
}

fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    node.utf8_text(source.as_bytes())
        .expect("node text is UTF-8")
}

fn field_text<'s>(node: Node<'_>, field: &str, source: &'s str) -> Option<&'s str> {
    node.child_by_field_name(field).map(|n| text(n, source))
}

/// ERROR nodes not nested in another ERROR, and MISSING nodes.
fn problems(tree: &Tree) -> Vec<Node<'_>> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.is_missing() || (n.is_error() && !n.parent().is_some_and(|p| p.is_error())))
        .collect()
}

fn assert_clean(source: &str) {
    let tree = parse(source);
    let found = problems(&tree);
    assert!(
        found.is_empty(),
        "unexpected ERROR/MISSING nodes {:?} in\n{}",
        found.iter().map(|n| n.start_position()).collect::<Vec<_>>(),
        tree.root_node().to_sexp()
    );
}

/// The statement kinds in document order (a compact picture of a parse).
fn statement_kinds(tree: &Tree) -> Vec<(usize, String)> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.kind().ends_with("_statement"))
        .map(|n| (n.start_position().row, n.kind().to_string()))
        .collect()
}

#[test]
fn spec_examples_parse_without_errors() {
    assert_clean(MAINTENANCE_INFUSION);
    assert_clean(WEIGHT_BASED_WASTE);
}

#[test]
fn spec_examples_are_verbatim_in_the_corpus() {
    let corpus = include_str!("../test/corpus/examples.txt");
    assert!(corpus.contains(MAINTENANCE_INFUSION));
    assert!(corpus.contains(WEIGHT_BASED_WASTE));
}

#[test]
fn maintenance_example_has_the_contract_fields() {
    let src = MAINTENANCE_INFUSION;
    let tree = parse(src);

    let claims = of_kind(&tree, "claim");
    assert_eq!(claims.len(), 1);
    let claim_statement = of_kind(&tree, "claim_statement")[0];
    assert_eq!(
        field_text(claim_statement, "id", src),
        Some("OCR-2026-0142")
    );

    let dx = of_kind(&tree, "dx_statement")[0];
    assert_eq!(field_text(dx, "letter", src), Some("A"));
    assert_eq!(field_text(dx, "code", src), Some("G35.A"));

    let order = of_kind(&tree, "order_statement")[0];
    assert_eq!(field_text(order, "date", src), Some("2026-11-01"));
    assert_eq!(field_text(order, "status", src), Some("signed"));
    assert_eq!(field_text(order, "signer", src), Some("\"R. Patel, MD\""));

    let admin_blocks = of_kind(&tree, "admin_block");
    assert_eq!(admin_blocks.len(), 1);
    assert_eq!(admin_blocks[0].parent().map(|p| p.kind()), Some("claim"));
    let admin = of_kind(&tree, "admin_statement")[0];
    let drug = admin.child_by_field_name("drug").expect("admin has a drug");
    assert_eq!(drug.kind(), "drug_name");
    assert_eq!(text(drug, src), "ocrelizumab");

    // Every detail statement is a child of the admin_block.
    for kind in [
        "dose_statement",
        "route_statement",
        "start_statement",
        "stop_statement",
        "vial_statement",
        "waste_statement",
        "reaction_statement",
        "premed_statement",
    ] {
        let found = of_kind(&tree, kind);
        assert_eq!(found.len(), 1, "{kind}");
        assert_eq!(
            found[0].parent().map(|p| p.kind()),
            Some("admin_block"),
            "{kind}"
        );
    }

    let vial = of_kind(&tree, "vial_statement")[0];
    assert_eq!(field_text(vial, "ndc", src), Some("50242-0150-01"));
    assert_eq!(field_text(vial, "count", src), Some("x2"));
    assert_eq!(vial.child_by_field_name("amount"), None);

    let start = of_kind(&tree, "start_statement")[0];
    assert_eq!(field_text(start, "date", src), Some("2026-11-20"));
    assert_eq!(field_text(start, "time", src), Some("09:30"));

    let lines = of_kind(&tree, "line_statement");
    assert_eq!(lines.len(), 3);
    let first = lines[0];
    assert_eq!(field_text(first, "code", src), Some("J2350"));
    let mut cursor = first.walk();
    let modifiers: Vec<&str> = first
        .children_by_field_name("modifier", &mut cursor)
        .map(|n| text(n, src))
        .collect();
    assert_eq!(modifiers, ["JZ"]);
    let ndc = of_kind(&tree, "ndc_clause")[0];
    assert_eq!(field_text(ndc, "ndc", src), Some("50242-0150-01"));
    assert_eq!(field_text(ndc, "quantity", src), Some("20"));
    assert_eq!(field_text(ndc, "unit", src), Some("ML"));
    let units: Vec<Option<&str>> = of_kind(&tree, "units_clause")
        .into_iter()
        .map(|n| field_text(n, "value", src))
        .collect();
    assert_eq!(units, [Some("600"), Some("1"), Some("3")]);
}

#[test]
fn waste_example_has_the_contract_fields() {
    let src = WEIGHT_BASED_WASTE;
    let tree = parse(src);

    let payer = of_kind(&tree, "payer_statement")[0];
    assert_eq!(field_text(payer, "kind", src), Some("commercial"));
    assert_eq!(field_text(payer, "name", src), Some("\"Acme Health PPO\""));

    let auth = of_kind(&tree, "auth_statement")[0];
    assert_eq!(field_text(auth, "number", src), Some("PA-20261101-77"));
    assert_eq!(field_text(auth, "from", src), Some("2026-11-01"));
    assert_eq!(field_text(auth, "to", src), Some("2027-04-30"));

    let vial = of_kind(&tree, "vial_statement")[0];
    assert_eq!(field_text(vial, "amount", src), Some("100"));
    assert_eq!(field_text(vial, "unit", src), Some("mg"));
    assert_eq!(field_text(vial, "count", src), Some("x4"));
    assert_eq!(vial.child_by_field_name("ndc"), None);

    let waste = of_kind(&tree, "waste_statement")[0];
    assert_eq!(field_text(waste, "amount", src), Some("50"));
    assert_eq!(field_text(waste, "unit", src), Some("mg"));
    let attributes: Vec<(&str, &str)> = of_kind(&tree, "waste_attribute")
        .into_iter()
        .map(|a| {
            (
                field_text(a, "key", src).expect("attribute key"),
                field_text(a, "value", src).expect("attribute value"),
            )
        })
        .collect();
    assert_eq!(
        attributes,
        [
            ("witness", "\"K. Ortiz, RN\""),
            ("evidence", "\"wastage log 2026-11-12 #14\"")
        ]
    );

    let lines = of_kind(&tree, "line_statement");
    let mut cursor = lines[1].walk();
    let modifiers: Vec<&str> = lines[1]
        .children_by_field_name("modifier", &mut cursor)
        .map(|n| text(n, src))
        .collect();
    assert_eq!(modifiers, ["JW"]);
}

#[test]
fn order_status_and_reaction_none_are_keywords_with_fields() {
    let src = "claim A\n  order 2026-11-01 unsigned\n  order signed\n  reaction none\n";
    let tree = parse(src);
    assert_clean(src);
    let orders = of_kind(&tree, "order_statement");
    assert_eq!(field_text(orders[0], "status", src), Some("unsigned"));
    assert_eq!(field_text(orders[1], "status", src), Some("signed"));
    assert_eq!(orders[1].child_by_field_name("signer"), None);
    let reaction = of_kind(&tree, "reaction_statement")[0];
    assert_eq!(reaction.child_by_field_name("text"), None);
    assert_eq!(reaction.child(1).map(|n| n.kind()), Some("none"));
}

#[test]
fn keywords_stay_words_where_no_keyword_is_expected() {
    let src = "admin insulin units on none\n  dose 10 units\n";
    let tree = parse(src);
    assert_clean(src);
    let drug = of_kind(&tree, "drug_name")[0];
    assert_eq!(text(drug, src), "insulin units on none");
    assert_eq!(drug.named_child_count(), 4);
    let dose = of_kind(&tree, "dose_statement")[0];
    assert_eq!(field_text(dose, "unit", src), Some("units"));
}

#[test]
fn crlf_parses_like_lf() {
    for example in [MAINTENANCE_INFUSION, WEIGHT_BASED_WASTE] {
        let crlf = example.replace('\n', "\r\n");
        assert_clean(&crlf);
        assert_eq!(
            statement_kinds(&parse(&crlf)),
            statement_kinds(&parse(example))
        );
    }
}

#[test]
fn missing_final_newline_parses_like_with_it() {
    for example in [MAINTENANCE_INFUSION, WEIGHT_BASED_WASTE] {
        let trimmed = example.trim_end_matches('\n');
        assert_clean(trimmed);
        assert_eq!(
            statement_kinds(&parse(trimmed)),
            statement_kinds(&parse(example))
        );
        let crlf = trimmed.replace('\n', "\r\n");
        assert_clean(&crlf);
    }
    // A last line that is only a comment, and one with trailing blanks.
    assert_clean("claim A\n  pos 11 # last");
    assert_clean("claim A\n  pos 11 \t");
}

#[test]
fn indentation_is_not_significant() {
    let flat: String = MAINTENANCE_INFUSION
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let tabbed: String = MAINTENANCE_INFUSION
        .lines()
        .map(|l| format!("\t \t{}\n", l.trim_start()))
        .collect();
    let expected = parse(MAINTENANCE_INFUSION).root_node().to_sexp();
    assert_eq!(parse(&flat).root_node().to_sexp(), expected);
    assert_eq!(parse(&tabbed).root_node().to_sexp(), expected);
}

/// Rows that hold a statement (not blank, not only a comment).
fn statement_rows(source: &str) -> Vec<usize> {
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(row, _)| row)
        .collect()
}

/// Break one line of `source` with `breaker`, then check: the only problem is one ERROR on
/// that row, and every other statement line still parses into a statement on its row.
fn check_breaking_each_line(source: &str, breaker: impl Fn(&str) -> String) {
    let lines: Vec<&str> = source.lines().collect();
    for broken_row in statement_rows(source) {
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        edited[broken_row] = breaker(lines[broken_row]);
        let text = edited.join("\n") + "\n";
        let tree = parse(&text);
        let found = problems(&tree);
        assert_eq!(
            found.len(),
            1,
            "breaking row {broken_row} ({:?}) should give one ERROR:\n{}",
            edited[broken_row],
            tree.root_node().to_sexp()
        );
        let error = found[0];
        assert!(
            error.is_error(),
            "row {broken_row}: {}",
            tree.root_node().to_sexp()
        );
        assert_eq!(error.start_position().row, broken_row, "{text}");
        assert_eq!(error.end_position().row, broken_row, "{text}");

        let parsed_rows: Vec<usize> = statement_kinds(&tree).iter().map(|(r, _)| *r).collect();
        for row in statement_rows(&text) {
            if row != broken_row {
                assert!(
                    parsed_rows.contains(&row),
                    "breaking row {broken_row} lost the statement on row {row}:\n{}",
                    tree.root_node().to_sexp()
                );
            }
        }
    }
}

/// Where a trailing `#` comment starts (a `#` outside a string).
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(at),
            _ => {}
        }
    }
    None
}

#[test]
fn a_garbage_line_is_one_error_on_that_line() {
    for example in [MAINTENANCE_INFUSION, WEIGHT_BASED_WASTE] {
        check_breaking_each_line(example, |line| {
            let indent = &line[..line.len() - line.trim_start().len()];
            format!("{indent}@@ not a statement")
        });
    }
}

#[test]
fn a_misspelt_keyword_is_one_error_on_that_line() {
    for example in [MAINTENANCE_INFUSION, WEIGHT_BASED_WASTE] {
        // `dose 600 mg` becomes `dosex 600 mg`: a word where a keyword must be.
        check_breaking_each_line(example, |line| {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let (keyword, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
            format!("{indent}{keyword}x {rest}")
        });
    }
}

#[test]
fn a_stray_token_after_a_statement_is_one_error_on_that_line() {
    for example in [MAINTENANCE_INFUSION, WEIGHT_BASED_WASTE] {
        check_breaking_each_line(example, |line| {
            // Insert before a trailing comment so the stray token is not commented out.
            match comment_start(line) {
                Some(at) => format!("{} @@ {}", line[..at].trim_end(), &line[at..]),
                None => format!("{line} @@"),
            }
        });
    }
}

#[test]
fn queries_compile() {
    let language: tree_sitter::Language = tree_sitter_claim::LANGUAGE.into();
    for (name, source) in [
        ("highlights.scm", tree_sitter_claim::HIGHLIGHTS_QUERY),
        ("folds.scm", tree_sitter_claim::FOLDS_QUERY),
    ] {
        Query::new(&language, source).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // Also every .scm on disk, so a new query file cannot be forgotten.
    let dir = grammar_dir().join("queries");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("grammar/queries exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "scm") {
            let source = std::fs::read_to_string(&path).expect("a readable query");
            Query::new(&language, &source).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
        }
    }
    assert!(
        count >= 2,
        "expected highlights.scm and folds.scm in {}",
        dir.display()
    );
}

#[test]
fn folds_capture_claims_and_admin_blocks() {
    let language: tree_sitter::Language = tree_sitter_claim::LANGUAGE.into();
    let query = Query::new(&language, tree_sitter_claim::FOLDS_QUERY).expect("folds compile");
    let tree = parse(MAINTENANCE_INFUSION);
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut kinds = Vec::new();
    let mut matches = cursor.matches(&query, tree.root_node(), MAINTENANCE_INFUSION.as_bytes());
    use tree_sitter::StreamingIterator;
    while let Some(m) = matches.next() {
        for c in m.captures() {
            kinds.push(c.node.kind());
        }
    }
    assert_eq!(kinds, ["claim", "admin_block"]);
}

#[test]
fn node_types_lists_every_statement_of_the_contract() {
    for kind in [
        "claim",
        "admin_block",
        "claim_statement",
        "payer_statement",
        "patient_statement",
        "provider_statement",
        "pos_statement",
        "dx_statement",
        "order_statement",
        "auth_statement",
        "history_statement",
        "note_statement",
        "admin_statement",
        "drug_name",
        "dose_statement",
        "route_statement",
        "start_statement",
        "stop_statement",
        "vial_statement",
        "waste_statement",
        "waste_attribute",
        "reaction_statement",
        "premed_statement",
        "line_statement",
        "units_clause",
        "dx_clause",
        "ndc_clause",
        "charge_clause",
        "on_clause",
        "word",
        "number",
        "date",
        "time",
        "string",
        "count",
        "comment",
    ] {
        let needle = format!("\"type\": \"{kind}\"");
        assert!(tree_sitter_claim::NODE_TYPES.contains(&needle), "{kind}");
    }
}

// ---- through the tree-sitter CLI ------------------------------------------------------------

fn grammar_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The CLI on PATH or in ~/.cargo/bin; `None` (with a loud SKIPPED line) when absent and `CI`
/// is unset; a failure when absent and `CI` is set.
fn tree_sitter_cli(test: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tree-sitter"))
            .find(|candidate| candidate.is_file())
    });
    let in_cargo_home = std::env::var_os("HOME")
        .map(|home| Path::new(&home).join(".cargo/bin/tree-sitter"))
        .filter(|candidate| candidate.is_file());
    let found = on_path.or(in_cargo_home);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: the tree-sitter CLI is required when CI is set (cargo install tree-sitter-cli --locked)"
        );
        eprintln!(
            "\n==================================================================\n\
             SKIPPED: {test}: tree-sitter CLI not found on PATH or in ~/.cargo/bin\n\
             ==================================================================\n"
        );
    }
    found
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "tree-sitter-claim-{label}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("a temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn generate_reproduces_the_committed_src() {
    let Some(cli) = tree_sitter_cli("generate_reproduces_the_committed_src") else {
        return;
    };
    let grammar = grammar_dir();
    let work = TempDir::new("generate");
    for file in ["grammar.js", "tree-sitter.json", "package.json"] {
        std::fs::copy(grammar.join(file), work.0.join(file)).expect("copy grammar input");
    }
    let output = Command::new(&cli)
        .arg("generate")
        .current_dir(&work.0)
        .output()
        .expect("run tree-sitter generate");
    assert!(
        output.status.success(),
        "tree-sitter generate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in ["src/parser.c", "src/grammar.json", "src/node-types.json"] {
        let fresh = std::fs::read(work.0.join(file)).expect("generated file");
        let committed = std::fs::read(grammar.join(file)).expect("committed file");
        assert!(
            fresh == committed,
            "grammar/{file} is out of date: run `tree-sitter generate` in grammar/ and commit src/"
        );
    }
}

#[test]
fn corpus_and_highlight_tests_pass() {
    let Some(cli) = tree_sitter_cli("corpus_and_highlight_tests_pass") else {
        return;
    };
    // A private library dir: the CLI caches compiled parsers by language name, and a cache
    // shared with other checkouts of this grammar could be stale.
    let libdir = TempDir::new("libdir");
    let output = Command::new(&cli)
        .arg("test")
        .current_dir(grammar_dir())
        .env("TREE_SITTER_LIBDIR", &libdir.0)
        .output()
        .expect("run tree-sitter test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tree-sitter test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("syntax highlighting"),
        "highlight tests did not run:\n{stdout}"
    );
}

/// A NUL byte inside a comment is part of the comment (tree-sitter's internal lexer reads a NUL as
/// the end of the input, so the comment token comes from the scanner).
#[test]
fn a_nul_byte_does_not_end_a_comment() {
    let source = "line J1745 # c\0 the file\nline J1745 units 1\n";
    let tree = parse(source);
    assert!(
        !tree.root_node().has_error(),
        "{}",
        tree.root_node().to_sexp()
    );
    let comments = of_kind(&tree, "comment");
    assert_eq!(comments.len(), 1);
    assert_eq!(text(comments[0], source), "# c\0 the file");
    let lines = of_kind(&tree, "line_statement");
    assert!(
        lines[0].child_by_field_name("modifier").is_none(),
        "{}",
        tree.root_node().to_sexp()
    );
}

/// A statement without its value (a bare `admin`, `pos`, `auth`…) is read as that statement alone:
/// error recovery used to skip the newline and take the next line, a `claim` line included, as its
/// value, so the next claim vanished (found by the `lsp_edits` fuzzer).
#[test]
fn a_statement_without_its_value_does_not_take_the_next_line() {
    let keywords = [
        "payer", "patient", "provider", "pos", "dx", "order", "auth", "history", "note", "admin",
        "dose", "route", "start", "stop", "vial", "waste", "reaction", "premed", "line",
    ];
    for keyword in keywords {
        for next in ["claim A", "claim é"] {
            let source = format!("claim B\n  admin x\n  {keyword}\n{next}\n  pos 11\n");
            let tree = parse(&source);
            let claims = of_kind(&tree, "claim");
            assert_eq!(claims.len(), 2, "{keyword}: {}", tree.root_node().to_sexp());
            assert_eq!(claims[1].start_position().row, 3, "{keyword}/{next}");
        }
    }
}
