#!/usr/bin/env bash
# The keystroke benchmark (issue 13): a headless Neovim with editors/nvim and the release `claimls lsp`
# composes each claim from an empty buffer as an efficient coder would (tests/nvim/keystrokes.lua says
# how keys are counted) and prints keys per line and the ratio of keys to characters next to its goal:
#   examples/ocrevus-maintenance.claim (without comments)  goal <= 35%
#   tests/nvim/bench/premed-push-jw.claim (a premedication push and a JW line)  goal <= 40%
# A benchmark, not a test: the exit status is 0 whatever the ratios. Needs what tests/nvim/run.sh
# installs (Neovim in $CLAIMLS_E2E_CACHE, the parser); builds the release server.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$repo/tests/out/keystrokes
cache=${CLAIMLS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/claimls-e2e}
nvim=${NVIM:-$cache/venv-nvim/bin/nvim}
[ -x "$nvim" ] || { echo "keystrokes: no Neovim at $nvim; run tests/nvim/run.sh once (it installs it)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
(cd "$repo" && cargo build --release --locked -p claimls) >"$out/cargo-build.log" 2>&1 ||
	{ tail -20 "$out/cargo-build.log" >&2; exit 1; }
target=${CARGO_TARGET_DIR:-$repo/target}
PATH="$target/release:$PATH" XDG_STATE_HOME="$out/state" XDG_CACHE_HOME="$out/cache" \
	timeout 600 "$nvim" --headless --clean --cmd "set rtp^=$repo/editors/nvim" \
	-l "$repo/tests/nvim/keystrokes.lua" "$repo" "$out" \
	"$repo/examples/ocrevus-maintenance.claim" 35 \
	"$repo/tests/nvim/bench/premed-push-jw.claim" 40 </dev/null
