#!/bin/sh
# t_calc.sh: a real spreadsheet application, both ways. A workbook with
# typed cells (ZIPs as numbers formatted 00000, phones as numbers, a
# number in scientific format, an Alt+Enter cell, German, French, Japanese
# and Chinese rows, a no-break space, padded cells, an empty row, a formula
# giving #N/A, a Total row) is saved by LibreOffice Calc (headless) as CSV
# in UTF-8 (',' ';' tab), UTF-16, Windows-1252, Shift_JIS and GB18030; each
# is run against a sandbox. Every field the sandbox holds then is what the
# workbook showed, or the row was not sent and says why. The fix-up CSV is
# opened in Calc, edited, saved back and staged again, twice; the XLSX
# report is converted by Calc to PDF and to CSV per sheet.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require soffice curl sqlite3
require_openpyxl
CALC_PY=$TESTS_SRCDIR/calc.py

# calc ARGS...: soffice headless with a profile of this script's own (runs
# never share one); its output goes to soffice.log. The status of soffice.
# $VALGRIND is for the importer: soffice's launcher would run itself
# under valgrind when it is set.
LO_PROFILE="file://$TMP/lo-profile"
calc() {
	VALGRIND= soffice "-env:UserInstallation=$LO_PROFILE" --headless "$@" \
	    </dev/null >>"$TMP/soffice.log" 2>&1
}
# The CSV filter's options: separator, quote, character set, first line,
# column formats, language, quoted as text, special numbers, as shown.
csv_filter() {	# csv_filter SEP CHARSET
	printf 'csv:Text - txt - csv (StarCalc):%s,34,%s,1,,0,false,true,true' \
	    "$1" "$2"
}
# How Calc opens a CSV with its import dialog's defaults (no special
# numbers: 1.40E+10 becomes 14000000000).
csv_open() {	# csv_open SEP CHARSET
	printf 'CSV:%s,34,%s,1,,0,false,false' "$1" "$2"
}

token_set calc
GUID_PREFIX=66666666-0000-4000-8000
"$PY" "$CALC_PY" workbook "$TMP/workbook.xlsx" "$TMP/shown.json" \
    "$TMP/seed.csv" "$GUID_PREFIX"
ok $? "the workbook is written (openpyxl)"

# name separator charset(LibreOffice's token) importer's --encoding
VARIANTS='utf8-comma 44 76 -
utf8-semicolon 59 76 -
utf8-tab 9 76 -
utf16-tab 9 65535 -
cp1252 44 1 WINDOWS-1252
shift-jis 44 64 SHIFT_JIS
gb18030 44 85 GB18030'

# The workbook saved as CSV in every variant: one soffice a variant.
mkdir -p "$TMP/csv"
echo "$VARIANTS" | while read -r vn sep cs enc; do
	cp "$TMP/workbook.xlsx" "$TMP/csv/$vn.xlsx"
	calc --convert-to "$(csv_filter "$sep" "$cs")" --outdir "$TMP/csv" \
	    "$TMP/csv/$vn.xlsx"
done
n=0
for name in $(echo "$VARIANTS" | cut -d' ' -f1); do
	[ -s "$TMP/csv/$name.csv" ] && n=$((n + 1))
done
is "$n" 7 "Calc saved the workbook as CSV in 7 variants"
# What Calc wrote is what each variant says (a check of the tokens).
head -c 3 "$TMP/csv/utf16-tab.csv" | od -An -tx1 | tr -d ' \n' >"$TMP/bom"
is "$(cut -c1-4 "$TMP/bom")" fffe "utf16-tab: UTF-16LE with a BOM"
is "$(grep -c "$(printf 'M\374ller')" "$TMP/csv/cp1252.csv")" 1 \
    "cp1252: Müller in Windows-1252"
is "$(iconv -f SHIFT_JIS -t UTF-8 "$TMP/csv/shift-jis.csv" 2>/dev/null |
    grep -c '山田')" 1 "shift-jis: 山田 in Shift_JIS"
is "$(iconv -f GB18030 -t UTF-8 "$TMP/csv/gb18030.csv" 2>/dev/null |
    grep -c '北京测试')" 1 "gb18030: 北京测试 in GB18030"
like "$(cat "$TMP/csv/utf8-semicolon.csv")" "^Customer ID;Company Name;" \
    "utf8-semicolon: ';' between cells"
like "$(cat "$TMP/csv/utf8-comma.csv")" ",1.43E\+10," \
    "the phone in scientific format is saved as shown"
like "$(cat "$TMP/csv/utf8-comma.csv")" ",02134," \
    "the ZIP formatted 00000 is saved as shown"

# A variant's job: run, then the fix-up through Calc, twice. The sandbox
# is checked against the workbook after each round.
# check_round NAME ROUND: the sandbox against what the workbook showed.
check_round() {
	admin GET /_admin/accounts >"$TMP/$1/accounts.json"
	is "$("$PY" "$CALC_PY" verify "$TMP/$1/shown.json" "$TMP/seed.csv" \
	    "$TMP/$1/accounts.json" "$IMPORTER_DB" 2>&1)" "" \
	    "$1 round $2: every field the sandbox holds is the workbook's, or the row was not sent and says why"
}
# states: each customer's state in the latest run ("N:state"; the Total
# row is no customer: skipped at stage), the British phone typed as a
# number aside (item 4, below).
states() {
	"$PY" "$CALC_PY" states "$IMPORTER_DB" | sed 's/ 9:[^ ]*//'
}
# rules_of N: the rules of customer N's problems in the latest run.
rules_of() {
	sql "select group_concat(rule, ' ') from (select distinct p.rule from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.customer_id = '$(g "$1")' order by p.rule)"
}
# state_of N: customer N's state in the latest run.
state_of() {
	sql "select coalesce(o.state, r.state) || case when o.review then '/review' else '' end from run_row r left join outcome o on o.row = r.id where r.run = (select max(id) from run) and r.customer_id = '$(g "$1")'"
}
# held_in VARIANT: the customers whose rows have characters the variant's
# legacy encoding has not (the no-break space too): held (lost-character).
held_in() {
	case $1 in
	cp1252)		echo 4 5 ;;
	shift-jis)	echo 1 2 3 5 ;;
	esac
}
# expect VARIANT ROUND: the states the rows must end in.
expect() {
	case $2 in
	0)	want="1:applied 2:applied 3:applied 4:applied 5:applied 6:applied 7:invalid 8:invalid 10:invalid" ;;
	1)	want="1:x 2:x 3:x 4:x 5:x 7:applied 8:invalid 10:applied" ;;
	2)	want="1:x 2:x 3:x 4:x 5:x 8:applied" ;;
	esac
	for h in $(held_in "$1"); do
		want=$(echo "$want" | sed "s/\b$h:[a-z]*/$h:invalid/")
	done
	echo "$want" | sed 's/ [0-9]*:x//g; s/^[0-9]*:x //'
}
# latest_fixup: the newest fix-up CSV in reports/.
latest_fixup() {
	ls -t reports/*-fixup.csv 2>/dev/null | head -n 1
}

echo "$VARIANTS" >"$TMP/variants"
while read -r vn sep cs enc; do
	mkdir -p "$TMP/$vn"
	cd "$TMP/$vn" || bail_out "no folder $TMP/$vn"
	cp "$TMP/shown.json" shown.json
	cp "$TMP/csv/$vn.csv" "accounts-$vn.csv"
	IMPORTER_DB=$TMP/$vn/importer.db
	export IMPORTER_DB
	encopt=
	[ "$enc" = - ] || encopt="--encoding $enc"
	sandbox_start "sb-$vn" --token "$TOKEN" --accounts "$TMP/seed.csv" ||
	    bail_out "$vn: the sandbox did not start"

	# shellcheck disable=SC2086
	run run "accounts-$vn.csv" $encopt --endpoint "$BASE" --yes
	first_out=$out
	is "$rc" 1 "$vn: run ends, rows that need a person (exit 1)"
	[ "$rc" -le 1 ] || printf '# %s\n' "$err" | head -n 5
	check_round "$vn" 0
	is "$(states)" "$(expect "$vn" 0)" "$vn: the rows sent and the rows held"
	for h in $(held_in "$vn"); do
		is "$(rules_of "$h")" lost-character \
		    "$vn: customer $h held: characters $vn has not (lost-character)"
	done
	is "$(rules_of 8)" excel-scientific \
	    "$vn: the phone shown as 1.43E+10 is held (excel-scientific)"
	like "$(state_of 9)" "^(pending/review|invalid)$" \
	    "$vn: a British phone typed as a number (442079460000: + lost) is not sent unreviewed"

	r=1
	while [ $r -le 2 ]; do
		fix=$(latest_fixup)
		if [ -z "$fix" ]; then
			ok 1 "$vn round $r: a fix-up CSV in reports/"
			break
		fi
		base=$(basename "$fix" .csv)
		mkdir -p "r$r"
		calc --infilter="$(csv_open "$sep" "$cs")" --convert-to xlsx \
		    --outdir "r$r" "$fix"
		"$PY" "$CALC_PY" edit "r$r/$base.xlsx" "r$r/fixup-r$r.xlsx" $r \
		    shown.json
		calc --convert-to "$(csv_filter "$sep" "$cs")" --outdir "r$r" \
		    "r$r/fixup-r$r.xlsx"
		if [ ! -s "r$r/fixup-r$r.csv" ]; then
			ok 1 "$vn round $r: Calc opened, and saved back, the fix-up"
			break
		fi
		# shellcheck disable=SC2086
		run run "r$r/fixup-r$r.csv" $encopt --endpoint "$BASE" --yes
		ok $([ "$rc" -le 1 ]; echo $?) \
		    "$vn round $r: the fix-up saved by Calc runs (exit $rc)"
		[ "$rc" -le 1 ] || printf '# %s\n' "$err" | head -n 5
		check_round "$vn" $r
		is "$(states)" "$(expect "$vn" $r)" \
		    "$vn round $r: the rows sent and the rows held"
		if [ $r = 1 ]; then
			# Calc kept the guarded cell as text: not 14300000000.
			cat "r1/fixup-r1.csv" | { [ "$cs" = 65535 ] &&
			    iconv -f UTF-16 -t UTF-8 || cat; } >r1/fixup-r1.utf8
			like "$(grep "$(g 8)" r1/fixup-r1.utf8)" \
			    "[,;	]'1\.43E\+10[,;	]" \
			    "$vn round 1: the fix-up's 1.43E+10, saved by Calc, is still text"
			is "$(rules_of 8)" excel-scientific \
			    "$vn round 1: ... and still held: the round trip did not launder it"
		fi
		r=$((r + 1))
	done
	if [ "$vn" = shift-jis ]; then
		# The wave dash came back from Shift_JIS as the fullwidth
		# tilde; the same workbook in UTF-8 changes nothing then.
		run --db "$TMP/wave.db" run "$TMP/csv/utf8-comma.csv" \
		    --endpoint "$BASE" --yes
		is "$(IMPORTER_DB=$TMP/wave.db state_of 4)" \
		    unchanged "the workbook's 〜 against the service's ～: unchanged"
	fi
	if [ "$vn" = utf8-comma ]; then
		# A record with a line break is one spreadsheet row.
		like "$(printf '%s\n' "$first_out" | sed -n 1p)" \
		    "1 summary row skipped \\(row 13, 'Total'\\)" \
		    "the Total row is skipped as row 13 (a quoted line break before it)"
		# The report, as Calc opens it: PDF, and CSV per sheet.
		mkdir -p report
		cp reports/accounts-utf8-comma-run1.xlsx report/run1.xlsx
		calc --convert-to pdf --outdir report report/run1.xlsx
		calc --convert-to "$(csv_filter 44 76),false,false,-1" \
		    --outdir report report/run1.xlsx
		like "$(head -c 5 report/run1.pdf 2>/dev/null)" "^%PDF-" \
		    "the report converts to PDF in Calc"
		is "$(ls report/run1-*.csv 2>/dev/null | wc -l)" \
		    "$("$PY" -c 'import openpyxl, sys; print(len(openpyxl.load_workbook(sys.argv[1]).sheetnames))' report/run1.xlsx)" \
		    "the report converts to CSV per sheet in Calc, every sheet"
		is "$("$PY" "$CALC_PY" report report/run1.xlsx report/run1 2>&1)" \
		    "" "the report's sheets: what Calc shows is what openpyxl reads"
		unlike "$(cat "$TMP/soffice.log")" "Error" "Calc reported no error"
	fi
	sandbox_stop
	cd "$TMP" || bail_out "no $TMP"
done <"$TMP/variants"


done_testing
