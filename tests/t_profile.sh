#!/bin/sh
# t_profile.sh: --profile FILE: [columns] maps other headers (or ignores
# them), [validation] changes the clear token and makes columns required;
# a profile it does not understand is a usage error naming FILE:LINE.
# shellcheck disable=SC2059,SC1111
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

R="(select max(id) from run)"
val() {	# val LINE EXPR: EXPR of the last run's row on LINE
	sql "select $2 from run_row where run = $R and line = $1"
}

# --- [columns] and clear_token ------------------------------------------------------
P="$TMP/team.ini"
cat >"$P" <<'EOF2'
; the finance team's export from the ERP
# (both comment styles)
[columns]
Kundennummer = customer_id
Firma = company_name
Numéro client secondaire = ignore
Interne Notiz = ignore
Region = ignore

[validation]
clear_token = CLEAR
EOF2
f="$TMP/erp.csv"
{
	echo 'Kundennummer,Firma,Address Line 2,Interne Notiz,Region,Bemerkung'
	echo "$(g 1),Contoso GmbH,CLEAR,secret 1,EMEA,hello"		# 2
	echo "$(g 2),Fabrikam,<clear>,secret 2,EMEA,"			# 3
	echo "$(g 3),CLEAR,,,,"						# 4
	echo "$(g 4),,,,,"						# 5
} >"$f"
run --profile "$P" --json stage "$f"
is "$rc" 1 "columns: exit 1 (line 4 clears a field that cannot be cleared)"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["rows"], o["valid"], o["invalid"], o["unknown_columns"])' 2>&1)" \
    "4 3 1 ['Bemerkung']" "columns: 4 rows, 3 valid, 1 invalid; only Bemerkung is unknown"
is "$(val 2 customer_id)" "$(g 1)" "columns: 'Kundennummer = customer_id' maps the ID"
is "$(val 2 company_name)" "Contoso GmbH" "columns: 'Firma = company_name' maps the name"
is "$(val 2 "quote(address_line2)")" "''" "clear_token: CLEAR is stored as ''"
is "$(val 3 address_line2)" "<clear>" "clear_token: '<clear>' is now ordinary text"
is "$(val 2 "quote(region)")" NULL "columns: 'Region = ignore' overrides the built-in alias"
is "$(val 2 "instr(extra, 'hello') > 0")" 1 "columns: the unknown column is kept in extra"
is "$(val 2 "instr(extra, 'secret') > 0 or instr(extra, 'EMEA') > 0")" 0 \
    "columns: ignored columns are not kept in extra"
like "$err" "erp\\.csv: row 4(, customer [^:]*)?: column Firma: 'CLEAR': clear-not-allowed: " \
    "clear_token: CLEAR on company_name is clear-not-allowed, reported under the file's header"
is "$(sql "select clear_token from run where id = $R")" CLEAR "the run records its clear token"
is "$(sql "select profile from run where id = $R")" "$P" "the run records its profile"

# Loose matching applies to profile headers too; CRLF and a BOM in the
# profile (Windows Notepad) are fine.
printf '\357\273\277[columns]\r\nKundennummer = customer_id\r\nNuméro client secondaire = company_name\r\n' >"$TMP/crlf.ini"
printf 'KUNDEN-NUMMER;numéro_client_secondaire\n%s;Contoso\n' "$(g 5)" >"$TMP/loose.csv"
run --profile "$TMP/crlf.ini" stage "$TMP/loose.csv"
is "$rc" 0 "loose: 'KUNDEN-NUMMER' matches 'Kundennummer' (CRLF, BOM profile)"
is "$(val 2 company_name)" Contoso "loose: a non-ASCII profile header maps"

# A mapped header and a built-in one for the same column: ambiguous.
printf 'Kundennummer,Customer ID\n%s,%s\n' "$(g 6)" "$(g 6)" >"$TMP/both.csv"
before=$(counts)
run --profile "$P" stage "$TMP/both.csv"
is "$rc" 65 "Kundennummer and Customer ID both mean customer_id: exit 65"
is "$(counts)" "$before" "... nothing staged"

# Without the profile the custom header is not known.
before=$(counts)
run stage "$f"
is "$rc" 65 "without the profile, Kundennummer is no customer_id column: exit 65"
like "$err" 'customer_id' "... the message names customer_id"
is "$(counts)" "$before" "... nothing staged"

# --- [validation] required ------------------------------------------------------------
cat >"$TMP/required.ini" <<'EOF2'
[validation]
required = email, country
EOF2
printf 'Customer ID,Email\n%s,a@contoso.com\n' "$(g 7)" >"$TMP/no-country.csv"
before=$(counts)
run --profile "$TMP/required.ini" stage "$TMP/no-country.csv"
is "$rc" 65 "required: a missing required column: exit 65"
like "$err" 'country' "required: the message names the missing column"
is "$out" "" "required: nothing on stdout"
is "$(counts)" "$before" "required: nothing staged"

f="$TMP/req.csv"
{
	echo 'Customer ID,Email,Country,Phone'
	echo "$(g 8),a@contoso.com,US,"		# 2 ok
	echo "$(g 9),,US,"			# 3 email empty
	echo "$(g 10),b@contoso.com,  ,"	# 4 country blank
	echo "$(g 11),,,+1 425 555 0100"	# 5 both empty
} >"$f"
run --profile "$TMP/required.ini" --json stage "$f"
is "$rc" 1 "required: exit 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["valid"], o["invalid"], o["problems"])' 2>&1)" \
    "1 3 {'required': 4}" "required: 1 valid, 3 invalid, 4 required problems"
like "$err" "req\\.csv: row 3(, customer [^:]*)?: column Email: .*required: " "required: line 3, column Email"
like "$err" "req\\.csv: row 4(, customer [^:]*)?: column Country: .*required: " "required: line 4, column Country (blank)"
is "$(sql "select group_concat(p.col, ',') from (select p.col from row_problem p join run_row r on r.id = p.row where r.run = $R and r.line = 5 and p.rule = 'required' order by p.col) p")" \
    "Country,Email" "required: line 5 has both problems"
is "$(val 2 state)" pending "required: line 2 is pending"

# Without the profile the same file is valid (email and country optional).
run --json stage --force "$f"
is "$rc" 0 "without the profile, empty email and country are fine: exit 0"

# --- profile errors: exit 64 naming FILE:LINE ------------------------------------------------
good="$TMP/good.csv"
printf 'Customer ID\n%s\n' "$(g 12)" >"$good"
bad_profile() {	# bad_profile NAME LINE CONTENT (printf format)
	printf "$3" >"$TMP/$1.ini"
	before=$(counts)
	run --profile "$TMP/$1.ini" stage --force "$good"
	is "$rc" 64 "profile $1: exit 64"
	like "$err" "$1\\.ini:$2:" "profile $1: the message names $1.ini:$2"
	is "$out" "" "profile $1: nothing on stdout"
	is "$(counts)" "$before" "profile $1: nothing staged"
}
# (the section's header is line 4, its first key line 5: either names it)
bad_profile unknown-section '[45]' '[columns]\nFirma = company_name\n\n[colums]\nX = city\n'
bad_profile empty-unknown-section 3 '[columns]\nFirma = company_name\n[colums]\n'
bad_profile unknown-key 3 '[validation]\nclear_token = CLEAR\nclear-token = X\n'
bad_profile unknown-column 2 '[columns]\nFirma = company\n'
bad_profile required-unknown 3 '; comment\n[validation]\nrequired = email, shoe_size\n'
bad_profile not-ini 2 '[columns]\njust some text\n'
bad_profile empty-clear 2 '[validation]\nclear_token =\n'
bad_profile key-before-section 1 'Firma = company_name\n'

before=$(counts)
run --profile "$TMP/no-such.ini" stage "$good"
like "$rc" '^(64|66)$' "a missing profile: exit 64 or 66"
like "$err" 'no-such\.ini' "a missing profile: named in the message"
is "$(counts)" "$before" "a missing profile: nothing staged"

done_testing
