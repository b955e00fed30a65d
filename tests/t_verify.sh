#!/bin/sh
# importer verify: a run's writes against the service's activity log (GET
# /v1/auditrecords): every applied row matched, a write made behind our
# back reported, the log read page by page, a run older than the log's 90
# days refused, the China cloud said to have none; the report's Summary
# says whether the log confirmed the writes.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

require curl
token_set verify

accounts_file "$TMP/accounts.csv" 6
{
	echo 'Customer ID,City'
	for i in 1 2 3 4 5; do
		echo "$(g "$i"),Town$i"
	done
	# Customer 6 already lives in Redmond: unchanged, never written.
	echo "$(g 6),Redmond"
} >"$TMP/update.csv"

# --page-max 2: the log of five writes comes in three pages.
sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --page-max 2 || skip_all "the sandbox did not start"

run verify --endpoint "$BASE"
is "$rc" 64 "no run staged: exit 64"

$VALGRIND $IMPORTER -q stage "$TMP/update.csv"
$VALGRIND $IMPORTER -q check --endpoint "$BASE"
run verify --endpoint "$BASE"
is "$rc" 64 "a run that sent nothing: exit 64"
like "$err" "sent nothing" "... saying so"

$VALGRIND $IMPORTER -q submit --yes --endpoint "$BASE"
is "$(sql "select count(*) from outcome where state = 'applied'")" 5 \
    "five rows applied"

# The sandbox's log: one record per write, with the run's correlation id,
# in pages.
corr=$(sql "select correlation_id from run where id = 1")
day=$(date -u +%Y-%m-%d)
admin GET "/v1/auditrecords?startDate=$day&endDate=$day" >"$TMP/page1.json"
is "$(json_eval "$TMP/page1.json" 'len(d["items"])')" 2 \
    "the sandbox's log is paged (--page-max 2)"
is "$(json_eval "$TMP/page1.json" 'd["items"][0]["operationType"]')" \
    update_customer_billing_profile "... records of update_customer_billing_profile"
is "$(json_eval "$TMP/page1.json" 'd["items"][0]["originalCorrelationId"]')" \
    "$corr" "... carrying the run's MS-CorrelationId"
is "$(json_eval "$TMP/page1.json" '"Town" in d["items"][0]["resourceNewValue"] and "Redmond" in d["items"][0]["resourceOldValue"]')" \
    true "... with the old and new values"
like "$(json_eval "$TMP/page1.json" 'd["links"]["next"]["headers"][0]["key"]')" \
    MS-ContinuationToken "... and a next link with a continuation token"
old=$(date -u -d '-100 days' +%Y-%m-%d)
admin GET "/v1/auditrecords?startDate=$old" >"$TMP/old.json"
like "$(json_eval "$TMP/old.json" 'd["description"]')" "90 days" \
    "a start date over 90 days ago is refused by the sandbox"

# pages [AT_LEAST]: the log's pages the sandbox has answered (lib.sh's
# log_count); the first page above is one.
pages() { log_count "$TMP/sandbox.err" 'GET /v1/auditrecords 200' "${1:-0}"; }
n=$(pages 1)
run --json verify --endpoint "$BASE"
is "$rc" 0 "every write confirmed: exit 0"
is "$(($(pages $((n + 3))) - n))" 3 "verify read the log's three pages"
jsnap
is "$(jv matched)" 5 "verify matches every applied row"
is "$(jv missing)" 0 "... none missing"
is "$(jv unexpected)" 0 "... nothing unexpected"
is "$(jv records)" 5 "... reading all three pages of the log"
is "$(sql "select matched || '/' || missing || '/' || unexpected from verify where run = 1")" \
    5/0/0 "the result is kept"
is "$(sql "select count(*) from verify_row where run = 1 and state = 'matched' and record like '%$corr%'")" \
    5 "... each row with its record"

run verify --endpoint "$BASE"
like "$out" "5 applied rows: 5 matched, 0 missing; 0 unexpected" \
    "the counts, in words"
like "$out" "confirms every write" "... and that the log confirms them"
is "$(sql "select what || ' ' || run || ' ' || json_extract(detail, '$.matched') from audit order by id desc limit 1")" \
    "verify 1 5" "verify adds an entry to the audit trail, with its counts"
run history --audit
is "$rc" 0 "... and the trail's chain holds"

# A change made behind our back (a portal edit: the admin API), to a
# customer the run wrote and to one it left unchanged.
admin POST "/_admin/accounts/$(g 2)" '{"city":"Elsewhere"}' >/dev/null
admin POST "/_admin/accounts/$(g 6)" '{"email":"someone@else.example"}' >/dev/null
run verify --endpoint "$BASE"
is "$rc" 1 "writes we did not make: exit 1"
like "$out" "5 matched, 0 missing; 2 unexpected" "both are unexpected"
like "$err" "row 3, customer $(g 2): verify-unexpected: a write this run did not make: by [^ ]+ at [^ ]+, correlation id \\(none\\)" \
    "the applied customer's second write, on its row"
like "$err" "row 7, customer $(g 6): verify-unexpected: .*not applied" \
    "the unchanged customer's write, on its row"
is "$(sql "select customer_id from verify_row where run = 1 and state = 'unexpected' order by customer_id")" \
    "$(g 2)
$(g 6)" "the unexpected writes are kept"

# The report's Summary says whether the log confirmed the writes.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	$VALGRIND $IMPORTER -q report -o "$TMP/r.xlsx" >/dev/null 2>&1
	/usr/bin/python3 - "$TMP/r.xlsx" >"$TMP/summary" <<'PY'
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
for r in ws.iter_rows(values_only=True):
    if r[0] == "Service's log":
        print(r[1])
PY
	like "$(cat "$TMP/summary")" "NOT confirmed: 5 of 5 applied rows matched, 0 missing, 2 unexpected writes" \
	    "the report's Summary: not confirmed, and why"
else
	ok 0 "# SKIP openpyxl is not installed"
fi

# Next month's run writes to the same customers: its records carry its own
# correlation id; run 1's verify does not take them for writes behind our
# back.
{
	echo 'Customer ID,City'
	echo "$(g 1),Newtown"
} >"$TMP/update2.csv"
$VALGRIND $IMPORTER -q stage "$TMP/update2.csv"
$VALGRIND $IMPORTER -q check --endpoint "$BASE"
$VALGRIND $IMPORTER -q submit --yes --endpoint "$BASE" 2
is "$(sql "select o.state from outcome o join run_row r on r.id = o.row where r.run = 2")" applied \
    "run 2 wrote to customer 1 again"
run verify 1 --endpoint "$BASE"
like "$out" "5 matched, 0 missing; 2 unexpected" "run 1: run 2's write is not unexpected"
like "$out" "1 write by this database's other runs to the same customers, not counted" \
    "... and is named as another run's"

# A write that did not land: the log has no record of it.
sql "update outcome set state = 'applied' where row = (select id from run_row where run = 1 and customer_id = '$(g 6)')"
run verify 1 --endpoint "$BASE"
like "$err" "row 7, customer $(g 6): verify-missing" \
    "an applied row without a record of ours is missing"
like "$out" "5 matched, 1 missing; 2 unexpected" \
    "... and a portal edit is not taken for our write"
sql "update outcome set state = 'unchanged' where row = (select id from run_row where run = 1 and customer_id = '$(g 6)')"

# A run older than the log's 90 days: refused, nothing asked.
sql "update outcome set sent_at = '$(date -u -d '-120 days' +%Y-%m-%dT10:00:00.000Z)' where run = 1 and sent_at is not null"
sql "update run set submitted_at = '$(date -u -d '-120 days' +%Y-%m-%dT10:00:00Z)' where id = 1"
sql "delete from verify"
n=$(admin_stat 'd["requests"]')
run verify 1 --endpoint "$BASE"
is "$rc" 65 "a run older than 90 days: exit 65"
like "$err" "more than 90 days ago: the service's activity log keeps 90 days" \
    "... with that reason"
is "$(admin_stat 'd["requests"]')" "$n" "... and nothing asked of the service"
is "$(sql "select count(*) from verify")" 0 "... nor stored"

# The China cloud: no activity log to read.
cat >"$TMP/china.ini" <<'INI'
[service]
cloud = china
INI
run --profile "$TMP/china.ini" verify 1
is "$rc" 0 "the China cloud: exit 0"
like "$out" "China cloud .*has no activity log.*nothing was verified" \
    "... saying it has no activity log"
is "$(sql "select note from verify where run = 1")" \
    "not verified: the China cloud (Partner Center operated by 21Vianet) has no activity log" \
    "... and the note is kept"

sandbox_stop
done_testing
