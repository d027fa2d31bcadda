#!/usr/bin/env bash
# Peak memory and time of `crm-lens analyze` on each hostile workbook class at the size issue
# #13 measured (scripts/make-hostile-workbooks.py --big, written to a temporary directory and
# removed after), one fresh process each (/usr/bin/time -v). Prints docs/reliability.md's
# columns. Usage: bash scripts/measure-workbooks.sh [crm-lens binary]
# Some classes take gigabytes with a reader that has no limits: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/crm-lens}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 scripts/make-hostile-workbooks.py --big "$dir" >/dev/null
uptime
for f in "$dir"/*; do
  # A virtual-memory cap keeps a reader without limits from taking the machine down.
  ( ulimit -v 16000000; /usr/bin/time -v -o "$dir/.time" "$bin" analyze "$f" >"$dir/.out" 2>"$dir/.err" ) || true
  wall=$(grep "Elapsed (wall" "$dir/.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$dir/.time" | awk '{printf "%.1f MiB", $NF/1024}')
  sig=$(grep -o "signal [0-9]*" "$dir/.time" || true)
  said=$(grep -o '([a-z_]*)$' "$dir/.err" | head -1 || true)
  [ -s "$dir/.out" ] && said=$(python3 -c "import json,sys;i=json.load(open(sys.argv[1]))['ingest'];print('read',i['rowsRead'],'rows, skipped',dict(i['rowsSkipped']))" "$dir/.out")
  printf '| %s | %s bytes | %s %s | %s | %s |\n' "$(basename "$f")" "$(stat -c %s "$f")" "$sig" "$said" "$wall" "$rss"
done
