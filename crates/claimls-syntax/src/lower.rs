//! Lowering: the tree-sitter tree (node contract in `grammar/NODES.md`) → the typed [`Document`].
//!
//! Lowering never fails. An `ERROR` or `MISSING` node, a value of the wrong shape, a statement in the
//! wrong place or a repeated statement becomes a [`SyntaxError`] whose message says what to write; the
//! rest of the file is still lowered. Detail statements belong to the nearest `admin` above them in the
//! same claim, whatever the indentation or the nesting the grammar gave them.
//!
//! One pass: a single cursor walks the tree once (a [`FlatCursor`] over the visible nodes, which
//! `flat.c` lays out in one recursive pass; `flat.rs` says why not tree-sitter's `TreeCursor`). Node
//! kinds and field names are resolved to the grammar's numeric ids once per process ([`Grammar`]), so
//! a node is dispatched by a table lookup, not by comparing its kind's name; a statement's children
//! are gathered into buffers the lowering reuses.

use super::flat::FlatCursor;
use super::keywords;
use super::value;
use claimls_model::*;
use std::sync::OnceLock;
use tree_sitter::{Language, Node, Tree};

/// Lower a parsed `.claim` text. `text` must be the text `tree` was parsed from.
pub fn lower(tree: &Tree, text: &str) -> Document {
    let mut lowering = Lowering {
        text,
        doc: Document {
            text: text.to_string(),
            ..Document::default()
        },
        claim: None,
        g: Grammar::get(),
        cursor: FlatCursor::new(tree),
        items: Vec::new(),
        sub: Vec::new(),
    };
    lowering.node(false);
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

/// The statement node kinds (`<keyword>_statement`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stmt {
    Claim,
    Payer,
    Patient,
    Provider,
    Pos,
    Dx,
    Order,
    Auth,
    History,
    Note,
    Admin,
    Line,
    Dose,
    Route,
    Start,
    Stop,
    Vial,
    Waste,
    Reaction,
    Premed,
    /// A kind named `…_statement` that this lowering does not know.
    Unknown,
}

impl Stmt {
    const ALL: [Stmt; 20] = [
        Stmt::Claim,
        Stmt::Payer,
        Stmt::Patient,
        Stmt::Provider,
        Stmt::Pos,
        Stmt::Dx,
        Stmt::Order,
        Stmt::Auth,
        Stmt::History,
        Stmt::Note,
        Stmt::Admin,
        Stmt::Line,
        Stmt::Dose,
        Stmt::Route,
        Stmt::Start,
        Stmt::Stop,
        Stmt::Vial,
        Stmt::Waste,
        Stmt::Reaction,
        Stmt::Premed,
    ];

    /// The keyword of the statement (its node kind without `_statement`).
    fn keyword(self) -> &'static str {
        match self {
            Stmt::Claim => "claim",
            Stmt::Payer => "payer",
            Stmt::Patient => "patient",
            Stmt::Provider => "provider",
            Stmt::Pos => "pos",
            Stmt::Dx => "dx",
            Stmt::Order => "order",
            Stmt::Auth => "auth",
            Stmt::History => "history",
            Stmt::Note => "note",
            Stmt::Admin => "admin",
            Stmt::Line => "line",
            Stmt::Dose => "dose",
            Stmt::Route => "route",
            Stmt::Start => "start",
            Stmt::Stop => "stop",
            Stmt::Vial => "vial",
            Stmt::Waste => "waste",
            Stmt::Reaction => "reaction",
            Stmt::Premed => "premed",
            Stmt::Unknown => "",
        }
    }
}

/// The clauses of a `line` statement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Clause {
    Units = 1,
    Dx = 1 << 1,
    Ndc = 1 << 2,
    Charge = 1 << 3,
    On = 1 << 4,
}

impl Clause {
    fn keyword(self) -> &'static str {
        match self {
            Clause::Units => "units",
            Clause::Dx => "dx",
            Clause::Ndc => "ndc",
            Clause::Charge => "charge",
            Clause::On => "on",
        }
    }
}

/// What the lowering does with a node, by its kind (named or anonymous alike: the kind's name decides,
/// as it did when kinds were compared by name).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `source_file` or `claim`: its children are lowered.
    Container,
    AdminBlock,
    Error,
    Comment,
    Statement(Stmt),
    Clause(Clause),
    WasteAttribute,
    String,
    None,
    Unsigned,
    Reason,
    Witness,
    Evidence,
    /// The `from` and `to` keywords of an `auth`.
    From,
    To,
    Other,
}

impl Kind {
    fn of_name(name: &str) -> Kind {
        match name {
            "source_file" | "claim" => Kind::Container,
            "admin_block" => Kind::AdminBlock,
            "ERROR" => Kind::Error,
            "comment" => Kind::Comment,
            "units_clause" => Kind::Clause(Clause::Units),
            "dx_clause" => Kind::Clause(Clause::Dx),
            "ndc_clause" => Kind::Clause(Clause::Ndc),
            "charge_clause" => Kind::Clause(Clause::Charge),
            "on_clause" => Kind::Clause(Clause::On),
            "waste_attribute" => Kind::WasteAttribute,
            "string" => Kind::String,
            "none" => Kind::None,
            "unsigned" => Kind::Unsigned,
            "reason" => Kind::Reason,
            "witness" => Kind::Witness,
            "evidence" => Kind::Evidence,
            "from" => Kind::From,
            "to" => Kind::To,
            _ => match name.strip_suffix("_statement") {
                Some(keyword) => Kind::Statement(
                    Stmt::ALL
                        .into_iter()
                        .find(|s| s.keyword() == keyword)
                        .unwrap_or(Stmt::Unknown),
                ),
                None => Kind::Other,
            },
        }
    }

    /// A statement, a `claim` or an `admin_block` (what an ERROR node may hold that lowers on its own).
    fn holds_statements(self) -> bool {
        matches!(
            self,
            Kind::Statement(_) | Kind::Container | Kind::AdminBlock
        )
    }
}

/// The field ids the lowering reads (a name the grammar lacks gets an id no node has).
struct Fields {
    id: u16,
    kind: u16,
    name: u16,
    npi: u16,
    code: u16,
    letter: u16,
    date: u16,
    time: u16,
    status: u16,
    signer: u16,
    number: u16,
    from: u16,
    to: u16,
    treatment: u16,
    outcome: u16,
    text: u16,
    drug: u16,
    route: u16,
    amount: u16,
    unit: u16,
    ndc: u16,
    count: u16,
    key: u16,
    value: u16,
    modifier: u16,
    pointer: u16,
    quantity: u16,
}

/// The claim grammar's node kinds and fields, resolved to ids once per process.
struct Grammar {
    /// Indexed by kind id.
    kinds: Vec<Kind>,
    f: Fields,
}

/// The id given to a field name the grammar does not have: no node carries it.
const ABSENT_FIELD: u16 = u16::MAX;

impl Grammar {
    fn get() -> &'static Grammar {
        static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
        GRAMMAR.get_or_init(|| Grammar::new(&tree_sitter_claim::LANGUAGE.into()))
    }

    fn new(language: &Language) -> Grammar {
        let kinds = (0..language.node_kind_count())
            .map(|id| {
                u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .map_or(Kind::Other, Kind::of_name)
            })
            .collect();
        let field = |name: &str| {
            language
                .field_id_for_name(name)
                .map_or(ABSENT_FIELD, |id| id.get())
        };
        let f = Fields {
            id: field("id"),
            kind: field("kind"),
            name: field("name"),
            npi: field("npi"),
            code: field("code"),
            letter: field("letter"),
            date: field("date"),
            time: field("time"),
            status: field("status"),
            signer: field("signer"),
            number: field("number"),
            from: field("from"),
            to: field("to"),
            treatment: field("treatment"),
            outcome: field("outcome"),
            text: field("text"),
            drug: field("drug"),
            route: field("route"),
            amount: field("amount"),
            unit: field("unit"),
            ndc: field("ndc"),
            count: field("count"),
            key: field("key"),
            value: field("value"),
            modifier: field("modifier"),
            pointer: field("pointer"),
            quantity: field("quantity"),
        };
        Grammar { kinds, f }
    }

    fn kind(&self, node: Node) -> Kind {
        self.kind_of(node.kind_id())
    }

    /// The kind of a node kind id ([`Node::kind_id`]).
    fn kind_of(&self, id: u16) -> Kind {
        // `ERROR` (id u16::MAX) is outside the table of the grammar's own kinds.
        if id == u16::MAX {
            return Kind::Error;
        }
        self.kinds
            .get(usize::from(id))
            .copied()
            .unwrap_or(Kind::Other)
    }
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
    g: &'static Grammar,
    /// The one cursor of the walk; every step that moves it down moves it back up.
    cursor: FlatCursor<'t>,
    /// Reused buffers for a statement's children and its clauses' (attributes', drug name's) children.
    items: Vec<Item<'t>>,
    sub: Vec<Item<'t>>,
}

/// A child of a statement (or of a clause), as read once from the cursor.
#[derive(Clone, Copy)]
struct Item<'t> {
    node: Node<'t>,
    /// The field id (0: in no field).
    field: u16,
    kind: Kind,
    missing: bool,
    /// For a clause, a `waste_attribute` or a drug name: its children in [`Parts::sub`] and the span
    /// of its written content.
    sub: (u32, u32),
    content: Span,
}

/// The children of a statement: a view into the buffers of the lowering.
#[derive(Clone, Copy)]
struct Parts<'a, 't> {
    items: &'a [Item<'t>],
    sub: &'a [Item<'t>],
}

impl<'a, 't> Parts<'a, 't> {
    /// The children of a clause, `waste_attribute` or drug name of this statement.
    fn inner(&self, item: &Item<'t>) -> Parts<'a, 't> {
        let (start, end) = item.sub;
        Parts {
            items: &self.sub[start as usize..end as usize],
            sub: self.sub,
        }
    }

    /// The first child in `field` that was actually written (not a MISSING placeholder).
    fn field(&self, field: u16) -> Option<Node<'t>> {
        self.items
            .iter()
            .find(|i| i.field == field && !i.missing)
            .map(|i| i.node)
    }

    fn fields(&self, field: u16) -> impl Iterator<Item = &'a Item<'t>> + use<'a, 't> {
        self.items
            .iter()
            .filter(move |i| i.field == field && !i.missing)
    }

    /// Unnamed and named children of a kind (`none`, `waste_attribute`, `units_clause`…).
    fn kinds(&self, kind: Kind) -> impl Iterator<Item = &'a Item<'t>> + use<'a, 't> {
        self.items
            .iter()
            .filter(move |i| i.kind == kind && !i.missing)
    }
}

fn span(node: Node) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

impl<'t> Lowering<'t> {
    fn text(&self, node: Node) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// Whether a node has no written text (a MISSING placeholder, or only spaces).
    fn blank(&self, node: Node) -> bool {
        self.blank_at(node.start_byte(), node.end_byte())
    }

    /// [`Self::blank`] of the text from `start` to `end`.
    fn blank_at(&self, start: usize, end: usize) -> bool {
        start >= end
            || self
                .text
                .get(start..end)
                .is_none_or(|t| t.trim().is_empty())
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.doc.syntax.push(SyntaxError {
            span,
            message: message.into(),
        });
    }

    /// The span of a statement without its line end and trailing comment: from its start to the end
    /// of its last written child, or, with none, to the end of its text without trailing spaces.
    fn content_end(&self, node: Node, last_written_end: Option<usize>) -> Span {
        let start = node.start_byte();
        let end = match last_written_end {
            Some(end) => end,
            None => start + self.text(node).trim_end().len(),
        };
        Span::new(start, end.max(start))
    }

    /// [`Self::content_end`] of any node, walked with a cursor of its own (error paths only).
    fn content_span(&self, node: Node) -> Span {
        let mut end: Option<usize> = None;
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                if !child.is_extra() && !self.blank(child) {
                    end = Some(end.map_or(child.end_byte(), |e: usize| e.max(child.end_byte())));
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        // The first written child's end is at least the start.
        self.content_end(node, end.map(|e| e.max(node.start_byte())))
    }

    /// Lower the node at the cursor. `in_admin`: its parent is an `admin_block`.
    fn node(&mut self, in_admin: bool) {
        let node = self.cursor.node();
        match self.g.kind_of(self.cursor.entry().kind) {
            Kind::Container => self.children(false),
            Kind::AdminBlock if self.claim.is_none() => {
                let span = self.content_span(node);
                self.error(span, before_claim_message());
            }
            Kind::AdminBlock => self.children(true),
            Kind::Error => self.error_node(node, in_admin),
            Kind::Comment => {}
            Kind::Statement(stmt) => self.statement(node, stmt),
            _ if node.is_missing() => {
                let span = span(node);
                self.error(span, unreadable_message());
            }
            _ => {
                // Stray tokens directly under a container (the grammar should not produce them).
                if node.is_named() && !node.is_extra() && !self.blank(node) {
                    let span = self.content_span(node);
                    self.error(span, unreadable_message());
                }
            }
        }
    }

    /// Lower the children of the node at the cursor; the cursor ends where it started.
    fn children(&mut self, in_admin: bool) {
        if self.cursor.goto_first_child() {
            loop {
                self.node(in_admin);
                if !self.cursor.goto_next_sibling() {
                    break;
                }
            }
            self.cursor.goto_parent();
        }
    }

    /// An ERROR node (at the cursor): statements inside it that parsed cleanly are lowered; every
    /// other line it covers gets one "cannot read this line".
    fn error_node(&mut self, node: Node, in_admin: bool) {
        let mut bad: Vec<Span> = Vec::new();
        let clean = self.collect_unreadable(node, &mut bad);
        if bad.is_empty() && !clean {
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
        for s in merged {
            let message = self.unreadable_line_message(s, in_admin);
            self.error(s, message);
        }
    }

    /// The unreadable stretches under the node at the cursor (statements that parsed cleanly are
    /// lowered); returns whether one of its children is such a statement. The cursor ends where it
    /// started.
    fn collect_unreadable(&mut self, node: Node, bad: &mut Vec<Span>) -> bool {
        if !self.cursor.goto_first_child() {
            if !node.is_extra() && !self.blank(node) {
                bad.push(self.content_span(node));
            } else if node.is_missing() {
                bad.push(span(node));
            }
            return false;
        }
        let mut clean = false;
        loop {
            let child = self.cursor.node();
            if self.g.kind_of(self.cursor.entry().kind).holds_statements() && !child.has_error() {
                clean = true;
                self.node(false);
            } else if !child.is_extra() || child.is_error() {
                // Error recovery wraps the tokens it skips in an ERROR that is an extra: skipped
                // text is unreadable, unlike a comment.
                self.collect_unreadable(child, bad);
            }
            if !self.cursor.goto_next_sibling() {
                break;
            }
        }
        self.cursor.goto_parent();
        clean
    }

    /// Read the children of the node at the cursor into `items` (and, for a clause, attribute or drug
    /// name, theirs into `sub`); returns the content end. The cursor ends where it started.
    fn gather(
        &mut self,
        items: &mut Vec<Item<'t>>,
        sub: &mut Vec<Item<'t>>,
        deep: bool,
    ) -> Option<usize> {
        let mut end: Option<usize> = None;
        if !self.cursor.goto_first_child() {
            return end;
        }
        loop {
            let e = self.cursor.entry();
            let (node, field, kind, missing) =
                (e.node, e.field, self.g.kind_of(e.kind), e.is_missing());
            if !e.is_extra() && !missing && !self.blank_at(e.start_byte(), e.end_byte()) {
                end = Some(end.map_or(e.end_byte(), |end| end.max(e.end_byte())));
            }
            let mut item = Item {
                node,
                field,
                kind,
                missing,
                sub: (0, 0),
                content: Span::new(0, 0),
            };
            let inner =
                matches!(kind, Kind::Clause(_) | Kind::WasteAttribute) || field == self.g.f.drug;
            if deep && inner {
                let start = sub.len() as u32;
                let mut none = Vec::new();
                let inner_end = self.gather(sub, &mut none, false);
                item.sub = (start, sub.len() as u32);
                item.content = self.content_end(node, inner_end.map(|e| e.max(node.start_byte())));
            }
            items.push(item);
            if !self.cursor.goto_next_sibling() {
                break;
            }
        }
        self.cursor.goto_parent();
        end
    }

    fn statement(&mut self, node: Node<'t>, kind: Stmt) {
        let mut items = std::mem::take(&mut self.items);
        let mut sub = std::mem::take(&mut self.sub);
        items.clear();
        sub.clear();
        let end = self.gather(&mut items, &mut sub, true);
        let stmt = self.content_end(node, end.map(|e| e.max(node.start_byte())));
        let parts = Parts {
            items: &items,
            sub: &sub,
        };
        self.lower_statement(kind, &parts, stmt);
        self.items = items;
        self.sub = sub;
    }

    fn lower_statement(&mut self, kind: Stmt, parts: &Parts<'_, 't>, stmt: Span) {
        if kind == Stmt::Claim {
            self.claim_statement(parts, stmt);
            return;
        }
        if self.claim.is_none() {
            self.error(stmt, before_claim_message());
            return;
        }
        let keyword = kind.keyword();
        self.report_broken(parts, keyword);
        match kind {
            Stmt::Payer => self.payer(parts, stmt),
            Stmt::Patient => self.patient(parts, stmt),
            Stmt::Provider => self.provider(parts, stmt),
            Stmt::Pos => self.pos(parts, stmt),
            Stmt::Dx => self.dx(parts, stmt),
            Stmt::Order => self.order(parts, stmt),
            Stmt::Auth => self.auth(parts, stmt),
            Stmt::History => self.history(parts, stmt),
            Stmt::Note => self.note(parts, stmt),
            Stmt::Admin => self.admin(parts, stmt),
            Stmt::Line => self.line(parts, stmt),
            Stmt::Dose
            | Stmt::Route
            | Stmt::Start
            | Stmt::Stop
            | Stmt::Vial
            | Stmt::Waste
            | Stmt::Reaction
            | Stmt::Premed => self.detail(kind, parts, stmt),
            Stmt::Claim | Stmt::Unknown => self.error(stmt, unreadable_message()),
        }
        if let Some(state) = self.claim.as_mut() {
            state.claim.span = state.claim.span.cover(stmt);
        }
    }

    /// ERROR children inside a statement: "unexpected `…`" with what the statement needs.
    fn report_broken(&mut self, parts: &Parts, keyword: &str) {
        // Runs for every statement; almost none has an error, so nothing is prepared before one.
        for item in parts.items {
            if item.kind != Kind::Error {
                continue;
            }
            let shown = keyword.strip_prefix("line ").unwrap_or(keyword);
            let node = item.node;
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
        let id = match parts.field(self.g.f.id) {
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
        let Some(kind_node) = parts.field(self.g.f.kind) else {
            self.needs("payer", stmt);
            return;
        };
        let Some(kind) = self.read(kind_node, value::payer_kind) else {
            return;
        };
        let name = parts.field(self.g.f.name).map(|n| self.spanned_string(n));
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
        match parts.field(self.g.f.id) {
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
        match parts.field(self.g.f.npi) {
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
        match parts.field(self.g.f.code) {
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
        let Some(code_node) = parts.field(self.g.f.code) else {
            self.needs("dx", stmt);
            return;
        };
        let code = self.spanned_upper(code_node);
        let letter = match parts.field(self.g.f.letter) {
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
        let date = match parts.field(self.g.f.date) {
            Some(n) => self.read(n, value::date),
            None => {
                self.needs("order", stmt);
                None
            }
        };
        let status = match parts.field(self.g.f.status) {
            Some(n) if self.g.kind(n) == Kind::Unsigned => {
                Spanned::new(OrderStatus::Unsigned, span(n))
            }
            Some(n) => {
                let by = parts.field(self.g.f.signer).map(|s| self.spanned_string(s));
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
        let Some(number) = parts.field(self.g.f.number) else {
            self.needs("auth", stmt);
            return;
        };
        let number = self.spanned_text(number);
        let from = parts
            .field(self.g.f.from)
            .and_then(|n| self.read(n, value::date));
        let to = parts
            .field(self.g.f.to)
            .and_then(|n| self.read(n, value::date));
        // `from`/`to` written without their date: said, not dropped silently.
        for (keyword, field, date) in [
            (Kind::From, self.g.f.from, &from),
            (Kind::To, self.g.f.to, &to),
        ] {
            if date.is_none()
                && parts.kinds(keyword).next().is_some()
                && parts.field(field).is_none()
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
        let Some(treatment) = parts.field(self.g.f.treatment) else {
            self.needs("history", stmt);
            return;
        };
        let treatment = self.spanned_string(treatment);
        let outcome = match parts.field(self.g.f.outcome) {
            Some(n) => self.read(n, value::history_outcome),
            None => {
                self.needs("history", stmt);
                None
            }
        };
        let date = parts
            .field(self.g.f.date)
            .and_then(|n| self.read(n, value::date));
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
        let Some(text) = parts.field(self.g.f.text) else {
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
        let mut words = String::new();
        let mut drug_span: Option<Span> = None;
        for item in parts.fields(self.g.f.drug) {
            let n = item.node;
            drug_span = Some(drug_span.map_or(span(n), |s| s.cover(span(n))));
            self.drug_words(parts, item, &mut words);
        }
        let drug = match drug_span {
            Some(s) if !words.is_empty() => Spanned::new(words, s),
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

    /// The words of a drug name (`drug_name` of `word`s, a `string`, or a bare word), each added to
    /// `words` after a space.
    fn drug_words(&self, parts: &Parts, item: &Item, words: &mut String) {
        if item.kind == Kind::String {
            push_words(words, &value::string(self.text(item.node)));
            return;
        }
        let inner = parts.inner(item);
        if inner.items.iter().any(|c| c.node.is_named()) {
            for c in inner.items {
                let child = c.node;
                if child.is_named() && !child.is_extra() && !child.is_error() && !c.missing {
                    self.drug_words_of(child, words);
                }
            }
        } else {
            push_words(words, self.text(item.node));
        }
    }

    /// [`Self::drug_words`] of a node below a drug name (a `word`: the grammar nests no deeper).
    fn drug_words_of(&self, node: Node, words: &mut String) {
        if self.g.kind(node) == Kind::String {
            push_words(words, &value::string(self.text(node)));
        } else if node.named_child_count() > 0 {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if !child.is_extra() && !child.is_error() && !child.is_missing() {
                    self.drug_words_of(child, words);
                }
            }
        } else {
            push_words(words, self.text(node));
        }
    }

    /// A detail statement: attached to the last `admin` of the claim.
    fn detail(&mut self, kind: Stmt, parts: &Parts, stmt: Span) {
        let keyword = kind.keyword();
        let has_admin = self
            .claim
            .as_ref()
            .is_some_and(|s| !s.claim.admins.is_empty());
        if !has_admin {
            self.error(stmt, format!("`{keyword}` belongs under an `admin` line"));
            return;
        }
        let once = match kind {
            Stmt::Dose => Some(Once::Dose),
            Stmt::Route => Some(Once::Route),
            Stmt::Start => Some(Once::Start),
            Stmt::Stop => Some(Once::Stop),
            Stmt::Reaction => Some(Once::Reaction),
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
        match kind {
            Stmt::Dose => {
                if let Some(q) = self.quantity(parts, "dose", stmt) {
                    self.with_admin(|a| a.dose = Some(q));
                }
            }
            Stmt::Route => match parts.field(self.g.f.route) {
                Some(n) => {
                    let route = Spanned::new(self.text(n).to_ascii_lowercase(), span(n));
                    self.with_admin(|a| a.route = Some(route));
                }
                None => self.needs("route", stmt),
            },
            Stmt::Start => self.start(parts, stmt),
            Stmt::Stop => self.stop(parts, stmt),
            Stmt::Vial => self.vial(parts, stmt),
            Stmt::Waste => self.waste(parts, stmt),
            Stmt::Reaction => self.reaction(parts, stmt),
            Stmt::Premed => match parts.field(self.g.f.text) {
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
        let (Some(amount), Some(unit)) = (parts.field(self.g.f.amount), parts.field(self.g.f.unit))
        else {
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
        let (Some(date), Some(time)) = (parts.field(self.g.f.date), parts.field(self.g.f.time))
        else {
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
        let Some(time) = parts.field(self.g.f.time) else {
            self.needs("stop", stmt);
            return;
        };
        let date = match parts.field(self.g.f.date) {
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
        let size = if let Some(n) = parts.field(self.g.f.ndc) {
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
        let count = match parts.field(self.g.f.count) {
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
        for item in parts.kinds(Kind::WasteAttribute) {
            let attr_parts = parts.inner(item);
            let (Some(key), Some(val)) = (
                attr_parts.field(self.g.f.key),
                attr_parts.field(self.g.f.value),
            ) else {
                self.error(
                    item.content,
                    "`reason`, `witness` and `evidence` need quoted text, e.g. `witness \"K. Ortiz, RN\"`",
                );
                continue;
            };
            let (key_text, slot) = match self.g.kind(key) {
                Kind::Reason => ("reason", &mut waste.reason),
                Kind::Witness => ("witness", &mut waste.witness),
                Kind::Evidence => ("evidence", &mut waste.evidence),
                _ => continue,
            };
            if slot.is_some() {
                let message = format!("a second `{key_text}` in one waste: keep one");
                self.error(item.content, message);
                continue;
            }
            *slot = Some(self.spanned_string(val));
        }
        self.with_admin(|a| a.wastes.push(waste));
    }

    fn reaction(&mut self, parts: &Parts, stmt: Span) {
        let reaction = if let Some(n) = parts.field(self.g.f.text) {
            Spanned::new(Reaction::Described(value::string(self.text(n))), span(n))
        } else if let Some(n) = parts.kinds(Kind::None).next() {
            Spanned::new(Reaction::None, span(n.node))
        } else {
            self.needs("reaction", stmt);
            return;
        };
        self.with_admin(|a| a.reaction = Some(reaction));
    }

    // --- billed lines ------------------------------------------------------------------------

    fn line(&mut self, parts: &Parts, stmt: Span) {
        let Some(code) = parts.field(self.g.f.code) else {
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
        let mut seen = 0u8;
        for item in parts.items {
            let Kind::Clause(clause) = item.kind else {
                continue;
            };
            let keyword = clause.keyword();
            let clause_span = item.content;
            if seen & clause as u8 != 0 {
                self.error(
                    clause_span,
                    format!("a second `{keyword}` on one line: keep one"),
                );
                continue;
            }
            seen |= clause as u8;
            let cp = parts.inner(item);
            self.report_broken(
                &cp,
                if clause == Clause::Dx {
                    "line dx"
                } else {
                    keyword
                },
            );
            match clause {
                // `units` without a number is left to the rule `units-invalid`.
                Clause::Units => {
                    line.units = cp
                        .field(self.g.f.value)
                        .and_then(|n| self.read(n, value::number))
                }
                Clause::Dx => {
                    let pointers: Vec<Spanned<DxPointer>> = cp
                        .fields(self.g.f.pointer)
                        .map(|i| Spanned::new(dx_pointer(self.text(i.node)), span(i.node)))
                        .collect();
                    if pointers.is_empty() {
                        self.needs("line dx", clause_span);
                    } else {
                        line.dx = Some(pointers);
                    }
                }
                Clause::Ndc => line.ndc = self.line_ndc(&cp, clause_span),
                Clause::Charge => match cp.field(self.g.f.amount) {
                    Some(n) => line.charge = self.read(n, value::number),
                    None => self.needs("charge", clause_span),
                },
                Clause::On => match cp.field(self.g.f.date) {
                    Some(n) => line.on = self.read(n, value::date),
                    None => self.needs("on", clause_span),
                },
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
        let mut nodes = parts.fields(self.g.f.modifier).map(|i| i.node);
        let mut modifiers = Vec::new();
        // Almost every line has no misspelt clause keyword: read the modifiers one by one, gathering
        // the rest only for the one that is.
        let Some(keyword_at) = nodes.position(|node| {
            let word = self.text(node);
            let not_keyword = nearest_clause_keyword(word).is_none();
            if not_keyword {
                modifiers.push(self.spanned_upper(node));
            }
            !not_keyword
        }) else {
            return (modifiers, None);
        };
        let nodes: Vec<Node> = parts
            .fields(self.g.f.modifier)
            .map(|i| i.node)
            .skip(keyword_at)
            .collect();
        let mut i = 0;
        while i < nodes.len() {
            let node = nodes[i];
            let word = self.text(node);
            let Some(keyword) = nearest_clause_keyword(word) else {
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
        let Some(ndc) = cp.field(self.g.f.ndc) else {
            self.needs("ndc", clause);
            return None;
        };
        let ndc = Spanned::new(Ndc::parse(self.text(ndc)), span(ndc));
        let quantity = cp.field(self.g.f.quantity);
        let unit = cp.field(self.g.f.unit);
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
    let bytes = text.as_bytes();
    // The line of the last lone CR named, and how far the text was searched for line ends: each
    // stretch is searched once, so a long line of CRs costs what it is long.
    let (mut named, mut searched, mut line) = (None, 0, 0);
    // `match_indices` of a char searches with memchr: most texts have no `\r` at all.
    text.match_indices('\r')
        .map(|(i, _)| i)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .filter(move |&i| {
            if let Some(n) = text[searched..i].rfind('\n') {
                line = searched + n + 1;
            }
            searched = i;
            let first = named != Some(line);
            named = Some(line);
            first
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

/// The line clause keyword a modifier most likely meant ([`nearest`] of its lowercase form).
fn nearest_clause_keyword(word: &str) -> Option<&'static str> {
    // `nearest` needs three letters (and ASCII lowercasing keeps the count): most modifiers have two.
    if word.len() < 3 || word.chars().count() < 3 {
        return None;
    }
    nearest(&word.to_ascii_lowercase(), &LINE_CLAUSE_KEYWORDS)
}

/// The words of `text` (split at whitespace) added to `words`, each after a space but the first.
fn push_words(words: &mut String, text: &str) {
    for w in text.split_whitespace() {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(w);
    }
}

/// The first of `keywords` one edit (or one transposition) away from `word`, for words of three letters
/// or more.
fn nearest(word: &str, keywords: &[&'static str]) -> Option<&'static str> {
    let len = word.chars().count();
    if len < 3 {
        return None;
    }
    // One edit changes the length by at most one: other keywords are not measured (the distance
    // allocates, and this runs for every modifier of every line).
    keywords
        .iter()
        .copied()
        .filter(|k| k.chars().count().abs_diff(len) <= 1)
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

#[cfg(test)]
mod grammar_ids {
    use super::*;

    /// Every field the lowering reads is a field of the grammar (a misspelt name would silently read
    /// nothing), and every kind it dispatches on is a kind of the grammar.
    #[test]
    fn every_field_and_kind_the_lowering_reads_is_in_the_grammar() {
        let g = Grammar::get();
        let f = &g.f;
        let fields = [
            f.id,
            f.kind,
            f.name,
            f.npi,
            f.code,
            f.letter,
            f.date,
            f.time,
            f.status,
            f.signer,
            f.number,
            f.from,
            f.to,
            f.treatment,
            f.outcome,
            f.text,
            f.drug,
            f.route,
            f.amount,
            f.unit,
            f.ndc,
            f.count,
            f.key,
            f.value,
            f.modifier,
            f.pointer,
            f.quantity,
        ];
        assert!(fields.iter().all(|&id| id != ABSENT_FIELD && id != 0));
        let mut wanted: Vec<Kind> = Stmt::ALL.iter().map(|&s| Kind::Statement(s)).collect();
        wanted.extend([
            Kind::Container,
            Kind::AdminBlock,
            Kind::Comment,
            Kind::Clause(Clause::Units),
            Kind::Clause(Clause::Dx),
            Kind::Clause(Clause::Ndc),
            Kind::Clause(Clause::Charge),
            Kind::Clause(Clause::On),
            Kind::WasteAttribute,
            Kind::String,
            Kind::None,
            Kind::Unsigned,
            Kind::Reason,
            Kind::Witness,
            Kind::Evidence,
        ]);
        for kind in wanted {
            assert!(
                g.kinds.contains(&kind),
                "{kind:?} is no kind of the grammar"
            );
        }
    }

    /// The kind table agrees with the names: a node is dispatched as its kind's name says.
    #[test]
    fn kind_ids_dispatch_as_the_kind_names() {
        let text = "claim A\npayer medicare\n  admin \"x y\"\n    waste 1 mg reason \"r\"\n    bogus\nline J1 units 2 dx A\n# c\n";
        let tree = crate::parse(text);
        let g = Grammar::get();
        let mut cursor = tree.walk();
        let mut seen = 0;
        loop {
            let node = cursor.node();
            assert_eq!(g.kind(node), Kind::of_name(node.kind()), "{}", node.kind());
            seen += 1;
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            let mut done = true;
            while cursor.goto_parent() {
                if cursor.goto_next_sibling() {
                    done = false;
                    break;
                }
            }
            if done {
                break;
            }
        }
        assert!(seen > 30);
    }
}
