#!/usr/bin/env bash
# Runs the `ingest` fuzz target for a bounded time (default 60 s) on the seed corpus: text in
# every encoding, .xls, .xlsx and .ods (one target dispatches on the bytes). Peak RSS past
# 512 MB is a finding: the workbook limits keep any input far below it.
# Exits non-zero when libFuzzer finds a crash (the input is saved under fuzz/artifacts/).
# cargo-fuzz needs nightly features; on the stable toolchain RUSTC_BOOTSTRAP=1 enables them.
# Usage: bash scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz
fi
bash scripts/fuzz-corpus.sh
export RUSTC_BOOTSTRAP=1
# No sanitizer: the crate has no unsafe code, and panics/aborts are what we look for.
cargo fuzz run ingest --sanitizer none fuzz/corpus/ingest -- \
  -max_total_time="$secs" -max_len=65536 -rss_limit_mb=512 -timeout=10 -print_final_stats=1
