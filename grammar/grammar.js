/**
 * @file Claim draft notation for drug-administration claims
 * @author claimls
 * @license MIT
 *
 * The node contract (kinds and field names) is NODES.md; the server's lowering
 * and the editor queries read it. The grammar is structural and permissive:
 * a statement is its keyword plus loosely typed tokens, and the lowering
 * validates the values. Statements end at a newline or at the end of the file
 * (the `_eof` token comes from src/scanner.c).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/**
 * One or more `rule`s separated by commas.
 *
 * @param {RuleOrLiteral} rule
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)));
}

// The order must match `enum TokenType` in src/scanner.c.
const STATEMENT_KEYWORDS = [
  'claim', 'payer', 'patient', 'provider', 'pos', 'dx', 'order', 'auth',
  'history', 'note', 'admin', 'dose', 'route', 'start', 'stop', 'vial',
  'waste', 'reaction', 'premed', 'line',
];

/**
 * A statement keyword: the scanner's token, shown in the tree as the keyword
 * itself (an anonymous node such as "dose"), as if it were a plain literal.
 *
 * @param {GrammarSymbols<string>} $
 * @param {string} name
 */
function kw($, name) {
  return alias($[`_kw_${name}`], name);
}

export default grammar({
  name: 'claim',

  // Spaces, tabs, a lone CR (the CR of CRLF is taken by `_newline`), a byte
  // order mark, and comments may appear between any two tokens. Newlines are
  // not extras: they end statements.
  extras: $ => [/[ \t\r\f\v\uFEFF]/, $.comment],

  externals: $ => [
    // Zero-width end of the last statement when the file has no final newline.
    $._eof,
    // Never used in a rule: valid only during error recovery, so the scanner
    // can tell it is being asked in error mode and stay out of the way.
    $._error_sentinel,
    // `#` to the end of the line. In the scanner, because the internal lexer
    // cannot tell a NUL byte from the end of the input and would end a comment
    // at a NUL; every other reader (lowering, formatter, the LSP lexer) ends a
    // comment only at `\n` or `\r`, and so does this.
    $.comment,
    // The keywords that open a statement (and `dx`, which also opens a clause
    // of a billed line) come from the scanner, which gives them only where the
    // grammar expects one and never during error recovery. So a broken line is
    // not resumed in its middle at a word like `dx` or `stop`: recovery waits
    // for the newline, and the whole line becomes one ERROR.
    ...STATEMENT_KEYWORDS.map(name => $[`_kw_${name}`]),
  ],

  // The other keywords are extracted from `word`: a keyword is only a keyword
  // where the grammar expects it, so `admin insulin units` keeps `units` as a
  // drug word.
  word: $ => $.word,

  rules: {
    source_file: $ => repeat(choice($.claim, $._item, $._newline)),

    // ---- structure -------------------------------------------------------

    claim: $ => prec.right(seq(
      $.claim_statement,
      $._eol,
      repeat(choice($._item, $._newline)),
    )),

    // Everything that may appear inside a claim (and, before the first claim,
    // at the top level). Detail statements are allowed here so that a `dose`
    // outside an `admin` still parses as `dose_statement`.
    _item: $ => choice(
      seq($._claim_level_statement, $._eol),
      seq($._detail_statement, $._eol),
      seq($.line_statement, $._eol),
      $.admin_block,
    ),

    admin_block: $ => prec.right(seq(
      $.admin_statement,
      $._eol,
      repeat(choice(seq($._detail_statement, $._eol), $._newline)),
    )),

    _claim_level_statement: $ => choice(
      $.payer_statement,
      $.patient_statement,
      $.provider_statement,
      $.pos_statement,
      $.dx_statement,
      $.order_statement,
      $.auth_statement,
      $.history_statement,
      $.note_statement,
    ),

    _detail_statement: $ => choice(
      $.dose_statement,
      $.route_statement,
      $.start_statement,
      $.stop_statement,
      $.vial_statement,
      $.waste_statement,
      $.reaction_statement,
      $.premed_statement,
    ),

    // A statement ends at a newline, or at the end of a file that has no
    // final newline.
    _eol: $ => choice($._newline, $._eof),

    _newline: _ => /\r?\n/,

    // ---- claim-level statements -------------------------------------------

    // A value after a statement keyword that a word can be is optional here (the lowering says
    // what is missing): were it required, a bare `pos`, `admin`, `dx`… made error recovery skip the
    // newline and read the next line (a `claim` line included) as its value, so a claim vanished.
    // The same holds for the clauses of a `line` (a bare `ndc` read `claim A` as its NDC), and, for
    // one reading of every incomplete statement, for quoted values and numbers too: every value
    // after a keyword is optional in the grammar and required by the lowering.

    claim_statement: $ => seq(kw($, 'claim'), optional(field('id', $.word))),

    payer_statement: $ => seq(
      kw($, 'payer'),
      optional(seq(
        field('kind', $.word),
        optional(field('name', $.string)),
      )),
    ),

    patient_statement: $ => seq(kw($, 'patient'), optional(field('id', $.word))),

    provider_statement: $ => seq(kw($, 'provider'), optional(field('npi', $._value))),

    pos_statement: $ => seq(kw($, 'pos'), optional(field('code', $._value))),

    // The values of `dx`, `admin` and `line` are optional in the tree (the
    // lowering says what is missing): were they required, error recovery would
    // skip the newline of a bare `dx` and read the next `claim` line as its
    // letter and code, swallowing that claim into this one.
    dx_statement: $ => seq(
      kw($, 'dx'),
      optional(seq(
        optional(field('letter', $.word)),
        field('code', $._value),
      )),
    ),

    order_statement: $ => seq(
      kw($, 'order'),
      optional(field('date', $.date)),
      optional(choice(
        seq(field('status', 'signed'), optional(field('signer', $.string))),
        field('status', 'unsigned'),
      )),
    ),

    auth_statement: $ => seq(
      kw($, 'auth'),
      optional(seq(
        field('number', $._value),
        optional(seq('from', optional(field('from', $.date)))),
        optional(seq('to', optional(field('to', $.date)))),
      )),
    ),

    history_statement: $ => seq(
      kw($, 'history'),
      optional(seq(
        field('treatment', $.string),
        optional(seq(
          field('outcome', $.word),
          optional(field('date', $.date)),
        )),
      )),
    ),

    note_statement: $ => seq(kw($, 'note'), optional(field('text', $.string))),

    // ---- administration ----------------------------------------------------

    admin_statement: $ => seq(
      kw($, 'admin'),
      optional(field('drug', choice($.drug_name, $.string))),
    ),

    drug_name: $ => repeat1($.word),

    dose_statement: $ => seq(
      kw($, 'dose'),
      optional(field('amount', $.number)),
      optional(field('unit', $.word)),
    ),

    route_statement: $ => seq(kw($, 'route'), optional(field('route', $.word))),

    start_statement: $ => seq(
      kw($, 'start'),
      optional(field('date', $.date)),
      optional(field('time', $.time)),
    ),

    stop_statement: $ => seq(
      kw($, 'stop'),
      optional(field('date', $.date)),
      optional(field('time', $.time)),
    ),

    vial_statement: $ => seq(
      kw($, 'vial'),
      optional(seq(
        choice(
          field('ndc', $._value),
          seq(field('amount', $.number), field('unit', $.word)),
        ),
        optional(field('count', $.count)),
      )),
    ),

    waste_statement: $ => seq(
      kw($, 'waste'),
      optional(field('amount', $.number)),
      optional(field('unit', $.word)),
      repeat($.waste_attribute),
    ),

    waste_attribute: $ => seq(
      field('key', choice('reason', 'witness', 'evidence')),
      optional(field('value', $.string)),
    ),

    reaction_statement: $ => seq(
      kw($, 'reaction'),
      optional(choice('none', field('text', $.string))),
    ),

    premed_statement: $ => seq(kw($, 'premed'), optional(field('text', $.string))),

    // ---- billed line -------------------------------------------------------

    line_statement: $ => seq(
      kw($, 'line'),
      optional(seq(
        field('code', $._value),
        repeat(field('modifier', $.word)),
      )),
      repeat(choice(
        $.units_clause,
        $.dx_clause,
        $.ndc_clause,
        $.charge_clause,
        $.on_clause,
      )),
    ),

    units_clause: $ => seq('units', optional(field('value', $.number))),

    dx_clause: $ => seq(kw($, 'dx'), optional(commaSep1(field('pointer', $._value)))),

    ndc_clause: $ => seq(
      'ndc',
      optional(seq(
        field('ndc', $._value),
        optional(field('quantity', $.number)),
        optional(field('unit', $.word)),
      )),
    ),

    charge_clause: $ => seq('charge', optional(field('amount', $.number))),

    on_clause: $ => seq('on', optional(field('date', $.date))),

    // ---- tokens ------------------------------------------------------------

    // Where NODES.md says `value`: any of word, number, date.
    _value: $ => choice($.word, $.number, $.date),

    // The order of the token rules below matters. `600`, `2026-11-20` and
    // `x2` are also words; where both are valid and match the same length,
    // tree-sitter prefers the token defined first. No lexical precedence is
    // used on purpose: a higher precedence would also stop `50242-0150-01`
    // after `50242` as a number instead of reading the longer word.
    date: _ => /[0-9]{4}-[0-9]{2}-[0-9]{2}/,

    time: _ => /[0-9]{1,2}:[0-9]{2}/,

    number: _ => /-?[0-9]+(\.[0-9]+)?|-?\.[0-9]+/,

    count: _ => /x[0-9]+/,

    string: _ => /"([^"\\\r\n]|\\[^\r\n])*"/,


    word: _ => /[A-Za-z0-9_][A-Za-z0-9_.\-\/+%]*/,
  },
});
