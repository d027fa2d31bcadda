#!/usr/bin/env bash
# Regenerates the pandas/lifetimes fixtures under tests/fixtures/reference/ (and the
# scikit-learn one of the 1M-transaction sample under tests/fixtures/segment/) from the
# deterministic generator. Run after changing the generator; commit the JSON.
# `regenerate.sh rfm` remakes only the pandas RFM fixtures (a minute; the k-means one takes ten).
set -euo pipefail
only=${1:-all}
cd "$(dirname "$0")/../.."
VENV=tests/reference/.venv
[ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV"; "$VENV/bin/pip" install -q "lifetimes==0.11.3" pandas scikit-learn; }
cargo build --release --quiet
tmp=$(mktemp -d)
mkdir -p tests/fixtures/reference
for spec in "10000 7" "3000 11"; do
  set -- $spec
  csv="$tmp/tx-$1-$2.csv"
  ./target/release/crm-lens sample --transactions "$1" --seed "$2" --out "$csv"
  base="tests/fixtures/reference/sample-$1-seed$2"
  "$VENV/bin/python" tests/reference/rfm_reference.py "$csv" "$base.rfm.json"
  "$VENV/bin/python" tests/reference/stamp.py "$csv" "$1" "$2" "$base.rfm.json"
  [ "$only" = rfm ] && continue
  "$VENV/bin/python" tests/reference/btyd_summary_reference.py "$csv" "$base.btyd.json"
  "$VENV/bin/python" tests/reference/stamp.py "$csv" "$1" "$2" "$base.btyd.json"
done
# RFM with 4 and 10 bins.
csv="$tmp/tx-10000-7.csv"
for bins in 4 10; do
  out="tests/fixtures/reference/sample-10000-seed7.rfm-bins$bins.json"
  "$VENV/bin/python" tests/reference/rfm_reference.py "$csv" "$out" "$bins"
  "$VENV/bin/python" tests/reference/stamp.py "$csv" 10000 7 "$out"
done
# Ties that make pd.qcut raise, so scores fall back to rank(method="first"): a log of three
# days (recency ties), and the hand-made subscriptions file (ties in R, F and M).
csv="$tmp/tx-3000-11-days3.csv"
./target/release/crm-lens sample --transactions 3000 --seed 11 --days 3 --out "$csv"
out=tests/fixtures/reference/sample-3000-seed11-days3.rfm.json
"$VENV/bin/python" tests/reference/rfm_reference.py "$csv" "$out"
"$VENV/bin/python" tests/reference/stamp.py "$csv" 3000 11 "$out"
"$VENV/bin/python" tests/reference/rfm_reference.py tests/fixtures/reference/ties-subscriptions.csv \
  tests/fixtures/reference/ties-subscriptions.rfm.json
[ "$only" = rfm ] && { rm -rf "$tmp"; exit 0; }
# BG/BB on lifetimes' donations (tests/clv_bgbb.rs); P(alive) on a later date, new customer, CLV
# windows at the days_small/weeks_small parameters (tests/clv_future.rs).
"$VENV/bin/python" tests/reference/bgbb_reference.py
"$VENV/bin/python" tests/reference/clv_future_reference.py
# k-means on the issue's 1M-transaction data (tests/segment_sklearn_sample.rs); ~10 min here.
csv="$tmp/tx-1000000-42.csv"
./target/release/crm-lens sample --transactions 1000000 --seed 42 --out "$csv"
"$VENV/bin/python" tests/reference/kmeans_sample_reference.py "$csv" 1000000 42 \
  tests/fixtures/segment/kmeans_reference_sample_1000000_seed42.json
rm -rf "$tmp"
