// The TextMate grammar tokenizes claim drafts as intended (vscode-textmate + oniguruma, as VS Code does).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scope) => {
    if (scope !== "source.claim") {
      return null;
    }
    const file = path.join(here, "..", "syntaxes", "claim.tmLanguage.json");
    return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
  },
});
const grammar = await registry.loadGrammar("source.claim");

/** Tokenize `text` and return [token text, most specific scope] pairs, whitespace left out. */
function tokens(text) {
  let stack = textmate.INITIAL;
  const out = [];
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (s.trim()) {
        out.push([s.trim(), t.scopes[t.scopes.length - 1]]);
      }
    }
    stack = r.ruleStack;
  }
  return out;
}
const scopeOf = (text, token) => tokens(text).find(([t]) => t === token)?.[1];

test("statement keywords", () => {
  assert.equal(scopeOf("claim OCR-2026-0142", "claim"), "keyword.control.claim.claim");
  assert.equal(scopeOf("claim OCR-2026-0142", "OCR-2026-0142"), "entity.name.section.claim");
  assert.equal(scopeOf("  admin ocrelizumab", "admin"), "keyword.control.admin.claim");
  assert.equal(scopeOf("    dose 600 mg", "dose"), "keyword.other.statement.claim");
  assert.equal(scopeOf('  order 2026-11-01 signed "R. Patel, MD"', "signed"), "keyword.other.claim");
  assert.equal(scopeOf("  payer medicare-advantage", "medicare-advantage"), "constant.language.payer.claim");
});

test("a billed line: code, modifiers, clauses, NDC", () => {
  const line = "  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML charge 1200.50 on 2026-11-20";
  const t = Object.fromEntries(tokens(line).map(([k, v]) => [k, v]));
  assert.equal(t.line, "keyword.control.line.claim");
  assert.equal(t.J2350, "support.type.code.claim");
  assert.equal(t.JZ, "constant.other.modifier.claim");
  assert.equal(t.units, "keyword.other.clause.claim");
  assert.equal(t["600"], "constant.numeric.claim");
  assert.equal(t.A, "variable.other.pointer.claim");
  assert.equal(t["50242-0150-01"], "constant.other.ndc.claim");
  assert.equal(t.ML, "keyword.other.unit.claim");
  assert.equal(t["1200.50"], "constant.numeric.claim");
  assert.equal(t["2026-11-20"], "constant.numeric.date.claim");
  assert.equal(scopeOf("  line 96413 units 1", "96413"), "support.type.code.claim");
});

test("two modifiers before the clauses", () => {
  assert.equal(scopeOf("  line J1745 JW units 5", "JW"), "constant.other.modifier.claim");
  const t = tokens("  line J9035 JW 59 units 5");
  assert.deepEqual(t.slice(1, 3), [["J9035", "support.type.code.claim"], ["JW 59", "constant.other.modifier.claim"]]);
});

test("dates, times, quantities, counts", () => {
  assert.equal(scopeOf("    start 2026-11-20 09:30", "2026-11-20"), "constant.numeric.date.claim");
  assert.equal(scopeOf("    start 2026-11-20 09:30", "09:30"), "constant.numeric.time.claim");
  assert.equal(scopeOf("    dose 0.5 mg", "0.5"), "constant.numeric.claim");
  assert.equal(scopeOf("    dose 0.5 mg", "mg"), "keyword.other.unit.claim");
  assert.equal(scopeOf("    vial 100 mg x4", "4"), "constant.numeric.count.claim");
  assert.equal(scopeOf("  dx B G35.A", "G35.A"), "support.type.diagnosis.claim");
  assert.equal(scopeOf("  dx B G35.A", "B"), "variable.other.pointer.claim");
});

test("strings with escapes, and comments after statements", () => {
  const t = tokens('    waste 50 mg witness "K. \\"Kay\\" Ortiz" # see log');
  assert.ok(t.some(([k, v]) => k === '\\"' && v === "constant.character.escape.claim"), JSON.stringify(t));
  assert.equal(t[t.length - 1][1], "comment.line.number-sign.claim");
  assert.equal(t[t.length - 1][0], "see log");
  // A `#` inside a string does not start a comment.
  assert.ok(!tokens('  note "vial #2 cracked"').some(([, v]) => v.startsWith("comment")));
});
