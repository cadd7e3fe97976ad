#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: code-server from npm, the .vsix installed
# into it, headless Chromium driven by playwright-core.
#
# Installs what it needs on a fresh Debian machine (skipped when present), builds the release server and
# the .vsix (editors/vscode: npm ci && npm run package), runs tests/vscode/e2e.mjs, and writes screenshots
# and logs to tests/out/vscode/. Exit status non-zero on any failure; the last line reads
# "vscode-e2e: N passed, M failed".
#
# Environment:
#   CARGO_TARGET_DIR   where cargo builds (default: the repository's target/)
#   CLAIMLS_E2E_CACHE  where code-server and playwright-core are installed (default: ~/.cache/claimls-e2e)
#   CLAIMLS_E2E_SKIP_BUILD=1  reuse editors/vscode/claimls-linux-x64.vsix as it is
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$repo/tests/out/vscode
cache=${CLAIMLS_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/claimls-e2e}
code_server_version=4.100.3
playwright_version=1.65.1

log() { printf 'vscode-e2e: %s\n' "$*" >&2; }
fail() {
	log "$*"
	echo "vscode-e2e: 0 passed, 1 failed"
	exit 1
}

children=()
cleanup() {
	local pid
	for pid in "${children[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$out"
mkdir -p "$out"

# --- system packages ---------------------------------------------------------------------------------
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
	log "installing ${need_apt[*]} with apt-get"
	[ "$(id -u)" = 0 ] && sudo= || sudo=sudo
	$sudo apt-get update -qq >"$out/apt.log" 2>&1 || fail "apt-get update failed; see $out/apt.log"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >>"$out/apt.log" 2>&1 ||
		fail "apt-get install ${need_apt[*]} failed; see $out/apt.log"
fi
command -v node >/dev/null || fail "node (>= 20) is needed: apt-get install nodejs npm"

# --- code-server and playwright-core, cached outside the repository ------------------------------------
modules=$cache/vscode
stamp=$modules/.installed-$code_server_version-$playwright_version
if [ ! -e "$stamp" ] || [ ! -x "$modules/node_modules/.bin/code-server" ]; then
	log "installing code-server@$code_server_version and playwright-core@$playwright_version into $modules (a few minutes)"
	mkdir -p "$modules"
	[ -e "$modules/package.json" ] || echo '{"name":"claimls-e2e-vscode","private":true}' >"$modules/package.json"
	# @vscode/ripgrep's postinstall downloads rg from GitHub: seed its cache with Debian's rg instead.
	rgcache=${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11
	rgstage=$(mktemp -d)
	mkdir -p "$rgcache"
	cp "$(command -v rg)" "$rgstage/rg"
	tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rgstage" rg
	rm -rf "$rgstage"
	(
		cd "$modules"
		npm_config_yes=true npm_config_unsafe_perm=true npm install --save-exact --no-audit --no-fund --unsafe-perm \
			--foreground-scripts "code-server@$code_server_version" "playwright-core@$playwright_version"
	) >"$out/npm-install.log" 2>&1 || fail "npm install code-server failed; see $out/npm-install.log"
	"$modules/node_modules/.bin/code-server" --version >/dev/null 2>&1 ||
		fail "code-server was installed but does not run; see $out/npm-install.log"
	touch "$stamp"
fi
code_server=$modules/node_modules/.bin/code-server

# --- the release server and the .vsix ------------------------------------------------------------------
target=${CARGO_TARGET_DIR:-$repo/target}
vsix=$repo/editors/vscode/claimls-linux-x64.vsix
if [ "${CLAIMLS_E2E_SKIP_BUILD:-}" != 1 ] || [ ! -e "$vsix" ]; then
	log "building the release server and the .vsix (editors/vscode: npm ci && npm run package)"
	(
		cd "$repo/editors/vscode"
		# npm ci wipes node_modules; skip it when node_modules already matches package-lock.json.
		lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
		if [ "$(cat node_modules/.claimls-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
			npm ci --no-audit --no-fund
			echo "$lock_hash" >node_modules/.claimls-lock-hash
		fi
		npm run package
	) >"$out/package.log" 2>&1 || {
		tail -30 "$out/package.log" >&2
		fail "building the .vsix failed; see $out/package.log"
	}
fi
[ -e "$vsix" ] || fail "no $vsix after npm run package"
claimls=$repo/editors/vscode/server/claimls
[ -x "$claimls" ] || claimls=$target/release/claimls

# --- the test ------------------------------------------------------------------------------------------
log "running tests/vscode/e2e.mjs (outputs in ${out#"$repo"/})"
set +e
CODE_SERVER=$code_server E2E_MODULES=$modules VSIX=$vsix CLAIMLS=$claimls OUT=$out \
	node "$repo/tests/vscode/e2e.mjs" &
children+=($!)
wait "$!"
status=$?
children=()
set -e
exit $status
