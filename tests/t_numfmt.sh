#!/bin/sh
# t_numfmt.sh: numfmt (include/numfmt.h) against a real spreadsheet. A
# workbook of (format, value) cells is written with openpyxl, LibreOffice
# Calc (headless) saves it as CSV with the cell contents as shown, and
# every cell must read exactly as numfmt_render() shows it, with a return
# of 0 (exact). Number formats are compared with the cell's own format;
# date and time cells are given Calc the format numfmt writes them in
# (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, HH:MM:SS, [HH]:MM:SS) while numfmt
# renders the cell's own code: numfmt ignores a date format's layout.
# A second workbook in the 1904 date system checks that system.
#
# Where Excel and LibreOffice differ on purpose numfmt follows Excel, so
# those cases are not compared with Calc here (test_numfmt.c holds them,
# with Excel's text):
# - General: Calc shows every digit (123456789012, 0.0001234567891,
#   0.00001); Excel at most 11 characters (1.23457E+11, 0.000123457,
#   1E-05). Only General values both show alike are below.
# - Dates before 1900-03-01: Calc has no 1900-02-29, so its serials 1-60
#   are a day earlier than Excel's (Excel: 1 = 1900-01-01, 60 =
#   1900-02-29); only serials from 61 on are compared.
# - A format ending in a decimal point (0. and #.## with 5): Excel shows
#   "5.", Calc "5".
# - A negative value rounded to zero (-0.4 with 0): Excel shows -0, Calc
#   0; numfmt returns 1 (unsure) there.
# - Percent of a value whose binary product falls below a half: 1.005
#   with 0% is 100.49999999999999 in binary; Excel rounds its 15 digits
#   (100.500000000000) and shows 101%, Calc 100%.
# - Seconds: a time's fraction of a second is rounded by Excel (0.0001 is
#   8.64 s: 00:00:09) and cut by Calc (00:00:08); the times below are
#   whole seconds, test_numfmt.c holds the rest.
# - Scientific with several 0s before the point (00.00E+00 with 12345):
#   Excel 12.35E+03, Calc 01.23E+04; numfmt returns 1 there.
# - A condition no section meets ([<100]0 with 150): Excel shows ####,
#   Calc the number; numfmt returns 1.
# - Unquoted letters (0 kg): Calc drops some; numfmt returns 1.
# - A whole number with a fixed denominator (# ?/8 with 2): Calc writes
#   3 spaces after the 2, SheetJS (modelling Excel) 4; numfmt writes 4
#   and returns 1.
# - A negative value in a format with conditions: Calc shows the sign in
#   [<1]0.000 (-1.000) but not in [<0]"neg "0 (neg 5); Excel's rule is not
#   documented, so numfmt returns 1 for every such case.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require soffice
require_openpyxl
SHOW=${NUMFMT_SHOW:-$(dirname "$IMPORTER")/../tests/unit/numfmt_show}
[ -x "$SHOW" ] || bail_out "no helper $SHOW (make tests/unit/numfmt_show)"

# The codes crossed with the values below: formats whose every value
# Excel and Calc show alike.
CODES='0
0.00
0.0
0.000
#,##0
#,##0.00
#,##0.000
#
#.00
0.0#
#,###
00000
000000000
000-0000
###-####
(000) 000-0000
0%
0.00%
0.0%
0.00E+00
0.0E+00
0.000E+00
0.00E-00
0.0E+0
##0.0E+0
#,##0,
#,##0.0,,
0.0,,
#,##0;-#,##0
#,##0.00;(#,##0.00)
#,##0_);(#,##0)
#,##0.00_);[Red](#,##0.00)
0;-0;"zero"
0.00;"neg "0.00;"nil"
"$"#,##0.00
[$$-409]#,##0.00
#,##0.00 [$€-407]
[$€-407] #,##0.00
"Total: "0
0" units"
\#0
0\ "pcs"
[Blue]0.00
[Red]-0.00;[Green]0.00
?0.0?
??0.0
0.0??
[>=1000]#,##0;0.00
[<1]0.000;0.0
[>100]"big";[<-100]"small";0
0;-0;;@
General
"N: "General
0.00;;
#,##0 ;(#,##0)
00.0
0000.00
# ?/?
# ??/??
# ???/???
?/?
??/??
#,##0 ?/?
_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)
_("$"* #,##0.00_);_("$"* (#,##0.00);_("$"* "-"_);_(@_)
0.00_);(0.00)
* #,##0
#,##0*-'

VALUES='0
1
-1
0.5
-0.5
2.675
1.005
9.995
-9.995
0.045
1234.5678
-1234.5678
12345678.9
-987654.321
1234567
0.001234
0.1
99.999
100
1000000
2134
5551234
0.000012345
123456789
42'

# Fixed denominators, with values that leave a fraction (a whole number
# leaves spaces whose count Excel and Calc differ on: numfmt returns 1).
FIXED='# ?/8	1.3	n
# ?/8	-2.7	n
# ??/16	0.3	n
# ??/16	12.96	n
?/8	0.3	n
0/8	3	n
# ?/4	5.76	n
# ?/2	0.5	n
# ?/100	0.317	n'

# Date and time cells: code, value, the shape numfmt writes
# (date, datetime, time, elapsed).
DATES='yyyy-mm-dd	61	date
yyyy-mm-dd	45266	date
m/d/yy	45266.75	date
d-mmm-yy	36526	date
d-mmm	44197	date
mmm-yy	44561	date
dd/mm/yyyy	2958465	date
mmmm d, yyyy	100	date
dddd, mmmm dd, yyyy	45000	date
[$-409]mmmm d, yyyy;@	45292	date
[$-F800]dddd, mmmm dd, yyyy	40000	date
m/d/yy h:mm	45266.5	datetime
m/d/yy h:mm	45266.999999	datetime
yyyy-mm-dd hh:mm:ss	43831.0000115741	datetime
d.m.yyyy h:mm AM/PM	12345.678935185185	datetime
dd/mm/yy hh:mm	1000.041666667	datetime
h:mm	0.5	time
h:mm	0.999994	time
h:mm AM/PM	0.75	time
h:mm:ss AM/PM	0.000625	time
h:mm:ss	0.333333333333333	time
hh:mm:ss	1.25	time
mm:ss	0.0104166667	time
hh:mm	0.99	time
h:mm:ss	0.5000057870	time
[h]:mm:ss	1.5	elapsed
[h]:mm:ss	0.25	elapsed
[h]:mm	3.75	elapsed
[hh]:mm:ss	100.125	elapsed
[h]:mm:ss	0	elapsed'

# The 1904 system: the same codes, serials from 1904-01-01 (day 0).
DATES1904='yyyy-mm-dd	0	date
yyyy-mm-dd	1	date
m/d/yy	43804	date
m/d/yy h:mm	1000.25	datetime
h:mm:ss	0.75	time'

# cases FILE: one line a cell, "code<TAB>value<TAB>shape" (shape n: a
# number, compared with the code itself).
# Not crossed: the pairs where Excel and Calc differ (listed above), and
# negative values in conditional formats (numfmt returns 1 for them).
echo "$CODES" | while IFS= read -r code; do
	echo "$VALUES" | while IFS= read -r v; do
		case "$code	$v" in
		*%*"	"*1.005 | *%*"	"*9.995) continue ;;
		*,"	"-*) continue ;;
		\[[\<\>]*"	"-*) continue ;;
		*General*"	"0.0000*) continue ;;
		esac
		printf '%s\t%s\tn\n' "$code" "$v"
	done
done >"$TMP/cases"
echo "$FIXED" >>"$TMP/cases"
echo "$DATES" >>"$TMP/cases"
echo "$DATES1904" >"$TMP/cases1904"

# The workbook: column A the value with the format Calc is to show
# (the code itself, or the shape's canonical layout), one row a case.
cat >"$TMP/book.py" <<'EOF'
import sys
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

SHAPES = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DD HH:MM:SS",
          "time": "HH:MM:SS", "elapsed": "[HH]:MM:SS"}
cases, out, system = sys.argv[1], sys.argv[2], sys.argv[3]
wb = openpyxl.Workbook()
if system == "1904":
    wb.epoch = CALENDAR_MAC_1904
ws = wb.active
with open(cases, encoding="utf-8") as f:
    for i, line in enumerate(f, 1):
        code, value, shape = line.rstrip("\n").split("\t")
        c = ws.cell(row=i, column=1, value=float(value))
        c.number_format = SHAPES.get(shape, code)
wb.save(out)
EOF
# lines CSV: Calc's CSV (tab-separated, one column) as one cell a line.
cat >"$TMP/lines.py" <<'EOF'
import csv
import sys

with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for row in csv.reader(f, delimiter="\t"):
        print(row[0] if row else "")
EOF

LO_PROFILE="file://$TMP/lo-profile"
# calc ARGS...: soffice headless with this script's own profile.
calc() {
	VALGRIND='' soffice "-env:UserInstallation=$LO_PROFILE" --headless "$@" \
	    </dev/null >>"$TMP/soffice.log" 2>&1
}
# The CSV filter's options: tab, '"', UTF-8, from line 1, no column
# formats, language 0, quoted as text false, special numbers true, and
# the 9th token: save cell contents as shown (checked below).
FILTER='csv:Text - txt - csv (StarCalc):9,34,76,1,,0,false,true,true'
FILTER_RAW='csv:Text - txt - csv (StarCalc):9,34,76,1,,0,false,true,false'

"$PY" "$TMP/book.py" "$TMP/cases" "$TMP/book.xlsx" 1900 &&
    "$PY" "$TMP/book.py" "$TMP/cases1904" "$TMP/book1904.xlsx" 1904
ok $? "the workbooks are written (openpyxl)"
mkdir -p "$TMP/raw"
calc --convert-to "$FILTER" --outdir "$TMP" "$TMP/book.xlsx" \
    "$TMP/book1904.xlsx"
calc --convert-to "$FILTER_RAW" --outdir "$TMP/raw" "$TMP/book.xlsx"
{ [ -s "$TMP/book.csv" ] && [ -s "$TMP/book1904.csv" ]; } ||
    bail_out "Calc wrote no CSV: $(tail -n 3 "$TMP/soffice.log")"
"$PY" "$TMP/lines.py" "$TMP/book.csv" >"$TMP/calc"
"$PY" "$TMP/lines.py" "$TMP/book1904.csv" >"$TMP/calc1904"
"$PY" "$TMP/lines.py" "$TMP/raw/book.csv" >"$TMP/calc.raw"
is "$(wc -l <"$TMP/calc")" "$(wc -l <"$TMP/cases")" \
    "Calc saved one line a cell ($(wc -l <"$TMP/cases") cells)"

# The 9th token is "as shown": 2134 with 00000 is 02134 with it, 2134
# without.
row=$(grep -n "$(printf '^00000\t2134\t')" "$TMP/cases" | cut -d: -f1)
is "$(sed -n "${row}p" "$TMP/calc")" 02134 \
    "the filter saves cells as shown: 2134 with 00000 is 02134"
is "$(sed -n "${row}p" "$TMP/calc.raw")" 2134 \
    "... and without the 9th token, 2134"

# compare CASES CALC [1904]: each cell, numfmt against Calc.
cat >"$TMP/compare.py" <<'EOF'
import sys

# "status<TAB>description" a case: 0 when numfmt shows what Calc shows
# and says it is exact.
cases, ours, calc = (open(p, encoding="utf-8").read().split("\n")[:-1]
                     for p in sys.argv[1:4])
for case, mine, theirs in zip(cases, ours, calc):
    code, value, _ = case.split("\t")
    got, rc = mine.rsplit("\t", 1)
    if got == theirs and rc == "0":
        print("0\t%s with %s: '%s'" % (code, value, theirs))
    else:
        print("1\t%s with %s: Calc shows '%s', numfmt '%s' (returns %s)"
              % (code, value, theirs, got, rc))
EOF
compare() {
	if [ "${3:-}" = 1904 ]; then
		sed 's/\t[a-z]*$/\t1904/' "$1"
	else
		cut -f1,2 "$1"
	fi >"$TMP/input"
	# shellcheck disable=SC2086
	$VALGRIND "$SHOW" <"$TMP/input" >"$TMP/ours" ||
	    bail_out "numfmt_show failed"
	"$PY" "$TMP/compare.py" "$1" "$TMP/ours" "$2" >"$TMP/verdicts" ||
	    bail_out "compare.py failed"
	while IFS= read -r line; do
		ok "${line%%	*}" "${line#*	}"
	done <"$TMP/verdicts"
}
compare "$TMP/cases" "$TMP/calc"
compare "$TMP/cases1904" "$TMP/calc1904" 1904

unlike "$(cat "$TMP/soffice.log")" "Error" "Calc reported no error"

done_testing
