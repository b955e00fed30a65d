#!/bin/sh
# t_sheetcheck.sh: what check learns from comparing a row with its account
# when a spreadsheet damaged the value on its way (issue 13): characters a
# legacy code page could not hold ('?' where the account has Jürgen or
# 株式会社) are invalid at check and never sent; a phone that lost its '+',
# leading 0 or calling code needs review; a legacy-mapping twin (〜 U+301C
# and ～ U+FF5E) is no change. Offline (--snapshot) and against the sandbox.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

token_set sheetcheck-secret

# The accounts as the service holds them: names with characters outside
# ASCII, phones in international and national form, a wave dash.
{
	echo "$ACCOUNTS_HEAD"
	echo "$(g 1),あさひソリューションズ株式会社,Jürgen,Weiß,a1@example.com,+81 3-1234-5678,1 Chome,,,Tokyo,,,100-0001,JP,ja-JP,ja"
	echo "$(g 2),Müller GmbH,Jürgen,Müller,a2@example.com,+49 30 1234567,Hauptstraße 1,,,Berlin,,,10115,DE,de-DE,de"
	echo "$(g 3),Contoso Ltd,Ann,Lee,a3@example.com,+44 161 496 0557,1 High St,,,Manchester,,,M1 1AA,GB,en-GB,en"
	echo "$(g 4),Fabrikam KK,Ken,Sato,a4@example.com,045-036-2063,2 Chome,,,Yokohama,,,220-0011,JP,ja-JP,ja"
	echo "$(g 5),Tailspin KK,Yui,Mori,a5@example.com,03-5555-0100,3〜5階 Tower,,,Tokyo,,,100-0005,JP,ja-JP,ja"
	echo "$(g 6),Northwind SARL,Zoé,Roux,a6@example.com,+33 1 23 45 67 89,5 rue Haute,,,Paris,,,75001,FR,fr-FR,fr"
	echo "$(g 7),Woodgrove Inc,Bo,Li,a7@example.com,+1 425 555 0100,7 Main St,,,Redmond,WA,,98052,US,en-US,en"
	echo "$(g 8),Litware Oy,Aku,Ström,a8@example.com,+358 9 1234567,8 Katu,,,Helsinki,,,00100,FI,fi-FI,fi"
} >"$TMP/accounts.csv"

# The update, as a fix-up saved through a legacy code page and re-saved
# as UTF-8 would hand it back: the '?' are in a UTF-8 file, so staging
# cannot tell them from a real '?'; only the account can.
{
	echo "customer_id,company_name,first_name,last_name,phone_number,address_line1,city"
	echo "$(g 1),???????????????,,,,,"			# 2 lost (CJK)
	echo "$(g 2),,J?rgen,M?ller,,,"				# 3 lost (two columns)
	echo "$(g 3),,,,1614960557,,"				# 4 phone: + and 44 lost
	echo "$(g 4),,,,81450362063,,"				# 5 phone: 81 put in front, no +
	echo "$(g 5),,,,,3～5階 Tower,"				# 6 twin: no change
	echo "$(g 6),,,,33123456789,,Lyon"			# 7 phone: only the + lost
	echo "$(g 7),,,,+1 425 555 0199,,"			# 8 a real new phone
	echo "$(g 8),Litware Oy?,,,,,"				# 9 a real '?' (account ASCII there)
} >"$TMP/update.csv"

check_all() {	# check_all LABEL: the assertions on run $R, checked
	L=$1
	is "$(outc "$R" 2 o.state)" invalid "$L: CJK company replaced by ??? is invalid at check"
	is "$(sql "select p.rule || '|' || p.col || '|' || p.value from row_problem p join run_row r on r.id = p.row where r.run = $R and r.line = 2")" \
	    "lost-character|company_name|???????????????" "$L: the problem names rule, column and value"
	like "$(sql "select p.message || ' (' || p.hint || ')' from row_problem p join run_row r on r.id = p.row where r.run = $R and r.line = 2")" \
	    "account holds 'あさひソリューションズ株式会社'.*UTF-8" "$L: the message shows what the account holds and says to save as UTF-8"
	is "$(sql "select count(*) from plan_change c join run_row r on r.id = c.row where r.run = $R and r.line in (2, 3)")" 0 \
	    "$L: nothing of the damaged rows is planned"
	is "$(sql "select group_concat(p.col, ' ') from row_problem p join run_row r on r.id = p.row where r.run = $R and r.line = 3 order by p.col")" \
	    "first_name last_name" "$L: both damaged names of row 3 are named"
	like "$err" "update\\.csv: row 3, customer $(g 2): column first_name: 'J\\?rgen': lost-character: " \
	    "$L: stderr names the file, row, customer, column, value and rule"

	is "$(outc "$R" 4 "o.state || '|' || o.review")" "pending|1" "$L: phone less '+44' needs review"
	like "$(outc "$R" 4 o.message)" "current \\+44 161 496 0557 less its '\\+' and country calling code 44" \
	    "$L: the review message says what was lost"
	is "$(outc "$R" 5 "o.state || '|' || o.review")" "pending|1" "$L: phone with 81 put in front and no '+' needs review"
	like "$(outc "$R" 5 o.message)" "calling code 81 in front but no '\\+'" "$L: ... and says so"
	is "$(outc "$R" 7 "o.review")" 1 "$L: a phone that only lost its '+' needs review"
	is "$(outc "$R" 8 "o.state || '|' || o.review")" "pending|0" "$L: a real new phone needs no review"

	is "$(outc "$R" 6 o.state)" unchanged "$L: 〜 and ～ (wave dash twins) are no change"
	is "$(outc "$R" 6 "(o.normalized >> 6) & 1")" 1 "$L: ... but equal once normalized"

	is "$(outc "$R" 9 "o.state || '|' || o.review")" "pending|0" "$L: a '?' where the account has ASCII is data"
}

# --- offline ------------------------------------------------------------------------------
run stage "$TMP/update.csv"
is "$rc" 0 "stage: every row is valid (the file is UTF-8: a '?' may be meant)"
R=$(sql "select max(id) from run")
run check --snapshot "$TMP/accounts.csv"
is "$rc" 1 "check: exit 1 (rows invalid at check)"
check_all snapshot
like "$out" "2 invalid" "check: the summary counts the rows found invalid at check"
like "$out" "3 rows need review" "check: three rows need review (the phones)"

run plan "$R"
like "$out" "row 4  Contoso Ltd  \\[needs review\\]" "plan: the phone row is flagged"
like "$(printf '%s\n' "$out" | grep -A1 "row 4  Contoso" | tail -1)" \
    "^    \\(needs review: the phone's digits are the current \\+44 161 496 0557 less" \
    "plan: ... and says why under its heading"
unlike "$out" "J\\?rgen" "plan: the damaged values are not in the plan"

# A new check clears what the last one found and finds it again.
run check --snapshot "$TMP/accounts.csv"
is "$(sql "select count(*) from row_problem p join run_row r on r.id = p.row where r.run = $R and p.rule = 'lost-character'")" 3 \
    "re-check: the problems are not doubled"
# The fix-up hands the damaged rows back with the reason.
run report "$R" -o "$TMP/r.xlsx" --errors-csv "$TMP/fix.csv"
like "$(cat "$TMP/fix.csv")" "J\\?rgen.*lost-character" "fix-up: the damaged row is handed back with its reason"
is "$(grep -c "$(g 1)" "$TMP/fix.csv")" 1 "fix-up: the CJK row is in it"

# --- against the sandbox -------------------------------------------------------------------
sandbox_start sc --token "$TOKEN" --accounts "$TMP/accounts.csv"
ok $? "the sandbox starts"
run stage "$TMP/update.csv"
R=$(sql "select max(id) from run")
run check --endpoint "$BASE"
is "$rc" 1 "online check: exit 1"
check_all online
run --json submit --endpoint "$BASE" --yes
is "$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/customers/$(g 1)/profiles/billing" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["companyName"])')" \
    "あさひソリューションズ株式会社" "online: the account keeps its name: the damaged row was not sent"
is "$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/customers/$(g 3)/profiles/billing" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["defaultAddress"]["phoneNumber"])')" \
    "+44 161 496 0557" "online: the phone held for review was not sent"
is "$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/v1/customers/$(g 7)/profiles/billing" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["defaultAddress"]["phoneNumber"])')" \
    "+1 425 555 0199" "online: the real new phone was sent"
sandbox_stop

done_testing
