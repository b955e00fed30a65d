#!/bin/sh
# t_address.sh: what a change really does, against the sandbox (issue 14).
# Address validation, opt-in: check --validate-addresses (or the profile's
# [validation] validate_addresses) posts each changed address to
# /v1/validations/address, and only those; an address the service rejects
# (InteractionRequired with its suggestion, None) is invalid at check on
# the columns it names, with its reason and suggested address in check's
# message, the plan, the report and the fix-up CSV; an accepted one is
# planned. A country change is held for review (sent with --allow-flagged
# or [submit] send_country_changes = yes). A company name change says in
# the plan and the report that it is the name Partner Center shows.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require curl sqlite3
token_set address
accounts_file "$TMP/accounts.csv" 8
sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"
G1=$(g 1) G2=$(g 2) G3=$(g 3) G4=$(g 4) G5=$(g 5) G6=$(g 6)

# Every account is 'N Main St, Redmond, WA 98052, US'.
upd=$TMP/update.csv
{
	echo 'customer_id,company_name,address_line1,city,state,postal_code,country'
	# 2: a Portland ZIP with the state left WA: the service suggests OR
	echo "$G1,,10 Pine St,Portland,WA,97201,"
	# 3: an address the service verifies
	echo "$G2,,20 Oak St,Seattle,WA,98101,"
	# 4: the company name only: no address to validate
	echo "$G3,New Name Ltd,,,,,"
	# 5: a move to Canada: a valid address, a country change
	echo "$G4,,1 King St W,Toronto,ON,M5V 2T6,CA"
	# 6: a ZIP code of the right shape that no place has (ZIP3 001):
	# the country's rules accept it, the service's validation says None
	echo "$G5,,1 Nowhere Rd,Springfield,NY,00123,"
	# 7: the email only
	echo "$G6,,,,,,"
} >"$upd"

posts() {	# the sandbox's POSTs so far
	admin_stat 'd["methods"]["POST"]'
}
line_state() {	# line_state RUN LINE: the row's outcome
	outc "$1" "$2" o.state
}
problem() {	# problem RUN LINE EXPR: EXPR of the row's problems found at check
	sql "select group_concat($3, ' | ') from row_problem p join run_row r on r.id = p.row where r.run = $1 and r.line = $2 and p.at_check = 1"
}

# --- without validation: nothing is posted ----------------------------------
run stage "$upd"
is "$rc" 0 "stage: every row valid"
p0=$(posts)
run check --endpoint "$BASE"
is "$rc" 0 "check: the plan saved"
is "$(posts)" "$p0" "check without --validate-addresses posts no address"
is "$(line_state 1 2)" pending "without validation, the Portland row is planned"

# --- --validate-addresses -----------------------------------------------------
run check --endpoint "$BASE" --validate-addresses
is "$rc" 1 "check --validate-addresses: exit 1 (invalid rows)"
is "$(($(posts) - p0))" 4 "one POST per row that changes the address (4 of 6)"
is "$(line_state 1 2)" invalid "an address the service wants a person for is invalid"
is "$(problem 1 2 "p.col || ':' || p.rule || ':' || p.value")" \
    "state:address-validation:WA" "the problem is on the column the service names"
like "$(problem 1 2 p.message)" "answered InteractionRequired.*'State'" \
    "the message gives the service's status and reason"
like "$(problem 1 2 p.hint)" "suggests: 10 Pine St, Portland, OR, 97201-[0-9]{4}, US" \
    "the hint gives the service's suggested address"
like "$err" "upd.*row 2, customer $G1: column state: 'WA': address-validation: .*InteractionRequired.*\\(the service suggests: 10 Pine St, Portland, OR" \
    "check prints the problem as a row message"
is "$(line_state 1 3)" pending "an address the service verifies is planned"
is "$(line_state 1 6)" invalid "an address the service calls incorrect is invalid"
like "$(problem 1 6 "p.col || ':' || p.message")" "^postal_code:.*answered None: the address is incorrect.*'PostalCode'" \
    "status None: the postal code, the service's reason"
like "$(problem 1 6 p.hint)" "no suggestion" "status None: no suggestion, said so"
is "$(sql "select count(*) from plan_change c join run_row r on r.id = c.row where r.run = 1 and r.line in (2, 6)")" 0 \
    "nothing of an invalid address is planned"
is "$(line_state 1 4)" pending "a company name change is planned"
is "$(line_state 1 7)" unchanged "a row that changes nothing is unchanged"

# The plan shows the invalid rows with the suggestion.
run plan
like "$out" "addresses the service rejected at check" "plan: a section for the addresses the service rejected"
like "$out" "the service suggests: 10 Pine St, Portland, OR" "plan: the suggested address"
run --json plan
is "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(sorted((p["line"], p["column"], p["rule"]) for p in d["rejected_addresses"]))')" \
    "[(2, 'state', 'address-validation'), (6, 'postal_code', 'address-validation')]" \
    "plan --json: rejected_addresses lists both rows"

# The fix-up CSV says which cell and what the service suggests.
run report -o "$TMP/r.xlsx" --errors-csv "$TMP/fix.csv"
is "$rc" 1 "report: written"
like "$(grep "^$G1," "$TMP/fix.csv")" "state: address-validation: .*the service suggests: 10 Pine St, Portland, OR" \
    "fix-up CSV: the column, the rule and the suggestion"

if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	xl() {	# xl EXPR: over the report (rows(name): a sheet's rows)
		/usr/bin/python3 -c 'import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def rows(n): return list(wb[n].iter_rows(values_only=True))
print(eval(sys.argv[2]))' "$TMP/r.xlsx" "$1" 2>&1
	}
	like "$(xl '[r[6] for r in rows("Invalid") if r[0] == 2]')" \
	    "suggests: 10 Pine St, Portland, OR" "report: the Invalid sheet gives the suggestion"
	is "$(xl 'rows("Changes")[0][7]')" Note "report: the Changes sheet has a Note column"
	like "$(xl '[r[7] for r in rows("Changes") if r[0] == 4]')" \
	    "name Partner Center shows.*not the tenant's organisation name" \
	    "report: a company name change says what it changes"
else
	ok 0 "# SKIP report sheets: no openpyxl"
	ok 0 "# SKIP report sheets: no openpyxl"
	ok 0 "# SKIP report sheets: no openpyxl"
fi

# --- the company name and the country -----------------------------------------
run plan
like "$out" "companyName +Company 3 -> New Name Ltd" "plan: the company name change"
like "$out" "name Partner Center shows \\(customer list, billing\\), not the tenant's organisation name" \
    "plan: it changes the name Partner Center shows, not the organisation's"
run --json plan
like "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print([f.get("note") for c in d["customers"] for f in c["changes"] if f["field"] == "companyName"][0])')" \
    "^changes the name Partner Center shows.*organisation name" \
    "plan --json: the note with the field"
is "$(outc 1 5 o.review)" 1 "a country change needs review"
like "$(outc 1 5 o.message)" "changes the country \\(US -> CA\\).*--allow-flagged.*send_country_changes" \
    "its reason, and the two ways to send it"

run submit --yes --endpoint "$BASE"
is "$(line_state 1 5)" pending "submit: the country change is not sent"
is "$(admin_account 4 'd["profile"]["defaultAddress"]["country"]')" US "the account keeps its country"
is "$(line_state 1 4)" applied "submit: the rest is sent"

# The profile's switch: country changes sent without review.
printf '[submit]\nsend_country_changes = yes\n' >"$TMP/send.ini"
printf 'customer_id,city,state,postal_code,country\n%s,Toronto,ON,M5V 2T6,CA\n' "$G4" >"$TMP/move.csv"
run stage "$TMP/move.csv"
run --profile "$TMP/send.ini" check --endpoint "$BASE"
is "$(outc 2 2 o.review)" 0 "send_country_changes = yes: the country change is not held"
run --profile "$TMP/send.ini" submit --yes --endpoint "$BASE"
is "$rc" 0 "submit: the country change is sent"
is "$(admin_account 4 'd["profile"]["defaultAddress"]["country"]')" CA "the account is in Canada now"
printf '[submit]\nsend_country_changes = maybe\n' >"$TMP/bad.ini"
run --profile "$TMP/bad.ini" check --endpoint "$BASE"
is "$rc" 64 "send_country_changes takes yes or no"

# --- the profile's validate_addresses; offline ---------------------------------
printf '%s\n%s,,10 Pine St,Portland,WA,97201,\n' \
    'customer_id,company_name,address_line1,city,state,postal_code,country' \
    "$G1" >"$TMP/again.csv"
run stage "$TMP/again.csv"
printf '[validation]\nvalidate_addresses = yes\n' >"$TMP/validate.ini"
p0=$(posts)
run --profile "$TMP/validate.ini" check --endpoint "$BASE"
is "$(line_state 3 2)" invalid "[validation] validate_addresses = yes validates"
is "$(($(posts) - p0))" 1 "one POST for the one address"
run check --endpoint "$BASE"
is "$(line_state 3 2)" pending "the next check without it plans the row again"
is "$(problem 3 2 p.rule)" "" "and the problem check found is gone"
run check --snapshot "$TMP/accounts.csv" --validate-addresses
is "$rc" 64 "--validate-addresses with --snapshot: usage (the service is needed)"
run --profile "$TMP/validate.ini" check --snapshot "$TMP/accounts.csv"
like "$err" "not validated offline" "the profile's validate_addresses offline: said"

sandbox_stop
done_testing
