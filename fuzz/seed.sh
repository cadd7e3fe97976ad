#!/usr/bin/env bash
# Writes the seed corpus (fuzz/corpus/<target>/seed-*) from the examples and the grammar corpus.
# Run it again when they change; the seeds are committed (small), what libFuzzer adds is not.
set -euo pipefail
cd "$(dirname "$0")/.."
for t in check format lsp_edits; do
  mkdir -p "fuzz/corpus/$t"
  rm -f "fuzz/corpus/$t"/seed-*
done
seed() { # seed <name> < text
  cat > "fuzz/corpus/check/seed-$1"
  cp "fuzz/corpus/check/seed-$1" "fuzz/corpus/format/seed-$1"
  cp "fuzz/corpus/check/seed-$1" "fuzz/corpus/lsp_edits/seed-$1"
  # lsp_edits: the same text, then two edits (U+0001, start, length, new text).
  { cat "fuzz/corpus/check/seed-$1"; printf '\001\010\000claim Z\n\001\003\002 dose 5 mg\n'; } \
    > "fuzz/corpus/lsp_edits/seed-$1-edited"
}
for f in examples/*.claim tests/fixtures/*.claim; do
  seed "$(basename "$(dirname "$f")")-$(basename "$f" .claim)" < "$f"
done
for f in grammar/test/corpus/*.txt; do
  base=$(basename "$f" .txt)
  # The input of each test: the lines between the second `===` line and `---`.
  awk -v dir="fuzz/corpus" -v base="$base" '
    /^===/ { bars++; if (bars % 2 == 0) { n++; inp = 1; out = "" } ; next }
    /^---$/ && inp { inp = 0; name = sprintf("seed-%s-%02d", base, n);
      printf "%s", out > (dir "/check/" name);
      printf "%s", out > (dir "/format/" name); printf "%s", out > (dir "/lsp_edits/" name);
      close(dir "/check/" name); close(dir "/format/" name); close(dir "/lsp_edits/" name); next }
    inp { out = out $0 "\n" }
  ' "$f"
done
# Cases of issue 12.
printf 'claim A\n  line J1745 # c\000 the file\n' | seed issue12-nul
printf 'claim A\n  admin x\n    vial 1 m  0 mg\n  auth PA-1, PA-2\n' | seed issue12-format
printf 'claim A\n  line J2350 %s units 1\n' "$(printf 'JW %.0s' $(seq 1 300))" | seed issue12-modifiers
ls fuzz/corpus/check | wc -l
