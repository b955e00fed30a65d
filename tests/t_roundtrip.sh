#!/bin/sh
# t_roundtrip.sh: the program reads its own fix-up CSV back. A Shift_JIS
# (CP932), GB18030 or Windows-1252 file with too few non-ASCII bytes for
# its charset to be told for sure is staged with --encoding, checked
# against a snapshot so rows fail, and reported; its fix-up CSV, written in
# the same encoding, stages again with no options (read in the encoding of
# the database's earlier run, and the summary says so), as written and
# after a spreadsheet saves it again in that encoding (iconv here: decoded,
# a cell fixed, line ends changed, encoded again). A database that never
# saw the encoding still refuses such a file, suggesting the encoding the
# bytes read plausibly in first (not Windows-1252 for Japanese text).
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require sqlite3 iconv

G1=$(g 1) G2=$(g 2) G3=$(g 3)

# trip NAME ENCODING COUNTRY COMPANY CITY: one round trip. Row 2 (G1) is
# invalid for its email, row 3 (G2, COMPANY in CITY) is not in the
# snapshot, row 4 (G3) is.
trip() {
	name=$1 enc=$2 cc=$3 company=$4 city=$5
	email=not-an-email fixed=billing@contoso.example
	IMPORTER_DB="$TMP/$name.db"
	{
		echo "customer_id,company_name,email,city,country"
		echo "$G1,Contoso,$email,Springfield,$cc"
		echo "$G2,$company,,$city,$cc"
		echo "$G3,Tailspin,,Shelbyville,$cc"
	} | iconv -f UTF-8 -t "$enc" >"$TMP/$name.csv"
	printf 'customer_id,company_name,country\n%s,Tailspin Old,%s\n' \
	    "$G3" "$cc" >"$TMP/$name-snap.csv"

	IMPORTER_DB="$TMP/$name-first.db"
	run stage "$TMP/$name.csv"
	is "$rc" 65 "$name: the input alone cannot be told for sure (refused without --encoding)"
	like "$err" "name it with --encoding: $enc " "$name: the refusal suggests $enc first"
	IMPORTER_DB="$TMP/$name.db"
	run stage --encoding "$enc" "$TMP/$name.csv"
	is "$rc" 1 "$name: staged with --encoding $enc"
	run check --snapshot "$TMP/$name-snap.csv"
	run report -o "$TMP/$name.xlsx" --errors-csv "$TMP/$name-fix.csv"
	is "$rc" 1 "$name: report and fix-up written"
	iconv -f "$enc" -t UTF-8 "$TMP/$name-fix.csv" >"$TMP/$name-fix.u8" 2>/dev/null
	ok $? "$name: the fix-up CSV is in $enc"
	like "$(cat "$TMP/$name-fix.u8")" "$company" "$name: it holds the row not found"

	# As written.
	run --json stage "$TMP/$name-fix.csv"
	is "$rc" 1 "$name: the fix-up stages again with no options"
	[ "$rc" = 1 ] || printf '# stderr: %s\n' "$err"
	jsnap
	is "$(jv encoding)" "$enc" "$name: read as $enc"
	is "$(jv encoding_of_run)" 1 "$name: the encoding of run 1 (JSON)"
	is "$(sql "select group_concat(company_name || '|' || coalesce(email, '') || '|' || city, ' ') from (select * from run_row where run = 2 order by line)")" \
	    "Contoso|$email|Springfield $company||$city" \
	    "$name: values as they were staged the first time"
	is "$(sql "select count(*) from row_problem p join run_row r on r.id = p.row where r.run = 2 and p.rule = 'email'")" \
	    1 "$name: the email is still refused"

	# Saved again by a spreadsheet: the email fixed, the error cells
	# emptied, LF line ends.
	"$PY" -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(rows[0])
for r in rows[1:]:
    w.writerow([c.replace(sys.argv[2], sys.argv[3]) for c in r[:-1]] + [""])
' "$TMP/$name-fix.u8" "$email" "$fixed" |
	    iconv -f UTF-8 -t "$enc" >"$TMP/$name-resaved.csv"
	run stage "$TMP/$name-resaved.csv"
	is "$rc" 0 "$name: the fix-up saved again in $enc stages with no options, every row valid"
	[ "$rc" = 0 ] || printf '# stderr: %s\n' "$err"
	like "$out" "read as $enc, the encoding of run 2" "$name: the summary says which run's encoding it was read in"
	is "$(sql "select group_concat(company_name || '|' || coalesce(email, '') || '|' || city, ' ') from (select * from run_row where run = 3 order by line)")" \
	    "Contoso|$fixed|Springfield $company||$city" \
	    "$name: values read back, the fixed email with them"

	# A database that never saw the encoding still refuses it.
	IMPORTER_DB="$TMP/$name-new.db"
	run stage "$TMP/$name-fix.csv"
	is "$rc" 65 "$name: a new database still refuses the fix-up without --encoding"
}

trip sjis CP932 JP 東京 Tokyo
trip gb18030 GB18030 CN 北京 Beijing
trip cp1252 WINDOWS-1252 DE 'Café Müller' Köln

# A UTF-8 file is UTF-8, whatever the database read before.
IMPORTER_DB="$TMP/sjis.db"
printf 'customer_id,company_name\n%s,Café\n' "$G1" >"$TMP/u8.csv"
run --json stage "$TMP/u8.csv"
jsnap
is "$(jv encoding)/$(jv encoding_detected)" "UTF-8/False" "UTF-8 after CP932 runs: UTF-8, not guessed"
jhas encoding_of_run
ok $((! $?)) "UTF-8 after CP932 runs: no earlier run's encoding"

done_testing
