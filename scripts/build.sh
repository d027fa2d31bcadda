#!/usr/bin/env bash
# Builds the wasm package (pkg/), the bundled sample, and the page (www/dist).
set -euo pipefail
source "$(dirname "$0")/env.sh"
wasm-pack build --target web --release --mode no-install --out-dir pkg
cargo build --release --quiet

mkdir -p www/public
./target/release/crm-lens sample --transactions 55000 --seed 42 --out www/public/sample.csv
vite build www --logLevel warn
raw=$(stat -c %s pkg/crm_lens_bg.wasm); gz=$(gzip -9c pkg/crm_lens_bg.wasm | wc -c)
echo "build: pkg/crm_lens_bg.wasm ${raw} bytes raw, ${gz} bytes gzip"
