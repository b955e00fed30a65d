#!/bin/sh
# t_lostdigits.sh: a value whose digits a spreadsheet lost stays held across
# the fix-up round trip. The fix-up CSV hands such a cell back as text (the
# apostrophe guard), so a spreadsheet opening it cannot turn 1.40E+10 into
# the valid-looking 14000000000; and a customer whose cell was held for
# scientific notation last run is held again when the new value is that
# rounded number (rule rounded-number). Without LibreOffice: a small
# stand-in reads the fix-up as a spreadsheet does (t_calc.sh uses Calc).
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

# row_at RUN LINE EXPR: EXPR over the run's row on LINE.
row_at() {
	sql "select $3 from run_row where run = $1 and line = $2"
}
# problem_at RUN LINE EXPR: EXPR over that row's problems, in order.
problem_at() {
	sql "select group_concat(x, ' | ') from (select $3 as x from row_problem p join run_row r on r.id = p.row where r.run = $1 and r.line = $2 order by p.id)"
}
# cell FILE CUSTOMER COLUMN-INDEX: one cell of a CSV as written (quotes and
# all), for the row of customer N; no quoted delimiters before it here.
cell() {
	grep "^$(g "$2")," "$1" | cut -d, -f"$3"
}

# As a spreadsheet opens a CSV and saves it again: a cell that reads as a
# number is shown in General format (1.40E+10 -> 14000000000, 02134 ->
# 2134, 4255550100.0 -> 4255550100); text, an apostrophe first among it,
# is kept. EDITS: "customer-N:column=value" as a person types them.
spreadsheet() {	# spreadsheet IN OUT EDITS...
	"$PY" - "$@" <<'EOF'
import csv, re, sys
src, dst, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(src, newline='', encoding='utf-8-sig') as f:
    rows = list(csv.reader(f))
num = re.compile(r'^[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$')
for r in rows[1:]:
    for i, c in enumerate(r):
        if num.match(c):
            v = float(c)
            r[i] = str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
for e in edits:
    who, rest = e.split(':', 1)
    col, val = rest.split('=', 1)
    for r in rows[1:]:
        if r[0].endswith(who):
            r[rows[0].index(col)] = val
with open(dst, 'w', newline='', encoding='utf-8') as f:
    csv.writer(f, lineterminator='\r\n').writerows(rows)
EOF
}

HDR='Customer ID,Company Name,Email,Phone,City,State,ZIP,Country'
F1=$TMP/accounts.csv
{
	printf '%s\r\n' "$HDR"
	printf '%s,Contoso,a@contoso.com,1.40E+10,Boston,MA,02139,US\r\n' "$(g 1)"	# 2
	printf '%s,Fabrikam,b@fabrikam.com,4.25555E+09,Boston,MA,02139,US\r\n' "$(g 2)" # 3
	printf '%s,Litware,not-an-email,4255550100,Boston,MA,02134,US\r\n' "$(g 3)"	# 4
	printf '%s,Tailspin,d@tailspin.com,4255550100.0,Boston,MA,02139,US\r\n' "$(g 4)" # 5
	printf '%s,Wingtip,e@wingtip.com,1.40E+10,Boston,MA,02139,US\r\n' "$(g 5)"	# 6
} >"$F1"

run stage "$F1"
is "$rc" 1 "run 1: staged, rows held"
is "$(problem_at 1 2 'p.rule')" excel-scientific "run 1: 1.40E+10 held"
is "$(problem_at 1 3 'p.rule')" excel-scientific "run 1: 4.25555E+09 held"
is "$(problem_at 1 5 'p.rule')" excel-number "run 1: 4255550100.0 held"

FX=$TMP/fixup1.csv
run report 1 -o "$TMP/r1.xlsx" --errors-csv "$FX"
is "$(cell "$FX" 1 4)" "\"'1.40E+10\"" \
    "fix-up: scientific notation handed back as text (guarded)"
is "$(cell "$FX" 2 4)" "\"'4.25555E+09\"" "fix-up: ... 4.25555E+09 too"
is "$(cell "$FX" 4 4)" "\"'4255550100.0\"" "fix-up: ... and a '.0' number"
is "$(cell "$FX" 3 7)" "\"'02134\"" \
    "fix-up: a ZIP with a leading zero handed back as text"
is "$(cell "$FX" 3 4)" 4255550100 \
    "fix-up: a number a spreadsheet gives back as is: no guard"

# The person fixes Litware's email and Wingtip's phone, and saves.
S1=$TMP/fixup1-saved.csv
spreadsheet "$FX" "$S1" '3:Email=billing@litware.com' '5:Phone=14255550123'
is "$(cell "$S1" 1 4)" "'1.40E+10" \
    "saved by the spreadsheet: the guarded cell is still text"
run stage "$S1"
is "$(problem_at 2 2 'p.rule')" excel-scientific \
    "run 2: the round trip did not launder 1.40E+10 into a phone"
is "$(row_at 2 2 state)" invalid "run 2: ... the row is held"
is "$(problem_at 2 3 'p.rule')" excel-scientific "run 2: 4.25555E+09 still held"
is "$(problem_at 2 5 'p.rule')" excel-number "run 2: 4255550100.0 still held"
is "$(row_at 2 4 "state || ' ' || postal_code")" "pending 02134" \
    "run 2: the ZIP kept its leading zero through the spreadsheet"
is "$(row_at 2 6 "state || ' ' || phone_number")" "pending 14255550123" \
    "run 2: the full number typed in is taken"

# Next month's file, saved by a spreadsheet that read the cells as numbers
# (another header for the phone: the column is the same).
F3=$TMP/accounts-next.csv
{
	printf 'Customer ID,Company Name,Phone Number,Country\r\n'
	printf '%s,Contoso,14000000000,US\r\n' "$(g 1)"		# 2
	printf '%s,Fabrikam,4255550000,US\r\n' "$(g 2)"		# 3
	printf '%s,Tailspin,4255550100,US\r\n' "$(g 4)"		# 4
	printf '%s,Wingtip,14000000000,US\r\n' "$(g 5)"		# 5
	printf '%s,Northwind,14000000000,US\r\n' "$(g 6)"	# 6
} >"$F3"
run stage "$F3"
is "$(problem_at 3 2 "p.rule || ', ' || p.col || ', ' || p.value")" \
    "rounded-number, Phone Number, 14000000000" \
    "run 3: 14000000000 where 1.40E+10 was held last run: held (rounded-number)"
is "$(row_at 3 2 state)" invalid "run 3: ... the row is invalid"
like "$(problem_at 3 2 p.message)" "digits were lost last run" \
    "run 3: ... the message says the digits were lost last run"
like "$(problem_at 3 2 p.hint)" "enter the full number: last run's '1\.40E\+10'" \
    "run 3: ... the hint says to enter the full number"
like "$err" "column Phone Number: '14000000000': rounded-number: " \
    "run 3: ... on stderr too"
is "$(problem_at 3 3 p.rule)" rounded-number \
    "run 3: 4255550000 where 4.25555E+09 was held: held"
is "$(row_at 3 4 state)" pending \
    "run 3: 4255550100 after 4255550100.0 (no digits lost): taken"
is "$(row_at 3 5 state)" pending \
    "run 3: Wingtip's last run had the full number: 14000000000 taken"
is "$(row_at 3 6 state)" pending \
    "run 3: a customer never held: 14000000000 taken"

done_testing
