#!/usr/bin/env python3
"""Writes the hostile workbook fixtures of tests/workbook_bounds.rs (committed; rerun to refresh).

Standard library only:   python3 scripts/make-hostile-workbooks.py
                         python3 scripts/make-hostile-workbooks.py --big DIR

Every fixture is small: a bomb is small by nature. The default sizes are enough to cross the
reader's bounds (docs/report.md, "Workbook bounds"); `--big DIR` writes the same classes at the
sizes of issue #13 (4 MB of whitespace, 515 KB of inline string ...) for the peak-memory
measurements of docs/reliability.md. Those are not committed.
"""
import io
import os
import struct
import sys
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "hostile", "workbooks")
ROWS = [("A1", "2024-03-05", "12.5"), ("B2", "2024-03-06", "100"), ("A1", "2024-04-01", "7.25"),
        ("C3", "2024-04-02", "-20"), ("C3", "2024-04-03", "50")]

# ---------------------------------------------------------------- zip parts (.xlsx, .ods)


class Repeated:
    """A part made of a head, `n` copies of `unit`, and a tail, deflated as a stream."""

    def __init__(self, head, unit, n, tail):
        self.head, self.unit, self.n, self.tail = head, unit, n, tail

    def chunks(self):
        yield self.head
        block = self.unit * max(1, (1 << 20) // max(1, len(self.unit)))
        per = len(block) // len(self.unit)
        left = self.n
        while left >= per:
            yield block
            left -= per
        yield self.unit * left
        yield self.tail


def write_zip(path, parts):
    """parts: [(name, bytes | Repeated)]. Large parts are streamed, never held whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts:
            if isinstance(data, Repeated):
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with z.open(info, "w", force_zip64=True) as f:
                    for c in data.chunks():
                        f.write(c)
            else:
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                z.writestr(info, data, zipfile.ZIP_DEFLATED if name != "mimetype" else zipfile.ZIP_STORED)


MAIN = b'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
REL = b'http://schemas.openxmlformats.org/officeDocument/2006/relationships'


def xlsx(path, sheet, shared=None):
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             b'<Default Extension="xml" ContentType="application/xml"/>'
             b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
             b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
             b'</Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="' + REL + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN + b'" xmlns:r="' + REL + b'">'
          b'<sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wbrels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              b'<Relationship Id="rId1" Type="' + REL + b'/worksheet" Target="worksheets/sheet1.xml"/>'
              + (b'<Relationship Id="rId2" Type="' + REL + b'/sharedStrings" Target="sharedStrings.xml"/>' if shared else b'')
              + b'</Relationships>')
    parts = [("[Content_Types].xml", types), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
             ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet)]
    if shared is not None:
        parts.append(("xl/sharedStrings.xml", shared))
    write_zip(path, parts)


def sheet_xml(rows_xml, tail=b""):
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN + b'"><sheetData>')
    return head + rows_xml + b'</sheetData>' + tail + b'</worksheet>'


def inline(r, c, text):
    return b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (c, r, text)


def orders_rows(first=1):
    out = b'<row r="%d">' % first + inline(first, b"A", b"customer") + inline(first, b"B", b"date") + inline(first, b"C", b"amount") + b'</row>'
    for i, (cust, day, amt) in enumerate(ROWS, start=first + 1):
        out += b'<row r="%d">' % i + inline(i, b"A", cust.encode()) + inline(i, b"B", day.encode()) + b'<c r="C%d"><v>%s</v></c></row>' % (i, amt.encode())
    return out


def ods(path, table):
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               b'<office:body><office:spreadsheet><table:table table:name="Orders">')
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                b'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    tail = b'</table:table></office:spreadsheet></office:body></office:document-content>'
    if isinstance(table, Repeated):
        table = Repeated(content + table.head, table.unit, table.n, table.tail + tail)
    else:
        table = content + table + tail
    write_zip(path, [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                     ("content.xml", table), ("META-INF/manifest.xml", manifest)])


def ods_text(t):
    return b'<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % t


def ods_orders():
    out = b'<table:table-row>' + ods_text(b"customer") + ods_text(b"date") + ods_text(b"amount") + b'</table:table-row>'
    for cust, day, amt in ROWS:
        out += (b'<table:table-row>' + ods_text(cust.encode())
                + b'<table:table-cell office:value-type="date" office:date-value="%s"><text:p>%s</text:p></table:table-cell>' % (day.encode(), day.encode())
                + b'<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (amt.encode(), amt.encode())
                + b'</table:table-row>')
    return out

# ---------------------------------------------------------------- .xls (BIFF8 in a compound file)


def rec(typ, data):
    return struct.pack("<HH", typ, len(data)) + data


def xl_string(s):  # XLUnicodeString, compressed (Latin-1) form
    b = s.encode("latin-1")
    return struct.pack("<HB", len(b), 0) + b


def biff(sheet_records, sst=None, sst_count=None):
    """A workbook stream: globals (BOF, [SST], BOUNDSHEET, EOF) and one worksheet substream."""
    bof_glob = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0006))
    sst_recs = b""
    if sst is not None:
        n = len(sst) if sst_count is None else sst_count
        body = struct.pack("<II", n, n) + b"".join(xl_string(s) for s in sst)
        sst_recs = rec(0x00FC, body)
    bound_len = 4 + 4 + 2 + 1 + 1 + len("Orders")
    glob_len = len(bof_glob) + len(sst_recs) + bound_len + 4
    bound = rec(0x0085, struct.pack("<IBB", glob_len, 0, 0) + struct.pack("<BB", len("Orders"), 0) + b"Orders")
    assert len(bound) == bound_len
    eof = rec(0x000A, b"")
    bof_sheet = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0006))
    return bof_glob + sst_recs + bound + eof + bof_sheet + sheet_records + eof


def number(r, c, v):
    return rec(0x0203, struct.pack("<HHHd", r, c, 0, v))


def label(r, c, s):
    return rec(0x0204, struct.pack("<HHH", r, c, 0) + xl_string(s))


def dimensions(first_row, last_row_plus1, first_col, last_col_plus1):
    return rec(0x0200, struct.pack("<IIHHH", first_row, last_row_plus1, first_col, last_col_plus1, 0))


def cfb(stream, name="Workbook", loop=False):
    """A version-3 compound file (512-byte sectors) holding one stream of >= 4096 bytes."""
    stream = stream + b"\0" * max(0, 4096 - len(stream))
    n_stream = (len(stream) + 511) // 512
    stream += b"\0" * (n_stream * 512 - len(stream))
    # Sectors: [FAT sectors][directory][stream]
    n_fat = 1
    while n_fat * 128 < n_fat + 1 + n_stream:
        n_fat += 1
    fat = [0xFFFFFFFD] * n_fat + [0xFFFFFFFE]  # FAT sectors, directory (end of chain)
    first = n_fat + 1
    # loop: the stream's last sector points back to its first (a chain with no end).
    fat += [first + i + 1 for i in range(n_stream - 1)] + [first if loop else 0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (n_fat * 128 - len(fat))
    assert n_fat <= 109
    difat = list(range(n_fat)) + [0xFFFFFFFF] * (109 - n_fat)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIII", 0, n_fat, n_fat, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0) + struct.pack("<109I", *difat))
    assert len(header) == 512

    def entry(nm, typ, start, size, child=0xFFFFFFFF):
        u = nm.encode("utf-16-le") + b"\0\0"
        return (u + b"\0" * (64 - len(u)) + struct.pack("<HBB", len(u), typ, 1)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\0" * 16 + b"\0" * 4
                + b"\0" * 16 + struct.pack("<IQ", start, size))
    root = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
    wb = entry(name, 2, first, len(stream))
    empty = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + b"\0" * 48
    directory = root + wb + empty + empty
    assert len(directory) == 512
    return header + struct.pack("<%dI" % len(fat), *fat) + directory + stream


def xls_orders(extra=b"", dims=None, loop=False, sst_count=None):
    recs = dims if dims is not None else dimensions(0, len(ROWS) + 1, 0, 3)
    recs += label(0, 0, "customer") + label(0, 1, "date") + label(0, 2, "amount")
    for i, (cust, day, amt) in enumerate(ROWS, start=1):
        recs += label(i, 0, cust) + label(i, 1, day) + number(i, 2, float(amt))
    sst = None if sst_count is None else ["unused"]
    return cfb(biff(recs + extra, sst=sst, sst_count=sst_count), loop=loop)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    global OUT
    big = "--big" in sys.argv
    if big:
        OUT = sys.argv[sys.argv.index("--big") + 1]
    os.makedirs(OUT, exist_ok=True)
    p = lambda n: os.path.join(OUT, n)  # noqa: E731
    # Each class at its committed size, or (--big) at the size issue #13 measured.
    ws = 4_000_000_000 if big else 8 << 20            # whitespace between elements
    inl = 530_000_000 if big else 6 << 20             # one inline string
    n_si = 60_000_000 if big else 6_000_000           # empty shared strings
    n_tags = 1_000_000_000 if big else 40_000_000     # empty elements: inflation alone
    ods_rows, ods_cols = (1_000_000, 64) if big else (20_000, 1000)

    # Normal workbooks made by this script: the readers must keep reading them.
    xlsx(p("normal.xlsx"), sheet_xml(orders_rows()))
    ods(p("normal.ods"), ods_orders())
    write("normal.xls", xls_orders())
    # Rows past Excel's last row (1,048,576): counted, never vanished.
    far = b''.join(b'<row r="%d">' % r + inline(r, b"A", b"Z9") + inline(r, b"B", b"2024-05-01") + b'<c r="C%d"><v>1</v></c></row>' % r
                   for r in (1_048_577, 1_048_580))
    xlsx(p("rows-past-limit.xlsx"), sheet_xml(orders_rows() + far))
    # Whitespace between elements: one text event of gigabytes.
    head = sheet_xml(orders_rows()).split(b"</sheetData>")[0]
    xlsx(p("whitespace.xlsx"), Repeated(head, b" ", ws, b"</sheetData></worksheet>"))
    # One inline string cell of tens of megabytes (calamine kept four copies).
    xlsx(p("inline-string.xlsx"), Repeated(head + b'<row r="7"><c r="A7" t="inlineStr"><is><t>', b"a", inl,
                                           b'</t></is></c></row></sheetData></worksheet>'))
    # Millions of empty shared strings (calamine: 24 bytes of bookkeeping each, from 5 of XML).
    xlsx(p("shared-strings.xlsx"), sheet_xml(orders_rows()),
         shared=Repeated(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN + b'">', b"<si/>", n_si, b"</sst>"))
    # A sheet of empty elements that inflates past the limit (no token is long, nothing is kept).
    xlsx(p("inflation.xlsx"), Repeated(head, b"<x/>", n_tags, b"</sheetData></worksheet>"))
    # A sheet whose zip headers declare 1,000 bytes for 32 MB (big: 200 MB) of short elements.
    lie = head + b"<x/>" * ((50_000_000 if big else 8_000_000)) + b"</sheetData></worksheet>"
    xlsx(p("size-lie.xlsx"), lie)
    data = bytearray(open(p("size-lie.xlsx"), "rb").read())
    size = struct.pack("<I", len(lie))
    assert data.count(size) == 2, "the size must appear in the local and the central header only"
    open(p("size-lie.xlsx"), "wb").write(data.replace(size, struct.pack("<I", 1000)))
    # A document type declaration (the way to entity-expansion bombs).
    xlsx(p("doctype.xlsx"), b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + sheet_xml(orders_rows()).split(b"?>", 1)[1])
    # A declared shared-string count of 10^11: calamine reserved room for all of them.
    xlsx(p("shared-strings-count.xlsx"), sheet_xml(orders_rows()),
         shared=b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN + b'" count="1" uniqueCount="100000000000"><si><t>a</t></si></sst>')
    # .ods: a row of repeated non-empty cells, repeated; and one cell of 4e9 repeated spaces.
    unit = b'<table:table-row table:number-rows-repeated="%d"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="%d"/></table:table-row>' % (ods_rows, ods_cols)
    ods(p("repeated-cells.ods"), ods_orders() + unit)
    ods(p("repeated-spaces.ods"), ods_orders() + b'<table:table-row>' + ods_text(b'x<text:s text:c="2000000000"/>y') + b'</table:table-row>')
    # .xls: DIMENSIONS with its first row after its last (calamine reserved 515 GB) ...
    write("xls-dimensions.xls", xls_orders(dims=dimensions(100, 1, 0, 3)))
    # ... a cell at row 65535, column 65535 (a bounding box of 4 billion cells) ...
    write("xls-far-cell.xls", xls_orders(extra=number(65535, 65535, 1.0)))
    # ... a sector chain that loops back on itself ...
    write("xls-sector-loop.xls", xls_orders(loop=True))
    # ... a shared string table that declares 4 billion strings and holds one ...
    write("xls-sst-count.xls", xls_orders(sst_count=0xFFFFFFFF))
    # ... and one long shared string copied into every cell that refers to it.
    n_refs = 350_000 if big else 4_000
    sst_cell = lambda i: rec(0x00FD, struct.pack("<HHHI", 6 + i % 60000, 3 + i // 60000, 0, 0))  # noqa: E731
    long = "x" * 8000
    recs = dimensions(0, 6, 0, 3) + label(0, 0, "customer") + label(0, 1, "date") + label(0, 2, "amount")
    for i, (cust, day, amt) in enumerate(ROWS, start=1):
        recs += label(i, 0, cust) + label(i, 1, day) + number(i, 2, float(amt))
    recs += b"".join(sst_cell(i) for i in range(n_refs))
    write("xls-shared-string-refs.xls", cfb(biff(recs, sst=[long])))
    print("wrote", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
