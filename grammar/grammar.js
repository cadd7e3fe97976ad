/**
 * @file Claim draft notation for drug-administration claims
 * @author claimls
 * @license MIT
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

export default grammar({
  name: "claim",

  rules: {
    // TODO: add the actual grammar rules
    source_file: $ => repeat(/[^\n]*\n/)
  }
});
