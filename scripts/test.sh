#!/usr/bin/env bash
# `npm test`: sets up what is missing (as `npm start` does), then native tests, wasm tests in
# headless Chromium, the example apps installed from the packed package, the scale path on
# DuckDB and Spark, then end-to-end tests of the page and the package (last, so their summary
# closes the log).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash scripts/setup.sh
echo "== types: regenerate src/js/types.d.ts from the Rust types; it must equal the committed file"
CRM_LENS_WRITE_TYPES=1 cargo test --quiet --lib typescript
if git rev-parse --git-dir >/dev/null 2>&1; then git diff --exit-code -- src/js/types.d.ts; fi
echo "== native: cargo test"
cargo test --quiet
echo "== wasm: wasm-bindgen-test in headless Chromium"
wasm-pack test --headless --chrome --mode no-install
echo "== build page"
bash scripts/build.sh
cmp src/js/types.d.ts pkg/types.d.ts
echo "== examples: npm pack, installed into each app under examples/"
bash scripts/examples.sh
echo "== engines: DuckDB and Spark SQL (local[2]) on the scale path (tests/engines)"
tests/engines/.venv/bin/python tests/engines/test_engines.py
echo "== end-to-end (node --test, playwright-core + /usr/bin/chromium)"
node --test --test-concurrency=1 tests/e2e/
