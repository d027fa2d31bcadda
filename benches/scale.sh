#!/usr/bin/env bash
# The scale path measured (docs/scale.md): a generated log summarised by a real engine, the
# models fitted on that summary, every customer scored. One command per measurement:
#
#   bash benches/scale.sh --rows 100000000 --generate pipe   # DuckDB on 100M sample lines, piped
#   bash benches/scale.sh --rows 10000000                   # DuckDB on the 10M-line sample CSV
#   bash benches/scale.sh --rows 10000000 --engine spark    # Spark local[2] on 10M lines
#   bash benches/scale.sh --score-customers 50000000        # crm-lens score's RSS at 50M customers
#
# Each step runs in its own process under /usr/bin/time (wall seconds, peak RSS), with the
# machine's load (`uptime`) before it; results go to benches/results/scale-*.md. Data lives in
# benches/data/scale/ and is deleted at the end (--keep keeps it): check `df -h /work` first,
# 100M lines as a CSV need ~15 GB while they run; `--generate pipe` streams the sample into
# DuckDB through a pipe instead (no 4 GB CSV on disk), `--generate duckdb` makes lines in
# DuckDB (a crude log: uniform days, no churn).
#
# A watchdog stops a step cleanly when the disk under benches/data falls below --min-free-gb
# (default 5) and records the peak size of DuckDB's temp directory (its spill) per step.
# Past 30M lines the collapsed summary is made from the summary table (the same GROUP BY as
# `sql summary --collapsed`'s outer SELECT) rather than by a second pass over the lines, and
# `sql score` is skipped: both are measured at 10M and 30M.
#
# Needs the release CLI (cargo build --release) and the engines venv (scripts/setup.sh).
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"

cmdline="$*"
rows=0; engine=duckdb; score_customers=0; keep=0; memory=""; generate=crm-lens; min_free_gb=5; reuse=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift ;;
    --engine) engine="$2"; shift ;;
    --score-customers) score_customers="$2"; shift ;;
    --memory-limit) memory="$2"; shift ;;   # DuckDB memory_limit, e.g. 8GB (default: DuckDB's)
    --generate) generate="$2"; shift ;;     # crm-lens (sample CSV), pipe (sample piped to DuckDB) or duckdb
    --min-free-gb) min_free_gb="$2"; shift ;;   # the watchdog's floor of free disk
    --keep) keep=1 ;;
    --reuse-table) reuse=1 ;;   # DuckDB: the orders table of a previous --keep run, not made again
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$rows" != 0 ] || [ "$score_customers" != 0 ] || { echo "give --rows N or --score-customers N" >&2; exit 2; }

BIN=${CRM_LENS_BIN:-target/release/crm-lens}
PY=tests/engines/.venv/bin/python
DATA=benches/data/scale
mkdir -p "$DATA" benches/results
tag=$([ "$score_customers" != 0 ] && echo "score-$score_customers" || echo "$engine-$rows")
OUT=benches/results/scale-$tag.md
[ "$keep" = 1 ] || trap 'rm -rf "$DATA"' EXIT
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

{
  echo "# benches/scale.sh $cmdline"
  echo
  echo "$(date -u +%FT%TZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, commit $(git rev-parse --short HEAD)"
  echo
  echo "| step | wall s | peak RSS MB | load before (1/5/15 min) | load after | DuckDB spill peak MB | notes |"
  echo "|---|---|---|---|---|---|---|"
} > "$OUT"

free_gb() { df --output=avail -BG "$DATA" | tail -1 | tr -dc 0-9; }
echo "disk free at the start: $(free_gb) GB" > "$OUT.notes"

# The resident MB of process $1 and all its descendants.
tree_rss() {
  ps -eo pid=,ppid=,rss= | awk -v root="$1" '{p[$1] = $2; r[$1] = $3}
    END {for (i in p) {j = i; while (j != root && j in p && j > 1) j = p[j]; if (j == root) t += r[i]}; print int(t / 1024)}'
}

# step NAME NOTE -- command...: runs it under /usr/bin/time (in its own process group, so the
# watchdog can stop all of it) and appends a row; stops the bench below --min-free-gb.
step() {
  local name="$1" note="$2"; shift 3
  local load; load=$(uptime | sed 's/.*load average: //')
  echo "== $name: $*" >&2
  setsid /usr/bin/time -f '%e %M' -o "$DATA/time" "$@" &
  local pid=$! spill=0 s low=0 g grp=0
  while kill -0 "$pid" 2>/dev/null; do
    s=$( (du -sm "$DATA"/*.tmp 2>/dev/null || true) | awk '{t += $1} END {print t + 0}')
    [ "$s" -le "$spill" ] || spill=$s
    # /usr/bin/time sees only processes it waits for; Spark's JVM is not one of them.
    g=$(tree_rss "$pid")
    [ "$g" -le "$grp" ] || grp=$g
    if [ "$(free_gb)" -lt "$min_free_gb" ]; then
      low=1
      echo "watchdog: $(free_gb) GB free (< $min_free_gb): stopping $name" >&2
      kill -TERM -- "-$pid" 2>/dev/null || pkill -TERM -P "$pid" || true
      sleep 10
      kill -KILL -- "-$pid" 2>/dev/null || pkill -KILL -P "$pid" || true
    fi
    sleep 5
  done
  local rc=0
  wait "$pid" || rc=$?
  if [ "$low" = 1 ] || [ "$rc" != 0 ]; then
    printf '| %s | stopped (exit %s%s) | | %s | %s | %s | %s |\n' "$name" "$rc" \
      "$([ "$low" = 1 ] && echo ", disk below $min_free_gb GB")" "$load" "$(uptime | sed 's/.*load average: //')" "$spill" "$note" >> "$OUT"
    { echo; cat "$OUT.notes"; } >> "$OUT"
    cat "$OUT"
    exit 1
  fi
  read -r secs kb < "$DATA/time"
  echo "$name: peak RSS of all its processes together (sampled every 5 s): $grp MB" >> "$OUT.notes"
  printf '| %s | %s | %d | %s | %s | %s | %s |\n' "$name" "$secs" $((kb / 1024)) "$load" \
    "$(uptime | sed 's/.*load average: //')" "$spill" "$note" >> "$OUT"
}

if [ "$score_customers" != 0 ]; then
  # A synthetic summary of N customers (BTYD-shaped columns) written by DuckDB to a pipe and
  # scored from it with the card of the bundled sample's fit: nothing touches the disk, and
  # the peak RSS is crm-lens score's alone.
  cat > "$DATA/gen.py" <<'EOF'
import sys, duckdb
n = int(sys.argv[1])
c = duckdb.connect()
c.execute("SELECT setseed(0.42)")
c.execute(f"""COPY (
  SELECT 'C' || lpad(CAST(i AS VARCHAR), 9, '0') AS customer_id, x AS frequency,
         CASE WHEN x = 0 THEN 0 ELSE floor(random() * t) END AS recency, t AS "T",
         CASE WHEN x = 0 THEN 0 ELSE round(5 + random() * 60, 2) END AS monetary_value
  FROM (SELECT range AS i, CAST(floor(-ln(1 - random()) * 1.5) AS DOUBLE) AS x,
               CAST(floor(random() * 730) AS DOUBLE) AS t FROM range({n}))
) TO '/dev/stdout' (HEADER)""")
EOF
  "$BIN" sample --transactions 55000 --seed 42 --out "$DATA/sample.csv"
  "$BIN" analyze "$DATA/sample.csv" --out /dev/null --save-model "$DATA/card.json"
  mkfifo "$DATA/summary.pipe"
  "$PY" "$DATA/gen.py" "$score_customers" > "$DATA/summary.pipe" &
  step "crm-lens score" "$score_customers customers read from a pipe, scores to /dev/null" -- \
    "$BIN" score "$DATA/card.json" "$DATA/summary.pipe" --out /dev/null 2> "$DATA/account.json"
  wait
  echo "account: $(cat "$DATA/account.json")" >> "$OUT"
  cat "$OUT"
  exit 0
fi

LOG=$DATA/log.csv
if { [ "$generate" = crm-lens ] && [ "$reuse" = 0 ]; } || [ "$engine" = spark ]; then
  step "generate log" "crm-lens sample --transactions $rows --seed 42" -- \
    "$BIN" sample --transactions "$rows" --seed 42 --out "$LOG"
  echo "log: $(du -m "$LOG" | cut -f1) MB, $(($(wc -l < "$LOG") - 1)) lines" >> "$OUT.notes"
fi

COLS=(--customer-col customer_id --date-col order_date --amount-col amount --order-col order_id)
"$BIN" sql summary --engine "$engine" --table orders "${COLS[@]}" > "$DATA/summary.sql"
"$BIN" sql summary --engine "$engine" --table orders "${COLS[@]}" --account > "$DATA/account.sql"
"$BIN" sql summary --engine "$engine" --table orders "${COLS[@]}" --collapsed > "$DATA/collapsed.sql"

if [ "$engine" = duckdb ]; then
  DB=$DATA/orders.duckdb
  cat > "$DATA/duck.py" <<'EOF'
import sys, duckdb
db, what, arg, memory = sys.argv[1:5]
c = duckdb.connect(db)
if memory:
    c.execute(f"SET memory_limit = '{memory}'")
# Results are ordered by their ORDER BY; insertion order need not be kept besides (DuckDB's
# own hint when the 100M summary ran out of memory: docs/scale.md).
c.execute("SET preserve_insertion_order = false")
if what == "generate":
    # A BTYD-shaped log made in DuckDB: a customer's first day uniform over two years, then
    # a geometric number of further lines on later days; 2% returns; exactly N lines.
    n = int(arg)
    c.execute("SELECT setseed(0.42)")
    c.execute(f"""CREATE TABLE orders AS
      WITH cust AS (
        SELECT range AS i, CAST(floor(random() * 730) AS INTEGER) AS f,
               CAST(1 + floor(-ln(1 - random()) * 1.9) AS BIGINT) AS k
        FROM range({n // 2})
      )
      SELECT 'O' || CAST(i AS VARCHAR) || '-' || CAST(j AS VARCHAR) AS order_id,
             'C' || lpad(CAST(i AS VARCHAR), 9, '0') AS customer_id,
             DATE '2023-01-01' + CASE WHEN j = 0 THEN f ELSE f + CAST(floor(random() * (730 - f)) AS INTEGER) END AS order_date,
             CASE WHEN j > 0 AND random() < 0.02 THEN -1 ELSE 1 END * round(5 + random() * 120, 2) AS amount,
             'web' AS channel
      FROM cust, range(k) r(j)
      LIMIT {n}""")
    print(c.execute("SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM orders").fetchall())
elif what == "load":
    c.execute(f"""CREATE TABLE orders AS SELECT * FROM read_csv('{arg}', header=true,
      columns={{'order_id': 'VARCHAR', 'customer_id': 'VARCHAR', 'order_date': 'DATE', 'amount': 'DOUBLE', 'channel': 'VARCHAR'}})""")
elif what == "summary":
    c.execute(f"COPY ({open(arg).read()}) TO '{sys.argv[5]}' (HEADER)")
elif what == "account":
    print(c.execute(open(arg).read()).fetchall())
elif what == "collapse":
    # `sql summary --collapsed`'s outer SELECT, over the summary already computed.
    keys = 'frequency, recency, "T", monetary_value, frequency_cal, recency_cal, "T_cal", frequency_holdout, duration_holdout'
    c.execute(f"""COPY (SELECT {keys}, COUNT(*) AS weights FROM read_csv('{arg}', header=true)
      GROUP BY {keys} ORDER BY {keys}) TO '{sys.argv[5]}' (HEADER)""")
elif what == "score":
    c.execute(f"CREATE OR REPLACE TABLE summary AS SELECT * FROM read_csv('{sys.argv[5]}', header=true)")
    c.execute(f"COPY ({open(arg).read()}) TO '{sys.argv[6]}' (HEADER)")
EOF
  if [ "$reuse" = 1 ] && [ -f "$DB" ]; then
    echo "the orders table of a previous run: $DB" >> "$OUT.notes"
  elif [ "$generate" = pipe ]; then
    # The sample's lines streamed through a pipe into the table: no CSV on disk.
    mkfifo "$DATA/log.pipe"
    "$BIN" sample --transactions "$rows" --seed 42 --out "$DATA/log.pipe" &
    step "generate + duckdb load" "crm-lens sample --transactions $rows --seed 42 | DuckDB table (a pipe, no CSV)" -- \
      "$PY" "$DATA/duck.py" "$DB" load "$DATA/log.pipe" "$memory"
    wait
  elif [ "$generate" = duckdb ]; then
    step "duckdb generate" "$rows lines made in DuckDB (no CSV)" -- \
      "$PY" "$DATA/duck.py" "$DB" generate "$rows" "$memory" > "$DATA/generated.txt"
    echo "generated (lines, customers): $(cat "$DATA/generated.txt")" >> "$OUT.notes"
  else
    step "duckdb load" "CSV -> table in $DB" -- "$PY" "$DATA/duck.py" "$DB" load "$LOG" "$memory"
  fi
  echo "table file: $(du -m "$DB" | cut -f1) MB" >> "$OUT.notes"
  rm -f "$LOG"   # the table holds the lines now; frees the disk for the summary
  step "duckdb sql summary" "table -> summary.csv (COPY)" -- \
    "$PY" "$DATA/duck.py" "$DB" summary "$DATA/summary.sql" "$memory" "$DATA/summary.csv"
  echo "disk free after the summary: $(free_gb) GB" >> "$OUT.notes"
  if [ "$rows" -gt 30000000 ]; then
    step "duckdb collapse summary.csv" "summary.csv -> collapsed.csv (the GROUP BY of --collapsed)" -- \
      "$PY" "$DATA/duck.py" "$DB" collapse "$DATA/summary.csv" "$memory" "$DATA/collapsed.csv"
  else
    step "duckdb sql summary --account" "row account" -- "$PY" "$DATA/duck.py" "$DB" account "$DATA/account.sql" "$memory" \
      > "$DATA/account.txt"
    echo "account: $(cat "$DATA/account.txt")" >> "$OUT.notes"
    step "duckdb sql summary --collapsed" "table -> collapsed.csv (distinct fit rows + weights)" -- \
      "$PY" "$DATA/duck.py" "$DB" summary "$DATA/collapsed.sql" "$memory" "$DATA/collapsed.csv"
  fi
  echo "collapsed: $(du -m "$DATA/collapsed.csv" | cut -f1) MB, $(($(wc -l < "$DATA/collapsed.csv") - 1)) rows" >> "$OUT.notes"
  step "crm-lens fit (collapsed)" "the CLV models on the collapsed summary" -- \
    "$BIN" fit "$DATA/collapsed.csv" --save-model "$DATA/card_collapsed.json"
else
  cat > "$DATA/spark.py" <<'EOF'
import sys, time
from pyspark.sql import SparkSession
log, sql, acc, out = sys.argv[1:5]
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", "6g").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
spark.read.csv(log, header=True, schema="order_id STRING, customer_id STRING, order_date DATE, amount DOUBLE, channel STRING") \
    .createOrReplaceTempView("orders")
t = time.time()
spark.sql(open(sql).read()).coalesce(1).write.mode("overwrite").option("header", True).csv(out)
print(f"summary query: {time.time() - t:.1f} s", file=sys.stderr)
print(spark.sql(open(acc).read()).collect())
EOF
  step "spark sql summary" "CSV read + summary + account, local[2], driver 6g (peak RSS of the JVM: notes)" -- \
    bash -c "'$PY' '$DATA/spark.py' '$LOG' '$DATA/summary.sql' '$DATA/account.sql' '$DATA/summary.dir' > '$DATA/account.txt'"
  mv "$DATA"/summary.dir/part-*.csv "$DATA/summary.csv"
  echo "account: $(cat "$DATA/account.txt")" >> "$OUT.notes"
fi
echo "summary: $(du -m "$DATA/summary.csv" | cut -f1) MB, $(($(wc -l < "$DATA/summary.csv") - 1)) customers" >> "$OUT.notes"
ordered=$(tail -n +2 "$DATA/summary.csv" | cut -d, -f1 | LC_ALL=C sort -c 2>/dev/null && echo yes || echo NO)
echo "summary in customer_id order (bytes): $ordered" >> "$OUT.notes"

if [ "$engine" = duckdb ] && [ "$rows" -gt 10000000 ]; then
  # The collapsed summary's fit equals the per-customer summary's (tests/engines): one fit.
  cp "$DATA/card_collapsed.json" "$DATA/card.json"
else
  step "crm-lens fit" "the CLV models on the streamed summary, model card saved" -- \
    "$BIN" fit "$DATA/summary.csv" --save-model "$DATA/card.json"
fi
if [ "$rows" -le 10000000 ]; then
  # Every analysis keeps every customer (~660 bytes each): up to ~3.5M customers here.
  step "crm-lens analyze --summary" "every analysis on the summary" -- \
    "$BIN" analyze "$DATA/summary.csv" --summary --out "$DATA/report.json"
fi
"$PY" - "$DATA/card.json" >> "$OUT.notes" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
print(f"customers {c['customers']}, distinct (x, t_x, T) rows {c['uniqueRows']} "
      f"({c['uniqueRows'] / max(c['customers'], 1):.4%}); chosen {c['model']['name']} ({c['model']['choiceCriterion']})")
EOF
step "crm-lens score" "every customer of the summary" -- \
  "$BIN" score "$DATA/card.json" "$DATA/summary.csv" --out "$DATA/scores.csv"
if [ "$engine" = duckdb ] && [ "$rows" -gt 30000000 ]; then
  step "duckdb sql summary --account" "row account" -- "$PY" "$DATA/duck.py" "$DB" account "$DATA/account.sql" "$memory" \
    > "$DATA/account.txt"
  echo "account: $(cat "$DATA/account.txt")" >> "$OUT.notes"
elif [ "$engine" = duckdb ]; then
  "$BIN" sql score "$DATA/card.json" --engine duckdb --table summary > "$DATA/score.sql"
  step "duckdb sql score" "summary.csv -> table, scored in SQL -> CSV" -- \
    "$PY" "$DATA/duck.py" "$DB" score "$DATA/score.sql" "$memory" "$DATA/summary.csv" "$DATA/scores_sql.csv"
fi
{ echo; cat "$OUT.notes"; } >> "$OUT"
rm -f "$OUT.notes"
cat "$OUT"
