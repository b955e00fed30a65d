#!/bin/sh
# t_xlsx.sh: the workbook itself (issue 16). The bundled sample workbook is
# staged as the spreadsheet shows it; a workbook written by libxlsxwriter
# from the sample CSV stages exactly as the CSV does; workbooks written by
# openpyxl and saved again by LibreOffice Calc are read cell by cell as
# Calc's own "as shown" CSV export has them, and run against a sandbox:
# every field the sandbox holds is what the workbook showed, or the row
# was not sent and says why; the fix-up is a workbook, edited and saved
# again by Calc, staged again, twice. Then what is refused: legacy .xls,
# .ods, encrypted workbooks, a CSV named .xlsx, a zip bomb, options that
# do not fit the file.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require soffice curl sqlite3 unzip
require_openpyxl
CALC_PY=$TESTS_SRCDIR/calc.py
BUILD=$(cd "$(dirname "$IMPORTER")/.." && pwd)
CSV2XLSX=$BUILD/tests/csv2xlsx
XLSXDUMP=$BUILD/tests/xlsxdump
[ -x "$CSV2XLSX" ] && [ -x "$XLSXDUMP" ] ||
    bail_out "tests/csv2xlsx and tests/xlsxdump are not built"
WB=$SAMPLES/accounts-2026-11.xlsx

LO_PROFILE="file://$TMP/lo-profile"
calc() {
	VALGRIND= soffice "-env:UserInstallation=$LO_PROFILE" --headless "$@" \
	    </dev/null >>"$TMP/soffice.log" 2>&1
}
# Calc's CSV export as shown: ',' '"' UTF-8, cells as the sheet shows them.
AS_SHOWN='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true'

col_of() {	# col_of LINE COLUMN: a staged column of the row on LINE
	sql "select coalesce($2, '') from run_row where run = (select max(id) from run) and line = $1"
}
rules_at() {	# rules_at LINE: the rules of the row's problems, sorted
	sql "select group_concat(rule, ' ') from (select p.rule from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.line = $1 order by p.rule)"
}

# --- 1. The sample workbook, as the spreadsheet shows it ---------------
run --json stage "$WB"
is "$rc" 1 "the sample workbook stages; some rows need a person (exit 1)"
jsnap
is "$(jv format):$(jv sheet)" "xlsx:November" "--json names the format and the sheet"
is "$(jv rows):$(jv valid):$(jv invalid):$(jv duplicate):$(jv blank)" \
    "303:293:9:1:1" "303 rows: 293 valid, 9 invalid, 1 duplicate, 1 blank row"
like "$(jv warnings)" "hidden column Q \\(Account Manager\\)" \
    "--json lists the sheet's warnings: the hidden column"
like "$err" "sheet 'November': warning: hidden column Q \\(Account Manager\\)" \
    "the hidden column is a warning on stderr"
is "$(col_of 35 postal_code)" 02134 \
    "row 35: the ZIP typed as 2134, formatted 00000, is 02134 as shown"
is "$(rules_at 35)" "" "... and the row is valid (the CSV export lost the zero)"
is "$(col_of 52 phone_number)" 4255550100 \
    "row 52: the phone typed as a number is its 10 digits (the CSV held 4.25555E+09)"
is "$(col_of 84 postal_code)" 98052 "row 84: the ZIP 98052 (the CSV held 98052.0)"
is "$(rules_at 158)" excel-error "row 158: an error cell (#N/A) is held"
like "$err" "row 158, customer 6e540219-d011-4613-8fd2-bba466817925: column State: '#N/A': excel-error" \
    "... named by its row, customer, column, value and rule"
is "$(sql "select sheet from run")" November "the run keeps the sheet's name"

# The same workbook again is the same file (SHA-256), the CSV another.
run stage "$WB"
is "$rc" 65 "the same workbook again is refused without --force (65)"
like "$err" "staged before as run 1" "... naming the run"

# --- 2. A workbook written by libxlsxwriter stages as its CSV -----------
"$CSV2XLSX" -t -s Accounts "$SAMPLES/accounts-2026-11.csv" "$TMP/lxw.xlsx"
ok $? "libxlsxwriter writes the sample CSV as a workbook, digits as numbers"
dump_rows() {	# the staged rows of DB's run 1: line, state, values
	sqlite3 -batch "$1" "select r.line, r.state, r.customer_id, r.company_name, r.first_name, r.last_name, r.email, r.phone_number, r.address_line1, r.address_line2, r.address_line3, r.city, r.state_code, r.region, r.postal_code, r.country, r.culture, r.language, (select group_concat(p.rule || ':' || p.value, ' ') from row_problem p where p.row = r.id) from run_row r where r.run = 1 order by r.line"
}
run --db "$TMP/csv.db" stage "$SAMPLES/accounts-2026-11.csv"
run --db "$TMP/lxw.db" stage "$TMP/lxw.xlsx"
is "$rc" 1 "the libxlsxwriter workbook stages (exit 1: the sample's mistakes)"
dump_rows "$TMP/csv.db" >"$TMP/csv.rows"
dump_rows "$TMP/lxw.db" >"$TMP/lxw.rows"
is "$(sqlite3 "$TMP/lxw.db" "select count(*) from run_row")" 303 \
    "303 rows from the workbook"
is "$(diff "$TMP/csv.rows" "$TMP/lxw.rows" | head -n 5)" "" \
    "every row, value, state and problem is the CSV's (ZIPs with a leading zero typed as numbers formatted 00000)"
is "$("$XLSXDUMP" "$TMP/lxw.xlsx" | grep '^64,' | cut -d, -f14)" '"02110	8"' \
    "a ZIP typed as a number: read as shown, flagged a number"
# The same with every string in the shared-string table, as Excel writes
# them; read again with the table past a tiny memory budget (xlsxdump -m),
# so that it is read back from its temporary file.
"$CSV2XLSX" -S -t -s Accounts "$SAMPLES/accounts-2026-11.csv" "$TMP/sst.xlsx"
ok $? "libxlsxwriter writes it again with shared strings"
is "$(unzip -l "$TMP/sst.xlsx" | grep -c sharedStrings.xml)" 1 "... it has a shared-string table"
run --db "$TMP/sst.db" stage "$TMP/sst.xlsx"
is "$rc" 1 "the shared-string workbook stages"
dump_rows "$TMP/sst.db" >"$TMP/sst.rows"
is "$(diff "$TMP/csv.rows" "$TMP/sst.rows" | head -n 5)" "" \
    "every row, value, state and problem is the CSV's"
"$XLSXDUMP" "$TMP/sst.xlsx" >"$TMP/sst.mem"
"$XLSXDUMP" -m 4096 "$TMP/sst.xlsx" >"$TMP/sst.spilled"
ok $([ -s "$TMP/sst.mem" ] && cmp -s "$TMP/sst.mem" "$TMP/sst.spilled"; echo $?) \
    "the shared strings spilled to a file (4 KiB in memory) read as they do in memory"

# --- 3. Workbooks written by openpyxl and by Calc, cell by cell --------
GUID_PREFIX=77777777-0000-4000-8000
"$PY" "$CALC_PY" workbook "$TMP/workbook.xlsx" "$TMP/shown.json" \
    "$TMP/seed.csv" "$GUID_PREFIX"
ok $? "a workbook with typed cells (openpyxl): ZIPs formatted 00000, phones as numbers, a formula, Alt+Enter, a Total row"
# A sheet of number formats next to it: each cell a value and a format.
cat >"$TMP/formats.py" <<'EOF'
import datetime, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.create_sheet("Formats")
ws.append(["label", "value"])
cells = [
    (2134, "00000"), (98052, "00000"), (1234567, "000-0000"),
    (1234567, "000\\-0000"), (4255550123, "General"), (42, "General"),
    (3.5, "General"), (0.1, "General"), (-17, "General"),
    (1234.5, "0.00"), (2.675, "0.00"), (1234567.891, "#,##0.00"),
    (1234567, "#,##0"), (0.256, "0%"), (0.25678, "0.00%"),
    (12345, "@"), (5, '"No. "0'), (-3.5, "0.0;(0.0)"), (0, '0;-0;"zero"'),
    (14255550123, "0.00E+00"), (46000, "yyyy-mm-dd"), (7, "0"),
    (True, "General"), (123.456, "0.0"), (99, "[Red]0"),
    ("text", "@"), ("02134", "@"),
]
for i, (v, f) in enumerate(cells):
    ws.append(["%s %s" % (type(v).__name__, f), v])
    ws.cell(row=i + 2, column=2).number_format = f
ws.append(["formula", "=1+1"])
ws.append(["div0", "=1/0"])
ws.append(["concat", '="A"&"B"'])
wb.save(sys.argv[1])
EOF
"$PY" "$TMP/formats.py" "$TMP/workbook.xlsx"
ok $? "... and a sheet of number formats"
mkdir -p "$TMP/lo"
calc --convert-to xlsx --outdir "$TMP/lo" "$TMP/workbook.xlsx"
[ -s "$TMP/lo/workbook.xlsx" ] || bail_out "Calc did not save the workbook"
# Calc's as-shown CSV of each sheet (the last token: every sheet).
calc --convert-to "$AS_SHOWN,false,false,-1" --outdir "$TMP/lo" \
    "$TMP/lo/workbook.xlsx"
[ -s "$TMP/lo/workbook-Accounts.csv" ] && [ -s "$TMP/lo/workbook-Formats.csv" ] ||
    bail_out "Calc did not export the sheets as CSV"

# compare DUMP CALC.csv: the dump's records against Calc's lines, by row
# number, trailing empty cells aside; a line per difference. Cells whose
# flags say the workbook holds no value (a formula without its result) are
# skipped: Calc computes them. One difference is deliberate: a number of 12
# digits or more in General, which Calc shows whole, is read as Excel shows
# it (4.42079E+11), and held.
cat >"$TMP/compare.py" <<'EOF'
import csv, re, sys
dump = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
calc = list(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
def trim(r):
    while r and r[-1] == "":
        r = r[:-1]
    return r
bad = []
for rec in dump:
    row = int(rec[0])
    want = trim(calc[row - 1]) if row - 1 < len(calc) else []
    got = []
    for i, cell in enumerate(rec[1:]):
        text, _, flags = cell.partition("\t")
        w = want[i] if i < len(want) else ""
        if flags and int(flags) & 2:
            text = w
        if re.match(r"^\d{12,}$", w) and re.match(r"^\d\.\d+E\+\d\d$", text):
            text = w
        got.append(text)
    got = trim(got)
    if got != want:
        bad.append("row %d: read %r, Calc shows %r" % (row, got, want))
print("\n".join(bad))
EOF
for sheet in Accounts Formats; do
	"$XLSXDUMP" "$TMP/lo/workbook.xlsx" "$sheet" >"$TMP/lo-$sheet.dump" 2>/dev/null
	is "$("$PY" "$TMP/compare.py" "$TMP/lo-$sheet.dump" "$TMP/lo/workbook-$sheet.csv")" "" \
	    "Calc's workbook, sheet $sheet: every cell read is what Calc's as-shown CSV has"
	"$XLSXDUMP" "$TMP/workbook.xlsx" "$sheet" >"$TMP/py-$sheet.dump" 2>/dev/null
	is "$("$PY" "$TMP/compare.py" "$TMP/py-$sheet.dump" "$TMP/lo/workbook-$sheet.csv")" "" \
	    "openpyxl's workbook, sheet $sheet: every cell read is what Calc shows"
done
like "$(grep '^9,' "$TMP/py-Accounts.dump")" '"	2"' \
    "openpyxl's formula has no result in the file: flagged, not guessed"
like "$(grep '^9,' "$TMP/lo-Accounts.dump")" '"#N/A	1"' \
    "Calc's file holds the formula's result, an error: flagged as one"

# --- 4. Against a sandbox: what the workbook showed, or held with why ---
token_set xlsx
states() {
	"$PY" "$CALC_PY" states "$IMPORTER_DB" | sed 's/ 9:[^ ]*//'
}
check_round() {	# check_round NAME ROUND
	admin GET /_admin/accounts >"$TMP/$1/accounts.json"
	is "$("$PY" "$CALC_PY" verify "$TMP/$1/shown.json" "$TMP/seed.csv" \
	    "$TMP/$1/accounts.json" "$IMPORTER_DB" 2>&1)" "" \
	    "$1 round $2: every field the sandbox holds is the workbook's, or the row was not sent and says why"
}
rules_of() {	# rules_of N: the rules of customer N's problems
	sql "select group_concat(rule, ' ') from (select distinct p.rule from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.customer_id = '$(g "$1")' order by p.rule)"
}
for v in calc openpyxl; do
	mkdir -p "$TMP/$v/reports"
	cd "$TMP/$v" || bail_out "no $TMP/$v"
	cp "$TMP/shown.json" shown.json
	if [ $v = calc ]; then cp "$TMP/lo/workbook.xlsx" accounts.xlsx
	else cp "$TMP/workbook.xlsx" accounts.xlsx; fi
	IMPORTER_DB=$TMP/$v/importer.db
	export IMPORTER_DB
	sandbox_start "sb-$v" --token "$TOKEN" --accounts "$TMP/seed.csv" ||
	    bail_out "$v: the sandbox did not start"
	run run accounts.xlsx --sheet Accounts --endpoint "$BASE" --yes
	is "$rc" 1 "$v: run on the workbook ends, rows that need a person (exit 1)"
	[ "$rc" -le 1 ] || printf '# %s\n' "$err" | head -n 5
	check_round "$v" 0
	is "$(states)" "1:applied 2:applied 3:applied 4:applied 5:applied 6:applied 7:invalid 8:invalid 10:invalid" \
	    "$v: the rows sent and the rows held"
	if [ $v = calc ]; then
		is "$(rules_of 7)" excel-error "calc: the formula's #N/A is held (excel-error)"
	else
		is "$(rules_of 7)" formula-no-result \
		    "openpyxl: a formula saved without its result is held (formula-no-result)"
	fi
	is "$(rules_of 8)" excel-scientific \
	    "$v: the phone the workbook shows as 1.43E+10 is held (excel-scientific)"
	like "$(sql "select coalesce(o.state, r.state) from run_row r left join outcome o on o.row = r.id where r.customer_id = '$(g 9)'")" \
	    "^(pending|invalid)$" \
	    "$v: the British phone typed as a 12-digit number (Excel shows 4.42079E+11) is not sent"
	like "$out" "1 summary row skipped \\(row 13, 'Total'\\)" \
	    "$v: the Total row is skipped, as row 13"

	is "$("$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
print([r[1] for r in ws.iter_rows(values_only=True) if r[0] == "Workbook sheet"])
' reports/accounts-run1.xlsx)" "['Accounts']" \
	    "$v: the report's Summary names the workbook's sheet"
	fix=$(ls reports/*-fixup.xlsx 2>/dev/null | head -n 1)
	ok $([ -n "$fix" ]; echo $?) "$v: the fix-up is a workbook (reports/*-fixup.xlsx)"
	is "$(stat -c %a "$fix" 2>/dev/null)" 600 "$v: ... mode 0600, like the database"
	is "$("$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1]).active
types = {c.data_type for r in ws.iter_rows() for c in r if c.value is not None}
fmts = {c.number_format for r in ws.iter_rows(min_row=2) for c in r if c.value is not None}
print(ws.title, [c.value for c in ws[1]][-1], sorted(types), sorted(fmts), ws.max_row)
' "$fix")" "Accounts error ['s'] ['@'] 5" \
	    "$v: the fix-up workbook: the input's sheet name, an error column, every cell text formatted Text, the 4 rows that need a person"
	r=1
	while [ $r -le 2 ]; do
		mkdir -p "r$r"
		"$PY" "$CALC_PY" edit "$fix" "r$r/edited.xlsx" $r shown.json
		# Through Calc: opened and saved as a workbook again.
		calc --convert-to xlsx --outdir "r$r/calc" "r$r/edited.xlsx"
		if [ ! -s "r$r/calc/edited.xlsx" ]; then
			ok 1 "$v round $r: Calc opened, and saved back, the fix-up"
			break
		fi
		run run "r$r/calc/edited.xlsx" --endpoint "$BASE" --yes
		ok $([ "$rc" -le 1 ]; echo $?) \
		    "$v round $r: the fix-up workbook saved by Calc runs (exit $rc)"
		[ "$rc" -le 1 ] || printf '# %s\n' "$err" | head -n 5
		check_round "$v" $r
		case $r in
		1) want="7:applied 8:invalid 10:applied" ;;
		2) want="8:applied" ;;
		esac
		is "$(states)" "$want" "$v round $r: the rows sent and the rows held"
		fix=$(ls -t reports/*-fixup.xlsx 2>/dev/null | head -n 1)
		r=$((r + 1))
	done
	sandbox_stop
	cd "$TMP" || bail_out "no $TMP"
done

# --- 5. Sheets, options, refusals ---------------------------------------
IMPORTER_DB=$TMP/opts.db
export IMPORTER_DB
run stage "$TMP/lo/workbook.xlsx" --sheet Nope
is "$rc" 64 "--sheet naming no sheet: usage (64)"
like "$err" "no sheet 'Nope' in the workbook; its sheets: 'Accounts', 'Formats'" \
    "... listing the workbook's sheets"
run stage "$SAMPLES/accounts-2026-11.csv" --sheet 1
is "$rc" 64 "--sheet on a CSV file: usage (64)"
run stage "$WB" --encoding GB18030
is "$rc" 64 "--encoding on a workbook: usage (64)"
like "$err" "for CSV files" "... saying what it is for"

# A hidden first sheet: the first visible one is read, with no warning.
"$PY" - "$TMP/hidden.xlsx" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook()
a = wb.active
a.title = "Old"
a.append(["Customer ID", "Email"])
a.append(["11111111-1111-4111-8111-111111111111", "old@example.com"])
a.sheet_state = "hidden"
b = wb.create_sheet("December")
b.append([])
b.append([])
b.append(["Customer ID", "Email", "Country"])
b.append(["22222222-2222-4222-8222-222222222222", "a@example.com", "US"])
b.append(["33333333-3333-4333-8333-333333333333", "b@example.com", "US"])
b.row_dimensions[5].hidden = True
b.merge_cells("D1:F1")
b.auto_filter.ref = "A3:C5"
wb.save(sys.argv[1])
EOF
run stage "$TMP/hidden.xlsx"
like "$out" "sheet 'December'" "a hidden first sheet is passed over: the first visible one"
like "$(sql "select group_concat(line) from run_row where run = (select max(id) from run)")" \
    "^4,5$" "... its header on row 3 (the empty rows above skipped), its rows 4 and 5"
like "$err" "1 hidden row \\(row 5\\) is staged" "a hidden row is a warning"
like "$err" "1 merged cell range \\(D1:F1\\)" "merged cells are a warning"
like "$err" "a filter is in place on A3:C5" "a filter is a warning"
run stage "$TMP/hidden.xlsx" --sheet Old --force
like "$err" "sheet 'Old' is hidden in the workbook" "--sheet may name a hidden sheet, with a warning"
run --json stage "$TMP/hidden.xlsx" --sheet 2 --force
is "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["sheet"])')" \
    December "--sheet 2: the second sheet"

# 2026-12-06: an error cell is an error whatever its text: a formula's
# cached error that rules' list of Excel's errors does not hold (Python in
# Excel's #PYTHON!, or one a later Excel adds) is held, never sent.
"$PY" - "$TMP/errors.xlsx" <<'EOF'
import sys, zipfile, io, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Customer ID", "Email", "City", "Country"])
ws.append(["44444444-4444-4444-8444-444444444444", "c@example.com", "#N/A", "US"])
ws.append(["55555555-5555-4555-8555-555555555555", "d@example.com", "Austin", "US"])
buf = io.BytesIO()
wb.save(buf)
src = zipfile.ZipFile(buf)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i in src.infolist():
        data = src.read(i.filename)
        if i.filename == "xl/worksheets/sheet1.xml":
            assert b't="e"><v>#N/A</v>' in data
            data = data.replace(b"<v>#N/A</v>", b"<v>#PYTHON!</v>")
        z.writestr(i, data)
EOF
run --db "$TMP/errors.db" stage "$TMP/errors.xlsx"
is "$("$XLSXDUMP" "$TMP/errors.xlsx" | sed -n 2p)" \
    '2,"44444444-4444-4444-8444-444444444444","c@example.com","#PYTHON!	1","US"' \
    "an error cell the rules do not know (#PYTHON!) is read with its error flag"
is "$(sqlite3 "$TMP/errors.db" "select r.line || ':' || p.rule from row_problem p join run_row r on r.id = p.row")" \
    "2:excel-error" "... and its row is held (excel-error), the other one not"
like "$err" "row 2, customer 44444444-4444-4444-8444-444444444444: column City: '#PYTHON!': excel-error" \
    "... named by its row, customer, column, value and rule"

# 2026-12-06: a note typed in a column past the header's last one (a
# common habit) is what Excel's CSV export holds as a column without a
# name: the row stages as the CSV's does, the note kept for the report,
# not a field-count error with a CSV's hint.
"$PY" - "$TMP/note.xlsx" <<'EOF'
import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Customer ID", "Email", "City", "Country"])
ws.append(["44444444-4444-4444-8444-444444444444", "c@example.com", "Austin", "US", None, "call back Tuesday"])
ws.append(["55555555-5555-4555-8555-555555555555", "d@example.com", "Austin", "US"])
wb.save(sys.argv[1])
EOF
calc --convert-to "$AS_SHOWN" --outdir "$TMP/note" "$TMP/note.xlsx"
run --db "$TMP/note-csv.db" stage "$TMP/note/note.csv"
is "$rc" 0 "a note past the header's last column: its CSV export stages (0)"
csv_out=$out
run --db "$TMP/note.db" stage "$TMP/note.xlsx"
is "$rc" 0 "... and so does the workbook, both rows valid"
is "$(printf '%s\n' "$out" | grep -E 'rows:|unknown columns')" \
    "$(printf '%s\n' "$csv_out" | grep -E 'rows:|unknown columns')" \
    "... counted as the CSV's are, the note's column kept for the report"

# What is not a workbook importer reads, each with what to do.
IMPORTER_DB=$TMP/refused.db
export IMPORTER_DB
cp "$SAMPLES/accounts-2026-11.csv" "$TMP/renamed.xlsx"
run stage "$TMP/renamed.xlsx"
is "$rc" 65 "a CSV file named .xlsx: refused (65)"
like "$err" "named as a workbook but not one" "... saying so"
mkdir -p "$TMP/legacy"
calc --convert-to xls --outdir "$TMP/legacy" "$WB"
calc --convert-to ods --outdir "$TMP/legacy" "$WB"
# A macro-enabled workbook (.xlsm, saved by Calc) is read as one: macros
# aside, the same cells.
calc --convert-to 'xlsm:Calc MS Excel 2007 VBA XML' --outdir "$TMP/legacy" "$WB"
run --db "$TMP/xlsm.db" --json stage "$TMP/legacy/accounts-2026-11.xlsm"
is "$rc:$(printf '%s' "$out" | "$PY" -c 'import json,sys; d = json.load(sys.stdin); print(d["rows"], d["invalid"], d["sheet"])' 2>/dev/null)" \
    "1:303 9 November" "an .xlsm saved by Calc stages as its .xlsx: 303 rows, 9 invalid"
run stage "$TMP/legacy/accounts-2026-11.xls"
is "$rc:$(counts)" "65:0/0/0" "a legacy .xls (saved by Calc): refused (65), nothing staged"
like "$err" "legacy Excel 97-2003 workbook \\(XLS\\).*Save As > \"Excel Workbook \\(\\*.xlsx\\)\"" \
    "... saying how to save it"
run stage "$TMP/legacy/accounts-2026-11.ods"
is "$rc" 65 "an OpenDocument spreadsheet (.ods, saved by Calc): refused (65)"
like "$err" "OpenDocument spreadsheet \\(.ods\\)" "... saying what it is"
# An encrypted workbook is an OLE2 file holding an EncryptedPackage.
"$PY" - "$TMP/encrypted.xlsx" <<'EOF'
import sys
head = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
name = "EncryptedPackage".encode("utf-16-le")
open(sys.argv[1], "wb").write(head + bytes(512) + name + bytes(4096))
EOF
run stage "$TMP/encrypted.xlsx"
is "$rc" 65 "an encrypted workbook: refused (65)"
like "$err" "encrypted \\(it opens with a password\\).*remove the password" \
    "... saying to remove the password"

# A zip bomb: one cell of 300 MB of spaces in 300 KB. Refused at the cell
# limit, in bounded memory.
"$PY" - "$TMP/bomb.xlsx" "$WB" <<'EOF'
import sys, zipfile
src = zipfile.ZipFile(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i in src.infolist():
        if i.filename == "xl/worksheets/sheet1.xml":
            continue
        z.writestr(i, src.read(i.filename))
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
        block = b" " * (1 << 20)
        for _ in range(300):
            f.write(block)
        f.write(b"</t></is></c></row></sheetData></worksheet>")
EOF
is "$(test "$(wc -c <"$TMP/bomb.xlsx")" -lt 2000000; echo $?)" 0 \
    "the bomb is small on disk"
peak_rss "$TMP/bomb.rss" "$IMPORTER" stage "$TMP/bomb.xlsx" 2>"$TMP/bomb.err"
is "$?" 65 "a zip bomb: refused (65)"
like "$(cat "$TMP/bomb.err")" "cell A1 is longer than a cell can be" \
    "... at the cell limit, with a message"
bound=$(rss_bound 65536)
ok $([ "$(tail -n 1 "$TMP/bomb.rss")" -lt "$bound" ]; echo $?) \
    "... in bounded memory (peak RSS $(tail -n 1 "$TMP/bomb.rss") KiB < $bound KiB)"

done_testing
