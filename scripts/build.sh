#!/usr/bin/env bash
# Builds the npm package (pkg/: two wasm modules, the worker client, the dashboard element), the
# bundled sample, and the page (www/dist).
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Three modules from one crate (Cargo.toml, [features]): the core (order logs in UTF-8 text,
# every analysis they get), the full module (the core's API plus summaries and subscriptions,
# with the models only they run) and the formats module (legacy code pages,
# workbooks); the page loads the last two only when an input needs them. src/js/index.js is
# the package's entry point over the three.
wasm-pack build --target web --release --mode no-install --out-dir pkg \
  -- --no-default-features --features js-analysis
# The core module's size budget, checked on every build (so by `npm test` and CI): issue #16's
# target is 300 KB gzip; until it is reached the budget is the size reached plus a small margin,
# so the core cannot silently grow back. A change that must add to the core raises it with its
# measured cost in docs/performance.md "wasm size" (which also says what each lever gave).
CORE_GZIP_BUDGET=509000
core_gz=$(gzip -9c pkg/crm_lens_bg.wasm | wc -c)
if [ "$core_gz" -gt "$CORE_GZIP_BUDGET" ]; then
  echo "build: FAIL pkg/crm_lens_bg.wasm is ${core_gz} bytes gzip -9, over the budget of" \
    "${CORE_GZIP_BUDGET} (scripts/build.sh, docs/performance.md \"wasm size\")" >&2
  exit 1
fi
wasm-pack build --target web --release --mode no-install --out-dir target/pkg-full \
  --out-name crm_lens_full -- --no-default-features --features js-analysis,extra-inputs
wasm-pack build --target web --release --mode no-install --out-dir target/pkg-formats \
  --out-name crm_lens_formats -- --no-default-features --features js-formats
# crm-lens/dashboard: the element and the tree-shaken ECharts in one ES module (before
# package.mjs, which checks that every file the package lists exists).
vite build --config scripts/dashboard.vite.config.js
node scripts/package.mjs pkg target/pkg-formats target/pkg-full
cargo build --release --quiet

mkdir -p www/public
./target/release/crm-lens sample --transactions 55000 --seed 42 --out www/public/sample.csv
vite build www --logLevel warn
for m in crm_lens crm_lens_full crm_lens_formats; do
  raw=$(stat -c %s "pkg/${m}_bg.wasm"); gz=$(gzip -9c "pkg/${m}_bg.wasm" | wc -c)
  echo "build: pkg/${m}_bg.wasm ${raw} bytes raw, ${gz} bytes gzip"
done
echo "build: pkg/dashboard/index.js $(stat -c %s pkg/dashboard/index.js) bytes raw, $(gzip -9c pkg/dashboard/index.js | wc -c) bytes gzip"
