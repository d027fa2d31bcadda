#!/usr/bin/env python3
"""Writes the tiny workbook fixtures of tests/ingest_workbooks.rs (committed; rerun to refresh).

Needs openpyxl and xlwt:  python3 -m venv /tmp/xl && /tmp/xl/bin/pip install openpyxl xlwt
                          /tmp/xl/bin/python scripts/make-workbook-fixtures.py
"""
import datetime as dt
import os

import openpyxl
import xlwt

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "ingest")
ROWS = [  # customer, date(time), amount
    ("A1", dt.datetime(2024, 3, 5, 14, 30), 12.5),
    ("B2", dt.datetime(2024, 3, 6), 100.0),
    ("A1", dt.datetime(2024, 4, 1), 7.25),
    ("C3", dt.datetime(2024, 4, 2), -20.0),  # a return (C3 also buys below)
    ("C3", dt.datetime(2024, 4, 3), 50.0),
]

# .xlsx: English header, real date cells (Excel serials with a date style), one blank row.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Customer ID", "Order Date", "Amount"])
for c, d, a in ROWS:
    ws.append([c, d, a])
    ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd hh:mm"
ws.append([])
ws.append(["D4", "not a date", 5])
wb.save(os.path.join(OUT, "orders.xlsx"))

# .xls (BIFF8): Russian header, date cells.
book = xlwt.Workbook(encoding="utf-8")
sh = book.add_sheet("Продажи")
datefmt = xlwt.easyxf(num_format_str="DD.MM.YYYY")
for j, h in enumerate(["Клиент", "Дата", "Сумма"]):
    sh.write(0, j, h)
for i, (c, d, a) in enumerate(ROWS, start=1):
    sh.write(i, 0, c)
    sh.write(i, 1, d, datefmt)
    sh.write(i, 2, a)
book.save(os.path.join(OUT, "orders.xls"))
print("wrote", OUT)

# .xlsx with one stray cell in the last row and column (XFD1048576): must stay small.
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["customer", "date", "amount"])
for c, d, a in ROWS:
    ws.append([c, d.strftime("%Y-%m-%d"), a])
ws["XFD1048576"] = "stray"
wb.save(os.path.join(OUT, "far-cell.xlsx"))
