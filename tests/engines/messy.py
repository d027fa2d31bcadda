"""A deterministic messy order log for the engine tests: a generated BTYD log with the cases
the summary SQL must treat as crm-lens does. From `crm-lens sample` (its columns), adds:

- duplicate lines (the same row twice: one order, its value counted twice);
- same-day orders (a second order id the same day) and lines without an order id;
- cancelled invoices (order ids C + digits, a positive amount crm-lens turns negative);
- returns-only customers (noPurchaseInPeriod) and zero amounts;
- NULLs: empty and blank customer ids, empty dates, empty amounts;
then shuffles the lines, so file order is not date order. Lines after the as-of date come
from the test's --as-of.
"""
import csv
import random


def make_messy(base_csv: str, out_csv: str, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(base_csv, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    assert header == ["order_id", "customer_id", "order_date", "amount", "channel"], header
    out = []
    for r in rows:
        out.append(r)
        u = rng.random()
        if u < 0.01:
            out.append(list(r))  # duplicate line
        elif u < 0.03:
            out.append([f"S{rng.randrange(10**8):08d}", r[1], r[2], f"{rng.uniform(1, 60):.2f}", r[4]])
        elif u < 0.035:
            out.append([f"C{r[0][1:]}", r[1], r[2], f"{rng.uniform(1, 20):.2f}", r[4]])
        elif u < 0.04:
            out.append(["", r[1], r[2], f"{rng.uniform(1, 30):.2f}", r[4]])
        elif u < 0.042:
            out.append([r[0], r[1], r[2], "0", r[4]])
    for k in range(25):
        out.append([f"R{k:07d}", f"RET{k:04d}", "2023-05-%02d" % (k + 1), f"-{rng.uniform(1, 40):.2f}", "web"])
    for k, kind in enumerate(["cust"] * 40 + ["blank"] * 30 + ["date"] * 40 + ["amount"] * 40):
        r = list(rng.choice(rows))
        if kind == "cust":
            r[1] = ""
        elif kind == "blank":
            r[1] = "   "
        elif kind == "date":
            r[2] = ""
        else:
            r[3] = ""
        out.append(r)
    rng.shuffle(out)
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(out)


def with_line_numbers(src: str, dst: str) -> None:
    """The file with a leading `line` column (1 = first data row): the order crm-lens reads
    the lines in, for `--line-col`."""
    with open(src, newline="") as f, open(dst, "w", newline="") as g:
        r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
        w.writerow(["line"] + next(r))
        for i, row in enumerate(r, 1):
            w.writerow([i] + row)
