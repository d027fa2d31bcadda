#!/usr/bin/env bash
# `npm run bench [-- OPTIONS]`: crm-lens side by side with the Python stack, on generated logs.
#
# For each dataset benches/data/tx-SIZE.csv (generated on demand with `crm-lens sample --seed 42`)
# it times, several runs each, median reported:
#   native    the CLI, `crm-lens analyze FILE --out /dev/null` (wall, peak RSS) and, per stage,
#             `cargo bench --bench pipeline` with CRM_BENCH_TX=SIZE       benches/native.mjs
#   wasm-node pkg/ in Node: new Dataset(bytes) and analyze() timed apart   benches/wasm-node.mjs
#   memory    pkg/ in Node: the same orders as CSV bytes, columns, records
#             and an Arrow table, read into a Dataset in one process      benches/memory-node.mjs
#   chromium  the built page in headless Chromium, file input -> Worker    benches/chromium.mjs
#   python    pandas + scikit-learn + lifetimes in benches/.venv, two ways: the minimal stack (the
#             floor) and the equal-work stack (what crm-lens does by default)   benches/reference.py
#                                                                  (--work equal: reference_equal.py)
# and writes the table to benches/results/latest.md and .json (benches/report.mjs).
#
# Options:
#   --sizes LIST     datasets, default 10k,100k,1M (10M is ~400 MB: add it here or with --big)
#   --big            also 10M (1 run per engine unless --big-runs N)
#   --runs N         runs per engine and dataset (default 3)
#   --python         run the Python stack (default: yes; in --smoke only if benches/.venv exists)
#   --no-python      skip it (both Python stacks)
#   --no-equal       skip the equal-work Python stack only
#   --equal-runs N   runs of the equal-work stack per dataset (default: --runs; 10M: --big-runs)
#   --equal-draws N  bootstrap draws the equal-work stack runs (1..200, default 200); below 200 its
#                    bootstrap and total are extrapolated to 200 draws and labelled so in the table
#   --big-equal-draws N  the same for 10M only (default 200; 200 lifetimes draws at 10M take hours)
#   --python-threads N   OMP/OpenBLAS threads of both Python stacks (default: the libraries' own,
#                    all cores; on a loaded machine scikit-learn's OpenMP threads spin and its
#                    k-means wall time grows ~10x: pass 1 there and say so)
#   --no-stages      skip `cargo bench` (native per-stage times; on by default up to 1M)
#   --smoke          CI check: 10k, one run, no cargo bench; exits 0 iff the table was produced
#                    with a result from every engine run (timings are never asserted); both
#                    Python stacks only if benches/.venv exists (the equal-work one: ~10 s at 10k)
# Data files are kept between runs: delete benches/data/ after changing the generator (the table
# notes it when cargo bench's customers differ from the file's).
# Environment: CRM_LENS_BIN, CRM_LENS_PKG, CRM_LENS_DIST point at prebuilt artifacts (default:
# target/release/crm-lens, pkg/, www/dist; built with scripts/build.sh when missing);
# CRM_BENCH_TARGET_DIR the cargo target dir of `cargo bench` (default target/bench).
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"   # cd to the repo root, node_modules/.bin on PATH

sizes="10k,100k,1M"; runs=3; big=0; big_runs=1; python=auto; stages=1; smoke=0
equal=1; equal_runs=""; equal_draws=200; big_equal_draws=200; py_threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift ;;
    --big) big=1 ;;
    --big-runs) big_runs="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --python) python=yes ;;
    --no-python) python=no ;;
    --no-equal) equal=0 ;;
    --equal-runs) equal_runs="$2"; shift ;;
    --equal-draws) equal_draws="$2"; shift ;;
    --big-equal-draws) big_equal_draws="$2"; shift ;;
    --python-threads) py_threads="$2"; shift ;;
    --no-stages) stages=0 ;;
    --smoke) smoke=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" = 1 ]; then sizes="10k"; runs=1; big=0; stages=0; fi
if [ "$big" = 1 ] && [[ ",$sizes," != *",10M,"* ]]; then sizes="$sizes,10M"; fi

say() { printf '== bench: %s\n' "$*" >&2; }
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- artifacts ---------------------------------------------------------------------------------
BIN="${CRM_LENS_BIN:-target/release/crm-lens}"
PKG="${CRM_LENS_PKG:-pkg}"
DIST="${CRM_LENS_DIST:-www/dist}"
if [ ! -x "$BIN" ] || [ ! -f "$PKG/crm_lens_bg.wasm" ] || [ ! -f "$DIST/index.html" ]; then
  say "artifacts missing: bash scripts/build.sh"
  bash scripts/build.sh >&2
fi
# The page must carry the analysis worker's timing post (src/js/worker/engine.js) and the wasm of pkg/:
# rebuild only the page (vite, seconds) when it does not.
page_ok() {
  grep -qs wasmMemoryBytes "$DIST"/assets/engine-*.js && cmp -s "$PKG/crm_lens_bg.wasm" "$DIST"/assets/crm_lens_bg-*.wasm
}
if ! page_ok && [ -z "${CRM_LENS_DIST:-}" ] && [ -z "${CRM_LENS_PKG:-}" ]; then
  say "www/dist is older than pkg/ or the worker client: vite build www"
  vite build www --logLevel warn >&2
fi
warnings=()
grep -qs wasmMemoryBytes "$DIST"/assets/engine-*.js ||
  warnings+=("$DIST has no timing post in its worker: Chromium gives totals only")
cmp -s "$PKG/crm_lens_bg.wasm" "$DIST"/assets/crm_lens_bg-*.wasm ||
  warnings+=("$DIST was built from another wasm than $PKG: Chromium and Node ran different builds")

# A snapshot of the artifacts, so that a rebuild during the run cannot mix builds.
SNAP=benches/results/artifacts
rm -rf "$SNAP"; mkdir -p "$SNAP/pkg"
cp "$BIN" "$SNAP/crm-lens"
cp "$PKG"/*.js "$PKG"/*.wasm "$SNAP/pkg/"
cp -r "$DIST" "$SNAP/dist"
BIN="$SNAP/crm-lens"; PKG="$SNAP/pkg"; DIST="$SNAP/dist"

# ---- Python stack ------------------------------------------------------------------------------
VENV=benches/.venv
if [ "$python" = auto ]; then
  if [ "$smoke" = 1 ] && [ ! -x "$VENV/bin/python" ]; then python=no; python_why="no $VENV (smoke; add --python)"; else python=yes; fi
fi
[ "$python" = no ] && python_why="${python_why:---no-python}"
if [ "$python" = yes ] && ! "$VENV/bin/python" -c 'import lifetimes, sklearn, pandas' 2>/dev/null; then
  say "installing the Python stack into $VENV (benches/requirements.txt)"
  if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check -r benches/requirements.txt >&2; }; then
    python=no; python_why="pip install into $VENV failed"
    say "warning: $python_why: the table goes without the Python stack"
  fi
fi

if [ -n "$py_threads" ]; then
  export OMP_NUM_THREADS="$py_threads" OPENBLAS_NUM_THREADS="$py_threads" MKL_NUM_THREADS="$py_threads"
  warnings+=("both Python stacks ran with OMP/OpenBLAS threads = $py_threads (--python-threads)")
fi

# ---- datasets and runs -------------------------------------------------------------------------
count() { # 10k -> 10000, 1M -> 1000000
  local n="${1%[kKmM]}"
  case "$1" in *k|*K) echo $((n * 1000)) ;; *m|*M) echo $((n * 1000000)) ;; *) echo "$1" ;; esac
}
RAW=benches/results/raw
rm -rf "$RAW"; mkdir -p "$RAW" benches/data
# One engine's result: its JSON, or a record of why there is none (the table says so).
record() { # size engine command...
  local size="$1" engine="$2"; shift 2
  say "$size $engine"
  if ! "$@" > "$RAW/$size.$engine.json"; then
    printf '{"engine":"%s","runs":[],"errors":["%s exited non-zero"]}\n' "$engine" "$engine" > "$RAW/$size.$engine.json"
  fi
}

IFS=',' read -ra SIZES <<< "$sizes"
for size in "${SIZES[@]}"; do
  n=$(count "$size")
  file="benches/data/tx-$size.csv"
  if [ ! -f "$file" ]; then
    say "generating $file ($n transactions, seed 42)"
    "$BIN" sample --transactions "$n" --seed 42 --out "$file"
  fi
  r=$runs; [ "$size" = 10M ] && r=$big_runs
  stage_arg=(); if [ "$stages" = 1 ] && [ "$n" -le 1000000 ]; then stage_arg=(--stages "$n"); fi
  record "$size" native node benches/native.mjs --bin "$BIN" --file "$file" --runs "$r" "${stage_arg[@]}"
  record "$size" wasm-node node --max-old-space-size=8192 benches/wasm-node.mjs --pkg "$PKG" --file "$file" --runs "$r"
  record "$size" memory-node node --expose-gc --max-old-space-size=8192 benches/memory-node.mjs --pkg "$PKG" --file "$file" --runs "$r"
  record "$size" chromium node benches/chromium.mjs --dist "$DIST" --file "$file" --runs "$r"
  if [ "$python" = yes ]; then
    record "$size" python "$VENV/bin/python" benches/reference.py "$file" "$r"
  else
    printf '{"engine":"python","runs":[],"skipped":"%s"}\n' "$python_why" > "$RAW/$size.python.json"
  fi
  if [ "$python" = yes ] && [ "$equal" = 1 ]; then
    er="${equal_runs:-$r}"; [ "$size" = 10M ] && er="${equal_runs:-$big_runs}"
    ed="$equal_draws"; [ "$size" = 10M ] && ed="$big_equal_draws"
    record "$size" python-equal "$VENV/bin/python" benches/reference.py "$file" "$er" --work equal --draws "$ed"
  else
    why="${python_why:---no-equal}"; [ "$python" = yes ] && why="--no-equal"
    printf '{"engine":"python-equal","runs":[],"skipped":"%s"}\n' "$why" > "$RAW/$size.python-equal.json"
  fi
done

mkdir -p benches/results
note=""; strict=()
[ "$smoke" = 1 ] && { note="Smoke run (10k, one run): checks that the harness works; not a measurement."; strict=(--strict); }
warn_args=(); for w in "${warnings[@]}"; do warn_args+=(--warn "$w"); done
node benches/report.mjs "${strict[@]}" "${warn_args[@]}" --raw "$RAW" --sizes "$sizes" --data benches/data --pkg "$PKG" \
  --out benches/results/latest --note "$note" --load "$load_at_start"
