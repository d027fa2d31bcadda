#!/usr/bin/env bash
# Writes the seed corpus of the `ingest` fuzz target to fuzz/corpus/ingest (gitignored):
# the workbook fixtures (.xlsx, .xls, .ods; normal, and hostile up to 8 KB), the small hostile
# text inputs,
# the XML of a sheet and of an .ods content as `X!` / `O!` seeds (the target wraps them
# in a package, see fuzz/fuzz_targets/ingest.rs), plus one small file per case of
# tests/ingest_*.rs, in their native encodings (GBK via iconv, Windows-1251 via iconv).
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/ingest
mkdir -p "$out"
cp tests/fixtures/ingest/* "$out/"
# Hostile workbooks up to 8 KB: the larger ones take seconds each to hit their limit, and
# tests/workbook_bounds.rs covers them.
find tests/fixtures/hostile/workbooks -type f -size -8k -exec cp {} "$out/" \;
python3 - "$out" <<'PY'
import sys, zipfile
out, d = sys.argv[1], "tests/fixtures/hostile/workbooks/"
x = zipfile.ZipFile(d + "normal.xlsx")
sst = b'<sst><si><t xml:space="preserve"> A1 </t></si><si><r><t>B</t></r><rPh><t>x</t></rPh><r><t>2</t></r></si></sst>'
sheet = x.read("xl/worksheets/sheet1.xml").replace(b'<c r="A2" t="inlineStr"><is><t>A1</t></is></c>', b'<c r="A2" t="s"><v>0</v></c>')
open(out + "/xml-sheet", "wb").write(b"X!" + sheet + b"\xff" + sst)
open(out + "/xml-ods", "wb").write(b"O!" + zipfile.ZipFile(d + "normal.ods").read("content.xml"))
PY
seed() { printf '%b' "$2" > "$out/$1"; }
# The hostile text inputs (issue #13) of fewer than 10 customers (more make the CLV fits, not
# ingest, the fuzzer's work), and small versions of the others.
for f in grouping-dot grouping-dot-thousands grouping-comma grouping-comma-thousands overflow \
  year-out-of-range crlf-blank-lines formula-ids all-returns utf16be-no-bom; do
  cp "tests/fixtures/hostile/text/$f.csv" "$out/hostile-$f.csv"
done
seed hostile-unclosed-quote.csv 'id,date,amount\na,2024-03-05,1\nb,2024-03-06,"2\nc,2024-03-07,3\na,2024-03-08,4\n'
seed hostile-sep.csv 'sep=;\r\nOrder;Customer;Date;Total\r\n1;a;05.03.2024;1,5\r\n2;b;06.03.2024;2,5\r\n'
seed hostile-utf8-stray.csv 'Клиент;Дата;Сумма\nАня\xe9;05.03.2024;1,5\nБорис;06.03.2024;2\xff,5\n'
seed hostile-outlier.csv "customer,date,amount\n$(for i in $(seq 1 24); do printf 'c%d,2024-03-%02d,1\\n' $((i % 5)) $i; done)c1,2034-03-01,1\n"
seed hostile-nul.csv 'customer,date,amount\na\x00b,2024-03-05,1\nc,2024-03-06,2\n'
seed utf8.csv 'customer_id,order_date,amount\nA1,2024-03-05,12.50\nB2,2024-03-06,100\nA1,2024-04-01,7.25\n'
seed bom-semicolon.csv '\xef\xbb\xbfcustomer;date;amount\r\nA1;5.3.2024;12,50\r\nB2;6.3.2024;1.000,00\r\n'
seed tab-noheader.tsv 'A1\t2024-03-05\t12.50\nB2\t2024-03-06\t100.00\nA1\t2024-04-01\t7.25\n'
seed pipe-quoted.csv 'order|customer|date|amount\n1|"Smith|John"|2024-03-05|12.50\n2|B2|2024-03-06|"1\n00"\n'
seed spaces.txt 'customer   date          amount\nA1         2024-03-05     12.50\nB2         2024-03-06    100.00\n'
seed dates.csv 'customer,date,amount\nA,05/03/2024 14:23,"$1,234.56"\nB,17/03/2024,(3.44)\nC,20240305,1e3\nD,45356.5,-7\n'
seed retail.csv 'InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n536365,6,12/1/2010 8:26,2.55,17850\nC536379,-1,12/1/2010 9:41,27.50,14527\n536381,1,12/13/2010 10:00,5.00,\n'
seed summary.csv 'customer_id,frequency,recency,T,monetary_value\na,2,30,40,25.5\nb,0,0,20,0\n'
printf '客户编号,下单时间,实付金额\n张三,2024年3月5日 10:00,￥12.50\n李四,2024年3月6日,"￥1,000.00"\n' \
  | iconv -f UTF-8 -t GBK > "$out/gbk.csv"
printf 'Покупатель;Дата;Сумма\nИванов;05.03.2024;1 234,50 руб.\nПетров;06.03.2024;99,90\n' \
  | iconv -f UTF-8 -t WINDOWS-1251 > "$out/cp1251.csv"
echo "seed corpus: $(ls "$out" | wc -l) files in $out"
