// External scanner for tree-sitter-claim.
//
// It produces two kinds of token:
//
// - `_eof`: a zero-width statement end at the end of a file that has no final
//   newline, so the last statement still parses. It is only valid right after
//   a statement, so it can never repeat. Blank lines and ordinary statement
//   ends are the internal `_newline` token.
// - the keywords that open a statement (and `dx`, which also opens a clause
//   of a billed line). They are given only where the grammar expects one and
//   never during error recovery, so a broken line is not resumed in its middle
//   at a word like `dx` or `stop`: recovery waits for the newline.
//
// - `comment`: `#` to the end of the line (`\n` or `\r`, or the end of the
//   file). Every other byte is part of the comment, a NUL byte included: the
//   internal lexer reads a NUL as the end of the input, which would end the
//   comment there and read the rest of the line as code.
//
// The keyword list and its order must match STATEMENT_KEYWORDS in grammar.js.

#include "tree_sitter/parser.h"

#include <string.h>

enum TokenType {
  END_OF_FILE,
  ERROR_SENTINEL,
  COMMENT,
  KW_CLAIM,
  KW_PAYER,
  KW_PATIENT,
  KW_PROVIDER,
  KW_POS,
  KW_DX,
  KW_ORDER,
  KW_AUTH,
  KW_HISTORY,
  KW_NOTE,
  KW_ADMIN,
  KW_DOSE,
  KW_ROUTE,
  KW_START,
  KW_STOP,
  KW_VIAL,
  KW_WASTE,
  KW_REACTION,
  KW_PREMED,
  KW_LINE,
  TOKEN_TYPE_COUNT,
};

static const char *const KEYWORDS[] = {
    "claim",   "payer", "patient", "provider", "pos",   "dx",    "order",
    "auth",    "history", "note",  "admin",    "dose",  "route", "start",
    "stop",    "vial",  "waste",   "reaction", "premed", "line",
};

#define FIRST_KEYWORD KW_CLAIM
#define KEYWORD_COUNT (TOKEN_TYPE_COUNT - FIRST_KEYWORD)
// Longer than the longest keyword ("provider", "reaction"), so a longer word
// is never mistaken for a keyword.
#define MAX_KEYWORD_LENGTH 8

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

static bool is_blank(int32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0xFEFF;
}

// The characters of the `word` token in grammar.js.
static bool is_word_char(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '-' || c == '/' || c == '+' || c == '%';
}

bool tree_sitter_claim_external_scanner_scan(void *payload, TSLexer *lexer,
                                             const bool *valid_symbols) {
  (void)payload;
  // Comments are extras, valid everywhere (during error recovery too).
  if (valid_symbols[COMMENT]) {
    while (is_blank(lexer->lookahead)) {
      lexer->advance(lexer, true);
    }
    if (lexer->lookahead == '#') {
      while (!lexer->eof(lexer) && lexer->lookahead != '\n' && lexer->lookahead != '\r') {
        lexer->advance(lexer, false);
      }
      lexer->mark_end(lexer);
      lexer->result_symbol = COMMENT;
      return true;
    }
  }
  // During error recovery every symbol is valid; let the internal lexer work
  // (it reads a keyword-looking word as a plain `word` there).
  if (valid_symbols[ERROR_SENTINEL]) {
    return false;
  }
  bool keyword_valid = false;
  for (int i = FIRST_KEYWORD; i < TOKEN_TYPE_COUNT; i++) {
    if (valid_symbols[i]) {
      keyword_valid = true;
      break;
    }
  }
  if (!valid_symbols[END_OF_FILE] && !keyword_valid) {
    return false;
  }

  while (is_blank(lexer->lookahead)) {
    lexer->advance(lexer, true);
  }

  if (lexer->eof(lexer)) {
    if (valid_symbols[END_OF_FILE]) {
      lexer->result_symbol = END_OF_FILE;
      return true;
    }
    return false;
  }

  if (!keyword_valid) {
    return false;
  }

  // A keyword is a whole word: `dose` but not `dosex` or `dose-1`.
  char word[MAX_KEYWORD_LENGTH + 1];
  unsigned length = 0;
  while (is_word_char(lexer->lookahead)) {
    if (length == MAX_KEYWORD_LENGTH) {
      return false;
    }
    word[length++] = (char)lexer->lookahead;
    lexer->advance(lexer, false);
  }
  if (length == 0) {
    return false;
  }
  word[length] = '\0';

  for (int i = 0; i < KEYWORD_COUNT; i++) {
    if (valid_symbols[FIRST_KEYWORD + i] && strcmp(word, KEYWORDS[i]) == 0) {
      lexer->mark_end(lexer);
      lexer->result_symbol = FIRST_KEYWORD + i;
      return true;
    }
  }
  return false;
}
