//! Lowering: the tree-sitter tree (node contract in `grammar/NODES.md`) → the typed [`Document`].
//!
//! Lowering never fails. An `ERROR` or `MISSING` node, a value of the wrong shape, a statement in the
//! wrong place or a repeated statement becomes a [`SyntaxError`] whose message says what to write; the
//! rest of the file is still lowered. Detail statements belong to the nearest `admin` above them in the
//! same claim, whatever the indentation or the nesting the grammar gave them.

use super::keywords;
use super::value;
use claimls_model::*;
use tree_sitter::{Node, Tree};

/// Lower a parsed `.claim` text. `text` must be the text `tree` was parsed from.
pub fn lower(tree: &Tree, text: &str) -> Document {
    let mut lowering = Lowering {
        text,
        doc: Document {
            text: text.to_string(),
            ..Document::default()
        },
        claim: None,
    };
    lowering.node(tree.root_node());
    lowering.finish_claim();
    for at in lone_carriage_returns(text) {
        lowering.error(
            Span::new(at, at + 1),
            "this line ends with a lone carriage return (\\r), which the notation does not read as a line end; save the file with LF or CRLF line ends",
        );
    }
    lowering
        .doc
        .syntax
        .sort_by_key(|e| (e.span.start, e.span.end));
    lowering.doc
}

/// The keywords a statement can start with, for the message on an unreadable line.
const KEYWORDS: &str = "claim, payer, patient, provider, pos, dx, order, auth, history, note, admin, \
                        dose, route, start, stop, vial, waste, reaction, premed, line";

/// Statements written at most once per claim or per admin: the first is kept, repeats are reported.
#[derive(Clone, Copy)]
enum Once {
    Payer = 1,
    Patient = 1 << 1,
    Provider = 1 << 2,
    Pos = 1 << 3,
    Dose = 1 << 4,
    Route = 1 << 5,
    Start = 1 << 6,
    Stop = 1 << 7,
    Reaction = 1 << 8,
}

/// A claim being lowered, with what has been seen in it.
struct ClaimState {
    claim: Claim,
    seen: u32,
    /// `seen` of each admin, parallel to `claim.admins`.
    admin_seen: Vec<u32>,
    /// Indices into `claim.dxs` whose letter is to be assigned when the claim is complete.
    unlettered: Vec<usize>,
}

struct Lowering<'t> {
    text: &'t str,
    doc: Document,
    claim: Option<ClaimState>,
}

/// The children of a statement: each with its field name, if any.
struct Parts<'tree> {
    items: Vec<(Option<&'tree str>, Node<'tree>)>,
}

impl<'tree> Parts<'tree> {
    fn of(node: Node<'tree>) -> Parts<'tree> {
        let mut items = Vec::with_capacity(node.child_count() as usize);
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                items.push((cursor.field_name(), cursor.node()));
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        Parts { items }
    }

    /// The first child in `field` that was actually written (not a MISSING placeholder).
    fn field(&self, name: &str) -> Option<Node<'tree>> {
        self.items
            .iter()
            .find(|(f, n)| *f == Some(name) && !n.is_missing())
            .map(|(_, n)| *n)
    }

    fn fields<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Node<'tree>> + 'a {
        self.items
            .iter()
            .filter(move |(f, n)| *f == Some(name) && !n.is_missing())
            .map(|(_, n)| *n)
    }

    /// Unnamed and named children of a kind (`none`, `waste_attribute`, `units_clause`…).
    fn kinds<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = Node<'tree>> + 'a {
        self.items
            .iter()
            .filter(move |(_, n)| n.kind() == kind && !n.is_missing())
            .map(|(_, n)| *n)
    }

    /// ERROR children and MISSING tokens inside the statement.
    fn broken(&self) -> impl Iterator<Item = Node<'tree>> + '_ {
        self.items
            .iter()
            .filter(|(_, n)| n.is_error() || n.is_missing())
            .map(|(_, n)| *n)
    }
}

trait StatementsInside {
    /// Whether the node holds a statement that parsed cleanly (lowered on its own).
    fn has_error_free_statements(&self) -> bool;
}

impl StatementsInside for Node<'_> {
    fn has_error_free_statements(&self) -> bool {
        let mut cursor = self.walk();
        self.children(&mut cursor).any(|c| {
            let k = c.kind();
            (k.ends_with("_statement") || k == "claim" || k == "admin_block") && !c.has_error()
        })
    }
}

fn span(node: Node) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

impl<'t> Lowering<'t> {
    fn text(&self, node: Node) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.doc.syntax.push(SyntaxError {
            span,
            message: message.into(),
        });
    }

    /// The span of a statement without its line end and trailing comment.
    fn content_span(&self, node: Node) -> Span {
        let mut end = node.start_byte();
        let mut cursor = node.walk();
        let mut any = false;
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                if !child.is_extra() && !self.text(child).trim().is_empty() {
                    end = end.max(child.end_byte());
                    any = true;
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        if !any {
            let t = self.text(node);
            end = node.start_byte() + t.trim_end().len();
        }
        Span::new(node.start_byte(), end.max(node.start_byte()))
    }

    fn node(&mut self, node: Node) {
        match node.kind() {
            "source_file" | "claim" => self.children(node),
            "admin_block" if self.claim.is_none() => {
                let span = self.content_span(node);
                self.error(span, before_claim_message());
            }
            "admin_block" => self.children(node),
            "ERROR" => self.error_node(node),
            "comment" => {}
            kind if kind.ends_with("_statement") => self.statement(node),
            _ if node.is_missing() => {
                let span = span(node);
                self.error(span, unreadable_message());
            }
            _ => {
                // Stray tokens directly under a container (the grammar should not produce them).
                if node.is_named() && !node.is_extra() && !self.text(node).trim().is_empty() {
                    let span = self.content_span(node);
                    self.error(span, unreadable_message());
                }
            }
        }
    }

    fn children(&mut self, node: Node) {
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                self.node(cursor.node());
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }

    /// An ERROR node: statements inside it that parsed cleanly are lowered; every other line it
    /// covers gets one "cannot read this line".
    fn error_node(&mut self, node: Node) {
        let mut bad: Vec<Span> = Vec::new();
        self.collect_unreadable(node, &mut bad);
        if bad.is_empty() && !node.has_error_free_statements() {
            // Nothing but whitespace in it (an unexpected line end): the line it ends.
            bad.push(self.line_around(node.start_byte()));
        }
        // One finding per line: merge spans that are on the same line.
        let mut merged: Vec<Span> = Vec::new();
        for s in bad {
            match merged.last_mut() {
                Some(last) if !self.text[last.end.min(s.start)..s.start].contains(['\n', '\r']) => {
                    *last = last.cover(s);
                }
                _ => merged.push(s),
            }
        }
        // An ERROR inside an `admin` block is a line where a detail statement belongs.
        let in_admin = node.parent().is_some_and(|p| p.kind() == "admin_block");
        for s in merged {
            let message = self.unreadable_line_message(s, in_admin);
            self.error(s, message);
        }
    }

    fn collect_unreadable(&mut self, node: Node, bad: &mut Vec<Span>) {
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            if !node.is_extra() && !self.text(node).trim().is_empty() {
                bad.push(self.content_span(node));
            } else if node.is_missing() {
                bad.push(span(node));
            }
            return;
        }
        loop {
            let child = cursor.node();
            let kind = child.kind();
            let clean_statement =
                (kind.ends_with("_statement") || kind == "claim" || kind == "admin_block")
                    && !child.has_error();
            if clean_statement {
                self.node(child);
            } else if !child.is_extra() {
                self.collect_unreadable(child, bad);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }

    fn statement(&mut self, node: Node) {
        let kind = node.kind();
        let parts = Parts::of(node);
        let stmt = self.content_span(node);
        if kind == "claim_statement" {
            self.claim_statement(&parts, stmt);
            return;
        }
        if self.claim.is_none() {
            self.error(stmt, before_claim_message());
            return;
        }
        let keyword = kind.trim_end_matches("_statement");
        self.report_broken(&parts, keyword);
        match kind {
            "payer_statement" => self.payer(&parts, stmt),
            "patient_statement" => self.patient(&parts, stmt),
            "provider_statement" => self.provider(&parts, stmt),
            "pos_statement" => self.pos(&parts, stmt),
            "dx_statement" => self.dx(&parts, stmt),
            "order_statement" => self.order(&parts, stmt),
            "auth_statement" => self.auth(&parts, stmt),
            "history_statement" => self.history(&parts, stmt),
            "note_statement" => self.note(&parts, stmt),
            "admin_statement" => self.admin(&parts, stmt),
            "line_statement" => self.line(&parts, stmt),
            "dose_statement" | "route_statement" | "start_statement" | "stop_statement"
            | "vial_statement" | "waste_statement" | "reaction_statement" | "premed_statement" => {
                self.detail(kind, &parts, stmt)
            }
            _ => self.error(stmt, unreadable_message()),
        }
        if let Some(state) = self.claim.as_mut() {
            state.claim.span = state.claim.span.cover(stmt);
        }
    }

    /// ERROR children inside a statement: "unexpected `…`" with what the statement needs.
    fn report_broken(&mut self, parts: &Parts, keyword: &str) {
        let broken: Vec<Node> = parts.broken().filter(|n| n.is_error()).collect();
        let shown = keyword.trim_start_matches("line ");
        for node in broken {
            let text = self.text(node).trim();
            let message = match expected(keyword) {
                Some(exp) => format!("unexpected `{text}` in `{shown}`: {exp}"),
                None => format!("unexpected `{text}` in `{shown}`"),
            };
            let s = self.content_span(node);
            self.error(s, message);
        }
    }

    fn state(&mut self) -> Option<&mut ClaimState> {
        self.claim.as_mut()
    }

    /// Marks a once-per-claim statement as seen; reports and returns false on a repeat.
    fn first_in_claim(&mut self, once: Once, keyword: &str, stmt: Span) -> bool {
        let Some(state) = self.state() else {
            return false;
        };
        if state.seen & once as u32 != 0 {
            self.error(stmt, format!("a second `{keyword}` in one claim: keep one"));
            return false;
        }
        state.seen |= once as u32;
        true
    }

    /// Reports a statement that needs a value it does not have.
    fn needs(&mut self, keyword: &str, stmt: Span) {
        // `note "abc`: the quoted value is there but not closed, and that is what the line is told
        // (by the unreadable-text message), not that the value is missing.
        let line = self.line_around(stmt.start);
        if unclosed_quote(&self.text[line.start..line.end]) {
            return;
        }
        let message = expected(keyword)
            .map(str::to_string)
            .unwrap_or_else(|| format!("`{keyword}` is incomplete"));
        self.error(stmt, message);
    }

    /// A value read with `read`, or `None` after reporting its message at the node.
    fn read<T>(
        &mut self,
        node: Node,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Spanned<T>> {
        let text = self.text(node);
        match read(text) {
            Ok(v) => Some(Spanned::new(v, span(node))),
            Err(message) => {
                self.error(span(node), message);
                None
            }
        }
    }

    fn spanned_text(&self, node: Node) -> Spanned<String> {
        Spanned::new(self.text(node).to_string(), span(node))
    }

    fn spanned_upper(&self, node: Node) -> Spanned<String> {
        Spanned::new(self.text(node).to_ascii_uppercase(), span(node))
    }

    fn spanned_string(&self, node: Node) -> Spanned<String> {
        Spanned::new(value::string(self.text(node)), span(node))
    }

    // --- claim level -------------------------------------------------------------------------

    fn claim_statement(&mut self, parts: &Parts, stmt: Span) {
        self.finish_claim();
        self.report_broken(parts, "claim");
        let id = match parts.field("id") {
            Some(n) => self.spanned_text(n),
            None => {
                self.needs("claim", stmt);
                Spanned::new(String::new(), stmt)
            }
        };
        self.claim = Some(ClaimState {
            claim: Claim {
                id,
                header: stmt,
                span: stmt,
                payer: None,
                patient: None,
                provider: None,
                pos: None,
                dxs: Vec::new(),
                orders: Vec::new(),
                auths: Vec::new(),
                history: Vec::new(),
                notes: Vec::new(),
                admins: Vec::new(),
                lines: Vec::new(),
            },
            seen: 0,
            admin_seen: Vec::new(),
            unlettered: Vec::new(),
        });
    }

    /// Assigns the missing dx letters and moves the claim into the document.
    fn finish_claim(&mut self) {
        let Some(mut state) = self.claim.take() else {
            return;
        };
        let claim = &mut state.claim;
        let mut used: Vec<char> = claim
            .dxs
            .iter()
            .enumerate()
            .filter(|(i, _)| !state.unlettered.contains(i))
            .map(|(_, d)| d.letter.value)
            .collect();
        let mut dropped: Vec<usize> = Vec::new();
        for &i in &state.unlettered {
            match ('A'..='L').find(|c| !used.contains(c)) {
                Some(letter) => {
                    used.push(letter);
                    claim.dxs[i].letter.value = letter;
                }
                None => dropped.push(i),
            }
        }
        for &i in dropped.iter().rev() {
            let dx = claim.dxs.remove(i);
            self.doc.syntax.push(SyntaxError {
                span: dx.span,
                message:
                    "no diagnosis letter left: a claim has at most 12 diagnoses (A to L); keep 12"
                        .to_string(),
            });
        }
        self.doc.claims.push(state.claim);
    }

    fn payer(&mut self, parts: &Parts, stmt: Span) {
        if !self.first_in_claim(Once::Payer, "payer", stmt) {
            return;
        }
        let Some(kind_node) = parts.field("kind") else {
            self.needs("payer", stmt);
            return;
        };
        let Some(kind) = self.read(kind_node, value::payer_kind) else {
            return;
        };
        let name = parts.field("name").map(|n| self.spanned_string(n));
        if let Some(state) = self.state() {
            state.claim.payer = Some(Payer {
                kind,
                name,
                span: stmt,
            });
        }
    }

    fn patient(&mut self, parts: &Parts, stmt: Span) {
        if !self.first_in_claim(Once::Patient, "patient", stmt) {
            return;
        }
        match parts.field("id") {
            Some(n) => {
                let id = self.spanned_text(n);
                if let Some(state) = self.state() {
                    state.claim.patient = Some(id);
                }
            }
            None => self.needs("patient", stmt),
        }
    }

    fn provider(&mut self, parts: &Parts, stmt: Span) {
        if !self.first_in_claim(Once::Provider, "provider", stmt) {
            return;
        }
        match parts.field("npi") {
            Some(n) => {
                let npi = self.spanned_text(n);
                if let Some(state) = self.state() {
                    state.claim.provider = Some(npi);
                }
            }
            None => self.needs("provider", stmt),
        }
    }

    fn pos(&mut self, parts: &Parts, stmt: Span) {
        if !self.first_in_claim(Once::Pos, "pos", stmt) {
            return;
        }
        match parts.field("code") {
            Some(n) => {
                let code = self.spanned_text(n);
                if let Some(state) = self.state() {
                    state.claim.pos = Some(code);
                }
            }
            None => self.needs("pos", stmt),
        }
    }

    fn dx(&mut self, parts: &Parts, stmt: Span) {
        let Some(code_node) = parts.field("code") else {
            self.needs("dx", stmt);
            return;
        };
        let code = self.spanned_upper(code_node);
        let letter = match parts.field("letter") {
            Some(n) => match self.read(n, value::dx_letter) {
                Some(l) => Some(l),
                None => return,
            },
            None => None,
        };
        let Some(state) = self.claim.as_mut() else {
            return;
        };
        if let Some(l) = &letter
            && let Some(first) = state
                .claim
                .dxs
                .iter()
                .enumerate()
                .find(|(i, d)| !state.unlettered.contains(i) && d.letter.value == l.value)
                .map(|(_, d)| d.code.value.clone())
        {
            let message = format!(
                "letter `{}` is already `{first}`: give each diagnosis its own letter (A to L)",
                l.value
            );
            self.error(l.span, message);
            return;
        }
        let letter_written = letter.is_some();
        if !letter_written {
            state.unlettered.push(state.claim.dxs.len());
        }
        state.claim.dxs.push(Dx {
            letter: letter.unwrap_or(Spanned::new('?', code.span)),
            letter_written,
            code,
            span: stmt,
        });
    }

    fn order(&mut self, parts: &Parts, stmt: Span) {
        let date = match parts.field("date") {
            Some(n) => self.read(n, value::date),
            None => {
                self.needs("order", stmt);
                None
            }
        };
        let status = match parts.field("status") {
            Some(n) if self.text(n) == "unsigned" => Spanned::new(OrderStatus::Unsigned, span(n)),
            Some(n) => {
                let by = parts.field("signer").map(|s| self.spanned_string(s));
                Spanned::new(OrderStatus::Signed { by }, span(n))
            }
            None => {
                if date.is_some() {
                    self.needs("order", stmt);
                }
                return;
            }
        };
        if let Some(state) = self.state() {
            state.claim.orders.push(Order {
                date,
                status,
                span: stmt,
            });
        }
    }

    fn auth(&mut self, parts: &Parts, stmt: Span) {
        let Some(number) = parts.field("number") else {
            self.needs("auth", stmt);
            return;
        };
        let number = self.spanned_text(number);
        let from = parts.field("from").and_then(|n| self.read(n, value::date));
        let to = parts.field("to").and_then(|n| self.read(n, value::date));
        // `from`/`to` written without their date: said, not dropped silently.
        for (keyword, date) in [("from", &from), ("to", &to)] {
            if date.is_none()
                && parts.kinds(keyword).next().is_some()
                && parts.field(keyword).is_none()
            {
                self.needs("auth", stmt);
            }
        }
        if let Some(state) = self.state() {
            state.claim.auths.push(Auth {
                number,
                from,
                to,
                span: stmt,
            });
        }
    }

    fn history(&mut self, parts: &Parts, stmt: Span) {
        let Some(treatment) = parts.field("treatment") else {
            self.needs("history", stmt);
            return;
        };
        let treatment = self.spanned_string(treatment);
        let outcome = match parts.field("outcome") {
            Some(n) => self.read(n, value::history_outcome),
            None => {
                self.needs("history", stmt);
                None
            }
        };
        let date = parts.field("date").and_then(|n| self.read(n, value::date));
        if let Some(state) = self.state() {
            state.claim.history.push(History {
                treatment,
                outcome,
                date,
                span: stmt,
            });
        }
    }

    fn note(&mut self, parts: &Parts, stmt: Span) {
        let Some(text) = parts.field("text") else {
            self.needs("note", stmt);
            return;
        };
        let text = self.spanned_string(text);
        if let Some(state) = self.state() {
            state.claim.notes.push(text);
        }
    }

    // --- administration ----------------------------------------------------------------------

    fn admin(&mut self, parts: &Parts, stmt: Span) {
        let drug_nodes: Vec<Node> = parts.fields("drug").collect();
        let mut words: Vec<String> = Vec::new();
        let mut drug_span: Option<Span> = None;
        for n in drug_nodes {
            drug_span = Some(drug_span.map_or(span(n), |s| s.cover(span(n))));
            self.drug_words(n, &mut words);
        }
        let drug = match drug_span {
            Some(s) if !words.is_empty() => Spanned::new(words.join(" "), s),
            _ => {
                self.needs("admin", stmt);
                Spanned::new(String::new(), stmt)
            }
        };
        if let Some(state) = self.state() {
            state.claim.admins.push(Admin {
                drug,
                header: stmt,
                span: stmt,
                dose: None,
                route: None,
                start: None,
                stop: None,
                vials: Vec::new(),
                wastes: Vec::new(),
                reaction: None,
                premeds: Vec::new(),
            });
            state.admin_seen.push(0);
        }
    }

    /// The words of a drug name (`drug_name` of `word`s, a `string`, or a bare word).
    fn drug_words(&self, node: Node, words: &mut Vec<String>) {
        match node.kind() {
            "string" => {
                let s = value::string(self.text(node));
                words.extend(s.split_whitespace().map(str::to_string));
            }
            _ if node.named_child_count() > 0 => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if !child.is_extra() && !child.is_error() && !child.is_missing() {
                        self.drug_words(child, words);
                    }
                }
            }
            _ => words.extend(self.text(node).split_whitespace().map(str::to_string)),
        }
    }

    /// A detail statement: attached to the last `admin` of the claim.
    fn detail(&mut self, kind: &str, parts: &Parts, stmt: Span) {
        let keyword = kind.trim_end_matches("_statement");
        let has_admin = self
            .claim
            .as_ref()
            .is_some_and(|s| !s.claim.admins.is_empty());
        if !has_admin {
            self.error(stmt, format!("`{keyword}` belongs under an `admin` line"));
            return;
        }
        let once = match keyword {
            "dose" => Some(Once::Dose),
            "route" => Some(Once::Route),
            "start" => Some(Once::Start),
            "stop" => Some(Once::Stop),
            "reaction" => Some(Once::Reaction),
            _ => None,
        };
        if let Some(once) = once {
            let Some(state) = self.claim.as_mut() else {
                return;
            };
            let Some(seen) = state.admin_seen.last_mut() else {
                return;
            };
            if *seen & once as u32 != 0 {
                self.error(stmt, format!("a second `{keyword}` in one admin: keep one"));
                return;
            }
            *seen |= once as u32;
        }
        match keyword {
            "dose" => {
                if let Some(q) = self.quantity(parts, "dose", stmt) {
                    self.with_admin(|a| a.dose = Some(q));
                }
            }
            "route" => match parts.field("route") {
                Some(n) => {
                    let route = Spanned::new(self.text(n).to_ascii_lowercase(), span(n));
                    self.with_admin(|a| a.route = Some(route));
                }
                None => self.needs("route", stmt),
            },
            "start" => self.start(parts, stmt),
            "stop" => self.stop(parts, stmt),
            "vial" => self.vial(parts, stmt),
            "waste" => self.waste(parts, stmt),
            "reaction" => self.reaction(parts, stmt),
            "premed" => match parts.field("text") {
                Some(n) => {
                    let text = self.spanned_string(n);
                    self.with_admin(|a| a.premeds.push(text));
                }
                None => self.needs("premed", stmt),
            },
            _ => {}
        }
        self.with_admin(|a| a.span = a.span.cover(stmt));
    }

    fn with_admin(&mut self, f: impl FnOnce(&mut Admin)) {
        if let Some(admin) = self.claim.as_mut().and_then(|s| s.claim.admins.last_mut()) {
            f(admin);
        }
    }

    /// `amount` + `unit` fields as a quantity; reports what `keyword` needs when one is missing.
    fn quantity(&mut self, parts: &Parts, keyword: &str, stmt: Span) -> Option<Spanned<Quantity>> {
        let (Some(amount), Some(unit)) = (parts.field("amount"), parts.field("unit")) else {
            self.needs(keyword, stmt);
            return None;
        };
        let amount = self.read(amount, value::number)?;
        let unit = self.read(unit, value::dose_unit)?;
        Some(Spanned::new(
            Quantity::new(amount.value, unit.value),
            amount.span.cover(unit.span),
        ))
    }

    fn start(&mut self, parts: &Parts, stmt: Span) {
        let (Some(date), Some(time)) = (parts.field("date"), parts.field("time")) else {
            self.needs("start", stmt);
            return;
        };
        let date = self.read(date, value::date);
        let time = self.read(time, value::time);
        if let (Some(d), Some(t)) = (date, time) {
            let start = Spanned::new(
                DateTime {
                    date: d.value,
                    time: t.value,
                },
                d.span.cover(t.span),
            );
            self.with_admin(|a| a.start = Some(start));
        }
    }

    fn stop(&mut self, parts: &Parts, stmt: Span) {
        let Some(time) = parts.field("time") else {
            self.needs("stop", stmt);
            return;
        };
        let date = match parts.field("date") {
            Some(n) => match self.read(n, value::date) {
                Some(d) => Some(d),
                None => return,
            },
            None => None,
        };
        let Some(time) = self.read(time, value::time) else {
            return;
        };
        self.with_admin(|a| {
            a.stop = Some(Stop {
                date,
                time,
                span: stmt,
            })
        });
    }

    fn vial(&mut self, parts: &Parts, stmt: Span) {
        let size = if let Some(n) = parts.field("ndc") {
            let raw = self.text(n);
            let looks_like_amount =
                !raw.contains('-') && value::number(raw).is_ok() && raw.len() != 11;
            if looks_like_amount {
                self.needs("vial", stmt);
                return;
            }
            Spanned::new(VialSize::Ndc(Ndc::parse(raw)), span(n))
        } else {
            match self.quantity(parts, "vial", stmt) {
                Some(q) => Spanned::new(VialSize::Amount(q.value), q.span),
                None => return,
            }
        };
        let count = match parts.field("count") {
            Some(n) => match self.read(n, value::count) {
                Some(c) => c,
                None => return,
            },
            None => Spanned::new(1, Span::new(size.span.end, size.span.end)),
        };
        self.with_admin(|a| {
            a.vials.push(Vial {
                size,
                count,
                span: stmt,
            })
        });
    }

    fn waste(&mut self, parts: &Parts, stmt: Span) {
        let Some(amount) = self.quantity(parts, "waste", stmt) else {
            return;
        };
        let mut waste = Waste {
            amount,
            reason: None,
            witness: None,
            evidence: None,
            span: stmt,
        };
        let attributes: Vec<Node> = parts.kinds("waste_attribute").collect();
        for attr in attributes {
            let attr_parts = Parts::of(attr);
            let (Some(key), Some(val)) = (attr_parts.field("key"), attr_parts.field("value"))
            else {
                let s = self.content_span(attr);
                self.error(
                    s,
                    "`reason`, `witness` and `evidence` need quoted text, e.g. `witness \"K. Ortiz, RN\"`",
                );
                continue;
            };
            let key_text = self.text(key);
            let slot = match key_text {
                "reason" => &mut waste.reason,
                "witness" => &mut waste.witness,
                "evidence" => &mut waste.evidence,
                _ => continue,
            };
            if slot.is_some() {
                let message = format!("a second `{key_text}` in one waste: keep one");
                let s = self.content_span(attr);
                self.error(s, message);
                continue;
            }
            *slot = Some(self.spanned_string(val));
        }
        self.with_admin(|a| a.wastes.push(waste));
    }

    fn reaction(&mut self, parts: &Parts, stmt: Span) {
        let reaction = if let Some(n) = parts.field("text") {
            Spanned::new(Reaction::Described(value::string(self.text(n))), span(n))
        } else if let Some(n) = parts.kinds("none").next() {
            Spanned::new(Reaction::None, span(n))
        } else {
            self.needs("reaction", stmt);
            return;
        };
        self.with_admin(|a| a.reaction = Some(reaction));
    }

    // --- billed lines ------------------------------------------------------------------------

    fn line(&mut self, parts: &Parts, stmt: Span) {
        let Some(code) = parts.field("code") else {
            self.needs("line", stmt);
            return;
        };
        let (modifiers, misspelt) = self.modifiers(parts);
        let mut line = Line {
            code: self.spanned_upper(code),
            modifiers,
            units: None,
            dx: None,
            ndc: None,
            charge: None,
            on: None,
            span: stmt,
        };
        let mut seen: Vec<&'static str> = Vec::new();
        for (_, clause) in &parts.items {
            let clause = *clause;
            let keyword = match clause.kind() {
                "units_clause" => "units",
                "dx_clause" => "dx",
                "ndc_clause" => "ndc",
                "charge_clause" => "charge",
                "on_clause" => "on",
                _ => continue,
            };
            let clause_span = self.content_span(clause);
            if seen.contains(&keyword) {
                self.error(
                    clause_span,
                    format!("a second `{keyword}` on one line: keep one"),
                );
                continue;
            }
            seen.push(keyword);
            let cp = Parts::of(clause);
            self.report_broken(&cp, if keyword == "dx" { "line dx" } else { keyword });
            match keyword {
                // `units` without a number is left to the rule `units-invalid`.
                "units" => line.units = cp.field("value").and_then(|n| self.read(n, value::number)),
                "dx" => {
                    let pointers: Vec<Spanned<DxPointer>> = cp
                        .fields("pointer")
                        .map(|n| Spanned::new(dx_pointer(self.text(n)), span(n)))
                        .collect();
                    if pointers.is_empty() {
                        self.needs("line dx", clause_span);
                    } else {
                        line.dx = Some(pointers);
                    }
                }
                "ndc" => line.ndc = self.line_ndc(&cp, clause_span),
                "charge" => match cp.field("amount") {
                    Some(n) => line.charge = self.read(n, value::number),
                    None => self.needs("charge", clause_span),
                },
                "on" => match cp.field("date") {
                    Some(n) => line.on = self.read(n, value::date),
                    None => self.needs("on", clause_span),
                },
                _ => {}
            }
        }
        if let Some((keyword, value)) = misspelt {
            // `unit 600`: read as the clause it was meant to be (the finding above says so), so the
            // line is not also reported as having no units.
            match keyword {
                "units" if line.units.is_none() => line.units = value,
                "charge" if line.charge.is_none() => line.charge = value,
                _ => {}
            }
        }
        if let Some(state) = self.state() {
            state.claim.lines.push(line);
        }
    }

    /// The modifiers of a line, up to a misspelt clause keyword (`unit` for `units`), which gets one
    /// finding; the value after it (`600`) is returned with the keyword it belongs to, not taken as a
    /// modifier.
    #[allow(clippy::type_complexity)]
    fn modifiers(
        &mut self,
        parts: &Parts,
    ) -> (
        Vec<Spanned<String>>,
        Option<(&'static str, Option<Spanned<Decimal>>)>,
    ) {
        let nodes: Vec<Node> = parts.fields("modifier").collect();
        let mut modifiers = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let node = nodes[i];
            let word = self.text(node);
            let Some(keyword) = nearest(&word.to_ascii_lowercase(), &LINE_CLAUSE_KEYWORDS) else {
                modifiers.push(self.spanned_upper(node));
                i += 1;
                continue;
            };
            let example = expected(keyword)
                .and_then(|e| e.split_once("e.g. "))
                .map(|(_, e)| e);
            let message = match example {
                Some(e) => {
                    format!("`{word}` is not a modifier: did you mean `{keyword}`? e.g. {e}")
                }
                None => format!("`{word}` is not a modifier: did you mean `{keyword}`?"),
            };
            if keyword == "ndc" {
                // `nd 50242-0150-01 10 ML`: the words after it are the NDC, not modifiers.
                let last = nodes[nodes.len() - 1];
                self.error(span(node).cover(span(last)), message);
                return (modifiers, Some((keyword, None)));
            }
            self.error(span(node), message);
            let value = nodes.get(i + 1).and_then(|n| {
                let text = self.text(*n);
                value::number(text).ok().map(|v| Spanned::new(v, span(*n)))
            });
            i += if value.is_some() { 2 } else { 1 };
            modifiers.extend(nodes[i..].iter().map(|n| self.spanned_upper(*n)));
            return (modifiers, Some((keyword, value)));
        }
        (modifiers, None)
    }

    fn line_ndc(&mut self, cp: &Parts, clause: Span) -> Option<LineNdc> {
        let Some(ndc) = cp.field("ndc") else {
            self.needs("ndc", clause);
            return None;
        };
        let ndc = Spanned::new(Ndc::parse(self.text(ndc)), span(ndc));
        let quantity = cp.field("quantity");
        let unit = cp.field("unit");
        if quantity.is_none() || unit.is_none() {
            self.needs("ndc", clause);
        }
        let quantity = quantity.and_then(|n| self.read(n, value::number));
        let unit = unit.and_then(|n| self.read(n, value::ndc_unit));
        Some(LineNdc {
            ndc,
            quantity,
            unit,
            span: clause,
        })
    }
}

impl Lowering<'_> {
    /// The written part of the line holding `offset` (a line end belongs to the line it ends).
    fn line_around(&self, offset: usize) -> Span {
        let text = self.text;
        let mut at = offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
        let line = &text[line_start..line_end];
        let lead = line.len() - line.trim_start().len();
        let start = line_start + lead;
        let end = (line_start + line.trim_end().len()).max(start);
        Span::new(start, end)
    }

    /// What to say about an unreadable stretch of a line: an unclosed quote, junk after a complete
    /// statement, a clause keyword or a misspelt keyword at the start, or else the list of keywords.
    fn unreadable_line_message(&self, bad: Span, in_admin: bool) -> String {
        let text = self.text;
        let mut start = bad.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line_end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| start + i);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start().len();
        let first = line.split_whitespace().next().unwrap_or("");
        let bad_text = text.get(bad.start..bad.end).unwrap_or("").trim();
        if unclosed_quote(line) {
            return "a quoted text is not closed: end it with `\"` on the same line".to_string();
        }
        let at_line_start = bad.start <= line_start + indent;
        if !at_line_start && keywords::is_statement(first) {
            return match expected(first) {
                Some(exp) => format!("unexpected `{bad_text}` in `{first}`: {exp}"),
                None => format!("unexpected `{bad_text}` in `{first}`"),
            };
        }
        if first != "dx" && keywords::LINE_CLAUSES.contains(&first) {
            return format!(
                "`{first}` is part of a `line` statement, e.g. `line J2350 JZ units 600 dx A`"
            );
        }
        let lower = first.to_ascii_lowercase();
        if lower != first && keywords::is_statement(&lower) {
            return format!("`{first}` is not a keyword: keywords are lowercase; write `{lower}`");
        }
        if let Some(near) = near_statement_keyword(&lower, in_admin) {
            return format!(
                "cannot read this line: `{first}` is not a keyword; did you mean `{near}`?"
            );
        }
        unreadable_message()
    }
}

/// The offset of the first `\r` not followed by `\n` on each line (lines end at `\n`, as the notation
/// reads them). One finding per line, not per text: the editor checks claim by claim and `check` the
/// whole text, and both must report the same.
fn lone_carriage_returns(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut at = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = at;
        at += line.len();
        let bytes = line.as_bytes();
        (0..bytes.len())
            .find(|&i| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
            .map(|i| start + i)
    })
}

/// Whether a line has a `"` that is not closed (escaped quotes and comments considered).
fn unclosed_quote(line: &str) -> bool {
    let mut open = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if open => {
                chars.next();
            }
            '"' => open = !open,
            '#' if !open => return false,
            _ => {}
        }
    }
    open
}

/// The keyword a misspelt word most likely meant: one edit away, transpositions counted as one edit
/// (`paeyr` → `payer`, `dsoe` → `dose`). The keywords that fit the place come first, so `dos` under an
/// `admin` is `dose` and at claim level `pos`. Words shorter than three letters get no suggestion.
pub fn near_statement_keyword(word: &str, in_admin: bool) -> Option<&'static str> {
    let (first, then): (Vec<&'static str>, Vec<&'static str>) = keywords::CLAIM
        .iter()
        .chain(keywords::DETAIL)
        .partition(|k| keywords::is_detail(k) == in_admin);
    nearest(word, &first).or_else(|| nearest(word, &then))
}

/// The clause keywords of a `line` that a misspelt word in its modifier list may have meant (`dx` and
/// `on` are too short to guess).
const LINE_CLAUSE_KEYWORDS: [&str; 3] = ["units", "ndc", "charge"];

/// The first of `keywords` one edit (or one transposition) away from `word`, for words of three letters
/// or more.
fn nearest(word: &str, keywords: &[&'static str]) -> Option<&'static str> {
    if word.chars().count() < 3 {
        return None;
    }
    keywords
        .iter()
        .copied()
        .find(|k| strsim::osa_distance(word, k) == 1)
}

/// The clause keyword a word in a line's modifier list misspells (`unit` → `units`), as the lowering
/// reads it: the editor's reading marks the same word and value (`reading.rs`).
pub(crate) fn misspelt_line_clause(word: &str) -> Option<&'static str> {
    nearest(&word.to_ascii_lowercase(), &LINE_CLAUSE_KEYWORDS)
}

/// A `dx` pointer on a line: a single letter names a `dx` by letter, anything else by code.
fn dx_pointer(text: &str) -> DxPointer {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => DxPointer::Letter(c.to_ascii_uppercase()),
        _ => DxPointer::Code(text.to_ascii_uppercase()),
    }
}

fn unreadable_message() -> String {
    format!("cannot read this line: a statement starts with a keyword ({KEYWORDS})")
}

fn before_claim_message() -> &'static str {
    "a statement before the first `claim` line: start the claim with `claim <id>`"
}

/// What each statement needs, with an example, in the coder's words.
fn expected(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "claim" => "`claim` needs an id, e.g. `claim OCR-2026-0142`",
        "payer" => {
            "`payer` needs a kind (medicare, medicare-advantage, medicaid or commercial), e.g. `payer commercial \"Acme Health PPO\"`"
        }
        "patient" => "`patient` needs a member id or MRN, e.g. `patient M-88421`",
        "provider" => "`provider` needs the 10-digit NPI, e.g. `provider 1234567893`",
        "pos" => "`pos` needs a place-of-service code, e.g. `pos 11`",
        "dx" => "`dx` needs an ICD-10-CM code, e.g. `dx A G35.A`",
        "order" => {
            "`order` needs a date and `signed \"<who>\"` or `unsigned`, e.g. `order 2026-11-01 signed \"R. Patel, MD\"`"
        }
        "auth" => {
            "`auth` needs the authorization number, e.g. `auth PA-20261101-77 from 2026-11-01 to 2027-04-30`"
        }
        "history" => {
            "`history` needs the prior treatment in quotes and its outcome (failed, intolerant, contraindicated or stopped), e.g. `history \"adalimumab\" failed 2026-03-01`"
        }
        "note" => "`note` needs quoted text, e.g. `note \"patient weight 70 kg\"`",
        "admin" => {
            "`admin` needs a drug: a generic name, a brand or a HCPCS code, e.g. `admin ocrelizumab`"
        }
        "dose" => "`dose` needs an amount and a unit, e.g. `dose 600 mg`",
        "route" => "`route` needs a route, e.g. `route iv`",
        "start" => "`start` needs a date and a time, e.g. `start 2026-11-20 09:30`",
        "stop" => "`stop` needs a time, e.g. `stop 13:05` or `stop 2026-11-21 01:05`",
        "vial" => {
            "`vial` needs an NDC or a size with its unit, and a count, e.g. `vial 50242-0150-01 x2` or `vial 100 mg x4`"
        }
        "waste" => {
            "`waste` needs an amount and a unit, e.g. `waste 50 mg` (write `waste 0 mg` when nothing was discarded)"
        }
        "reaction" => {
            "`reaction` needs `none` or quoted text, e.g. `reaction \"flushing, infusion slowed\"`"
        }
        "premed" => "`premed` needs quoted text, e.g. `premed \"diphenhydramine 50 mg PO\"`",
        "line" => "`line` needs a code, e.g. `line J2350 JZ units 600 dx A`",
        "units" => "`units` needs a number, e.g. `units 600`",
        "line dx" => "`dx` on a line needs a letter or a code, e.g. `dx A` or `dx A,B`",
        "ndc" => "`ndc` needs the NDC, a quantity and a unit, e.g. `ndc 50242-0150-01 20 ML`",
        "charge" => "`charge` needs an amount, e.g. `charge 1250.00`",
        "on" => "`on` needs a date, e.g. `on 2026-11-20`",
        _ => return None,
    })
}
