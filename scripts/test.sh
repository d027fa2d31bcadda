#!/usr/bin/env bash
# `npm test`: native tests, wasm tests in headless Chromium, the scale path on DuckDB and Spark,
# then end-to-end tests of the page.
set -euo pipefail
source "$(dirname "$0")/env.sh"
echo "== native: cargo test"
cargo test --quiet
echo "== wasm: wasm-bindgen-test in headless Chromium"
wasm-pack test --headless --chrome --mode no-install
echo "== build page"
bash scripts/build.sh
echo "== engines: DuckDB and Spark SQL (local[2]) on the scale path (tests/engines)"
tests/engines/.venv/bin/python tests/engines/test_engines.py
echo "== end-to-end (node --test, playwright-core + /usr/bin/chromium)"
node --test --test-concurrency=1 tests/e2e/
