#!/bin/sh
# t_exactly.sh: exactly once, round two (issue 12). Each case puts a
# scripted fault-injecting proxy (tests/faultproxy.py) between importer and
# the sandbox and checks one way a run could be stranded, an outcome
# mislabelled, or something sent that is not in the plan: a read that
# fails at check, a 2xx without a body and then a stop, a database changed
# after check, a 412 as proof that nothing of ours landed (with and without
# a kill), 204 and 202, replies without an etag, a 300-character etag, a
# Retry-After longer than the profile allows, a change of the address's
# contact name, two submits on one database, and what the messages say.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require python3 sqlite3 curl
token_set exactly
GUID_PREFIX=12121212-3434-4555-8666

accounts_file "$TMP/accounts.csv" 20
sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"
SANDBOX=$BASE
SANDBOX_PORT=${BASE##*:}
sandbox_pid=$pid

# proxy RULES: a fault proxy in front of the sandbox with these rules (a
# JSON list); sets $P, its URL, and $proxy_pid; its log in $TMP/proxy.log.
proxy() {
	[ -n "${proxy_pid:-}" ] && kill "$proxy_pid" 2>/dev/null
	printf '%s\n' "$1" >"$TMP/rules.json"
	rm -f "$TMP/proxy.port" "$TMP/proxy.log"
	"$PY" "$TESTS_SRCDIR/faultproxy.py" --upstream "$SANDBOX_PORT" \
	    --port-file "$TMP/proxy.port" --rules "$TMP/rules.json" \
	    --log "$TMP/proxy.log" --token "$TOKEN" \
	    --pid-file "$TMP/importer.pid" 2>"$TMP/proxy.err" &
	proxy_pid=$!
	pids="$pids $proxy_pid"
	port_wait "$TMP/proxy.port" "$proxy_pid" ||
	    bail_out "the fault proxy did not start"
	P="http://127.0.0.1:$(cat "$TMP/proxy.port")"
}

# logged EXPR: how many proxy log lines EXPR holds for (as d).
logged() {
	python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    n += bool(eval(sys.argv[2]))
print(n)' "$TMP/proxy.log" "$1"
}

# fresh NAME LINES...: a new database $TMP/NAME.db, and a staged run of
# one row a LINE ("N,city" changes account N's city).
fresh() {
	IMPORTER_DB=$TMP/$1.db
	export IMPORTER_DB
	shift
	{
		echo customer_id,city
		for l in "$@"; do
			printf '%s,%s\n' "$(g "${l%%,*}")" "${l#*,}"
		done
	} >"$TMP/update.csv"
	run -q stage "$TMP/update.csv"
}

# bg ARGS...: importer ARGS in the background, its pid where the proxy's
# kill action finds it; waits for it; sets $rc, $out, $err.
bg() {
	$VALGRIND "$IMPORTER" "$@" >"$TMP/out" 2>"$TMP/err" &
	echo $! >"$TMP/importer.pid"
	wait $!
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

city() {	# city N: the sandbox's city of account N
	admin_account "$1" 'd["profile"]["defaultAddress"].get("city")'
}

# --- 1. a read that fails at check strands nothing --------------------
fresh one "1,Seattle" "2,Tacoma"
proxy '[{"method": "GET", "customer": "'"$(g 2)"'", "nth": 0, "action": "status:500"}]'
run check --endpoint "$P" --retries 0
is "$rc" 1 "1: check with one account unreadable exits 1"
is "$(outc 1 3 "o.state || ' ' || o.http_status || ' ' || o.retryable")" \
    "failed 500 0" "1: the row failed with its HTTP status, not retryable"
like "$out" "1 could not be read \\(nothing sent: check again\\)" \
    "1: check's summary says it could not be read, apart from the changes"
unlike "$out" "to change \\([0-9]+ applied, [1-9]" \
    "1: ... not counted as a failed change"
run retry --dry-run --endpoint "$P"
like "$out" "0 rows to retry" "1: retry leaves a row without a plan alone"
run check --endpoint "$P" --retries 0
is "$rc" 0 "1: check runs again over the rows never sent"
is "$(outc 1 3 o.state)" pending "1: ... and plans the row it could not read"
run submit --yes --endpoint "$P"
is "$rc" 0 "1: submit sends the plan as checked (no 'check again')"
is "$(city 2)" Tacoma "1: ... the row is applied"

# --- 2. a 2xx without a body, then a stop: sending, then applied ------
fresh two "3,Spokane"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "nth": 0, "action": "empty:200"},
        {"method": "GET", "action": "status:401"}]'
run submit --yes --endpoint "$P"
is "$rc" 77 "2: the read that confirms a body-less 200 gets 401: exit 77"
like "$err" "no new token could be had" \
    "2: the message says no new token could be had, not that one was refused"
is "$(outc 1 2 o.state)" sending "2: the row whose PUT landed stays sending"
proxy '[]'
run submit --yes --endpoint "$P"
is "$rc" 0 "2: the next submit exits 0"
is "$(outc 1 2 o.state)" applied "2: ... the row is applied, not unchanged"
is "$(logged 'd["method"] == "PUT"')" 0 "2: ... and nothing was sent twice"

# --- 3. the plan hash covers what is sent and where --------------------
fresh three "4,Olympia"
run check --endpoint "$SANDBOX"
proxy '[]'
sql "update account set body = replace(body, 'billing4@example.com', 'thief@example.net')"
run submit --yes --endpoint "$P"
is "$rc" 65 "3: an account body changed after check: refused (65)"
like "$err" "check again" "3: ... saying to check again"
is "$(logged 'd["method"] == "PUT"')" 0 "3: ... and nothing was sent"
sql "update account set body = replace(body, 'thief@example.net', 'billing4@example.com')"
sql "update run_row set customer_id = '$(g 5)' where customer_id = '$(g 4)'"
run submit --yes --endpoint "$P"
is "$rc" 65 "3: a row's customer ID changed after check: refused (65)"
sql "update run_row set customer_id = '$(g 4)' where customer_id = '$(g 5)'"
sql "update account set etag = 'W/\"0\"'"
run submit --yes --endpoint "$P"
is "$rc" 65 "3: an account's etag changed after check: refused (65)"
is "$(logged 'd["method"] == "PUT"')" 0 "3: nothing was sent for any of them"

# --- 4. a 412 proves nothing of ours landed ----------------------------
fresh four "6,Everett"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "nth": 0, "action": "edit:{\"city\": \"Everett\"}"}]'
run submit --yes --endpoint "$P"
is "$rc" 0 "4: someone else made the same change first: exit 0"
is "$(outc 1 2 "o.state || ' ' || o.message")" \
    "unchanged someone else made the same change; nothing of ours was written" \
    "4: unchanged, saying why"
fresh four-kill "7,Edmonds"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "nth": 0, "action": "edit:{\"city\": \"Edmonds\"}"},
        {"method": "GET", "nth": 0, "action": "kill"}]'
bg submit --yes --endpoint "$P"
is "$rc" 137 "4: killed after the 412, before the read"
is "$(outc 1 2 "o.state || ' ' || o.put_in_flight || o.put_landed")" \
    "sending 00" "4: ... the row is sending, and the 412 is on record"
proxy '[]'
run submit --yes --endpoint "$P"
is "$(outc 1 2 o.state)" unchanged "4: resumed: unchanged, as without the kill"
# A row marked sending whose PUT never left (a snapshot plan's read).
fresh four-snap "8,Lynnwood"
{ echo "$ACCOUNTS_HEAD"; acct 8; } >"$TMP/snap.csv"
run check --snapshot "$TMP/snap.csv"
admin POST "/_admin/accounts/$(g 8)" '{"city": "Lynnwood"}' >/dev/null
proxy '[{"method": "GET", "nth": 0, "action": "kill"}]'
bg submit --yes --endpoint "$P"
is "$(outc 1 2 "o.state || ' ' || coalesce(o.request_id, '')")" "sending " \
    "4: killed in its first read: sending, no request id"
proxy '[]'
run submit --yes --endpoint "$P"
is "$(outc 1 2 o.state)" unchanged \
    "4: no PUT of it ever left: unchanged, never applied"

# --- 5. any 2xx is a write ---------------------------------------------
fresh five "9,Renton" "10,Kent"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "customer": "'"$(g 9)"'", "action": "empty:204"},
        {"method": "PUT", "customer": "'"$(g 10)"'", "action": "empty:202"}]'
run submit --yes --endpoint "$P"
is "$rc" 0 "5: 204 and 202 without a body: exit 0"
is "$(outc 1 2 o.state) $(outc 1 3 o.state)" "applied applied" \
    "5: both applied, confirmed by reading"
is "$(logged 'd["method"] == "GET"')" 2 "5: ... one read each"

# --- 6. etags --------------------------------------------------------
fresh six "11,Auburn"
proxy '[{"method": "GET", "action": "noetag"}]'
run check --endpoint "$P"
is "$(sql "select count(*) from account where etag is null")" 1 \
    "6: a reply without an etag: none kept at check"
run submit --yes --endpoint "$P"
is "$(logged 'd["method"] == "PUT"')" 0 "6: no etag from any read: no PUT at all"
like "$(outc 1 2 o.message)" "gave no etag" "6: ... the row failed, saying so"
fresh six-long "12,Burien"
proxy '[{"method": "*", "action": "longetag"}]'
run check --endpoint "$P"
is "$(sql "select length(etag) from account")" \
    "$(( $(admin_account 12 'len(d["etag"])') + 301 ))" \
    "6: a 300-character etag kept whole at check"
run submit --yes --endpoint "$P"
is "$(outc 1 2 o.state)" applied "6: ... sent back whole: applied"
is "$(logged 'd["method"] == "PUT" and len(d["if_match"] or "") > 300')" 1 \
    "6: ... one PUT, its If-Match the whole etag"
is "$(logged 'd["method"] == "PUT" and not d["if_match"]')" 0 \
    "6: every PUT carried If-Match"
fresh six-wait "13,Kirkland"
run check --endpoint "$SANDBOX"
printf '[submit]\nmax_wait = 60\n' >"$TMP/wait.ini"
run config
like "$out" "submit.max_wait +300 +default" "6: config: max_wait 300 by default"
run --profile "$TMP/wait.ini" config
like "$out" "submit.max_wait +60 +.*wait.ini:2" "6: config: the profile's max_wait, from its line"
proxy '[{"method": "PUT", "action": "retry:429:3600"}]'
run --profile "$TMP/wait.ini" submit --yes --endpoint "$P"
is "$rc" 69 "6: Retry-After 3600 s over max_wait 60: the run stops (69)"
like "$err" "asked to wait 3600 s.*resume after [0-9][0-9]:[0-9][0-9] UTC" \
    "6: ... saying when to resume"
is "$(outc 1 2 o.state)" pending "6: ... the row pending, nothing written"
IMPORTER_DB=$TMP/six-name.db
printf 'customer_id,first_name\n%s,Zoe\n' "$(g 14)" >"$TMP/name.csv"
run -q stage "$TMP/name.csv"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "nth": 0, "action": "status:412"},
        {"method": "GET", "nth": 0, "action": "addrname:Yvonne"}]'
run submit --yes --endpoint "$P"
is "$(outc 1 2 o.state)" conflict \
    "6: the address's contact name changed by someone else: a conflict"
is "$(logged 'd["method"] == "PUT"')" 1 "6: ... and nothing written over it"

# --- 7. two submits on one database ------------------------------------
fresh seven "15,Issaquah" "16,Sammamish"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "action": "delay:3000"}]'
$VALGRIND "$IMPORTER" submit --yes --endpoint "$P" \
    >"$TMP/first.out" 2>"$TMP/first.err" &
first=$!
# Until its rows are on their way (marked sending before they leave).
i=0
while [ "$(sql "select count(*) from outcome where state = 'sending'" \
    2>/dev/null)" != 2 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
run submit --yes --endpoint "$P"
is "$rc" 75 "7: a second submit on the same database exits 75 at once"
like "$err" "another importer process is working on this database" \
    "7: ... saying why"
wait $first
is "$?" 0 "7: the first submit ends well"
is "$(logged 'd["method"] == "PUT"')" 2 "7: one PUT a row: the second sent nothing"

# --- 8. messages say what happened -------------------------------------
fresh eight "17,Bellevue"
run check --endpoint "$SANDBOX"
id=$(sql "select id from run_row where line = 2")
sql "update outcome set state = 'failed', http_status = 503, retryable = 1, attempts = 1 where row = $id"
run retry --dry-run --endpoint "$SANDBOX"
like "$out" "1 row to retry" "8: retry --dry-run counts the row"
like "$out" "would send 1 row" "8: ... and says it would send it (not 0)"
fresh eight-merge "18,Duvall" "19,Carnation"
run check --endpoint "$SANDBOX"
proxy '[{"method": "PUT", "customer": "'"$(g 18)"'", "nth": 0, "action": "edit:{\"region\": \"East\"}"},
        {"method": "PUT", "customer": "'"$(g 18)"'", "nth": 1, "action": "edit:{\"region\": \"Eastside\"}"},
        {"method": "PUT", "customer": "'"$(g 19)"'", "nth": 0, "action": "edit:{\"region\": \"East\"}"}]'
run submit --yes --endpoint "$P"
is "$(outc 1 2 o.state) $(outc 1 3 o.state)" "applied applied" \
    "8: both rows applied over the other user's region"
like "$out" " 2 re-applied over other changes" \
    "8: two rows merged (one of them twice): 2, rows not attempts"

sandbox_stop
done_testing
