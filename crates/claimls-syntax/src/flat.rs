//! A tree's visible nodes laid out flat, with a cursor over them: the lowering's one walk.
//!
//! Why not tree-sitter's `TreeCursor`: each of its steps re-derives the step's position, alias, and
//! descendant index from the parent it climbs back to, and asking a node's field walks up its stack
//! again. At about 90 visible nodes a claim, that came to 680 instructions a node — half of all
//! lowering, and a fifth of what parsing the claim costs (callgrind, 2,000 generated claims). No crate
//! walks a tree-sitter tree faster, so `flat.c` walks the tree once, recursively, with tree-sitter's
//! own headers (built from the sources of the tree-sitter this crate links, see `build.rs`), and
//! writes each visible node with its field and the end of its subtree. [`FlatCursor`] then steps by
//! index. What it visits, and each node and field, are what `TreeCursor` gives: the tests below walk
//! both over the examples, the grammar's corpus, broken text and damaged copies of the examples,
//! node for node.

use tree_sitter::{Node, Tree};

/// A visible node, the index just past its subtree, and what the lowering asks of it. The layout is
/// `ClaimlsFlatEntry` of `flat.c` (`Node` is a transparent `TSNode`).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Entry<'t> {
    pub(crate) node: Node<'t>,
    end: u32,
    /// [`Node::end_byte`].
    pub(crate) end_byte: u32,
    /// The field id (0: in no field).
    pub(crate) field: u16,
    /// [`Node::kind_id`] (`u16::MAX`: an `ERROR`).
    pub(crate) kind: u16,
    flags: u8,
}

const MISSING: u8 = 1;
const EXTRA: u8 = 2;

impl Entry<'_> {
    pub(crate) fn start_byte(&self) -> usize {
        self.node.start_byte()
    }

    pub(crate) fn end_byte(&self) -> usize {
        self.end_byte as usize
    }

    /// [`Node::is_missing`].
    pub(crate) fn is_missing(&self) -> bool {
        self.flags & MISSING != 0
    }

    /// [`Node::is_extra`].
    pub(crate) fn is_extra(&self) -> bool {
        self.flags & EXTRA != 0
    }
}

unsafe extern "C" {
    /// Writes up to `cap` entries for `root` and its visible descendants; returns how many there are.
    fn claimls_flatten(root: Node<'_>, out: *mut Entry<'_>, cap: u32) -> u32;
}

/// A cursor over the visible nodes of a tree, with [`tree_sitter::TreeCursor`]'s moves.
pub(crate) struct FlatCursor<'t> {
    entries: Vec<Entry<'t>>,
    at: usize,
    /// The indices of the current node's ancestors, the root first.
    parents: Vec<usize>,
}

impl<'t> FlatCursor<'t> {
    /// A cursor at the root of `tree`.
    pub(crate) fn new(tree: &'t Tree) -> FlatCursor<'t> {
        let root = tree.root_node();
        // `descendant_count` is the number of visible nodes including the root: exactly what is
        // written.
        let mut cap = root.descendant_count();
        let mut entries: Vec<Entry<'t>> = Vec::new();
        loop {
            entries.reserve_exact(cap);
            let room = u32::try_from(entries.capacity()).unwrap_or(u32::MAX);
            // SAFETY: `out` has room for `room` entries, and `claimls_flatten` writes at most that
            // many, each one whole; the nodes written point into `tree`, which outlives `'t`.
            let count = unsafe { claimls_flatten(root, entries.as_mut_ptr(), room) } as usize;
            if count <= room as usize {
                // SAFETY: the first `count` entries were written.
                unsafe { entries.set_len(count) };
                break;
            }
            cap = count;
        }
        FlatCursor {
            entries,
            at: 0,
            parents: Vec::new(),
        }
    }

    pub(crate) fn node(&self) -> Node<'t> {
        self.entries[self.at].node
    }

    /// The current node with what the lowering asks of it.
    pub(crate) fn entry(&self) -> &Entry<'t> {
        &self.entries[self.at]
    }

    pub(crate) fn goto_first_child(&mut self) -> bool {
        let next = self.at + 1;
        if next < self.entries[self.at].end as usize {
            self.parents.push(self.at);
            self.at = next;
            true
        } else {
            false
        }
    }

    pub(crate) fn goto_next_sibling(&mut self) -> bool {
        let Some(&parent) = self.parents.last() else {
            return false;
        };
        let next = self.entries[self.at].end as usize;
        if next < self.entries[parent].end as usize {
            self.at = next;
            true
        } else {
            false
        }
    }

    pub(crate) fn goto_parent(&mut self) -> bool {
        match self.parents.pop() {
            Some(parent) => {
                self.at = parent;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter::TreeCursor;

    /// One visible node as a walk gives it: depth, node id, kind (aliases applied), span, row and
    /// column, field.
    type Seen = (usize, usize, u16, usize, usize, (usize, usize), Option<u16>);

    fn seen(depth: usize, node: Node, field: Option<u16>) -> Seen {
        let p = node.start_position();
        (
            depth,
            node.id(),
            node.kind_id(),
            node.start_byte(),
            node.end_byte(),
            (p.row, p.column),
            field,
        )
    }

    /// The moves both cursors have, and what each says of the node it is at.
    trait Walk {
        fn seen(&self, depth: usize) -> Seen;
        fn goto_first_child(&mut self) -> bool;
        fn goto_next_sibling(&mut self) -> bool;
        fn goto_parent(&mut self) -> bool;
    }

    impl Walk for TreeCursor<'_> {
        fn seen(&self, depth: usize) -> Seen {
            seen(depth, self.node(), self.field_id().map(|f| f.get()))
        }
        fn goto_first_child(&mut self) -> bool {
            TreeCursor::goto_first_child(self)
        }
        fn goto_next_sibling(&mut self) -> bool {
            TreeCursor::goto_next_sibling(self)
        }
        fn goto_parent(&mut self) -> bool {
            TreeCursor::goto_parent(self)
        }
    }

    impl Walk for FlatCursor<'_> {
        fn seen(&self, depth: usize) -> Seen {
            let e = self.entry();
            let n = e.node;
            let facts = (
                e.start_byte(),
                e.end_byte(),
                e.kind,
                e.is_missing(),
                e.is_extra(),
            );
            let asked = (
                n.start_byte(),
                n.end_byte(),
                n.kind_id(),
                n.is_missing(),
                n.is_extra(),
            );
            assert_eq!(facts, asked, "the facts of {n:?}");
            assert_eq!(e.kind == u16::MAX, n.is_error(), "{n:?}");
            seen(depth, n, (e.field != 0).then_some(e.field))
        }
        fn goto_first_child(&mut self) -> bool {
            FlatCursor::goto_first_child(self)
        }
        fn goto_next_sibling(&mut self) -> bool {
            FlatCursor::goto_next_sibling(self)
        }
        fn goto_parent(&mut self) -> bool {
            FlatCursor::goto_parent(self)
        }
    }

    /// Every node under the cursor, depth first, as the cursor gives it.
    fn walk(cursor: &mut impl Walk, depth: usize, out: &mut Vec<Seen>) {
        out.push(cursor.seen(depth));
        if cursor.goto_first_child() {
            loop {
                walk(cursor, depth + 1, out);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            assert!(cursor.goto_parent());
        }
    }

    /// Both walks of `text`, parsed whole and claim by claim, visit the same nodes with the same
    /// fields; returns how many nodes were compared.
    fn assert_same_walk(name: &str, text: &str) -> usize {
        let mut compared = 0;
        let pieces = std::iter::once(0..text.len()).chain(crate::split::claim_ranges(text));
        for range in pieces {
            let piece = &text[range];
            let tree = crate::parse(piece);
            let mut expected = Vec::new();
            walk(&mut tree.walk(), 0, &mut expected);
            let mut got = Vec::new();
            let mut flat = FlatCursor::new(&tree);
            walk(&mut flat, 0, &mut got);
            assert!(
                !flat.goto_parent() && !flat.goto_next_sibling(),
                "{name}: ends at the root"
            );
            if let Some(i) =
                (0..expected.len().max(got.len())).find(|&i| expected.get(i) != got.get(i))
            {
                panic!(
                    "{name}: node {i} differs\n tree cursor: {:?}\n flat cursor: {:?}\n in {piece:?}",
                    expected.get(i),
                    got.get(i)
                );
            }
            compared += expected.len();
        }
        compared
    }

    fn files_in(dir: &std::path::Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files_in(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_flat_walk_is_the_tree_cursor_walk_on_the_examples_and_the_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        files_in(&root.join("examples"), "claim", &mut files);
        files_in(&root.join("grammar/test/examples"), "claim", &mut files);
        // The corpus files hold many small documents (with their expected trees): walked whole,
        // their text is broken notation of every kind.
        files_in(&root.join("grammar/test/corpus"), "txt", &mut files);
        assert!(files.len() > 10, "found {} files", files.len());
        let mut nodes = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).expect("read");
            nodes += assert_same_walk(&path.display().to_string(), &text);
        }
        assert!(nodes > 5_000, "compared {nodes} nodes");
    }

    #[test]
    fn the_flat_walk_is_the_tree_cursor_walk_on_damaged_examples() {
        // Each example with bytes cut out, repeated and replaced at places a fixed-seed generator
        // picks: ERROR and MISSING nodes, extras inside them, statements cut in half.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        files_in(&root.join("examples"), "claim", &mut files);
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below.max(1) as u64) as usize
        };
        let junk = [
            "\n", " ", "\"", "#", "claim", "dose", ",", "x2", "\r", "\u{0}", "9", "ü",
        ];
        let mut cases = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).expect("read");
            for _ in 0..40 {
                let mut damaged = text.clone();
                for _ in 0..1 + next(4) {
                    let mut at = next(damaged.len() + 1);
                    while !damaged.is_char_boundary(at) {
                        at -= 1;
                    }
                    let mut end = (at + next(12)).min(damaged.len());
                    while !damaged.is_char_boundary(end) {
                        end -= 1;
                    }
                    match next(3) {
                        0 => damaged.replace_range(at..end, ""),
                        1 => damaged.insert_str(at, junk[next(junk.len())]),
                        _ => {
                            let copy = damaged[at..end].to_string();
                            damaged.insert_str(at, &copy);
                        }
                    }
                }
                assert_same_walk(&format!("{} damaged", path.display()), &damaged);
                cases += 1;
            }
        }
        assert!(cases >= 200, "{cases} damaged texts");
    }

    #[test]
    fn the_flat_walk_is_the_tree_cursor_walk_on_broken_and_odd_text() {
        let cases = [
            "",
            "\n\n",
            "claim",
            "claim A\n  payer\n  dx\n  line\n",
            "claim A\n  admin\n    dose 5 mg 7 x\n    vial 1234 x2 junk \"q\n  line J1 JZ units dx A, B ndc 1 2 ML charge on\n",
            "dose 5 mg\nclaim A\n  ??? !!\n  payer medicare \"x\" extra words # c\n",
            "claim A # c\n  # only a comment\n\n  admin drug name words\n    waste 5 mg reason \"r\" witness evidence\n",
            "claim A\r\n  payer medicare\r\n  pos 11",
            "claim A\n  line 96413 units 1 dx A\n  line\u{0}\n  \"unclosed\n",
            "\u{feff}claim Ü\n  note \"ß 全角 😀\"\n  history \"x\" failed 2026-01-01\n",
        ];
        for (i, text) in cases.iter().enumerate() {
            assert_same_walk(&format!("case {i}"), text);
        }
        // Every prefix of a full claim: each cut leaves a different unfinished statement.
        let full = cases[4];
        for end in (0..=full.len()).filter(|&e| full.is_char_boundary(e)) {
            assert_same_walk(&format!("prefix {end}"), &full[..end]);
        }
    }
}
