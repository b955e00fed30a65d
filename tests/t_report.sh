#!/bin/sh
# t_report.sh: importer report, read back with an independent reader
# (openpyxl, Debian's python3-openpyxl): sheets, headers, counts, cell
# types (text for IDs, phones, postal codes), the reconciliation line and
# the chart, on a run with every outcome (submit's results written with the
# sqlite3 CLI); the sheet split with a lowered limit; the fix-up CSV
# through `importer stage` again in UTF-8, UTF-8 with BOM, UTF-16LE (tab),
# GB18030 and ';' files, formula-like values unchanged; the comparison with
# the previous run; history's outcome counts and history --customer.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require_openpyxl
require sqlite3

# xl FILE EXPR: evaluates a Python expression with wb (the workbook) and
# ws(name) (a sheet), rows(name) (its rows as tuples) at hand.
cat >"$TMP/xl.py" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def ws(n): return wb[n]
def rows(n): return list(wb[n].iter_rows(values_only=True))
def summary(label):
    for r in wb["Summary"].iter_rows(values_only=True):
        if r[0] == label:
            return r[1]
def cell_type(n, r, c): return wb[n].cell(row=r, column=c).data_type
print(eval(sys.argv[2]))
EOF
xl() {
	"$PY" "$TMP/xl.py" "$1" "$2" 2>&1
}

HEAD='customer_id,company_name,email,phone_number,address_line1,city,postal_code,country,Account Manager'
SHEAD='customer_id,company_name,email,phone_number,address_line1,city,postal_code,country'
G1=$(g 1) G2=$(g 2) G3=$(g 3) G4=$(g 4) G5=$(g 5) G6=$(g 6) G7=$(g 7)
G8=$(g 8) G9=$(g 9)

# --- a run with every outcome -------------------------------------------
{
	echo "$HEAD"
	echo "$G1,Contoso Ltd,,,,,,DE,Ann"			# 2 applied
	echo "$G2,Fabrikam,,,,,,DE,Bob"				# 3 unchanged
	echo "$G2,Fabrikam,,,,,,DE,Bob"				# 4 duplicate
	echo "$G4,=1+1,,,,,,DE,Cid"				# 5 failed
	echo "$G5,Northwind,,+49 30 1234567,,,01067,DE,Dee"	# 6 conflict
	echo "$G6,@SUM(A1),,,+cmd,-2,,DE,Eve"			# 7 not_found
	echo "$G7,Tailspin,not-an-email,,,,,DE,Fay"		# 8 invalid
	echo "$G8,Wingtip,,,Hauptstr. 1,,,DE,Gus"		# 9 pending
	echo "$G9,Litware,,,,,,DE,Hal"				# 10 failed
} >"$TMP/every.csv"
{
	echo "$SHEAD"
	echo "$G1,Contoso,a@contoso.example,,,,,DE"
	echo "$G2,Fabrikam,b@fabrikam.example,,,,,DE"
	echo "$G4,Old Name,,,,,,DE"
	echo "$G5,Northwind,,+49 30 7654321,,,01069,DE"
	echo "$G7,Tailspin,,,,,,DE"
	echo "$G8,Wingtip,,,Alte Str. 2,,,DE"
	echo "$G9,Litware Inc,,,,,,DE"
} >"$TMP/snap.csv"

run stage "$TMP/every.csv"
is "$rc" 1 "every: staged (one invalid row)"
run check --snapshot "$TMP/snap.csv"
is "$rc" 1 "every: checked (one not found)"

# submit's results, as submit writes them
rowid() {	# rowid RUN LINE
	sql "select id from run_row where run = $1 and line = $2"
}
R2=$(rowid 1 2) R5=$(rowid 1 5) R6=$(rowid 1 6) R10=$(rowid 1 10)
sql "update outcome set state = 'applied', attempts = 1, http_status = 200, request_id = 'req-applied-1' where row = $R2;
update outcome set state = 'failed', attempts = 3, http_status = 400, error_code = 'InvalidCompanyName', message = 'The company name is not allowed', request_id = 'req-failed-5' where row = $R5;
update outcome set state = 'failed', attempts = 5, http_status = 503, error_code = NULL, message = 'Service unavailable', request_id = 'req-failed-10' where row = $R10;
update outcome set state = 'conflict', attempts = 1, http_status = 412, error_code = 'PreconditionFailed', message = 'changed since check', request_id = 'req-conflict-6' where row = $R6;
insert into conflict (row, col, at_check, now, wanted) values ($R6, 5, '+49 30 7654321', '+49 30 9999999', '+49 30 1234567');
insert into conflict (row, col, at_check, now, wanted) values ($R6, 12, '01069', '01070', '01067');
update run set submitted_at = '2026-11-25T10:00:00Z', correlation_id = 'corr-0001' where id = 1;"

X=$TMP/every.xlsx
C=$TMP/every-fix.csv
run report 1 -o "$X" --errors-csv "$C"
is "$rc" 1 "report exits 1 when rows need a person"
is "$err" "" "report: nothing on stderr"
like "$out" "rows in 9 = sum of outcomes 9" "report prints the reconciliation"
[ -s "$X" ]
ok $? "report: the XLSX is written"

is "$(xl "$X" 'wb.sheetnames')" \
    "['Summary', 'All rows', 'Changes', 'Failed', 'Conflicts', 'Not found', 'Invalid', 'Unchanged', 'Duplicates', 'Pending']" \
    "every outcome: one sheet each, in order"
is "$(xl "$X" 'rows("All rows")[0]')" \
    "('Row', 'Customer ID', 'Company', 'Outcome', 'Changed fields', 'Message', 'Request ID', 'Attempts', 'Account Manager')" \
    "All rows: header, then the input's extra column"
is "$(xl "$X" 'len(rows("All rows")) - 1')" 9 "All rows: one line per staged row"
is "$(xl "$X" '[r[3] for r in rows("All rows")[1:]]')" \
    "['applied', 'unchanged', 'duplicate', 'failed', 'conflict', 'not_found', 'invalid', 'pending', 'failed']" \
    "All rows: outcomes in input order"
is "$(xl "$X" '[r[0] for r in rows("All rows")[1:]]')" \
    "[2, 3, 4, 5, 6, 7, 8, 9, 10]" "All rows: lines as numbers"
is "$(xl "$X" 'rows("All rows")[1][6:9]')" "('req-applied-1', 1, 'Ann')" \
    "All rows: request id, attempts, extra column"
is "$(xl "$X" 'rows("All rows")[4][2]')" "=1+1" \
    "All rows: a formula-like company is plain text"
is "$(xl "$X" 'cell_type("All rows", 5, 3)')" "s" \
    "All rows: '=1+1' is a string cell, not a formula"
is "$(xl "$X" 'cell_type("All rows", 2, 2)')" "s" "All rows: customer ID is text"
is "$(xl "$X" 'ws("All rows").freeze_panes')" "A2" "All rows: header frozen"
is "$(xl "$X" 'ws("All rows").auto_filter.ref')" "A1:I10" \
    "All rows: autofilter over the data"
is "$(xl "$X" 'rows("Failed")[0]')" \
    "('Row', 'Customer ID', 'Company', 'HTTP status', 'Error code', 'Description', 'MS-RequestId', 'MS-CorrelationId', 'Attempts', 'Hint', 'Column', 'Cells to fix')" \
    "Failed: header"
is "$(xl "$X" 'rows("Failed")[1][:9]')" \
    "(5, '$G4', '=1+1', 400, 'InvalidCompanyName', 'The company name is not allowed', 'req-failed-5', 'corr-0001', 3)" \
    "Failed: status, code, description, request and correlation ids"
like "$(xl "$X" 'rows("Failed")[2][9]')" "retry" "Failed: a 503 hints at retry"
is "$(xl "$X" '[r[3:7] for r in rows("Conflicts")[1:]]')" \
    "[('phone_number', '+49 30 7654321', '+49 30 9999999', '+49 30 1234567'), ('postal_code', '01069', '01070', '01067')]" \
    "Conflicts: field, value at check, now, wanted"
is "$(xl "$X" 'cell_type("Conflicts", 3, 7)')" "s" \
    "Conflicts: a postal code with a leading zero is text"
is "$(xl "$X" 'rows("Invalid")[1][:5]')" \
    "(8, '$G7', 'email', 'not-an-email', 'email')" \
    "Invalid: line, customer, column, value, rule"
is "$(xl "$X" 'rows("Duplicates")[1]')" "(4, '$G2', 'Fabrikam', 3)" \
    "Duplicates: the line it repeats"
is "$(xl "$X" 'rows("Pending")[1][:5]')" \
    "(9, '$G8', 'Wingtip', 'pending', 'address_line1')" \
    "Pending: the change still to send"
is "$(xl "$X" 'rows("Not found")[1][:3]')" "(7, '$G6', '@SUM(A1)')" \
    "Not found: the row"
is "$(xl "$X" '[(r[3], r[4], r[5]) for r in rows("Changes")[1:] if r[0] == 6]')" \
    "[('phone_number', '+49 30 7654321', '+49 30 1234567'), ('postal_code', '01069', '01067')]" \
    "Changes: before and after per field"
is "$(xl "$X" 'ws("Changes").cell(row=2, column=6).fill.fgColor.rgb[-6:]')" \
    "FFF2CC" "Changes: the after cell is highlighted"
is "$(xl "$X" 'cell_type("Changes", 2, 2)')" "s" "Changes: customer ID is text"

is "$(xl "$X" '[summary(k) for k in ("applied","unchanged","duplicate","failed","conflict","not_found","invalid","pending")]')" \
    "[1, 1, 1, 2, 1, 1, 1, 1]" "Summary: outcome counts"
is "$(xl "$X" 'summary("Rows in"), summary("Sum of outcomes")')" "(9, 9)" \
    "Summary: rows in and the sum of outcomes"
like "$(xl "$X" 'summary("Reconciliation")')" \
    "^OK: rows in = sum of outcomes \(9 = 9\)" "Summary: reconciliation line"
is "$(xl "$X" 'len(ws("Summary")._charts)')" 1 "Summary: a chart of the outcomes"
unzip -l "$X" | grep -q 'xl/charts/chart1.xml'
ok $? "the chart part is in the file"
is "$(xl "$X" 'summary("Encoding"), summary("Delimiter"), summary("SHA-256") == "'"$(sha256sum "$TMP/every.csv" | cut -d' ' -f1)"'"')" \
    "('UTF-8', \"','\", True)" "Summary: encoding, delimiter, SHA-256"
is "$(xl "$X" 'type(summary("Staged (UTC)")).__name__, summary("Submitted (UTC)")')" \
    "('datetime', datetime.datetime(2026, 11, 25, 10, 0))" \
    "Summary: times are real dates"
like "$(xl "$X" 'summary("Checked against")')" "^snapshot .*snap\.csv" \
    "Summary: the snapshot checked against"
like "$(xl "$X" 'summary("Snapshot age")')" "old at check" \
    "Summary: the snapshot's age"
like "$(xl "$X" 'summary("Operator")')" "@" "Summary: who ran it (user@host)"
is "$(xl "$X" 'summary("MS-CorrelationId")')" "corr-0001" \
    "Summary: the correlation id"
is "$(xl "$X" 'summary("email"), summary("HTTP 400 InvalidCompanyName")')" \
    "(1, 1)" "Summary: top reasons for invalid and failed rows"

# Byte-identical when written again (the file's date is the run's).
run report 1 -o "$TMP/again.xlsx" --errors-csv "$C"
cmp -s "$X" "$TMP/again.xlsx"
ok $? "the same run gives the same bytes"

# The reconciliation shouts when it does not hold.
cp "$IMPORTER_DB" "$TMP/broken.db"
sqlite3 "$TMP/broken.db" "update run set n_rows = 10 where id = 1"
run --db "$TMP/broken.db" report 1 -o "$TMP/broken.xlsx" --errors-csv "$TMP/b.csv"
is "$rc" 70 "a broken reconciliation: exit 70"
like "$err" "rows in \(10\) != sum of outcomes \(9\)" "... said on stderr"
like "$(xl "$TMP/broken.xlsx" 'summary("Reconciliation")')" "^MISMATCH" \
    "... and marked in the Summary"

# --- the fix-up CSV of that run --------------------------------------------
is "$(head -1 "$C" | tr -d '\r')" "$HEAD,error" "fix-up: the input's header plus error"
is "$(($(wc -l <"$C") - 1))" 5 "fix-up: invalid, failed x2, conflict, not found rows"
like "$(cat "$C")" "\"'=1\+1\"" "fix-up: =1+1 guarded with an apostrophe"
like "$(cat "$C")" "\"'@SUM\(A1\)\",,,\"'\+cmd\",\"'-2\"" \
    "fix-up: @SUM, +cmd and -2 guarded"
like "$(cat "$C")" "HTTP 400 InvalidCompanyName" "fix-up: the error column says why"
run stage "$C"
is "$rc" 1 "fix-up: staged again as it is (the invalid row stays invalid)"
unlike "$err" "unknown columns.*error" "fix-up: the error column is not an unknown column"
is "$(sql "select company_name from run_row where run = 2 and customer_id = '$G4'")" \
    "=1+1" "fix-up round trip: =1+1 unchanged"
is "$(sql "select company_name || '|' || address_line1 || '|' || city from run_row where run = 2 and customer_id = '$G6'")" \
    "@SUM(A1)|+cmd|-2" "fix-up round trip: @SUM(A1), +cmd, -2 unchanged"
is "$(sql "select phone_number || '|' || postal_code from run_row where run = 2 and customer_id = '$G5'")" \
    "+49 30 1234567|01067" "fix-up round trip: phone and postal code"
is "$(sql "select count(*) from run_row where run = 2 and extra is not null")" 5 \
    "fix-up round trip: the extra column is kept"

# --- the sheet split with a lowered limit -----------------------------------
run report 1 -o "$TMP/split.xlsx" --errors-csv "$TMP/s.csv" --sheet-rows 4
is "$rc" 1 "split: report written"
is "$(xl "$TMP/split.xlsx" '[n for n in wb.sheetnames if n.startswith("All rows")]')" \
    "['All rows', 'All rows (2)', 'All rows (3)']" "split: 9 rows on 3 sheets of 3"
is "$(xl "$TMP/split.xlsx" 'sum(len(rows(n)) - 1 for n in wb.sheetnames if n.startswith("All rows"))')" \
    9 "split: every row once"
is "$(xl "$TMP/split.xlsx" '[rows(n)[0][0] for n in wb.sheetnames if n.startswith("All rows")]')" \
    "['Row', 'Row', 'Row']" "split: each sheet has the header"
is "$(xl "$TMP/split.xlsx" 'rows("All rows (3)")[-1][0], ws("All rows (3)").auto_filter.ref')" \
    "(10, 'A1:I4')" "split: the last sheet ends with the last row"
is "$(xl "$TMP/split.xlsx" 'wb.sheetnames.index("All rows (3)") < wb.sheetnames.index("Changes")')" \
    True "split: the continuation sheets follow their sheet"

# --- default paths -----------------------------------------------------------
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && $VALGRIND "$IMPORTER" -q report 1) >/dev/null 2>&1
[ -s "$TMP/cwd/reports/every-run1.xlsx" ] && [ -s "$TMP/cwd/reports/every-run1-fixup.csv" ]
ok $? "default: reports/<input>-run<N>.xlsx and the fix-up CSV beside it"

# --- history -----------------------------------------------------------------
run --json history
is "$(printf '%s' "$out" | "$PY" -c 'import json,sys; r=[x for x in json.load(sys.stdin) if x["run"]==1][0]; print(r["applied"], r["failed"], r["conflicts"], r["not_found"], r["unchanged"], r["pending"])')" \
    "1 2 1 1 1 1" "history --json: outcome counts"
run history
like "$out" "applied" "history: an applied column"
run history --customer "$G5"
is "$rc" 0 "history --customer exits 0"
like "$out" "phone_number +\+49 30 7654321 -> \+49 30 1234567 +\[req-conflict-6\]" \
    "history --customer: before -> after and the request id"
like "$out" "conflict" "history --customer: the outcome"
run --json history --customer "{$(printf '%s' "$G1" | tr a-f A-F)}"
is "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print([(x["run"], x["field"], x["old"], x["new"], x["outcome"], x["request_id"]) for x in json.load(sys.stdin)])')" \
    "[(1, 'company_name', 'Contoso', 'Contoso Ltd', 'applied', 'req-applied-1')]" \
    "history --json --customer: braces and upper case accepted"

# --- the comparison with the previous run ----------------------------------
# Run 2 (the fix-up CSV) is checked and G4 fails there; run 3, the first
# file again: G4 fails again, G7 is refused again, G1's change was applied
# in run 1 already; run 4 sets G1 back to its value before run 1.
run check 2 --snapshot "$TMP/snap.csv"
sql "update outcome set state = 'failed', http_status = 400 where row = (select id from run_row where run = 2 and customer_id = '$G4')"
run stage --force "$TMP/every.csv"
run check --snapshot "$TMP/snap.csv"
R5=$(rowid 3 5)
sql "update outcome set state = 'failed', http_status = 400, error_code = 'InvalidCompanyName' where row = $R5"
run report 3 -o "$TMP/r3.xlsx" --errors-csv "$TMP/r3.csv"
is "$(xl "$TMP/r3.xlsx" 'summary("customers that failed again"), summary("rows rejected again for the same reason"), summary("changes an earlier run already applied")')" \
    "(1, 1, 1)" "previous run: failed again, rejected again, already applied"
{
	echo "$HEAD"
	echo "$G1,Contoso,,,,,,DE,Ann"
} >"$TMP/back.csv"
printf '%s\n%s\n' "$SHEAD" "$G1,Contoso Ltd,,,,,,DE" >"$TMP/snap2.csv"
run stage "$TMP/back.csv"
run check --snapshot "$TMP/snap2.csv"
run report -o "$TMP/r4.xlsx"
is "$rc" 0 "a run where all ended well: exit 0"
is "$(xl "$TMP/r4.xlsx" 'summary("flip-flops: a field set back to its value before an earlier change")')" \
    1 "previous runs: a flip-flop"
[ ! -e "$TMP/r4-fixup.csv" ]
ok $? "no fix-up CSV when no row needs a person"

# --- fix-up round trips in each encoding ------------------------------------
# rt NAME ENCODING-OPTION CONVERT DELIM: an input converted with iconv (or
# not), staged, checked, reported; its fix-up CSV staged again as it is.
n=4
rt() {
	name=$1 encopt=$2 conv=$3 d=$4
	{
		printf 'Customer ID%sCompany Name%sCity%sNotes\n' "$d" "$d" "$d"
		printf '%s%s=1+1%s北京%s-2\n' "$(g 21)" "$d" "$d" "$d"
		printf '%s%s+cmd%s上海%s@SUM(A1)\n' "$(g 22)" "$d" "$d" "$d"
		printf 'not-a-guid%s株式会社%s東京%s注\n' "$d" "$d" "$d"
	} >"$TMP/$name.u8"
	case $conv in
	bom)	printf '\357\273\277' >"$TMP/$name.csv"
		cat "$TMP/$name.u8" >>"$TMP/$name.csv" ;;
	UTF-16LE) printf '\377\376' >"$TMP/$name.csv"
		iconv -f UTF-8 -t UTF-16LE "$TMP/$name.u8" >>"$TMP/$name.csv" ;;
	-)	cp "$TMP/$name.u8" "$TMP/$name.csv" ;;
	*)	iconv -f UTF-8 -t "$conv" "$TMP/$name.u8" >"$TMP/$name.csv" ;;
	esac
	# shellcheck disable=SC2086
	run stage $encopt "$TMP/$name.csv"
	n=$((n + 1)); first=$n
	printf 'customer_id,company_name\n%s,Old\n' "$(g 29)" >"$TMP/$name-snap.csv"
	run check --snapshot "$TMP/$name-snap.csv"
	run report -o "$TMP/$name.xlsx" --errors-csv "$TMP/$name-fix.csv"
	is "$rc" 1 "$name: report"
	is "$(xl "$TMP/$name.xlsx" 'rows("All rows")[0][-1], rows("All rows")[1][-1]')" \
	    "('Notes', '-2')" "$name: the extra column in the report"
	# shellcheck disable=SC2086
	run stage $encopt "$TMP/$name-fix.csv"
	n=$((n + 1))
	is "$rc" 1 "$name: the fix-up CSV stages as it is"
	is "$(sql "select group_concat(coalesce(customer_id, '-') || '|' || coalesce(company_name, '') || '|' || coalesce(city, ''), ' ') from run_row where run = $n order by line")" \
	    "$(g 21)|=1+1|北京 $(g 22)|+cmd|上海 not-a-guid|株式会社|東京" \
	    "$name: values unchanged after the round trip"
	is "$(sql "select count(*) from row_problem p join run_row r on r.id = p.row where r.run = $n and p.rule = 'guid'")" \
	    1 "$name: the invalid row is still refused for its ID"
	is "$(sql "select encoding || '|' || bom || '|' || delimiter from run where id = $n")" \
	    "$(sql "select encoding || '|' || bom || '|' || delimiter from run where id = $first")" \
	    "$name: same encoding, BOM and delimiter as the input"
	unlike "$err" "unknown columns:.*error" "$name: 'error' is not an unknown column"
}
rt utf8 "" - ","
rt utf8bom "" bom ","
rt utf16 "" UTF-16LE "	"
rt gb18030 "--encoding GB18030" GB18030 ","
rt semicolon "" - ";"
is "$(head -c 3 "$TMP/utf8bom-fix.csv" | od -An -tx1 | tr -d ' ')" "efbbbf" \
    "UTF-8 BOM: the fix-up CSV has the BOM"
is "$(head -c 3 "$TMP/utf8-fix.csv" | od -An -tx1 | tr -d ' ')" "437573" \
    "UTF-8: no BOM"
is "$(head -c 2 "$TMP/utf16-fix.csv" | od -An -tx1 | tr -d ' ')" "fffe" \
    "UTF-16LE: the fix-up CSV is UTF-16LE with its BOM"
like "$(iconv -f UTF-16LE -t UTF-8 "$TMP/utf16-fix.csv" | head -1)" \
    "Customer ID	Company Name	City	Notes	error" "UTF-16LE: tab-delimited"
like "$(iconv -f GB18030 -t UTF-8 "$TMP/gb18030-fix.csv")" "株式会社" \
    "GB18030: the fix-up CSV is GB18030"
like "$(head -1 "$TMP/semicolon-fix.csv")" "Customer ID;Company Name;City;Notes;error" \
    "';': the fix-up CSV keeps the delimiter"

# --- usage --------------------------------------------------------------------
run report 99
is "$rc" 64 "report of a missing run: 64"
run report --sheet-rows 1
is "$rc" 64 "--sheet-rows below 2: 64"
run report --help
like "$out" "usage: importer report" "report --help"

# 2026-11-25: a column the profile ignores came back empty in the fix-up CSV
# for rows that failed at the service or were not found (only invalid rows
# kept their raw cells).
IGN=$TMP/ignored
mkdir -p "$IGN"
printf 'Customer ID,Email Address,Notes,Country\n11111111-2222-4333-8444-000000000001,a@x.example,keep me,US\n11111111-2222-4333-8444-000000000002,b@x.example,and me,US\n' >"$IGN/u.csv"
printf '[columns]\nNotes = ignore\n' >"$IGN/p.ini"
printf 'customer_id,email,country\n11111111-2222-4333-8444-000000000001,old@x.example,US\n' >"$IGN/s.csv"
IMPORTER_DB=$IGN/i.db $IMPORTER --profile "$IGN/p.ini" -q stage "$IGN/u.csv"
IMPORTER_DB=$IGN/i.db $IMPORTER -q check --snapshot "$IGN/s.csv"
IMPORTER_DB=$IGN/i.db $IMPORTER -q report -o "$IGN/r.xlsx" --errors-csv "$IGN/f.csv"
like "$(cat "$IGN/f.csv")" "0000000002,b@x.example,and me,US," \
    "an ignored column comes back in the fix-up CSV of a not-found row"

# A fix-up of a fix-up of a fix-up (issue 13, item 6): one error column and
# one formula guard each round, however many rounds.
FX=$TMP/rounds
mkdir -p "$FX"
printf 'Customer ID,Company Name,Email Address\n11111111-2222-4333-8444-000000000001,@Comptabilite,not-an-email\n' >"$FX/f0.csv"
for k in 1 2 3; do
	IMPORTER_DB=$FX/r.db $IMPORTER -q stage --force "$FX/f$((k - 1)).csv"
	IMPORTER_DB=$FX/r.db $IMPORTER -q report -o "$FX/r$k.xlsx" \
	    --errors-csv "$FX/f$k.csv"
done
is "$(head -n 1 "$FX/f3.csv" | tr -d '\r')" \
    "Customer ID,Company Name,Email Address,error" \
    "the third fix-up's header: the input's columns and one error column"
like "$(sed -n 2p "$FX/f3.csv")" "^11111111-2222-4333-8444-000000000001,\"'@Comptabilite\",not-an-email,[^,]" \
    "... its row: one formula guard, as in the first"
IMPORTER_DB=$FX/r.db $IMPORTER -q stage --force "$FX/f3.csv"
is "$(IMPORTER_DB=$FX/r.db sqlite3 "$FX/r.db" "select company_name from run_row where run = 4")" \
    "@Comptabilite" "... and it stages back to the value as written, no apostrophe"

done_testing
