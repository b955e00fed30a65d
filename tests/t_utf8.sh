#!/bin/sh
# t_utf8.sh: whole characters, everywhere. A file full of multi-byte values
# that trigger every rule with a message, some cut for display at the very
# byte a character straddles, goes through stage, check (a snapshot),
# plan, report and fix-up; every message, hint and value in the database,
# every line on stderr, every cell of the XLSX and every byte of the
# fix-up CSV must be valid UTF-8 with no replacement character, and the
# fix-up must stage again with no options. Full-width digits, dashes and
# a postal mark in phones and postal codes are read as ASCII.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require_openpyxl
require sqlite3

rep() {	# rep N TEXT: TEXT N times
	"$PY" -c 'import sys; sys.stdout.write(sys.argv[2] * int(sys.argv[1]))' "$@"
}

# An unknown column whose long name is cut in the report's outcome cell
# (1,023 bytes) and was cut in the fix-up's error cell (511): two ASCII
# bytes first, so both cuts land inside a character.
NOTE="XY$(rep 400 備)"
# A value shown on stderr after 60 characters (it was 60 bytes: 'A' puts
# byte 60 inside a character).
LONG="A$(rep 300 漢)"
# An Excel error quoted in its message after 20 bytes: byte 20 is inside
# the trailing ideographic space.
NA="#N/A$(rep 15 ' ')　"
G1=$(g 1) G2=$(g 2) G3=$(g 3) G4=$(g 4) G5=$(g 5) G6=$(g 6) G7=$(g 7)
G8=$(g 8) G9=$(g 9) G10=$(g 10) G11=$(g 11) G12=$(g 12)

{
	echo "customer_id,company_name,email,phone_number,postal_code,city,country,culture,language,$NOTE"
	echo "$G1,日本データ株式会社,,03-8291-9308 内線12,100-0001,東京,JP,ja-JP,ja,"	# 2
	echo "$G2,株式会社サンプル,,０３－１２３４－５６７８,〒１００－０００１,大阪,JP,,,"	# 3
	echo "$G3,Tailspin,,（０３）１２３４　５６７８,〒 １００ー０００１,,JP,,,"	# 4
	echo "$G4,$LONG,,٠٣١٢٣٤٥٦٧٨,100-0001,京都,JP,,,"			# 5
	echo "$G5,Alpha,,+81 3 1234 ①,百-0001,札幌,JP,,,"			# 6
	echo "$G6,Beta,,4.25555E+09,98052.0,神戸,JP,,,"			# 7
	echo "$G7,$NA,,,,福岡,JP,,,"						# 8
	echo "$G8,Gamma,,,,仙台,JP,,,#N/A"					# 9
	echo "$G9,Ωmega,名前@例,,,京$(printf '\001')都,日本,日本-JP,日本語,"	# 10
	echo ",無名,,,,広島,JP,,,"						# 11
	echo "不是GUID,株式会社,,,,奈良,JP,,,"					# 12
	echo "$G10,<clear>,,,,堺,JP,,,"						# 13
	echo "$G11,競合一,,,,那覇,JP,,,"					# 14
	echo "$G11,競合二,,,,那覇,JP,,,"					# 15
	echo "$G12,未登録株式会社,,,,長野,JP,,,"				# 16
} >"$TMP/in.csv"
{
	echo "customer_id,company_name,phone_number,postal_code,country"
	echo "$G2,株式会社サンプル,03-0000-0000,100-0001,JP"
	echo "$G3,Tailspin,(03)1234 5678,100-0001,JP"
} >"$TMP/snap.csv"

run stage "$TMP/in.csv"
is "$rc" 1 "stage: exit 1 (invalid rows)"
printf '%s' "$err" >"$TMP/stage.err"
cp "$TMP/stage.err" "$TMP/stage1.err"

prob() {	# prob LINE RULE: a row's problem message of RULE, run 1
	sql "select p.message from row_problem p join run_row r on r.id = p.row where r.run = 1 and r.line = $1 and p.rule = '$2'"
}

# --- messages name whole characters ------------------------------------
is "$(prob 2 phone)" "'内' (U+5185) is not allowed in a phone number" \
    "phone: the character and its code point, not half of it"
like "$err" "column phone_number: '03-8291-9308 内線12': phone: '内' \\(U\\+5185\\)" \
    "phone: stderr names the character"
is "$(prob 5 phone)" "'٠' (U+0660) is a digit of another script; a phone number is written with the digits 0-9" \
    "phone: a digit of another script says so"
is "$(prob 6 phone)" "'①' (U+2460) is not allowed in a phone number" \
    "phone: a circled digit is refused, named"
is "$(prob 6 postal-code)" "not a JP postal code: '百' (U+767E) is neither a digit nor a Latin letter" \
    "postal code: the character no shape has is named"
is "$(prob 8 excel-error)" "'#N/A               ' is a spreadsheet's error value, not data" \
    "excel-error: the value cut at 20 bytes keeps its characters whole"
like "$err" "'A$(rep 59 漢)\\.\\.\\.'" \
    "stderr: a long value is cut after 60 characters, whole"

# --- full-width digits, dashes, spaces and the postal mark are ASCII -----
is "$(sql "select phone_number || '|' || postal_code || '|' || state from run_row where run = 1 and line = 3")" \
    "03-1234-5678|100-0001|pending" "width: full-width phone and 〒 postal code staged as ASCII"
is "$(sql "select phone_number || '|' || postal_code from run_row where run = 1 and line = 4")" \
    "(03)1234 5678|100-0001" "width: full-width brackets, ideographic space, 〒 and a space, ー as a dash"
is "$(sql "select fixes & 64 from run_row where run = 1 and line = 3")" 64 \
    "width: recorded as a normalization (fixes bit 0x40)"
like "$out" "normalized \\(not counted as changes\\):.* width 2 rows" \
    "width: the summary counts it as a normalization"

run check --snapshot "$TMP/snap.csv"
is "$(outc 1 3 o.state)" pending "check: the full-width phone is a change (the account has another)"
is "$(outc 1 4 o.state)" unchanged "check: full-width digits equal to the account's are no change"
is "$(sql "select c.new from plan_change c join run_row r on r.id = c.row where r.run = 1 and r.line = 3 and c.col = 5")" \
    "03-1234-5678" "plan: the value sent is the ASCII one"
run plan
like "$out" "03-0000-0000.*03-1234-5678" "plan: shows the ASCII phone"

run report -o "$TMP/r.xlsx" --errors-csv "$TMP/fix.csv"
is "$rc" 1 "report: written"
printf '%s' "$err" >>"$TMP/stage.err"

# --- every byte is UTF-8 -------------------------------------------------
cat >"$TMP/utf8.py" <<'EOF'
import sqlite3, sys, zipfile, openpyxl
db, xlsx, fix, errs = sys.argv[1:5]
bad = []
def check(what, b):
    if b is None:
        return
    try:
        t = b.decode("utf-8")
    except UnicodeDecodeError as e:
        bad.append("%s: not UTF-8: %r" % (what, b[max(0, e.start - 8):e.end + 8]))
        return
    if "\ufffd" in t:
        bad.append("%s: U+FFFD" % what)
con = sqlite3.connect(db)
con.text_factory = bytes
for row in con.execute("select p.id, p.rule, p.value, p.message, p.hint from row_problem p"):
    for name, v in zip(("rule", "value", "message", "hint"), row[1:]):
        check("row_problem %d %s" % (row[0], name), v)
cols = [r[1].decode() for r in con.execute("pragma table_info(run_row)")]
for row in con.execute("select * from run_row"):
    for name, v in zip(cols, row):
        if isinstance(v, bytes) and name not in ("raw", "extra"):
            check("run_row %s" % name, v)
for row in con.execute("select message from outcome"):
    check("outcome message", row[0])
with zipfile.ZipFile(xlsx) as z:
    for n in z.namelist():
        check("xlsx part " + n, z.read(n))
wb = openpyxl.load_workbook(xlsx)
for ws in wb:
    for r in ws.iter_rows(values_only=True):
        for v in r:
            if isinstance(v, str) and "\ufffd" in v:
                bad.append("xlsx %s: U+FFFD in %r" % (ws.title, v[:40]))
check("fix-up CSV", open(fix, "rb").read())
check("stderr", open(errs, "rb").read())
print("\n".join(bad) if bad else "all UTF-8")
EOF
is "$("$PY" "$TMP/utf8.py" "$IMPORTER_DB" "$TMP/r.xlsx" "$TMP/fix.csv" "$TMP/stage.err" 2>&1 | head -20)" \
    "all UTF-8" "every message, value, XLSX cell, fix-up byte and stderr line is whole UTF-8"
like "$(cat "$TMP/fix.csv")" "phone_number: [a-z-]*: ?'内' \\(U\\+5185\\) is not allowed" \
    "fix-up: the error cell names the character"
is "$(head -1 "$TMP/fix.csv" | tr -d '\r')" \
    "customer_id,company_name,email,phone_number,postal_code,city,country,culture,language,$NOTE,error" \
    "fix-up: the long header written whole"

# --- the fix-up stages again, as it is -----------------------------------
run stage "$TMP/fix.csv"
is "$rc" 1 "fix-up: stages again with no options (exit 1: rows still invalid)"
[ "$rc" = 1 ] || printf '# stderr: %s\n' "$err"
is "$(sql "select encoding from run where id = 2")" UTF-8 "fix-up: read as UTF-8"
is "$(sql "select count(*) from run_row where run = 2")" \
    "$(($(wc -l <"$TMP/fix.csv") - 1))" \
    "fix-up: every row that needs a person"
is "$(sql "select count(*) from run_row a join run_row b on b.run = 2 and b.customer_id = a.customer_id and b.phone_number is a.phone_number and b.company_name is a.company_name where a.run = 1 and a.customer_id in ('$G1', '$G4', '$G5', '$G12')")" \
    4 "fix-up: values unchanged after the round trip"
is "$(sql "select p.message from row_problem p join run_row r on r.id = p.row where r.run = 2 and r.customer_id = '$G1' and p.rule = 'phone'")" \
    "'内' (U+5185) is not allowed in a phone number" "fix-up: the same problem found again"

done_testing
