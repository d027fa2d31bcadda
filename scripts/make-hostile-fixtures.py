#!/usr/bin/env python3
"""Writes the hostile text inputs of tests/fixtures/hostile/text/ (tests/hostile_text.rs).

Each file is one class of careless or hostile input from issue #13, small and deterministic,
so the tests can state exact expectations. Run from anywhere; no dependencies:

    python3 scripts/make-hostile-fixtures.py
    python3 scripts/make-hostile-fixtures.py --span DIR   # the date-span files of docs/reliability.md

Crafted customer ids that collide in the id table are not here: they are crafted against
the hash under test at test time (src/ingest/name_table.rs) and in `cargo bench --bench ingest`.
"""
import math
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "hostile", "text")


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def day(i, start_year=2023):
    """The i-th day of a 730-day span starting on 1 January of start_year (no datetime:
    the same dates on every Python)."""
    months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    y, i = start_year, i % 730
    while True:
        length = 366 if y % 4 == 0 else 365
        if i < length:
            break
        i -= length
        y += 1
    m = 0
    while True:
        n = months[m] + (1 if m == 1 and y % 4 == 0 else 0)
        if i < n:
            return f"{y}-{m + 1:02d}-{i + 1:02d}"
        i -= n
        m += 1


class Rng:
    """A small deterministic generator (64-bit LCG), the same on every Python."""

    def __init__(self, seed):
        self.state = seed

    def unif(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % 2**64
        return ((self.state >> 11) + 0.5) / 2**53


def purchases(rows, seed=7):
    """(customer, day index) of `rows` purchases over two years, in the buy-till-you-die way
    real customers behave (and the CLV models expect): each arrives on some day, buys at
    their own rate and after each purchase leaves with some probability."""
    rng, out, c = Rng(seed), [], 0
    while len(out) < rows:
        c += 1
        t = rng.unif() * 730
        rate = 0.01 + 0.08 * rng.unif()
        leave = 0.1 + 0.5 * rng.unif()
        while t < 730 and len(out) < rows:
            out.append((c, int(t)))
            if rng.unif() < leave:
                break
            t += -math.log(rng.unif()) / rate
    return out


def log(rows, amount=lambda i: f"{10 + i % 90}.{i % 100:02d}", sep=",", header="customer_id,order_date,amount",
        customers=None):
    """A transaction log of `rows` purchases; `amount(i)` writes the i-th row's amount.
    `customers`: fold the ids into that many (fewer than 10 keep the CLV models out: the
    files test reading, and a fit would only make the tests slow)."""
    lines = [header]
    for i, (c, d) in enumerate(purchases(rows)):
        c = c if customers is None else c % customers + 1
        lines.append(sep.join([f"C{c:03d}", day(d), amount(i)]))
    return "\n".join(lines) + "\n"


def main():
    os.makedirs(OUT, exist_ok=True)

    # Grouping separators. Dot decimals with a few comma decimals (read with ","), and values
    # no reading vouches for (skipped as ambiguousAmount).
    odd = {10: "12,50", 20: "1,5", 30: "1,2,3", 40: "12 50"}
    write("grouping-dot.csv", log(200, customers=8, amount=lambda i: f'"{odd[i]}"' if i in odd else f"{10 + i % 90}.{i % 100:02d}"))
    # Dot decimals whose thousands are commas: "12,50" can be neither.
    odd = {10: '"12,50"', 20: '"1,234.50"'}
    write("grouping-dot-thousands.csv", log(200, customers=8, amount=lambda i: odd.get(i, f'"{1 + i % 9},{i % 1000:03d}.{i % 100:02d}"')))
    # Comma decimals (`;`), a few dot decimals (read with "."), and ambiguous values.
    odd = {10: "7.25", 20: "1.2.3", 30: "12 50"}
    write("grouping-comma.csv", log(200, customers=8, sep=";", header="customer_id;order_date;amount",
                                    amount=lambda i: odd.get(i, f"{10 + i % 90},{i % 100:02d}")))
    # Comma decimals with dot thousands: "12.50" can be neither.
    odd = {10: "12.50"}
    write("grouping-comma-thousands.csv", log(200, customers=8, sep=";", header="customer_id;order_date;amount",
                                              amount=lambda i: odd.get(i, f"{1 + i % 9}.{i % 1000:03d},{i % 100:02d}")))

    # An unclosed quote at data row 1,000 of 2,000 (its line is 1,001).
    write("unclosed-quote.csv", log(2000, amount=lambda i: f'"{10 + i % 90}.50' if i == 999 else f"{10 + i % 90}.50"))

    # Amounts that overflow a sum: two of 1.7e308, and one beyond 10^15.
    big = {3: "1.7e308", 4: "1.7e308", 5: "2000000000000000"}
    write("overflow.csv", log(100, customers=8, amount=lambda i: big.get(i, "10")))

    # UTF-8 with Cyrillic ids and two stray bytes (a Latin-1 "é" and a lone 0xFF).
    text = "Клиент;Дата;Сумма\n" + "".join(
        f"Покупатель {i % 40};{day(i * 3)};{10 + i % 50},50\n" for i in range(300))
    data = bytearray(text.encode("utf-8"))
    at = data.index("Покупатель 7;".encode()) + len("Покупатель 7".encode())
    data[at:at] = b"\xe9"
    at = data.rindex(b"\n", 0, len(data) - 1) + 1
    data[at:at] = b"\xff"
    write("utf8-stray-bytes.csv", bytes(data))

    # One mistyped year: 2032 for 2023, at data row 500 (line 501).
    rows = log(700).split("\n")
    rows[500] = rows[500].replace("2023-", "2032-").replace("2024-", "2032-")
    write("mistyped-year.csv", "\n".join(rows))

    # Years outside 1900–2200 (typos of the year).
    odd = {10: "0202-03-05", 20: "2301-01-01"}
    lines = ["customer_id,order_date,amount"] + [
        f"C{i % 8:03d},{odd.get(i, day(i * 5))},{10 + i}" for i in range(100)]
    write("year-out-of-range.csv", "\n".join(lines) + "\n")

    # Excel's "sep=;" first line, the order id first (it became the customer without it).
    lines = ["sep=;", "Order;Customer;Date;Total"] + [
        f"{1000 + i};K{i % 25:02d};{day(i * 3)};{5 + i % 20},{i % 10}0" for i in range(120)]
    write("excel-sep.csv", "\r\n".join(lines) + "\r\n")

    # CRLF line ends and blank lines, with bad rows whose examples must name their lines.
    lines = ["customer_id,order_date,amount", ""]
    for i in range(60):
        lines.append(f"C{i % 9},{day(i)},{'oops' if i in (5, 40) else 10 + i}")
        if i % 10 == 0:
            lines.append("")
    write("crlf-blank-lines.csv", "\r\n".join(lines) + "\r\n")

    # More than 256 KiB of blank lines before the header.
    write("leading-blank-lines.csv", "\n" * (300 * 1024) + log(50, customers=8))
    # A header longer than 256 KiB (a giant last column name), then ordinary rows.
    header = "customer_id,order_date,amount,note_" + "x" * (300 * 1024)
    write("long-first-row.csv", log(50, customers=8, amount=lambda i: f"{10 + i}.5,n", header=header))

    # A NUL byte inside an id, past the first 8 KiB (where binary detection looks).
    rows = log(600).split("\n")
    rows[500] = rows[500].replace("C", "C\x00", 1)
    write("nul-in-id.csv", "\n".join(rows))

    # One 1.7 MB line in a file without a date column: the error message must stay short.
    write("long-line-error.csv", "customer,amount,note\nA1,12.50," + "y" * 1_700_000 + "\nB2,3,z\n")

    # UTF-16BE without a byte-order mark.
    write("utf16be-no-bom.csv", log(20).encode("utf-16-be"))

    # Every row a return.
    write("all-returns.csv", log(40, amount=lambda i: f"-{10 + i}.00"))

    # Formula injection through ids (and a negative amount, which stays a number).
    ids = ["=HYPERLINK(\"http://x.test\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "plain"]
    lines = ["customer_id,order_date,amount"]
    for i in range(70):
        cid = ids[i % len(ids)]
        quoted = '"' + cid.replace('"', '""') + '"'
        lines.append(f"{quoted},{day(i * 9)},{-5 if i == 69 else 10 + i}")
    write("formula-ids.csv", "\n".join(lines) + "\n")


def span(directory):
    """The date-span measurement of docs/reliability.md (not part of the corpus): 700
    customers' purchases over 2023-2024 plus one row in 1900 and one in 2200
    (`span-outliers.csv`), and as many rows spread over all of 1900-2200 (`span-wide.csv`)."""
    rng = Rng(3)
    first, days = -25567, 109_938  # 1900-01-01 as days from 1970; days to 2200-12-31, inclusive
    bulk, wide = ["customer_id,order_date,amount"], ["customer_id,order_date,amount"]
    for c in range(700):
        for _ in range(1 + int(rng.unif() * 6)):
            amount = f"{10 + int(rng.unif() * 90)}.50"
            bulk.append(f"C{c},{day(int(rng.unif() * 730))},{amount}")
            wide.append(f"C{c},{iso(first + int(rng.unif() * days))},{amount}")
    bulk += ["C1,1900-01-02,10", "C2,2200-12-30,10"]
    for name, lines in (("span-outliers.csv", bulk), ("span-wide.csv", wide)):
        with open(os.path.join(directory, name), "w") as f:
            f.write("\n".join(lines) + "\n")


def iso(n):
    """Days from 1970-01-01 to YYYY-MM-DD (Howard Hinnant's civil_from_days)."""
    n += 719468
    era = n // 146097
    doe = n - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return f"{yoe + era * 400 + (m <= 2):04d}-{m:02d}-{d:02d}"


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--span":
        span(sys.argv[2])
    else:
        main()
