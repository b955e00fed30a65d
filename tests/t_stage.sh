#!/bin/sh
# t_stage.sh: importer stage on well-formed files: counts, row states, what
# the database holds (NULL = leave unchanged, '' = clear), unknown columns,
# JSON, exit 0/1, duplicates and conflicts, blank and ragged records,
# physical line numbers, re-staging, database mode and journal, -q and -v.
# shellcheck disable=SC2059,SC1111
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

umask 022	# the database must be 0600 even so

G1=$(g 1) G2=$(g 2) G3=$(g 3) G4=$(g 4) G5=$(g 5)

# --- happy path --------------------------------------------------------------
f="$TMP/happy.csv"
{
	echo 'Customer ID,Company Name,First Name,Last Name,Email Address,Phone,Address Line 1,Address Line 2,City,Province,ZIP,Country,Notes,Cost Center'
	echo "$G1,Contoso Ltd,Ann,Lee,billing@contoso.com,+1 425 555 0100,1 Microsoft Way,<clear>,Redmond,WA,98052,US,first note,CC-1"
	echo "$G2,Fabrikam,,,,,,,,,,,,"
	echo "$G3,Northwind,Bob,,bob@northwind.example,,,,London,,SW1A 1AA,GB,,CC-3"
} >"$f"
run stage "$f"
is "$rc" 0 "happy: exit 0"
like "$out" '^staged run 1 ' "happy: summary names run 1"
like "$out" '3 rows: 3 valid, 0 invalid, 0 duplicate' "happy: summary counts"
like "$out" 'unknown columns, kept for the report: Notes, Cost Center' \
    "happy: unknown columns listed in the summary"
unlike "$err" 'happy\.csv:[0-9]+:' "happy: no row problems on stderr"
is "$(sql 'select count(*) from run')" 1 "happy: one run"
is "$(sql 'select count(*) from run_row where run = 1')" 3 "happy: three rows"
is "$(sql "select group_concat(state) from (select state from run_row order by line)")" \
    "pending,pending,pending" "happy: every valid row is 'pending'"
is "$(sql "select group_concat(line) from (select line from run_row order by line)")" \
    "2,3,4" "happy: physical line numbers 2, 3, 4"
is "$(sql "select customer_id from run_row where line = 2")" "$G1" \
    "happy: customer_id stored"
is "$(sql "select company_name || '|' || first_name || '|' || last_name || '|' || email || '|' || phone_number || '|' || address_line1 || '|' || city || '|' || state_code || '|' || postal_code || '|' || country from run_row where line = 2")" \
    "Contoso Ltd|Ann|Lee|billing@contoso.com|+1 425 555 0100|1 Microsoft Way|Redmond|WA|98052|US" \
    "happy: every mapped column stored (aliases: Email Address, Phone, Province, ZIP)"
is "$(sql "select quote(address_line2) from run_row where line = 2")" "''" \
    "happy: the clear token is stored as ''"
is "$(sql "select quote(email) || quote(first_name) || quote(address_line2) || quote(postal_code) from run_row where line = 3")" \
    "NULLNULLNULLNULL" "happy: empty cells are stored as NULL (leave unchanged)"
is "$(sql "select quote(address_line3) from run_row where line = 2")" "NULL" \
    "happy: a column missing from the file is NULL"
is "$(sql "select instr(extra, 'first note') > 0 and instr(extra, 'CC-1') > 0 from run_row where line = 2")" \
    1 "happy: unknown columns' cells kept in run_row.extra"
is "$(sql "select instr(extra, 'CC-3') > 0 from run_row where line = 4")" \
    1 "happy: run_row.extra of another row"
is "$(sql "select count(*) from row_problem")" 0 "happy: no problems stored"
is "$(sql "select encoding || '|' || delimiter || '|' || n_rows || '|' || n_valid || '|' || n_invalid || '|' || n_duplicate from run where id = 1")" \
    "UTF-8|,|3|3|0|0" "happy: run row records encoding, delimiter and counts"
is "$(sql "select sha256 from run where id = 1")" \
    "$(sha256sum "$f" | cut -d' ' -f1)" "happy: run.sha256 is the file's SHA-256"

# --- database file: mode 0600, WAL -------------------------------------------
is "$(stat -c %a "$IMPORTER_DB")" 600 "database created with mode 0600 (umask 022)"
for x in wal shm; do
	if [ -e "$IMPORTER_DB-$x" ]; then
		is "$(stat -c %a "$IMPORTER_DB-$x")" 600 "database -$x file is 0600"
	fi
done
is "$(sql 'PRAGMA journal_mode')" wal "database is in WAL mode"

# --- re-staging the same file ------------------------------------------------
run stage "$f"
is "$rc" 65 "same file again: exit 65"
like "$err" 'run 1([^0-9]|$)' "same file again: the message names the earlier run 1"
like "$err" -- '--force' "same file again: the message suggests --force"
is "$out" "" "same file again: nothing on stdout"
is "$(sql 'select count(*) from run')" 1 "same file again: no new run"
is "$(sql 'select count(*) from run_row')" 3 "same file again: no new rows"

cp "$f" "$TMP/renamed.csv"
run stage "$TMP/renamed.csv"
is "$rc" 65 "same bytes under another name: exit 65"
like "$err" 'run 1([^0-9]|$)' "same bytes under another name: names run 1"

run --json stage --force "$f"; jsnap
is "$rc" 0 "same file with --force: exit 0"
is "$(jv run)" 2 "same file with --force: staged as run 2"
is "$(jv previous_run)" 1 "same file with --force: JSON previous_run is 1"
is "$(sql 'select count(*) from run')" 2 "same file with --force: two runs"
is "$(sql 'select count(*) from run_row where run = 2')" 3 \
    "same file with --force: run 2 has its own three rows"

run stage --force "$TMP/renamed.csv"
is "$rc" 0 "--force again: exit 0"
like "$out" 'staged before as run 2' "--force: the summary names the newest earlier run"

# --- JSON ----------------------------------------------------------------------
f="$TMP/json.csv"
{
	echo 'Customer ID,Company Name,Email,Notes'
	echo "$G1,Contoso,a@contoso.com,x"
	echo "$G2,Fabrikam,not-an-email,y"
	echo "$G1,Contoso,a@contoso.com,x"
} >"$f"
run --json stage "$f"; jsnap
is "$rc" 1 "json: exit 1 when a row is invalid"
jsnap
ok $? "json: stdout is one JSON object"
for k in run rows valid invalid duplicate pending encoding delimiter bom \
    encoding_detected unknown_columns problems normalized; do
	jhas "$k"
	ok $? "json: has key '$k'"
done
is "$(jv run)" 4 "json: run"
is "$(jv rows)" 3 "json: rows"
is "$(jv valid)" 1 "json: valid"
is "$(jv invalid)" 1 "json: invalid"
is "$(jv duplicate)" 1 "json: duplicate"
is "$(jv pending)" 1 "json: pending (valid rows wait to be sent)"
is "$(jv encoding)" UTF-8 "json: encoding"
is "$(jv delimiter)" , "json: delimiter"
is "$(jv bom)" False "json: bom false"
is "$(jv encoding_detected)" False "json: encoding_detected false"
is "$(jv unknown_columns)" '["Notes"]' "json: unknown_columns"
is "$(jv problems)" '{"email": 1}' "json: problems counts by rule"
is "$(jv normalized)" '{}' "json: nothing normalized"
like "$err" 'json\.csv: row 3(, customer [^:]*)?: column Email: .not-an-email.: email: ' \
    "json: the problem is still reported on stderr as FILE:LINE: column: value: rule"

# --- exit 0 vs 1, problem lines on stderr -----------------------------------------
f="$TMP/bad.csv"
{
	echo 'Customer ID,Company Name,Email,Country'
	echo "$G1,Contoso,a@contoso.com,US"
	echo "$G2,Fabrikam,not-an-email,XX"
	echo "not-a-guid,Northwind,,"
} >"$f"
run stage "$f"
is "$rc" 1 "invalid rows: exit 1"
like "$out" '3 rows: 1 valid, 2 invalid, 0 duplicate' "invalid rows: summary counts"
like "$out" 'problems by rule' "invalid rows: summary lists problems by rule"
like "$err" "^importer: [^ ]*bad\\.csv: row 3(, customer [^:]*)?: column Email: 'not-an-email': email: [^(]+ \\(.+\\)\$" \
    "invalid rows: 'importer: FILE:LINE: column NAME: 'VALUE': RULE: message (hint)'"
like "$err" "bad\\.csv: row 3(, customer [^:]*)?: column Country: 'XX': country: " "invalid rows: country problem on line 3"
like "$err" "bad\\.csv: row 4(, customer [^:]*)?: column Customer ID: 'not-a-guid': guid: " "invalid rows: guid problem on line 4"
is "$(sql "select group_concat(state) from (select state from run_row r join run on run.id = r.run where run.file like '%bad.csv' order by line)")" \
    "pending,invalid,invalid" "invalid rows: states pending, invalid, invalid"
is "$(sql "select group_concat(rule) from (select p.rule from row_problem p join run_row r on r.id = p.row join run on run.id = r.run where run.file like '%bad.csv' and r.line = 3 order by p.rule)")" \
    "country,email" "invalid rows: both problems of line 3 stored in row_problem"
is "$(sql "select p.col || '|' || p.value from row_problem p join run_row r on r.id = p.row join run on run.id = r.run where run.file like '%bad.csv' and p.rule = 'guid'")" \
    "Customer ID|not-a-guid" "invalid rows: row_problem keeps the header name and the value"

is "$(sql 'PRAGMA journal_mode')" wal "after a run with invalid rows: still WAL mode"

# --- duplicates and conflicting rows ---------------------------------------------
f="$TMP/dups.csv"
G3U=$(printf '%s' "$G3" | tr a-f A-F)
{
	echo 'Customer ID,Company Name,City'	# 1
	echo "$G1,Contoso,Redmond"		# 2
	echo "$G2,Fabrikam,Paris"		# 3
	echo "$G1,Contoso,Redmond"		# 4 duplicate of 2
	echo "$G2,Fabrikam,Lyon"		# 5 conflicts with 3
	echo "$G3U,Northwind,London"		# 6
	echo "{$G3},Northwind,London"		# 7 same customer, same values
	echo "$G1, Contoso ,Redmond"		# 8 same once trimmed
	echo "$G4,Tailspin,Oslo"		# 9
	echo "$G4,Tailspin,Bergen"		# 10
	echo "$G4,Tailspin,Trondheim"		# 11
	echo "$G5,Wingtip,Rome"			# 12
} >"$f"
run --json stage "$f"; jsnap
is "$rc" 1 "dups: exit 1 (conflicting rows are invalid)"
is "$(jv rows)" 11 "dups: rows"
is "$(jv duplicate)" 3 "dups: three duplicates"
is "$(jv invalid)" 5 "dups: five conflicting rows are invalid"
is "$(jv valid)" 3 "dups: three valid"
R="(select id from run where file like '%dups.csv')"
st() { sql "select state from run_row where run = $R and line = $1"; }
is "$(st 2)" pending "dups: line 2 pending"
is "$(st 4)" duplicate "dups: line 4 (identical to 2) is a duplicate"
is "$(sql "select dup_of = (select id from run_row where run = $R and line = 2) from run_row where run = $R and line = 4")" \
    1 "dups: line 4 dup_of is the row of line 2"
is "$(st 8)" duplicate "dups: line 8 (identical once trimmed) is a duplicate"
is "$(st 6)" pending "dups: line 6 pending"
is "$(st 7)" duplicate "dups: line 7 (same GUID in braces, other case) is a duplicate"
is "$(sql "select dup_of = (select id from run_row where run = $R and line = 6) from run_row where run = $R and line = 7")" \
    1 "dups: line 7 dup_of is the row of line 6"
is "$(st 3)$(st 5)" invalidinvalid "dups: lines 3 and 5 disagree: both invalid"
is "$(sql "select quote(dup_of) from run_row where run = $R and line = 5")" NULL \
    "dups: a conflicting row has no dup_of"
like "$err" "dups\\.csv: row 3(, customer [^:]*)?: column Customer ID: '$G2': conflicting-rows: .*row 5" \
    "dups: line 3's conflict names line 5"
like "$err" "dups\\.csv: row 5(, customer [^:]*)?: column Customer ID: '$G2': conflicting-rows: .*row 3" \
    "dups: line 5's conflict names line 3"
is "$(st 9)$(st 10)$(st 11)" invalidinvalidinvalid "dups: three disagreeing rows all invalid"
like "$err" "dups\\.csv: row 9(, customer [^:]*)?: .*conflicting-rows: .*rows 10, 11" \
    "dups: line 9 names lines 10 and 11"
like "$err" "dups\\.csv: row 11(, customer [^:]*)?: .*conflicting-rows: .*rows 9, 10" \
    "dups: line 11 names lines 9 and 10"
is "$(st 12)" pending "dups: an unrelated row is pending"
is "$(jv problems)" '{"conflicting-rows": 5}' "dups: problems count conflicting-rows"

# Duplicates only: exit 0.
f="$TMP/duponly.csv"
printf 'Customer ID,Company Name\n%s,A\n%s,A\n' "$G1" "$G1" >"$f"
run --json stage "$f"; jsnap
is "$rc" 0 "duplicates only: exit 0 (a duplicate ends well)"
is "$(jv valid)/$(jv duplicate)/$(jv invalid)" 1/1/0 \
    "duplicates only: 1 valid, 1 duplicate, 0 invalid"

# --- blank records ------------------------------------------------------------------
f="$TMP/blank.csv"
{
	echo 'Customer ID,Company Name,City'	# 1
	echo "$G1,Contoso,Redmond"		# 2
	echo ''					# 3
	echo ',,'				# 4
	echo '  , ,'				# 5
	echo "$G2,Fabrikam,Paris"		# 6
	echo ',,'				# 7
	echo 'not-a-guid,X,'			# 8
	echo ''					# 9
} >"$f"
run --json stage "$f"; jsnap
is "$rc" 1 "blank: exit 1 (line 8 invalid)"
is "$(jv rows)" 3 "blank: blank records are not counted as rows"
is "$(sql "select count(*) from run_row where run = (select id from run where file like '%blank.csv')")" \
    3 "blank: blank records are not stored"
is "$(sql "select group_concat(line) from (select line from run_row where run = (select id from run where file like '%blank.csv') order by line)")" \
    "2,6,8" "blank: later rows keep their physical line numbers"
like "$err" "blank\\.csv: row 8(, customer [^:]*)?: column Customer ID: 'not-a-guid': guid: " \
    "blank: the problem names physical line 8"
run stage --force "$f"
like "$out" 'blank records? skipped' "blank: the summary says blank records were skipped"

# --- ragged rows -----------------------------------------------------------------------
f="$TMP/ragged.csv"
{
	echo 'Customer ID,Company Name,City'	# 1
	echo "$G1,Contoso"			# 2 too few
	echo "$G2,Fabrikam,Paris,extra"		# 3 too many
	echo "$G3,Northwind,London"		# 4
} >"$f"
run --json stage "$f"; jsnap
is "$rc" 1 "ragged: exit 1"
is "$(jv invalid)" 2 "ragged: two invalid rows"
is "$(jv valid)" 1 "ragged: one valid row"
like "$err" 'ragged\.csv: row 2(, customer [^:]*)?: .*field-count: .*2 fields.*header has 3' \
    "ragged: line 2 has 2 fields, header 3"
like "$err" 'ragged\.csv: row 3(, customer [^:]*)?: .*field-count: .*4 fields.*header has 3' \
    "ragged: line 3 has 4 fields, header 3"
is "$(jv problems)" '{"field-count": 2}' "ragged: problems"
is "$(sql "select count(*) from run_row where run = (select id from run where file like '%ragged.csv') and state = 'invalid' and raw is not null")" \
    2 "ragged: raw record kept for ragged rows"

# --- rows as the spreadsheet shows them, after quoted multi-line cells ---------------------
# As Excel writes them: records end in CRLF (or LF), a line break inside a
# cell is a bare LF. A spreadsheet shows each record as one row, so every
# message names the record's row (header = row 1), not its physical line.
for eol in lf crlf; do
	f="$TMP/multiline-$eol.csv"
	if [ $eol = crlf ]; then E='\r\n'; else E='\n'; fi
	{
		printf "Customer ID,Company Name,Notes$E"			# row 1
		printf "%s,Contoso,\"line one\nline two\nline three\"$E" "$G1"	# row 2, lines 2-4
		printf "%s,Fabrikam,plain$E" "$G2"				# row 3, line 5
		printf "%s,\"Bad \"\"Quote\"\" Inc\",x$E" "$G3"		# row 4, line 6
		printf "not-a-guid,Broken,\"a\n\nb\"$E"			# row 5, lines 7-9
		printf "$E"							# row 6, blank
		printf "%s,\"Two\nLines\",y$E" "$G4"				# row 7, lines 11-12
		printf "bad2,X,z$E"						# row 8, line 13
	} >"$f"
	run --json stage "$f"; jsnap
	is "$rc" 1 "multiline $eol: exit 1"
	is "$(jv rows)" 6 "multiline $eol: six records"
	R="(select id from run where file like '%multiline-$eol.csv')"
	is "$(sql "select group_concat(line) from (select line from run_row where run = $R order by line)")" \
	    "2,3,4,5,7,8" "multiline $eol: records are rows 2,3,4,5,7,8 (a blank line is a row, a cell's line breaks are not)"
	like "$err" "multiline-$eol\\.csv: row 5: column Customer ID: 'not-a-guid': guid: " \
	    "multiline $eol: problem after a 3-line cell names row 5 (physical line 7)"
	like "$err" "multiline-$eol\\.csv: row 8: column Customer ID: 'bad2': guid: " \
	    "multiline $eol: problem after two multi-line cells and a blank line names row 8 (line 13)"
	is "$(sql "select r.line || ' ' || p.col from row_problem p join run_row r on r.id = p.row where r.run = $R and p.rule = 'line-break'")" \
	    "7 Company Name" "multiline $eol: a line break in a mapped cell is rule line-break, on the record's row"
	like "$err" "multiline-$eol\\.csv: row 7, customer $G4: column Company Name: .*line-break: " \
	    "multiline $eol: the line-break problem is one line of stderr naming row and customer (the value's line break escaped)"
	is "$(sql "select company_name from run_row where run = $R and line = 4")" \
	    'Bad "Quote" Inc' "multiline $eol: doubled quotes undone"
	is "$(sql "select instr(extra, 'line one' || char(10) || 'line two' || char(10) || 'line three') > 0 from run_row where run = $R and line = 2")" \
	    1 "multiline $eol: the multi-line cell kept, its line breaks intact"
done

# --- -q and -v ------------------------------------------------------------------------------
f="$TMP/quiet.csv"
printf 'Customer ID,Company Name\n%s,Quiet\n' "$G5" >"$f"
run -q stage "$f"
is "$rc" 0 "-q: exit 0"
is "$out" "" "-q: nothing on stdout"
is "$(sql "select count(*) from run where file like '%quiet.csv'")" 1 "-q: the run is staged"
f="$TMP/quiet-bad.csv"
printf 'Customer ID,Company Name\n%s,Quiet\nbad,Quiet\n' "$G4" >"$f"
run -q stage "$f"
is "$rc" 1 "-q with an invalid row: exit 1"
is "$out" "" "-q with an invalid row: nothing on stdout"

f="$TMP/many.csv"
{
	echo 'Customer ID,Company Name'
	i=0
	while [ $i -lt 60 ]; do
		echo "bad-$i,X"
		i=$((i + 1))
	done
} >"$f"
run stage "$f"
is "$rc" 1 "60 bad rows: exit 1"
is "$(printf '%s\n' "$err" | grep -c ': guid: ')" 50 "without -v: 50 problems shown"
like "$err" '\-v shows all' "without -v: says -v shows all"
run -v stage --force "$f"
is "$(printf '%s\n' "$err" | grep -c ': guid: ')" 60 "with -v: all 60 problems shown"

done_testing
