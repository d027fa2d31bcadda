"""A deterministic messy order log for the engine tests: a generated BTYD log with the cases
the summary SQL must treat as crm-lens does. From `crm-lens sample` (its columns), adds:

- duplicate lines (the same row twice: one order, its value counted twice);
- same-day orders (a second order id the same day) and lines without an order id;
- cancelled invoices (order ids C + digits, a positive amount crm-lens turns negative);
- returns-only customers (noPurchaseInPeriod) and zero amounts;
- NULLs: empty and blank customer ids, empty dates, empty amounts;
- dates before 1900 (dateOutOfRange) and amounts beyond 10^15 (amountOutOfRange);
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
    kinds = ["cust"] * 40 + ["blank"] * 30 + ["date"] * 40 + ["amount"] * 40 + ["old"] * 5 + ["huge"] * 5
    for k, kind in enumerate(kinds):
        r = list(rng.choice(rows))
        if kind == "cust":
            r[1] = ""
        elif kind == "blank":
            r[1] = "   "
        elif kind == "date":
            r[2] = ""
        elif kind == "amount":
            r[3] = ""
        elif kind == "old":
            r[2] = "1899-12-%02d" % (k % 28 + 1)
        else:
            r[3] = "-2e15" if k % 2 else "1000000000000000.5"
        out.append(r)
    rng.shuffle(out)
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(out)


def make_sums(out_csv: str, seed: int = 3) -> list:
    """Customers whose amounts make a naively rounded sum wrong: ties (0.1 + 0.2 is a tie the
    exact sum rounds up; 2^49 + 2^-4 rounds to even, one 2^-60 more rounds up), cancellations
    (10^15 - 10^15 + 10^-10), thousands of lines (carries between the limbs), tiny amounts
    (down to 2^-58) and random decimals with returns, each over several days. Returns the
    (customer, amounts) pairs, for an independent check with math.fsum."""
    rng = random.Random(seed)
    cases = {
        "tie": [0.1, 0.2], "tie_even": [2.0**49, 2.0**-4], "tie_up": [2.0**49, 2.0**-4, 2.0**-60],
        "cancel": [1e15, -1e15, 1e-10, 3.3], "tiny": [2.0**-58, 3 * 2.0**-57, 1.0, 0.3],
        "many": [19.99] * 3000 + [-0.01] * 700, "negative": [-0.1, -0.2, 5.0, -4.7],
        "big": [999999999999999.9, 0.05, 123456789.123, -0.75],
    }
    for k in range(40):
        cases[f"rand{k:02d}"] = [round(rng.uniform(-50, 400), rng.choice([0, 1, 2, 3, 4, 6]))
                                 for _ in range(rng.randrange(2, 60))]
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["order_id", "customer_id", "order_date", "amount", "channel"])
        for c, amounts in cases.items():
            for i, a in enumerate(amounts):
                # three days, the first with a purchase, every line its own order
                w.writerow([f"{c}-{i}", c, "2023-0%d-1%d" % (1 + i % 3, i % 3), repr(a), "web"])
    return list(cases.items())
