#!/usr/bin/env bash
# The Python wheel end to end: build it with maturin (bindings = "bin", pyproject.toml), install it into
# a fresh virtual environment, run `claimls check examples/` from there and require the same output and
# exit code as the cargo-built binary. Run by tests/run; needs python3 and PyPI (for maturin).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools="$root/target/test-tools"
out="$root/target/wheels"

if [ ! -x "$tools/maturin-venv/bin/maturin" ]; then
  python3 -m venv "$tools/maturin-venv"
  "$tools/maturin-venv/bin/pip" install --quiet "maturin>=1.5,<2"
fi

rm -rf "$out"
"$tools/maturin-venv/bin/maturin" build --release --quiet --out "$out"
wheel=$(ls "$out"/claimls-*.whl)
echo "wheel: $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
python3 -m venv "$fresh/venv"
"$fresh/venv/bin/pip" install --quiet --no-index "$wheel"
installed="$fresh/venv/bin/claimls"
[ -x "$installed" ] || { echo "FAIL: the wheel installed no claimls binary" >&2; exit 1; }

cargo build --quiet -p claimls
set +e
"$installed" check examples/ > "$fresh/wheel.txt" 2>&1
wheel_rc=$?
"$root/target/debug/claimls" check examples/ > "$fresh/cargo.txt" 2>&1
cargo_rc=$?
set -e
if [ "$wheel_rc" != "$cargo_rc" ] || ! diff -u "$fresh/cargo.txt" "$fresh/wheel.txt"; then
  echo "FAIL: the wheel's claimls (exit $wheel_rc) differs from the cargo-built one (exit $cargo_rc)" >&2
  exit 1
fi
[ -s "$fresh/wheel.txt" ] || { echo "FAIL: no output" >&2; exit 1; }
echo "wheel: claimls check examples/ from a fresh venv matches the cargo build (exit $wheel_rc, $(wc -l < "$fresh/wheel.txt") lines)"
