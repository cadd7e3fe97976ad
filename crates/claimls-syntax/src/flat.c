// The visible nodes of a tree-sitter tree in document order, each with its field and the index just
// past its subtree: what the lowering reads, in one pass (see flat.rs for why this is written here).
//
// It visits what `TSTreeCursor` visits and gives each node what `ts_tree_cursor_current_node` and
// `ts_tree_cursor_current_field_id` give (tree_cursor.c of the tree-sitter this crate pins): hidden
// nodes are descended into, a node is visible when its symbol is or its parent's production aliases
// it, an extra has no alias and no field, and a node's field is the first one found going up from it
// through its hidden ancestors. `flat.rs` tests that the two walks agree node for node.

#include "tree_sitter/api.h"
#include "./language.h"
#include "./length.h"
#include "./subtree.h"
#include "./tree.h"

// What the lowering asks of every node, read here once: a call through the tree-sitter API for each
// (`ts_node_symbol`, `ts_node_end_byte`…) cost the lowering as much again as the walk.
typedef struct {
  TSNode node;
  uint32_t end;
  uint32_t end_byte;
  uint16_t field;
  uint16_t kind;
  uint8_t flags;
} ClaimlsFlatEntry;

enum { FLAG_MISSING = 1, FLAG_EXTRA = 2 };

static void fill(ClaimlsFlatEntry *e, const TSTree *tree, const Subtree *subtree, Length position,
                 TSSymbol alias, TSFieldId field) {
  e->node = (TSNode){
    {position.bytes, position.extent.row, position.extent.column, alias},
    subtree,
    tree,
  };
  e->end_byte = position.bytes + ts_subtree_size(*subtree).bytes;
  e->field = field;
  e->kind = ts_language_public_symbol(tree->language, alias ? alias : ts_subtree_symbol(*subtree));
  e->flags = (ts_subtree_missing(*subtree) ? FLAG_MISSING : 0) |
             (ts_subtree_extra(*subtree) ? FLAG_EXTRA : 0);
}

typedef struct {
  ClaimlsFlatEntry *out;
  uint32_t cap;
  uint32_t len;
  const TSTree *tree;
} Walk;

static void walk_children(Walk *w, Subtree parent, Length position, TSFieldId inherited);

static void visit(Walk *w, const Subtree *subtree, Length position, TSSymbol alias, TSFieldId field) {
  uint32_t at = w->len++;
  if (at < w->cap) fill(&w->out[at], w->tree, subtree, position, alias, field);
  // A visible node's field is its own: its children start afresh.
  walk_children(w, *subtree, position, 0);
  if (at < w->cap) w->out[at].end = w->len;
}

// The children of `parent` (which starts at `position`); `inherited` is the field of `parent` when it
// is hidden and not an extra, which its children have unless their own production gives them one.
static void walk_children(Walk *w, Subtree parent, Length position, TSFieldId inherited) {
  uint32_t count = ts_subtree_child_count(parent);
  if (count == 0) return;
  const TSLanguage *language = w->tree->language;
  const Subtree *children = ts_subtree_children(parent);
  const TSSymbol *aliases = ts_language_alias_sequence(language, parent.ptr->production_id);
  const TSFieldMapEntry *fields, *fields_end;
  ts_language_field_map(language, parent.ptr->production_id, &fields, &fields_end);
  uint32_t structural = 0;
  for (uint32_t i = 0; i < count; i++) {
    const Subtree *child = &children[i];
    if (i > 0) position = length_add(position, ts_subtree_padding(*child));
    bool extra = ts_subtree_extra(*child);
    TSSymbol alias = 0;
    TSFieldId field = 0;
    if (!extra) {
      if (aliases) alias = aliases[structural];
      for (const TSFieldMapEntry *f = fields; f < fields_end; f++) {
        if (!f->inherited && f->child_index == structural) {
          field = f->field_id;
          break;
        }
      }
      if (field == 0) field = inherited;
      structural++;
    }
    if (ts_subtree_visible(*child) || alias) {
      visit(w, child, position, alias, field);
    } else if (ts_subtree_visible_child_count(*child) > 0) {
      walk_children(w, *child, position, field);
    }
    position = length_add(position, ts_subtree_size(*child));
  }
}

// Writes the visible nodes of `root` and below (`root` first, its field 0) into `out`, at most `cap`
// of them; returns how many there are (more than `cap`: call again with room for all).
uint32_t claimls_flatten(TSNode root, ClaimlsFlatEntry *out, uint32_t cap) {
  Walk w = {out, cap, 0, root.tree};
  Length position = {root.context[0], {root.context[1], root.context[2]}};
  const Subtree *subtree = (const Subtree *)root.id;
  uint32_t at = w.len++;
  if (at < cap) fill(&out[at], root.tree, subtree, position, (TSSymbol)root.context[3], 0);
  walk_children(&w, *subtree, position, 0);
  if (at < cap) out[at].end = w.len;
  return w.len;
}
