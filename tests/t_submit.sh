#!/bin/sh
# t_submit.sh: importer submit against importer sandbox: every outcome
# (applied, failed with the service's code, unchanged, not_found, conflict,
# pending for flagged rows and --allow-flagged, invalid never sent), the PUT
# changing only the planned fields, conflicts and merges with a change made
# "as another user" between check and submit, --dry-run and the missing
# --yes sending nothing, idempotent re-runs, plan tampering (65), the
# profile's change limits (64, --allow-over-limit), the token never written
# anywhere, an unreachable service (69) then resume, and a refused token
# (77) with the rest pending.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require curl python3 sqlite3

# A distinctive token: it must never show up in any file or output.
token_set submit-secret
BADTOKEN="bad-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')-nope"
mkdir -p "$TMP/secret"
printf '%s\n' "$TOKEN" >"$TMP/secret/token"

GUID_PREFIX=33333333-0000-4000-8000
accounts_file "$TMP/accounts.csv" 20
# The snapshot knows one customer more than the service: not_found.
{
	cat "$TMP/accounts.csv"
	acct 99
} >"$TMP/snapshot.csv"

# Every output of run kept in all-output.log, which the token must never
# reach.
RUN_LOG=$TMP/all-output.log

submit() {	# submit ARGS...: importer --json submit --endpoint $BASE ARGS
	run --json submit --endpoint "$BASE" "$@"
}

# A port nothing listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# --- the main run -----------------------------------------------------------
# The service's US rules as they stand at submit: es-US is no longer
# listed (the check judged by the bundled rules, which list it).
cat >"$TMP/us-rules.json" <<'EOF'
{"iso2Code": "US", "isStateRequired": true, "supportedStatesList": [],
 "supportedCulturesList": ["en-US"], "supportedLanguagesList": ["en", "es"],
 "isPostalCodeRequired": true, "postalCodeRegex": "^\\d{5}(-\\d{4})?$",
 "isCityRequired": true}
EOF
sandbox_start main --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --country-rules "$TMP/us-rules.json"
ok $? "the sandbox starts"

{
	echo "customer_id,company_name,last_name,email,city,postal_code,culture"
	echo "$(g 1),,,,Bellevue,98004,"		# 2 applied
	echo "$(g 2),,,,,,es-US"			# 3 failed (27002)
	echo "$(g 3),Company 3,,,,,"			# 4 unchanged
	echo "$(g 1),,,,Bellevue,98004,"		# 5 duplicate of 2
	echo "$(g 4),,,new4@example.com,Seattle,,"	# 6 flagged
	echo "$(g 5),,,,Spokane,,"			# 7 conflict
	echo "$(g 6),,,,Tacoma,,"			# 8 merge
	echo "$(g 7),,,not-an-email,,,"			# 9 invalid
	echo "$(g 8),,Smith-Jones,,,,"			# 10 applied
	echo "$(g 9),Company 9 Inc,,,,,"		# 11 applied
} >"$TMP/update1.csv"

run stage "$TMP/update1.csv"
is "$rc" 1 "stage: one invalid row (exit 1)"
run check 1 --snapshot "$TMP/snapshot.csv"
is "$rc" 1 "check --snapshot: exit 1 (an invalid row)"

run submit 1 --endpoint "$BASE" </dev/null
is "$rc" 64 "submit without --yes and without a terminal: 64"
like "$err" '--yes' "... saying --yes is needed"
is "$(admin_stat 'd["requests"]')" 0 "... nothing was sent"

run --json submit 1 --dry-run --endpoint "$BASE"
is "$rc" 1 "submit --dry-run: exit as the counts stand (1)"
is "$(json_get would_send)" 6 "... would send the 6 unflagged planned rows"
is "$(admin_stat 'd["requests"]')" 0 "... and sent nothing"
is "$(sql "select count(*) from outcome where run = 1 and state = 'sending'")" \
    0 "... and marked nothing as sending"

# Other users change accounts between check and submit.
admin POST "/_admin/accounts/$(g 5)" '{"city": "Kirkland"}' >"$TMP/adm"
is "$(json_eval "$TMP/adm" 'd["profile"]["defaultAddress"]["city"]')" Kirkland \
    "another user moves customer 5 to Kirkland (a field the row changes)"
admin POST "/_admin/accounts/$(g 6)" '{"company_name": "Company 6 Renamed"}' >"$TMP/adm"
is "$(json_eval "$TMP/adm" 'd["profile"]["companyName"]')" "Company 6 Renamed" \
    "another user renames customer 6 (a field the row does not change)"

run -v -v --json submit 1 --yes --endpoint "$BASE"
is "$rc" 1 "submit --yes: exit 1 (failed, conflict, invalid, flagged)"
printf '%s' "$out" >"$TMP/s1.json"
is "$(json_eval "$TMP/s1.json" '[d[k] for k in ("run","rows","valid","invalid","duplicate","changes","unchanged","not_found","applied","failed","conflicts","pending")]')" \
    '[1, 10, 8, 1, 1, 7, 1, 0, 4, 1, 1, 1]' \
    "--json: run, rows, valid, invalid, duplicate, changes, unchanged, not_found, applied, failed, conflicts, pending"
is "$(json_eval "$TMP/s1.json" 'sorted(k for k in ("sent","throttled","merged","recovered","correlation_id") if k in d)')" \
    '["correlation_id", "merged", "recovered", "sent", "throttled"]' \
    "--json: sent, throttled, merged, recovered, correlation_id"
like "$(json_get correlation_id)" '^[0-9a-f]{8}-[0-9a-f]{4}-4' \
    "... the correlation id is a GUID"
is "$(json_get throttled)" 0 "... nothing throttled"
like "$err" "PUT /v1/customers/$(g 1)/profiles/billing" \
    "-v -v: every request on stderr"

is "$(outc 1 2 "o.state || '/' || o.http_status")" applied/200 \
    "line 2 (city, ZIP): applied, HTTP 200"
like "$(outc 1 2 o.request_id)" '^[0-9a-f]{8}-' "... with its MS-RequestId"
like "$(outc 1 2 o.sent_at)" '^20[0-9][0-9]-' "... and when it was sent"
is "$(outc 1 3 "o.state || '/' || o.http_status || '/' || o.error_code")" \
    failed/400/27002 "line 3 (a culture the service refuses): failed 400/27002"
like "$(outc 1 3 o.message)" 'culture' "... with the service's description"
is "$(outc 1 3 o.retryable)" 0 "... not retryable: the service refused the value"
is "$(outc 1 4 o.state)" unchanged "line 4: unchanged"
is "$(sql "select r.state || '/' || count(o.row) from run_row r left join outcome o on o.row = r.id where r.run = 1 and r.line = 5")" \
    duplicate/0 "line 5 (a repeat of line 2): duplicate, nothing to send"
is "$(outc 1 6 o.state)" pending "line 6 (email and address: flagged): pending"
is "$(outc 1 7 o.state)" conflict "line 7 (city changed by another user): conflict"
is "$(sql "select c.col || '|' || c.at_check || '|' || c.now || '|' || c.wanted from conflict c join run_row r on r.id = c.row where r.run = 1 and r.line = 7")" \
    "9|Redmond|Kirkland|Spokane" \
    "... the conflict records city: at check, now, wanted"
is "$(outc 1 8 o.state)" applied "line 8 (company changed by another user): applied"
is "$(sql "select r.state || '/' || count(o.row) from run_row r left join outcome o on o.row = r.id where r.run = 1 and r.line = 9")" \
    invalid/0 "line 9: invalid, no outcome to send"
is "$(outc 1 10 o.state)" applied "line 10 (last name): applied"
is "$(outc 1 11 o.state)" applied "line 11 (company): applied"
is "$(sql "select count(*) from outcome where run = 1 and state = 'sending'")" \
    0 "no row left 'sending'"

# What the service holds now.
is "$(admin_account 1 '[d["profile"]["defaultAddress"][k] for k in ("city","postalCode")]')" \
    '["Bellevue", "98004"]' "customer 1: the planned city and ZIP"
is "$(admin_account 1 '[d["profile"].get("companyName"), d["profile"].get("email"), d["profile"].get("firstName"), d["profile"].get("lastName"), d["profile"].get("culture"), d["profile"].get("language")] + [d["profile"]["defaultAddress"].get(k) for k in ("addressLine1","state","country","phoneNumber","firstName","lastName")] + [d["puts"]]')" \
    '["Company 1", "billing1@example.com", "First1", "Last1", "en-US", "en", "1 Main St", "WA", "US", "4255550100", "First1", "Last1", 1]' \
    "... every other field kept, written once"
is "$(admin_account 2 '[d["profile"]["culture"], d["puts"]]')" '["en-US", 0]' \
    "customer 2: the refused culture was not stored"
is "$(admin_account 5 '[d["profile"]["defaultAddress"]["city"], d["puts"]]')" \
    '["Kirkland", 0]' "customer 5: the other user's city is not overwritten"
is "$(admin_account 6 '[d["profile"]["companyName"], d["profile"]["defaultAddress"]["city"], d["puts"]]')" \
    '["Company 6 Renamed", "Tacoma", 1]' \
    "customer 6: our city on top of the other user's new name (merge)"
is "$(admin_account 8 '[d["profile"]["lastName"], d["profile"]["defaultAddress"]["lastName"], d["profile"]["firstName"], d["puts"]]')" \
    '["Smith-Jones", "Smith-Jones", "First8", 1]' \
    "customer 8: the last name in the profile and its address"
is "$(admin_account 9 '[d["profile"]["companyName"], d["puts"]]')" \
    '["Company 9 Inc", 1]' "customer 9: the new company name"
is "$(admin_account 4 '[d["profile"]["email"], d["puts"]]')" \
    '["billing4@example.com", 0]' "customer 4 (flagged): not written"
is "$(admin_account 7 'd["puts"]')" 0 "customer 7 (invalid): not written"
is "$(admin_account 3 'd["puts"]')" 0 "customer 3 (unchanged): not written"
unlike "$(cat "$TMP/main.err")" "/v1/customers/($(g 4)|$(g 7)|$(g 3))" \
    "no request at all for the flagged, invalid and unchanged rows"
is "$(admin_stat 'd["putsApplied"]')" 4 "the service applied exactly 4 writes"
puts1=4
reqs1=$(admin_stat 'd["requests"]')

# Re-running sends nothing new.
submit 1 --yes
is "$rc" 1 "submit again: exit 1 (as the counts stand)"
is "$(json_get applied) $(json_get pending)" "4 1" "... the same counts"
is "$(admin_stat 'd["requests"]')" "$reqs1" "... not one request sent"
is "$(admin_stat 'd["putsApplied"]')" "$puts1" "... nothing written"

# --allow-flagged sends the flagged row.
submit 1 --yes --allow-flagged
is "$rc" 1 "submit --allow-flagged: exit 1 (the failed, conflict, ... rows)"
is "$(outc 1 6 o.state)" applied "line 6 (flagged): applied with --allow-flagged"
is "$(admin_account 4 '[d["profile"]["email"], d["profile"]["defaultAddress"]["city"], d["puts"]]')" \
    '["new4@example.com", "Seattle", 1]' "... email and city written, once"
is "$(json_get pending)" 0 "... nothing pending any more"
is "$(admin_stat 'd["putsApplied"]')" 5 "... one write more"
reqs1=$(admin_stat 'd["requests"]')
submit 1 --yes --allow-flagged
is "$(admin_stat 'd["requests"]') $(admin_stat 'd["putsApplied"]')" "$reqs1 5" \
    "a completed run submitted again: nothing sent (idempotent)"
run --json submit 1 --dry-run --endpoint "$BASE"
is "$(json_get would_send)" 0 "... --dry-run would send nothing"

# --- plan tampering ---------------------------------------------------------
{
	echo "customer_id,city"
	echo "$(g 10),Olympia"
} >"$TMP/update2.csv"
run stage "$TMP/update2.csv"
run check 2 --snapshot "$TMP/snapshot.csv"
is "$rc" 0 "run 2: checked"
row10=$(sql "select id from run_row where run = 2 and line = 2")
sqlite3 "$IMPORTER_DB" "update plan_change set new = 'Evil City' where row = $row10"
reqs=$(admin_stat 'd["requests"]')
submit 2 --yes
is "$rc" 65 "a plan changed after check (plan_change): 65"
like "$err" 'plan' "... saying the plan is not the one check saved"
is "$(admin_stat 'd["requests"]')" "$reqs" "... nothing sent"
is "$(outc 2 2 o.state)" pending "... the row still pending"

run check 2 --snapshot "$TMP/snapshot.csv"
is "$rc" 0 "checked again: a fresh plan"
# The staged value (not the plan) changed behind check's back: what check
# planned or nothing may go out, never the tampered value.
sqlite3 "$IMPORTER_DB" "update run_row set city = 'Evil City' where id = $row10"
submit 2 --yes
src=$rc
city10=$(admin_account 10 'd["profile"]["defaultAddress"]["city"]')
ok "$([ "$src" = 65 ] || [ "$city10" = Olympia ]; echo $?)" \
    "a staged value changed after check: refused (65) or the planned value sent (rc $src, city $city10)"
unlike "$city10" 'Evil' "... the tampered value never reaches the service"

# --- the profile's limits -----------------------------------------------------
{
	echo "customer_id,city"
	echo "$(g 11),Olympia"
	echo "$(g 12),Olympia"
	echo "$(g 13),Redmond"
} >"$TMP/update3.csv"
printf '[submit]\nmax_changes = 1\n' >"$TMP/limit.ini"
printf '[submit]\nmax_change_percent = 50\n' >"$TMP/pct.ini"
run --profile "$TMP/limit.ini" stage "$TMP/update3.csv"
run --profile "$TMP/limit.ini" check 3 --snapshot "$TMP/snapshot.csv"
is "$rc" 0 "run 3: 2 changes, 1 unchanged"
reqs=$(admin_stat 'd["requests"]')
run --profile "$TMP/limit.ini" --json submit 3 --yes --endpoint "$BASE"
is "$rc" 64 "2 changes over max_changes = 1: 64"
like "$err" 'allow-over-limit' "... naming --allow-over-limit"
run --profile "$TMP/pct.ini" --json submit 3 --yes --endpoint "$BASE"
is "$rc" 64 "2 of 3 rows (67%) over max_change_percent = 50: 64"
is "$(admin_stat 'd["requests"]')" "$reqs" "... nothing sent"
run --profile "$TMP/limit.ini" --json submit 3 --yes --allow-over-limit \
    --endpoint "$BASE"
is "$rc" 0 "--allow-over-limit: sent, exit 0"
is "$(json_get applied) $(json_get unchanged)" "2 1" "... 2 applied, 1 unchanged"

# --- unreachable, then resume ---------------------------------------------------
{
	echo "customer_id,company_name"
	echo "$(g 14),Company 14 LLC"
	echo "$(g 15),Company 15 LLC"
	echo "$(g 16),Company 16 LLC"
} >"$TMP/update4.csv"
run stage "$TMP/update4.csv"
run check 4 --snapshot "$TMP/snapshot.csv"
dead=$(free_port)
run --json submit 4 --yes --retries 1 --endpoint "http://127.0.0.1:$dead"
is "$rc" 69 "a service nothing listens on: 69"
like "$err" 'unreachable' "... saying it is unreachable"
is "$(sql "select group_concat(state) from (select o.state from outcome o where o.run = 4 order by o.row)")" \
    "pending,pending,pending" "... every row pending"
submit 4 --yes
is "$rc" 0 "the service back: the same submit continues, exit 0"
is "$(json_get applied) $(json_get pending)" "3 0" "... all 3 applied"
is "$(admin_account 15 '[d["profile"]["companyName"], d["puts"]]')" \
    '["Company 15 LLC", 1]' "... written once"

# --- a refused token, then the right one -----------------------------------------
{
	echo "customer_id,company_name"
	echo "$(g 17),Company 17 LLC"
	echo "$(g 18),Company 18 LLC"
} >"$TMP/update5.csv"
run stage "$TMP/update5.csv"
run check 5 --snapshot "$TMP/snapshot.csv"
IMPORTER_TOKEN=$BADTOKEN
export IMPORTER_TOKEN
run -v --json submit 5 --yes --endpoint "$BASE"
is "$rc" 77 "a token the service refuses (401): 77"
like "$err" '401' "... saying so"
is "$(sql "select group_concat(state) from (select o.state from outcome o where o.run = 5 order by o.row)")" \
    "pending,pending" "... the rows stay pending"
is "$(admin_account 17 'd["puts"]')" 0 "... nothing written"
unset IMPORTER_TOKEN
run -v --json submit 5 --yes --token-file "$TMP/secret/token" \
    --endpoint "$BASE"
is "$rc" 0 "the right token (--token-file): exit 0"
is "$(json_get applied)" 2 "... both applied"
IMPORTER_TOKEN=$TOKEN
export IMPORTER_TOKEN

# --- a customer the service does not know (gone since the snapshot) ----------------
{
	echo "customer_id,email"
	echo "$(g 99),new99@example.com"
	echo "$(g 13),new13@example.com"
} >"$TMP/update6.csv"
run stage "$TMP/update6.csv"
R=$(sql "select max(id) from run")
run check "$R" --snapshot "$TMP/snapshot.csv"
is "$rc" 0 "run $R: the snapshot knows both customers"
submit "$R" --yes
is "$rc" 1 "submit: exit 1 (a customer not found)"
is "$(outc "$R" 2 "o.state || '/' || o.http_status")" not_found/404 \
    "line 2 (unknown to the service): not_found, HTTP 404"
is "$(outc "$R" 3 o.state)" applied "line 3: applied"
is "$(json_get not_found) $(json_get applied)" "1 1" "--json: not_found 1, applied 1"
ok $([ "$(log_count "$TMP/main.err" \
    "GET /v1/customers/$(g 99)/profiles/billing 404" 1)" -eq 1 ]; echo $?) \
    "the unknown customer was looked up (404), once"
unlike "$(cat "$TMP/main.err")" "PUT /v1/customers/$(g 99)/" \
    "... and nothing was written for it"
reqs=$(admin_stat 'd["requests"]')
submit "$R" --yes
is "$rc" 1 "the run submitted again: exit 1 as the counts stand (not a tampered plan)"
is "$(admin_stat 'd["requests"]')" "$reqs" "... nothing sent"

# --- an online check (when check --endpoint exists): stale etags --------------------
if $VALGRIND "$IMPORTER" help check 2>&1 | grep -q -- '--endpoint'; then
	{
		echo "customer_id,city"
		echo "$(g 19),Everett"
		echo "$(g 20),Everett"
	} >"$TMP/update7.csv"
	run stage "$TMP/update7.csv"
	R=$(sql "select max(id) from run")
	run check "$R" --endpoint "$BASE"
	is "$rc" 0 "run $R: check --endpoint"
	like "$(sql "select etag from account a join run_row r on r.id = a.row where r.run = $R and r.line = 2")" \
	    '.' "... keeps the etag read"
	admin POST "/_admin/accounts/$(g 19)" '{"city": "Bothell"}' >"$TMP/adm"
	admin POST "/_admin/accounts/$(g 20)" '{"company_name": "Company 20 Renamed"}' >"$TMP/adm"
	submit "$R" --yes
	is "$rc" 1 "submit over two stale etags: exit 1 (a conflict)"
	is "$(outc "$R" 2 o.state)" conflict "line 2 (city changed since check): conflict"
	is "$(sql "select c.at_check || '|' || c.now || '|' || c.wanted from conflict c join run_row r on r.id = c.row where r.run = $R and r.line = 2")" \
	    "Redmond|Bothell|Everett" "... at check, now, wanted"
	is "$(admin_account 19 '[d["profile"]["defaultAddress"]["city"], d["puts"]]')" \
	    '["Bothell", 0]' "... the other user's city kept"
	is "$(outc "$R" 3 o.state)" applied "line 3 (company changed since check): applied"
	is "$(json_get merged)" 1 "... re-applied on top (merged 1)"
	is "$(admin_account 20 '[d["profile"]["companyName"], d["profile"]["defaultAddress"]["city"], d["puts"]]')" \
	    '["Company 20 Renamed", "Everett", 1]' "... both changes survive"
else
	ok 0 "# SKIP check --endpoint not available yet"
fi

sandbox_stop
# Every request for an account the sandbox holds must have reached it (a
# 404 or 405 for one would be the sandbox misrouting a request).
mis=$(grep -a -E "importer sandbox: (GET|PUT) /v1/customers/33333333-[^ ]*/profiles/billing (404|405) " \
    "$TMP/main.err" | grep -v "$(g 99)")
is "$mis" "" "the sandbox answered every request for its accounts (no 404/405)"

# --- the token is written nowhere ---------------------------------------------------
like "$(cat "$TMP/all-output.log")" 'applied' "(the outputs were collected)"
unlike "$(cat "$TMP/all-output.log")" "$TOKEN|$BADTOKEN" \
    "the token is in no stdout or stderr (with -v too)"
is "$(stat -c %a "$IMPORTER_DB")" 600 "the database is private (0600)"
ok "$(grep -a -q -F -e "$TOKEN" -e "$BADTOKEN" "$IMPORTER_DB"; [ $? -eq 1 ]; echo $?)" \
    "the token is not in the database file"
ok "$(sqlite3 "$IMPORTER_DB" .dump | grep -q -F -e "$TOKEN" -e "$BADTOKEN"; [ $? -eq 1 ]; echo $?)" \
    "... nor in any of its tables"
leaks=$(grep -r -l -a -F -e "$TOKEN" -e "$BADTOKEN" --exclude-dir=secret "$TMP")
is "$leaks" "" "no file under the test folder holds the token"

done_testing
