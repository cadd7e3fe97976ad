// External scanner for tree-sitter-claim.
//
// It produces one token: `_eof`, a zero-width statement end at the end of a
// file that has no final newline, so the last statement still parses. Blank
// lines and ordinary statement ends are the internal `_newline` token.

#include "tree_sitter/parser.h"

enum TokenType {
  END_OF_FILE,
  ERROR_SENTINEL,
};

void *tree_sitter_claim_external_scanner_create(void) { return NULL; }

void tree_sitter_claim_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_claim_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_claim_external_scanner_deserialize(void *payload, const char *buffer,
                                                    unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_claim_external_scanner_scan(void *payload, TSLexer *lexer,
                                             const bool *valid_symbols) {
  (void)payload;
  // During error recovery every symbol is valid; let the internal lexer work.
  if (valid_symbols[ERROR_SENTINEL] || !valid_symbols[END_OF_FILE]) {
    return false;
  }
  // `_eof` is only valid right after a statement, so it can never repeat.
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r' ||
         lexer->lookahead == '\f' || lexer->lookahead == '\v' || lexer->lookahead == 0xFEFF) {
    lexer->advance(lexer, true);
  }
  if (lexer->eof(lexer)) {
    lexer->result_symbol = END_OF_FILE;
    return true;
  }
  return false;
}
