#!/bin/sh
# importer retry: rows that failed for a reason that may pass are re-read
# and sent again; rows the service refused for their content are not.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

require curl
token_set retry

cat > "$TMP/accounts.csv" <<'CSV'
customer_id,company_name,first_name,last_name,email,address_line1,city,state,postal_code,country,culture,language
11111111-2222-4333-8444-000000000001,Contoso,Ann,Lee,a@contoso.example,1 Main St,Redmond,WA,98052,US,en-US,en
11111111-2222-4333-8444-000000000002,Fabrikam,Bo,Ng,b@fabrikam.example,2 Main St,Redmond,WA,98052,US,en-US,en
11111111-2222-4333-8444-000000000003,Litware,Cy,Li,c@litware.example,3 Main St,Redmond,WA,98052,US,en-US,en
CSV
cat > "$TMP/update.csv" <<'CSV'
Customer ID,City
11111111-2222-4333-8444-000000000001,Seattle
11111111-2222-4333-8444-000000000002,Tacoma
11111111-2222-4333-8444-000000000003,Spokane
CSV

sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    skip_all "the sandbox did not start"
city() {	# city N: the city of account g N
	admin_account "$1" 'd["profile"]["defaultAddress"]["city"]'
}

$VALGRIND $IMPORTER -q stage "$TMP/update.csv"
$VALGRIND $IMPORTER -q check --endpoint "$BASE"
id() { sql "select r.id from run_row r where r.customer_id = '$(g "$1")'"; }
# As if an earlier submit had ended so: one row throttled out (submit
# records it as retryable), one row refused for its content, one left alone.
sql "update outcome set state = 'failed', http_status = 503, message = 'HTTP 503', retryable = 1 where row = $(id 1)"
sql "update outcome set state = 'failed', http_status = 400, error_code = '3000', message = 'HTTP 400 3000' where row = $(id 2)"

run retry --dry-run --endpoint "$BASE"
like "$out" "1 row to retry" "--dry-run counts the retryable rows"
is "$(sql "select state from outcome where row = $(id 1)")" failed "--dry-run changes nothing"

run --json retry --yes --endpoint "$BASE"
is "$(sql "select state from outcome where row = $(id 1)")" applied "a 503 row is re-read and applied"
is "$(city 1)" Seattle "... and the account holds its value"
is "$(sql "select state from outcome where row = $(id 2)")" failed "a 400 row is not retried"
is "$(city 2)" Redmond "... and its account is untouched"
is "$(sql "select state from outcome where row = $(id 3)")" applied "the pending row is sent too"
is "$(json_get failed)" 1 "--json counts the whole run"
is "$rc" 1 "exit 1: a row still failed"

run retry --yes --endpoint "$BASE"
like "$out" "0 rows to retry" "a second retry finds nothing retryable"

sandbox_stop
done_testing
