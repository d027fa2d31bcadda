# Sourced by the scripts: one PATH for every step. node_modules/.bin comes first so that
# wasm-pack finds wasm-opt from the npm package `binaryen` (Debian's binaryen 108 emits
# modules that crash on load and must never be used).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cd "$ROOT"
