#!/bin/sh
# t_refusals.sh: input that is unusable as a whole is refused with exit 65
# (or 64/66 for usage and missing input) and leaves nothing behind: no run,
# no row, no problem, whatever had already been read when the fault showed.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

# refused NAME RC REGEX FILE [STAGE-OPTIONS...]: staging FILE exits RC with
# a message matching REGEX, prints nothing on stdout, stages nothing.
refused() {
	name=$1 want=$2 re=$3 file=$4
	shift 4
	before=$(counts)
	run stage "$@" "$file"
	is "$rc" "$want" "$name: exit $want"
	like "$err" "$re" "$name: the message says why"
	is "$out" "" "$name: nothing on stdout"
	is "$(counts)" "$before" "$name: nothing staged (runs/rows/problems still $before)"
}

HDR='Customer ID,Company Name,Email,Notes'
good_rows() {	# good_rows FROM TO: valid rows
	awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++)
	    printf "11111111-2222-4333-8444-%012d,Company %d,a%d@contoso.com,note %d\n", i, i, i, i }'
}

# --- a refusal on a fresh database -------------------------------------------------
printf 'Company Name,Email\nContoso,a@contoso.com\n' >"$TMP/no-id.csv"
refused "missing customer_id (fresh db)" 65 'customer_id' "$TMP/no-id.csv"
is "$(counts)" 0/0/0 "fresh db: still no run at all"

# --- a real run to compare against ---------------------------------------------------
{ echo "$HDR"; good_rows 1 3; echo "bad-guid,X,,"; } >"$TMP/good.csv"
run stage "$TMP/good.csv"
is "$rc" 1 "baseline run staged (one invalid row)"
base=$(counts)
is "$base" 1/4/1 "baseline: 1 run, 4 rows, 1 problem"

# --- header problems -------------------------------------------------------------------------
refused "missing customer_id column" 65 'customer_id' "$TMP/no-id.csv"
printf 'Customer ID,Notes,Company Name,notes\n%s,a,b,c\n' "$(g 1)" >"$TMP/dup-header.csv"
refused "duplicate header (Notes, notes)" 65 "Notes|notes" "$TMP/dup-header.csv"
printf 'Customer ID,Email,E-mail\n%s,a@b.com,a@b.com\n' "$(g 1)" >"$TMP/dup-email.csv"
refused "two headers for email (Email, E-mail)" 65 'email' "$TMP/dup-email.csv"
printf 'Customer ID,Tenant ID,Company Name\n%s,%s,X\n' "$(g 1)" "$(g 1)" >"$TMP/ambiguous-id.csv"
refused "ambiguous headers (Customer ID, Tenant ID)" 65 'customer_id' "$TMP/ambiguous-id.csv"
printf 'Customer ID,ZIP,Postcode\n%s,98052,98052\n' "$(g 1)" >"$TMP/ambiguous-zip.csv"
refused "ambiguous headers (ZIP, Postcode)" 65 'postal_code' "$TMP/ambiguous-zip.csv"
printf 'Customer ID,Province,State\n%s,WA,WA\n' "$(g 1)" >"$TMP/ambiguous-state.csv"
refused "ambiguous headers (Province, State)" 65 'state' "$TMP/ambiguous-state.csv"

# --- not a CSV file at all --------------------------------------------------------------
python3 - "$TMP" <<'PYEOF'
import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + "/book.xlsx.csv", "w") as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>')
with zipfile.ZipFile(d + "/archive.csv", "w") as z:
    z.writestr("customers.csv", "Customer ID\n")
PYEOF
# A workbook is read whatever its name (t_xlsx.sh): this one has no sheet.
refused "a workbook without a sheet, named .csv" 65 'no visible sheet' "$TMP/book.xlsx.csv"
refused "ZIP archive" 65 'ZIP archive, but not a workbook' "$TMP/archive.csv"
like "$err" 'CSV' "ZIP: names CSV"
printf '\320\317\021\340\241\261\032\341\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' >"$TMP/old.xls"
refused "XLS (Excel 97-2003)" 65 'XLS' "$TMP/old.xls"
like "$err" 'Save As' "XLS: says how to save as CSV"
printf '%%PDF-1.4\n%%\342\343\317\323\n1 0 obj << /Type /Catalog >> endobj\n' >"$TMP/report.pdf"
refused "PDF" 65 'PDF' "$TMP/report.pdf"
like "$err" 'Save As' "PDF: says how to save as CSV"
printf 'Customer ID\n' | gzip >"$TMP/data.csv.gz"
refused "gzip" 65 'gzip' "$TMP/data.csv.gz"
head -c 2000 /dev/zero | tr '\0' '\001' >"$TMP/binary.csv"
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' >>"$TMP/binary.csv"
refused "binary (NUL bytes)" 65 '.' "$TMP/binary.csv"

# --- empty and header-only ------------------------------------------------------------------
: >"$TMP/empty.csv"
refused "empty file" 65 'empty' "$TMP/empty.csv"
printf '\357\273\277' >"$TMP/bom-only.csv"
refused "UTF-8 BOM only" 65 '.' "$TMP/bom-only.csv"
printf '\n\r\n\n' >"$TMP/blank-lines.csv"
refused "blank lines only" 65 '.' "$TMP/blank-lines.csv"
printf '%s\n' "$HDR" >"$TMP/header-only.csv"
refused "header only" 65 'row' "$TMP/header-only.csv"
printf '%s\r\n,,,\r\n\r\n , , , \r\n' "$HDR" >"$TMP/header-blank.csv"
refused "header and blank records only" 65 'row' "$TMP/header-blank.csv"
printf '\377\376' >"$TMP/utf16-bom-only.csv"
refused "UTF-16 BOM only" 65 '.' "$TMP/utf16-bom-only.csv"

# --- encoding faults ----------------------------------------------------------------------------
{ echo "$HDR"; good_rows 1 1; printf '%s,Caf\351,,\n' "$(g 2)"; good_rows 3 4; } >"$TMP/latin1.csv"
refused "invalid UTF-8 on line 3" 65 'latin1\.csv:3:' "$TMP/latin1.csv"
like "$err" -- '--encoding' "invalid UTF-8: suggests --encoding"
# The fault after 256 KiB of good rows: those rows must not stay.
{ echo "$HDR"; good_rows 1 4000; printf '%s,Caf\351,,\n' "$(g 4001)"; good_rows 4002 4010; } >"$TMP/late-bad.csv"
refused "invalid UTF-8 on line 4002, past the first 256 KiB" 65 'late-bad\.csv:4002:' "$TMP/late-bad.csv"
{ echo "$HDR"; good_rows 1 2; printf '%s,Caf\303' "$(g 3)"; } >"$TMP/truncated.csv"
refused "a UTF-8 sequence cut off at the end" 65 'truncated\.csv:4:' "$TMP/truncated.csv"
{ echo "$HDR"; good_rows 1 2; } | iconv -f UTF-8 -t GB18030 >"$TMP/gb.csv"
printf '%s,\201\060,,\n' "$(g 3)" >>"$TMP/gb.csv"
refused "bytes that are not GB18030 with --encoding GB18030" 65 'gb\.csv:4:' "$TMP/gb.csv" --encoding GB18030
{ printf '\377\376'; { echo "$HDR"; good_rows 1 2; } | iconv -f UTF-8 -t UTF-16LE; } >"$TMP/u16.csv"
refused "a UTF-16 BOM with --encoding GB18030" 65 'UTF-16' "$TMP/u16.csv" --encoding GB18030
{ cat "$TMP/u16.csv"; printf 'x'; } >"$TMP/u16-odd.csv"
refused "UTF-16 with an odd number of bytes" 65 '.' "$TMP/u16-odd.csv"

# --- malformed CSV --------------------------------------------------------------------------------
{ echo "$HDR"; good_rows 1 1; printf '%s,"Contoso,,\n' "$(g 2)"; good_rows 3 5; } >"$TMP/open-quote.csv"
refused "unterminated quote" 65 'open-quote\.csv:3:' "$TMP/open-quote.csv"
{ echo "$HDR"; good_rows 1 3000; printf '%s,"Contoso,,\n' "$(g 3001)"; good_rows 3002 3010; } >"$TMP/late-quote.csv"
refused "unterminated quote on line 3002 after 256 KiB" 65 'late-quote\.csv:3002:' "$TMP/late-quote.csv"
{ echo "$HDR"; good_rows 1 1; printf '%s,"Contoso" Ltd,,\n' "$(g 2)"; good_rows 3 5; } >"$TMP/stray-quote.csv"
refused "text after a closing quote" 65 'stray-quote\.csv:3:' "$TMP/stray-quote.csv"

# --- limits ------------------------------------------------------------------------------------------
big() {	# big N: N x's
	head -c "$1" /dev/zero | tr '\0' x
}
{ echo "$HDR"; printf '%s,Contoso,,%s\n' "$(g 1)" "$(big 131068)"; } >"$TMP/field-max.csv"
run --db "$TMP/limit.db" stage "$TMP/field-max.csv"
is "$rc" 0 "a field of exactly 131068 bytes is accepted"
{ echo "$HDR"; good_rows 1 2; printf '%s,Contoso,,%s\n' "$(g 3)" "$(big 131069)"; } >"$TMP/field-big.csv"
refused "a field of 131069 bytes" 65 'field-big\.csv:4: .*131068' "$TMP/field-big.csv"
{ echo "$HDR"; good_rows 1 2; printf '%s,Contoso,,"%s"\n' "$(g 3)" "$(big 131069)"; } >"$TMP/field-big-q.csv"
refused "a quoted field of 131069 bytes" 65 'field-big-q\.csv:4: .*131068' "$TMP/field-big-q.csv"
awk 'BEGIN { printf "Customer ID"; for (i = 2; i <= 16385; i++) printf ",c%d", i; printf "\n11111111-2222-4333-8444-000000000001\n" }' >"$TMP/cols-header.csv"
refused "16385 columns in the header" 65 '16384' "$TMP/cols-header.csv"
{ echo "$HDR"; good_rows 1 1; awk 'BEGIN { printf "11111111-2222-4333-8444-000000000002"; for (i = 2; i <= 16385; i++) printf ","; printf "\n" }'; } >"$TMP/cols-row.csv"
refused "16385 columns in a row" 65 'cols-row\.csv:3: .*16384' "$TMP/cols-row.csv"
F=$(big 110000)
{ echo "$HDR"; good_rows 1 1; printf '%s' "$(g 2)"; i=0; while [ $i -lt 39 ]; do printf ',%s' "$F"; i=$((i + 1)); done; echo; } >"$TMP/record-big.csv"
refused "a record over 4 MiB" 65 'record-big\.csv:3: .*(4194304|4 MiB)' "$TMP/record-big.csv"

# --- the same file again ------------------------------------------------------------------------------
refused "the same file again" 65 'run 1([^0-9]|$)' "$TMP/good.csv"
cp "$TMP/good.csv" "$TMP/good-copy.csv"
refused "the same bytes under another name" 65 'run 1([^0-9]|$)' "$TMP/good-copy.csv"

# --- usage and missing input also stage nothing ------------------------------------------------------
refused "missing file" 66 'nope\.csv' "$TMP/nope.csv"
refused "unknown --encoding" 64 'NO-SUCH' "$TMP/latin1.csv" --encoding NO-SUCH
refused "bad --delimiter" 64 'delimiter' "$TMP/latin1.csv" --delimiter xy

is "$(counts)" "$base" "after every refusal: still only the baseline run"
is "$(sql 'PRAGMA journal_mode')" wal "after every refusal: the database is still in WAL mode"
is "$(stat -c %a "$IMPORTER_DB")" 600 "after every refusal: the database is still 0600"
run --json history
is "$(printf '%s' "$out" | grep -c '"run"')" 1 "history lists only the baseline run"

# --- killed in the middle of staging: the transaction leaves nothing -----------------------
awk 'BEGIN { print "Customer ID,Company Name,Email,City"
    for (i = 1; i <= 300000; i++)
	printf "11111111-2222-4333-8444-%012d,Company %d,a%d@contoso.com,City %d\n", i, i, i, i }' \
    >"$TMP/big.csv"
before=$(counts)
# shellcheck disable=SC2086
$VALGRIND "$IMPORTER" stage "$TMP/big.csv" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 200 ] && [ ! -e "$IMPORTER_DB-journal" ]; do
	sleep 0.01
	i=$((i + 1))
done
sleep 0.05
if kill -9 "$pid" 2>/dev/null; then
	wait "$pid" 2>/dev/null
	is "$(counts)" "$before" "killed mid-stage (kill -9): nothing staged"
	is "$(sql 'PRAGMA integrity_check')" ok "killed mid-stage: the database is intact"
	run --json history
	is "$(printf '%s' "$out" | grep -c '"run"')" 1 "killed mid-stage: history still lists only the baseline run"
else
	wait "$pid" 2>/dev/null
	ok 0 "killed mid-stage # SKIP the stage finished before it could be killed"
fi

done_testing
