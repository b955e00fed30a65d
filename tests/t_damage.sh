#!/bin/sh
# t_damage.sh: what spreadsheets do to data, each case with its rule id and
# line: Excel error values, scientific notation, lost leading zeros, '.0',
# invisible characters (normalized, not errors), country names, the clear
# token where it is not allowed; then one row for every other rule.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

HDR='Customer ID,Company Name,Email,Phone,Address Line 1,City,State,ZIP,Country,Culture,Language,Notes'
# row N COMPANY EMAIL PHONE ADDR CITY STATE ZIP COUNTRY CULTURE LANGUAGE NOTES
row() {
	n=$1
	shift
	id=$(g "$n")
	printf '%s' "$id"
	for c in "$@"; do
		printf ',%s' "$c"
	done
	printf '\r\n'
}

# problems_at LINE: the rules of a line's problems in the last run, sorted.
problems_at() {
	sql "select group_concat(rule, ' ') from (select p.rule from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.line = $1 order by p.rule)"
}
# rule_at LINE RULE COLUMN: RULE is reported for COLUMN on LINE, on stderr
# and in row_problem, and that row is invalid.
rule_at() {
	is "$(problems_at "$1")" "$2" "line $1: rule $2"
	like "$err" "$(basename "$f" | sed 's/\./\\./g'): row $1(, customer [^:]*)?: column $3: '[^']*': $2: " \
	    "line $1: stderr names line $1, column $3 and rule $2"
	is "$(sql "select state from run_row where run = (select max(id) from run) and line = $1")" \
	    invalid "line $1: the row is invalid"
}
hint_at() {	# hint_at LINE RULE: the stored hint
	sql "select p.hint from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.line = $1 and p.rule = '$2'"
}

# --- Excel's damage -------------------------------------------------------------------
f="$TMP/damage.csv"
{
	printf '%s\r\n' "$HDR"						# 1
	row 1 '#N/A' a@contoso.com '' '' '' '' '' US '' '' ''		# 2
	row 2 Fabrikam '#VALUE!' '' '' '' '' '' '' '' '' ''		# 3
	row 3 Fabrikam '' '#REF!' '' '' '' '' '' '' '' ''		# 4
	row 4 Fabrikam '' '' '' '#NAME?' '' '' '' '' '' ''		# 5
	row 5 Fabrikam '' '' '' '' '' '#DIV/0!' US '' '' ''		# 6
	row 6 Fabrikam '' '' '' '' '' '' '' '' '' '#NULL!'		# 7
	row 7 Fabrikam '' '' '#NUM!' '' '' '' '' '' '' ''		# 8
	printf '#N/A,Fabrikam,,,,,,,,,,\r\n'				# 9
	row 10 Fabrikam '' '4.25555E+09' '' '' '' '' US '' '' ''	# 10
	row 11 Fabrikam '' '' '' '' '' '9.8052E+4' US '' '' ''		# 11
	row 12 Fabrikam '' '' '' Boston MA 2134 US '' '' ''		# 12
	row 13 Fabrikam '' '' '' '' '' '98052.0' US '' '' ''		# 13
	row 14 Fabrikam '' '4255550100.0' '' '' '' '' US '' '' ''	# 14
	row 15 Fabrikam '' '' '' London '' '' UK '' '' ''		# 15
	row 16 '<clear>' '' '' '' '' '' '' '' '' '' ''			# 16
	printf '<clear>,Fabrikam,,,,,,,,,,\r\n'				# 17
	row 18 Fabrikam '' '' '' '' '' '' '' '' '' ' #N/A '		# 18
	row 19 Fabrikam '' '' '' '' '' '02134' US '' '' ''		# 19
} >"$f"
run --json stage "$f"
jsnap
is "$rc" 1 "damage: exit 1"
is "$(jv rows)/$(jv valid)/$(jv invalid)" 18/1/17 "damage: 18 rows, 1 valid, 17 invalid"
rule_at 2 excel-error 'Company Name'
like "$err" "damage\\.csv: row 2(, customer [^:]*)?: column Company Name: '#N/A': excel-error: .*spreadsheet's error value" \
    "line 2: the message says it is a spreadsheet's error value (Excel's or LibreOffice's)"
rule_at 3 excel-error Email
rule_at 4 excel-error Phone
rule_at 5 excel-error City
rule_at 6 excel-error ZIP
rule_at 7 excel-error Notes
is "$(sql "select p.col || '|' || p.value from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.line = 7")" \
    "Notes|#NULL!" "line 7: an Excel error in an unknown column is caught too"
rule_at 8 excel-error 'Address Line 1'
is "$(problems_at 9)" excel-error "line 9: #N/A in Customer ID is excel-error (only)"
like "$err" "damage\\.csv: row 9(, customer [^:]*)?: column Customer ID: '#N/A': excel-error: " \
    "line 9: stderr names the Customer ID column"
rule_at 18 excel-error Notes
rule_at 10 excel-scientific Phone
rule_at 11 excel-scientific ZIP
rule_at 12 postal-leading-zero ZIP
like "$(hint_at 12 postal-leading-zero)" '02134' "line 12: the hint proposes 02134"
like "$err" "damage\\.csv: row 12(, customer [^:]*)?: column ZIP: '2134': postal-leading-zero: .*\\(.*02134.*\\)" \
    "line 12: stderr shows the hint 02134"
rule_at 13 excel-number ZIP
like "$(hint_at 13 excel-number)" '98052([^.0-9]|$)' "line 13: the hint proposes 98052"
rule_at 14 excel-number Phone
like "$(hint_at 14 excel-number)" '4255550100([^.0-9]|$)' "line 14: the hint proposes 4255550100"
rule_at 15 country Country
like "$(hint_at 15 country)" '(^|[^A-Z])GB([^A-Z]|$)' "line 15: UK gets the hint GB"
like "$err" "damage\\.csv: row 15(, customer [^:]*)?: column Country: 'UK': country: .*\\(.*GB.*\\)" \
    "line 15: stderr shows the hint GB"
rule_at 16 clear-not-allowed 'Company Name'
like "$(problems_at 17)" clear-not-allowed "line 17: the clear token in Customer ID is clear-not-allowed"
like "$err" "damage\\.csv: row 17(, customer [^:]*)?: column Customer ID: '<clear>': clear-not-allowed: " \
    "line 17: stderr names Customer ID"
is "$(sql "select state || '|' || postal_code from run_row where run = (select max(id) from run) and line = 19")" \
    "pending|02134" "line 19: 02134 kept as text is valid"
is "$(sql "select quote(company_name) || '|' || email from run_row where run = (select max(id) from run) and line = 2")" \
    "NULL|a@contoso.com" "line 2: an Excel error is never stored as data"
is "$(sql "select count(*) from run_row where run = (select max(id) from run) and state = 'invalid' and raw is null")" \
    0 "damage: every invalid row keeps its raw record"
is "$(jv problems)" \
    '{"clear-not-allowed": 2, "country": 1, "excel-error": 9, "excel-number": 2, "excel-scientific": 2, "postal-leading-zero": 1}' \
    "damage: JSON problems count each rule"

# --- invisible damage: normalized, not errors ----------------------------------------------
NBSP=$(printf '\302\240')
ZW=$(printf '\342\200\213')
IDSP=$(printf '\343\200\200')
f="$TMP/normalize.csv"
{
	printf '%s\r\n' "$HDR"
	row 1 "Contoso${NBSP}Ltd" '' '' '' '' '' '' '' '' '' ''			# 2
	row 2 "Fabri${ZW}kam" '' '' '' '' '' '' '' '' '' ''			# 3
	row 3 '  Northwind  ' ' a@northwind.example ' '' '' '' '' '' '' '' '' ''	# 4
	row 4 'Tailspin' '' '' '' '' '' '' '' '' '' ''				# 5
	row 5 "${NBSP}Wingtip${ZW} " '' '' '' '' '' '' '' '' '' ''		# 6
	row 6 "${IDSP}東京商事${IDSP}" '' '' '' '' '' '' '' '' '' ''		# 7
} >"$f"
run --json stage "$f"
jsnap
is "$rc" 0 "normalize: exit 0 (normalizations are not errors)"
is "$(jv rows)/$(jv valid)/$(jv invalid)" 6/6/0 "normalize: 6 rows, all valid"
is "$(jv problems)" '{}' "normalize: no problems"
is "$(jv normalized)" '{"nbsp": 2, "whitespace": 3, "zero-width": 2}' \
    "normalize: JSON normalized counts rows by kind"
R="(select max(id) from run)"
is "$(sql "select count(*) from row_problem p join run_row r on r.id = p.row where r.run = $R")" \
    0 "normalize: no row_problem rows"
is "$(sql "select company_name from run_row where run = $R and line = 2")" "Contoso Ltd" \
    "normalize: NBSP stored as a plain space"
is "$(sql "select company_name from run_row where run = $R and line = 3")" "Fabrikam" \
    "normalize: zero-width space removed"
is "$(sql "select company_name || '|' || email from run_row where run = $R and line = 4")" \
    "Northwind|a@northwind.example" "normalize: leading/trailing spaces trimmed"
is "$(sql "select company_name from run_row where run = $R and line = 6")" "Wingtip" \
    "normalize: NBSP, zero-width and space at the edges all go"
is "$(sql "select company_name from run_row where run = $R and line = 7")" "東京商事" \
    "normalize: ideographic spaces at the edges trimmed"
is "$(sql "select group_concat(line) from (select line from run_row where run = $R and fixes != 0 order by line)")" \
    "2,3,4,6,7" "normalize: run_row.fixes is nonzero exactly on the normalized rows"
is "$(sql "select fixes || '|' || quote(raw) from run_row where run = $R and line = 5")" "0|NULL" \
    "normalize: an untouched row has no fixes (and needs no raw copy)"
is "$(sql "select instr(raw, x'C2A0') > 0 from run_row where run = $R and line = 2")" 1 \
    "normalize: raw keeps the NBSP as written"
is "$(sql "select instr(raw, x'E2808B') > 0 from run_row where run = $R and line = 3")" 1 \
    "normalize: raw keeps the zero-width space as written"
is "$(sql "select instr(raw, '  Northwind  ') > 0 from run_row where run = $R and line = 4")" 1 \
    "normalize: raw keeps the spaces as written"
run stage --force "$f"
like "$out" 'normalized' "normalize: the summary mentions what was normalized"

# Normalized codes: braces and case of a GUID, case of a country.
f="$TMP/codes.csv"
U=$(g 9 | tr a-f A-F)
{
	echo 'Customer ID,Country,Culture,Language'
	echo "{$U},us,EN_us,EN"
} >"$f"
run --json stage "$f"
jsnap
is "$rc" 0 "codes: exit 0"
is "$(sql "select customer_id || '|' || country || '|' || culture || '|' || language from run_row where run = (select max(id) from run)")" \
    "$(g 9)|US|en-US|en" "codes: GUID, country, culture and language normalized"
like "$(jv normalized)" '"case"' "codes: JSON normalized counts case"
like "$(jv normalized)" '"format"' "codes: JSON normalized counts format"

# --- every other rule ---------------------------------------------------------------------
LONG=$(head -c 300 /dev/zero | tr '\0' x)
f="$TMP/rules.csv"
{
	printf '%s\r\n' "$HDR"
	printf 'not-a-guid,Fabrikam,,,,,,,,,,\r\n'				# 2
	row 3 Fabrikam 'a@@contoso.com' '' '' '' '' '' '' '' '' ''		# 3
	row 4 Fabrikam '' '' '' '' '' ABCDE US '' '' ''				# 4
	row 5 Fabrikam '' '' '' '' '' '' '' english '' ''			# 5
	row 6 Fabrikam '' '' '' '' '' '' FR de-DE '' ''				# 6
	row 7 Fabrikam '' '' '' '' '' '' '' '' english ''			# 7
	row 8 Fabrikam '' 'call me' '' '' '' '' '' '' '' ''			# 8
	row 9 Fabrikam '' '<clear>' '' '' '' '' RU '' '' ''			# 9
	printf ',Fabrikam,a@contoso.com,,,,,,,,,\r\n'				# 10
	row 11 "$LONG" '' '' '' '' '' '' '' '' '' ''				# 11
	printf '%s,Fabrikam,,,"One Way\r\nSecond line",,,,,,,\r\n' "$(g 12)"	# 12 (lines 12-13)
	row 14 "Acme$(printf '\001')Corp" '' '' '' '' '' '' '' '' '' ''		# 13 (line 14)
	row 15 Fabrikam '' '' '' '' '' '' '' '' '' '' extra			# 14 (line 15)
	row 16 Fabrikam '' '' '' '' Washington '' US '' '' ''			# 15 (line 16)
	row 17 Fabrikam '' '' '' '' '<clear>' '' US '' '' ''			# 16 (line 17)
	row 18 Fabrikam '' '' '' '' '' '' '' en-US en ''			# 17 (line 18)
} >"$f"
run --json stage "$f"
jsnap
is "$rc" 1 "rules: exit 1"
is "$(jv valid)" 1 "rules: only row 17 is valid"
rule_at 2 guid 'Customer ID'
rule_at 3 email Email
rule_at 4 postal-code ZIP
rule_at 5 culture Culture
rule_at 6 culture-country Culture
rule_at 7 language Language
rule_at 8 phone Phone
rule_at 9 phone-required Phone
rule_at 10 required 'Customer ID'
rule_at 11 too-long 'Company Name'
is "$(problems_at 12)" line-break "line 12: rule line-break"
is "$(sql "select p.col from row_problem p join run_row r on r.id = p.row where r.run = (select max(id) from run) and r.line = 12")" \
    "Address Line 1" "line 12: line-break in Address Line 1, on the record's first line"
rule_at 13 control-character 'Company Name'
is "$(problems_at 14)" field-count "row 14 (line 15): rule field-count"
like "$err" 'rules\.csv: row 14(, customer [^:]*)?: .*field-count: .*13 fields.*header has 12' \
    "row 14: 13 fields, but the header has 12"
rule_at 15 state State
rule_at 16 clear-not-allowed State
is "$(sql "select state from run_row where run = (select max(id) from run) and line = 17")" \
    pending "row 17 (line 18): a clean row is pending"

# C1 controls (U+0080..U+009F) are controls too: what glibc's EUC-JP makes
# of bytes 0x80..0x8D, or a paste from an old program.
f="$TMP/c1.csv"
{
	printf '%s\r\n' "$HDR"
	row 1 "Acme$(printf '\302\205')Corp" '' '' '' '' '' '' '' '' '' ''		# 2: U+0085
	row 2 "Acme$(printf '\302\240')Corp" '' '' '' '' '' '' '' '' '' ''		# 3: U+00A0 (nbsp)
} >"$f"
run stage "$f"
rule_at 2 control-character 'Company Name'
is "$(sql "select state from run_row where run = (select max(id) from run) and line = 3")" \
    pending "a no-break space (U+00A0, after the C1 range) is no control"

done_testing
