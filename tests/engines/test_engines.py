"""The scale path on the real engines (issue #14): DuckDB and Spark SQL (local[2]) compute the
per-customer summary with `crm-lens sql summary`, crm-lens analyses it with `--summary`, and
`crm-lens sql score` scores it in the engine. Checked against `crm-lens analyze` on the raw
file and `crm-lens score`:

- the engine's summary equals `analyze --export-summary` to the bit, spend included (the SQL
  sums exactly: src/scale/exact_sql.rs), also on amounts built to break a rounded sum, whose
  revenue must equal Python's math.fsum, also at the bound of the day sums (DuckDB: 2^21
  lines of one customer on one day; one more is refused); its row account equals the Report's;
- the summary analysed with --summary gives the raw file's fitted parameters (all four
  models, Gamma-Gamma included) and per-customer P(alive), expected purchases and CLV
  (<= 1e-9 relative), the same RFM scores, segments, stages and clusters;
- the collapsed summary (`--collapsed`: distinct rows with a count) fitted by `crm-lens fit`
  gives the parameters of the per-customer summary (<= 1e-9 relative);
- scores computed in SQL equal `crm-lens score` (<= 1e-9 relative) for every customer.

Run by scripts/test.sh (`npm test`) after the release build; one Spark session serves every
Spark check. `--engines duckdb` runs DuckDB alone.
"""
import argparse
import csv
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from messy import make_messy, make_sums  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "target", "release", "crm-lens")
TOL = 1e-9
COLUMNS = ["--customer-col", "customer_id", "--date-col", "order_date", "--amount-col", "amount",
           "--order-col", "order_id"]
SCHEMA = [("order_id", "VARCHAR"), ("customer_id", "VARCHAR"),
          ("order_date", "DATE"), ("amount", "DOUBLE"), ("channel", "VARCHAR")]
MODELS = {"bgnbd": ["r", "alpha", "a", "b"], "paretoNbd": ["r", "alpha", "s", "beta"],
          "mbgnbd": ["r", "alpha", "a", "b"], "gammaGamma": ["p", "q", "v"]}

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def cli(*args, out=None):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"crm-lens {' '.join(args)}: {r.stderr}")
    if out:
        with open(out, "w") as f:
            f.write(r.stdout)
    return r


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


class Case:
    """One input file, analysed raw once."""

    def __init__(self, name, path, flags, tmp):
        self.name, self.path, self.flags = name, path, flags
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        d = self.dir
        cli("analyze", path, *flags, "--out", f"{d}/raw.json", "--export-customers", f"{d}/raw_customers.csv",
            "--export-summary", f"{d}/native_summary.csv", "--save-model", f"{d}/raw_card.json")
        self.report = json.load(open(f"{d}/raw.json"))
        self.customers = {r["customerId"]: r for r in read_csv(f"{d}/raw_customers.csv")}

    def unit(self):
        return self.flags[self.flags.index("--time-unit") + 1] if "--time-unit" in self.flags else "day"

    def sql_flags(self):
        f = list(COLUMNS)
        if "--as-of" in self.flags:
            f += ["--as-of", self.flags[self.flags.index("--as-of") + 1]]
        return f + ["--time-unit", self.unit()]


class DuckDb:
    name = "duckdb"

    def __init__(self):
        import duckdb
        self.con = duckdb.connect()

    def load_orders(self, path, table):
        cols = ", ".join(f"'{n}': '{t}'" for n, t in SCHEMA)
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{path}', header=true, columns={{{cols}}})")

    def load_summary(self, path, table):
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{path}', header=true)")

    def rows(self, sql):
        cur = self.con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def to_csv(self, sql, path):
        self.con.execute(f"COPY ({sql}) TO '{path}' (HEADER, DELIMITER ',')")


class Spark:
    name = "spark"

    def __init__(self):
        from pyspark.sql import SparkSession
        self.spark = (SparkSession.builder.master("local[2]").appName("crm-lens-engines")
                      .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "2g")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def load_orders(self, path, table):
        schema = ", ".join(f"{n} {'STRING' if t == 'VARCHAR' else t}" for n, t in SCHEMA)
        self.spark.read.csv(path, header=True, schema=schema).createOrReplaceTempView(table)

    def load_summary(self, path, table):
        self.spark.read.csv(path, header=True, inferSchema=True).createOrReplaceTempView(table)

    def rows(self, sql):
        return [r.asDict() for r in self.spark.sql(sql).collect()]

    def to_csv(self, sql, path):
        out = path + ".dir"
        self.spark.sql(sql).coalesce(1).write.mode("overwrite").option("header", True).csv(out)
        (part,) = glob.glob(os.path.join(out, "part-*.csv"))
        shutil.move(part, path)
        shutil.rmtree(out)

    def stop(self):
        self.spark.stop()


def compare_summary(tag, produced, native):
    """The engine's summary against crm-lens' own, value by value (as numbers, to the bit),
    in the same order (customer ids)."""
    a, b = read_csv(produced), read_csv(native)
    bad, worst = [], 0.0
    for ra, rb in zip(a, b):
        for k, vb in rb.items():
            va = ra.get(k)
            if k in ("customer_id", "first_purchase", "last_purchase") or vb == "" or va == "":
                if (va or "") != vb:
                    bad.append((rb["customer_id"], k, va, vb))
                continue
            e = rel(float(va), float(vb))
            worst = max(worst, e)
            if float(va) != float(vb):
                bad.append((rb["customer_id"], k, va, vb))
    same_shape = len(a) == len(b) and list(a[0].keys()) == list(b[0].keys())
    check(f"{tag}: summary equals crm-lens' (max rel {worst:.1e})",
          same_shape and not bad, f"{len(a)} vs {len(b)} rows; first differences {bad[:3]}")


def compare_account(tag, acc, report):
    ing = report["ingest"]
    skipped = ing["rowsSkipped"]
    want = {"rows_read": ing["rowsRead"], "rows_used": ing["rowsUsed"],
            "missing_customer_id": skipped.get("missingCustomerId", 0),
            "unparseable_date": skipped.get("unparseableDate", 0),
            "date_out_of_range": skipped.get("dateOutOfRange", 0),
            "non_numeric_amount": skipped.get("nonNumericAmount", 0),
            "amount_out_of_range": skipped.get("amountOutOfRange", 0),
            "return_dropped": skipped.get("returnDropped", 0), "after_as_of": skipped.get("afterAsOf", 0),
            "no_purchase_in_period": skipped.get("noPurchaseInPeriod", 0), "return_lines": ing["returnLines"],
            "customers": report["kpis"]["customers"], "as_of": report["asOf"]}
    got = {k: (str(v) if k == "as_of" else v) for k, v in acc.items()}
    others = set(skipped) - {"missingCustomerId", "unparseableDate", "dateOutOfRange", "nonNumericAmount",
                             "amountOutOfRange", "returnDropped", "afterAsOf", "noPurchaseInPeriod"}
    check(f"{tag}: row account equals the Report's ({want['rows_read']} read, {want['rows_used']} used)",
          got == want and not others, f"sql {got} report {want} other reasons {others}")


def compare_analysis(tag, case, summary_csv):
    """analyze --summary on the engine's summary against analyze on the raw file."""
    d = os.path.dirname(summary_csv)
    cli("analyze", summary_csv, "--summary", "--time-unit", case.unit(), "--out", f"{d}/summary.json",
        "--export-customers", f"{d}/summary_customers.csv")
    rep, raw = json.load(open(f"{d}/summary.json")), case.report
    worst, bad = {"transactions": 0.0, "spend": 0.0}, []
    for m, names in MODELS.items():
        pa, pb = raw["clv"][m], rep["clv"][m]
        if pa is None or pb is None:
            bad.append((m, "missing", pa is None, pb is None))
            continue
        group = "spend" if m == "gammaGamma" else "transactions"
        for n in names:
            e = rel(pa["params"][n], pb["params"][n])
            worst[group] = max(worst[group], e)
            if e > TOL:
                bad.append((m, n, pa["params"][n], pb["params"][n]))
    same_choice = raw["clv"]["chosenModel"] == rep["clv"]["chosenModel"]
    check(f"{tag}: fitted parameters equal the raw file's (max rel {worst['transactions']:.1e} BG/NBD, "
          f"Pareto/NBD, MBG/NBD; {worst['spend']:.1e} Gamma-Gamma; chosen {rep['clv']['chosenModel']})",
          not bad and same_choice, f"{bad[:4]} chosen {raw['clv']['chosenModel']} vs {rep['clv']['chosenModel']}")
    rows = read_csv(f"{d}/summary_customers.csv")
    worst, bad, labels = {}, [], []
    for r in rows:
        c = case.customers.get(r["customerId"])
        if c is None:
            bad.append((r["customerId"], "not in the raw analysis"))
            continue
        for k in ("pAlive", "expectedPurchases", "clv"):
            e = rel(float(r[k]), float(c[k]))
            worst[k] = max(worst.get(k, 0.0), e)
            if e > TOL:
                bad.append((r["customerId"], k, r[k], c[k]))
        for k in ("rScore", "fScore", "mScore", "rfmSegment", "stage", "cluster", "frequency",
                  "monetary", "recencyDays", "tenureDays"):
            same = rel(float(r[k]), float(c[k])) <= 1e-12 if k == "monetary" else r[k] == c[k]
            if not same:
                labels.append((r["customerId"], k, r[k], c[k]))
    check(f"{tag}: per-customer P(alive), expected purchases, CLV equal the raw file's ({len(rows)} customers, "
          f"max rel {', '.join(f'{v:.1e}' for v in worst.values())})",
          len(rows) == len(case.customers) and not bad, f"{len(rows)} vs {len(case.customers)}; {bad[:3]}")
    check(f"{tag}: RFM scores and segments, lifecycle stages, k-means clusters equal the raw file's",
          not labels, str(labels[:3]))


def compare_collapsed(tag, engine, case, table, summary_csv):
    """`sql summary --collapsed` (distinct fit rows with a weights count) fitted by `crm-lens
    fit` gives the per-customer summary's parameters."""
    d = os.path.dirname(summary_csv)
    q = cli("sql", "summary", "--engine", engine.name, "--table", table, *case.sql_flags(), "--collapsed").stdout
    engine.to_csv(q, f"{d}/collapsed.csv")
    unit = ["--time-unit", case.unit()]
    cli("fit", summary_csv, *unit, "--save-model", f"{d}/card_customers.json")
    r = cli("fit", f"{d}/collapsed.csv", *unit, "--save-model", f"{d}/card_collapsed.json")
    acc = json.loads(r.stderr.strip().splitlines()[-1])
    a, b = (json.load(open(f"{d}/card_{k}.json")) for k in ("customers", "collapsed"))
    pairs = [(k, a["model"]["params"][k], b["model"]["params"][k]) for k in a["model"]["params"]]
    same_spend = a["spend"]["name"] == b["spend"]["name"] == "gammaGamma"
    if same_spend:
        pairs += [(k, a["spend"]["params"][k], b["spend"]["params"][k]) for k in ("p", "q", "v")]
    worst = max(rel(x, y) for _, x, y in pairs)
    same = (same_spend and a["model"]["name"] == b["model"]["name"] and a["customers"] == b["customers"]
            and worst <= TOL)
    check(f"{tag}: collapsed summary ({acc['rowsRead']} rows for {acc['customers']} customers) fits the "
          f"per-customer summary's {a['model']['name']} and Gamma-Gamma (max rel {worst:.1e})",
          same, f"{a['model']['name']} vs {b['model']['name']}, {a['customers']} vs {b['customers']}: {pairs}")


def compare_scores(tag, engine, card, summary_csv, summary_table):
    d = os.path.dirname(summary_csv)
    native = f"{d}/{os.path.basename(card)}.scores.csv"
    cli("score", card, summary_csv, "--out", native)
    want = {r["customer_id"]: r for r in read_csv(native)}
    sql = cli("sql", "score", card, "--engine", engine.name, "--table", summary_table).stdout
    got = engine.rows(sql)
    worst, bad = 0.0, []
    for g in got:
        w = want.get(g["customer_id"])
        if w is None:
            bad.append((g["customer_id"], "not scored natively"))
            continue
        for k in ("p_alive", "expected_purchases", "clv"):
            if g[k] is None or w[k] == "":
                bad.append((g["customer_id"], k, g[k], w[k]))
                continue
            e = rel(g[k], float(w[k]))
            worst = max(worst, e)
            if e > TOL:
                bad.append((g["customer_id"], k, g[k], w[k]))
    model = json.load(open(card))["model"]["name"]
    check(f"{tag}: sql score ({model}) equals crm-lens score for {len(got)} customers (max rel {worst:.1e})",
          len(got) == len(want) and not bad, f"{len(got)} vs {len(want)}; {bad[:3]}")


def run_engine(engine, cases, cards, sums):
    for case in cases:
        tag = f"{engine.name} {case.name}"
        d = os.path.join(case.dir, engine.name)
        os.makedirs(d, exist_ok=True)
        table = f"orders_{case.name}"
        engine.load_orders(case.path, table)
        flags = case.sql_flags()
        q = cli("sql", "summary", "--engine", engine.name, "--table", table, *flags).stdout
        acc = cli("sql", "summary", "--engine", engine.name, "--table", table, *flags, "--account").stdout
        t = time.time()
        summary_csv = f"{d}/summary.csv"
        engine.to_csv(q, summary_csv)
        print(f"     {tag}: summary in {time.time() - t:.1f} s")
        compare_summary(tag, summary_csv, f"{case.dir}/native_summary.csv")
        (row,) = engine.rows(acc)
        compare_account(tag, row, case.report)
        compare_analysis(tag, case, summary_csv)
        compare_collapsed(tag, engine, case, table, summary_csv)
        st = f"summary_{case.name}"
        engine.load_summary(summary_csv, st)
        for card in cards[case.name]:
            compare_scores(tag, engine, card, summary_csv, st)
    compare_sums(engine, *sums)
    # The returns policies, and quantity x unit price, on DuckDB (fast): summary and account.
    if engine.name == "duckdb":
        compare_day_bound(engine)
        case = cases[-1]
        for flag in (["--returns", "keep"], ["--returns", "drop"]):
            d = os.path.join(case.dir, "duckdb_" + flag[1])
            os.makedirs(d)
            cli("analyze", case.path, *case.flags, *flag, "--out", f"{d}/raw.json", "--export-summary", f"{d}/native.csv")
            flags = case.sql_flags() + flag
            q = cli("sql", "summary", "--engine", "duckdb", "--table", f"orders_{case.name}", *flags).stdout
            engine.to_csv(q, f"{d}/summary.csv")
            compare_summary(f"duckdb {case.name} {' '.join(flag)}", f"{d}/summary.csv", f"{d}/native.csv")
            acc = cli("sql", "summary", "--engine", "duckdb", "--table", f"orders_{case.name}", *flags, "--account").stdout
            (row,) = engine.rows(acc)
            compare_account(f"duckdb {case.name} {' '.join(flag)}", row, json.load(open(f"{d}/raw.json")))


def compare_day_bound(engine):
    """DuckDB sums a day's limbs as DOUBLE, exact while a customer's day has at most 2^21 lines
    (src/scale/exact_sql.rs). At the bound, with the largest low limb (2^32 - 1: the amount
    (2^53 - 1) * 2^-110), the revenue is the exact 2^21 * a (2^21 limbs of 2^32 - 1 reach 2^53 - 2^21,
    the largest partial sum the bound allows); one line more stops the query."""
    a = float(2**53 - 1) * 2.0**-110
    n = 2**21
    lines = f"""SELECT 'b-' || CAST(range AS VARCHAR) AS order_id, 'bulk' AS customer_id,
      DATE '2023-01-10' AS order_date, CAST('{a!r}' AS DOUBLE) AS amount, 'web' AS channel FROM range({{}})"""
    engine.con.execute(f"CREATE OR REPLACE TABLE orders_bound AS {lines.format(n)}")
    q = cli("sql", "summary", "--engine", "duckdb", "--table", "orders_bound", *COLUMNS).stdout
    (row,) = engine.rows(q)
    want = math.fsum([a] * n)
    check(f"duckdb day bound: {n} lines on one day sum exactly ({row['revenue']!r} = {want!r})",
          row["revenue"] == want == n * a, str(row))
    engine.con.execute(f"INSERT INTO orders_bound {lines.format(1)}")
    try:
        engine.rows(q)
        check("duckdb day bound: one line past it is refused", False, "the query ran")
    except Exception as e:  # noqa: BLE001
        check("duckdb day bound: one line past it is refused", "lines on one day" in str(e), str(e)[:300])


def compare_sums(engine, path, amounts, tmp):
    """Amounts built to break a rounded sum: the engine's revenue equals math.fsum of each
    customer's amounts (an oracle independent of crm-lens), and its summary crm-lens' own."""
    d = os.path.join(tmp, f"sums_{engine.name}")
    os.makedirs(d)
    cli("analyze", path, "--out", os.devnull, "--export-summary", f"{d}/native.csv")
    engine.load_orders(path, "orders_sums")
    q = cli("sql", "summary", "--engine", engine.name, "--table", "orders_sums", *COLUMNS).stdout
    engine.to_csv(q, f"{d}/summary.csv")
    compare_summary(f"{engine.name} sums", f"{d}/summary.csv", f"{d}/native.csv")
    got = {r["customer_id"]: float(r["revenue"]) for r in read_csv(f"{d}/summary.csv")}
    bad = [(c, got.get(c), math.fsum(a)) for c, a in amounts if got.get(c) != math.fsum(a)]
    check(f"{engine.name} sums: revenue equals math.fsum for {len(amounts)} customers (ties, cancellations, "
          f"3,700 lines, 2^-58)", not bad, str(bad[:3]))
    # An amount below the exact grid stops the query, never a rounded sum.
    tiny = os.path.join(d, "tiny.csv")
    with open(path) as f, open(tiny, "w") as g:
        g.write(f.read() + "t-0,tiny,2023-01-10,1e-30,web\n")
    engine.load_orders(tiny, "orders_tiny")
    q = cli("sql", "summary", "--engine", engine.name, "--table", "orders_tiny", *COLUMNS).stdout
    try:
        engine.rows(q)
        check(f"{engine.name} sums: an amount of 1e-30 is refused", False, "the query ran")
    except Exception as e:  # noqa: BLE001 (each engine raises its own type)
        check(f"{engine.name} sums: an amount of 1e-30 is refused", "cannot be summed exactly" in str(e), str(e)[:300])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engines", default="duckdb,spark")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: cargo build --release first")
    tmp = tempfile.mkdtemp(prefix="crm-lens-engines-")
    try:
        sample = os.path.join(tmp, "sample.csv")
        cli("sample", "--transactions", "55000", "--seed", "42", "--out", sample)
        base = os.path.join(tmp, "base.csv")
        cli("sample", "--transactions", "20000", "--seed", "7", "--out", base)
        messy = os.path.join(tmp, "messy.csv")
        make_messy(base, messy)
        sums_csv = os.path.join(tmp, "sums.csv")
        sums = (sums_csv, make_sums(sums_csv), tmp)
        cases = [Case("sample", sample, [], tmp),
                 Case("messy", messy, ["--as-of", "2023-10-31", "--time-unit", "week"], tmp)]
        # Cards: the chosen model on both files, and every model on the sample.
        cards = {c.name: [f"{c.dir}/raw_card.json"] for c in cases}
        chosen = cases[0].report["clv"]["chosenModel"]
        for m in ("bgnbd", "paretoNbd", "mbgnbd"):
            if m != chosen:
                card = f"{cases[0].dir}/card_{m}.json"
                cli("analyze", sample, "--options", json.dumps({"clv": {"model": m}}), "--out", os.devnull,
                    "--save-model", card)
                cards["sample"].append(card)
        for name in args.engines.split(","):
            t = time.time()
            engine = DuckDb() if name == "duckdb" else Spark()
            try:
                run_engine(engine, cases, cards, sums)
            finally:
                if hasattr(engine, "stop"):
                    engine.stop()
            print(f"     {name}: {time.time() - t:.0f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"engines: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
