#!/bin/sh
# t_service_errors.sh: what the service says when it refuses, against
# importer sandbox. A 400 whose data[] names properties (27002, bare and
# dotted names) lands on the cells at fault: the row's problems, the
# terminal's row messages, the report's Failed sheet and the fix-up's
# error cell, under the input's own header. A 403 about the partner's
# rights (20002, the role's text, 600006) stops submit at the first answer
# with exit 77 and every unsent row pending, resumable; check stops the
# same way, saving nothing; a 403 about one customer stays that row's
# failure. A 401 with code 900421 (no MFA claim) exits 77 at once without
# asking the token endpoint again.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require_openpyxl
require curl sqlite3

token_set service-errors
SECRET=sec-$$-Qw4
GUID_PREFIX=55555555-0000-4000-8000
N=30
accounts_file "$TMP/accounts.csv" $N

# xl FILE EXPR: a Python expression with rows(name), a sheet's rows.
cat >"$TMP/xl.py" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def rows(n): return list(wb[n].iter_rows(values_only=True))
print(eval(sys.argv[2]))
EOF
xl() {
	"$PY" "$TMP/xl.py" "$1" "$2" 2>&1
}

# puts: the PUTs the sandbox has answered; token_posts NAME [AT_LEAST]: the
# token endpoint's answers in sandbox NAME's access log (lib.sh's log_count).
puts() {
	admin_stat 'd["methods"]["PUT"]'
}
token_posts() {
	log_count "$TMP/$1.err" 'POST /[^ ]*/oauth2/token' "${2:-0}"
}

# --- 27002: the service names the cells at fault ------------------------
# The service's US rules as they stand at submit, stricter than those check
# judged by (offline, the bundled rules): only WA of the states, and not es-US.
cat >"$TMP/us-strict.json" <<'EOF2'
{"iso2Code": "US", "isStateRequired": true, "supportedStatesList": ["WA"],
 "supportedCulturesList": ["en-US"], "supportedLanguagesList": ["en", "es"],
 "isPostalCodeRequired": true, "postalCodeRegex": "^\\d{5}(-\\d{4})?$",
 "isCityRequired": true}
EOF2
sandbox_start names --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --country-rules "$TMP/us-strict.json" ||
    skip_all "the sandbox did not start"
# Values check judges valid that the service's rules refuse at the write:
# a state (defaultAddress.state) and a culture (culture).
{
	echo "customer_id,Province,culture,city"
	echo "$(g 1),OR,,"
	echo "$(g 2),,es-US,"
	echo "$(g 3),,,Bellevue"
} >"$TMP/names.csv"
run stage "$TMP/names.csv"
is "$rc" 0 "stage: values only the service can judge are valid"
run check --snapshot "$TMP/accounts.csv"
is "$rc" 0 "check (offline, the bundled rules): both planned"
run submit --yes --endpoint "$BASE"
is "$rc" 1 "submit: exit 1 (two rows refused)"
is "$(outc 1 2 "o.state || '/' || o.http_status || '/' || o.error_code")" \
    failed/400/27002 "row 2 (state OR): failed 400/27002"
like "$(outc 1 2 o.message)" "state: StateInvalid" \
    "... the message names the property the service named"
is "$(outc 1 2 o.retryable)" 0 "... not retryable"
is "$(sql "select p.col || '|' || p.rule || '|' || p.value from row_problem p join run_row r on r.id = p.row where r.run = 1 and r.line = 2")" \
    "Province|service-refused|OR" \
    "... the cell at fault kept with the row: the input's header, the value"
is "$(sql "select p.col || '|' || p.value from row_problem p join run_row r on r.id = p.row where r.run = 1 and r.line = 3")" \
    "culture|es-US" "row 3: a bare property name (culture) maps to its column"
is "$(outc 1 4 o.state)" applied "row 4: applied"
like "$err" "names.csv: row 2, customer $(g 1): column Province: 'OR': service-refused: the service refused the value \\(HTTP 400 code 27002\\): StateInvalid - 'OR' is not a supported state" \
    "submit prints the refused cell as a row message"
like "$err" "row 3, customer $(g 2): column culture: 'es-US': service-refused: .*CultureInvalid" \
    "... each of them"

X=$TMP/names.xlsx
C=$TMP/names-fix.csv
run report -o "$X" --errors-csv "$C"
is "$rc" 1 "report: exit 1 (rows need a person)"
is "$(xl "$X" '[r[10] for r in rows("Failed")]')" \
    "['Column', 'Province', 'culture']" \
    "Failed sheet: the column to fix, under the input's header"
like "$(xl "$X" 'rows("Failed")[1][11]')" \
    "^Province 'OR': the service refused the value .*StateInvalid" \
    "... with its value and why"
is "$(xl "$X" '"Invalid" in wb.sheetnames')" \
    False "... and not listed as invalid (it was sent and refused)"
like "$(sed -n 2p "$C" | tr -d '\r')" \
    "^$(g 1),OR,,,failed: HTTP 400 27002: Province: service-refused: the service refused the value .*StateInvalid - 'OR' is not a supported state\\. \\(correct the cell in the fix-up CSV and stage it again\\)$" \
    "fix-up: the error cell names the column, rule and why"
like "$(sed -n 3p "$C")" "^$(g 2),,es-US,,failed: HTTP 400 27002: culture: service-refused: " \
    "... for every refused row"
run stage "$C"
is "$rc" 0 "the fix-up stages as it is (its error column ignored)"
sandbox_stop

# --- a 403 about the partner's rights stops submit ----------------------
{
	echo "customer_id,city"
	i=1
	while [ $i -le $N ]; do
		echo "$(g $i),Town $i"
		i=$((i + 1))
	done
} >"$TMP/towns.csv"
db_remove
run stage "$TMP/towns.csv"
sandbox_start role --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --state "$TMP/role.db" --forbid role:put
run check --endpoint "$BASE"
is "$rc" 0 "check: reads allowed, $N rows planned"
run submit --yes --endpoint "$BASE" --concurrency 1
is "$rc" 77 "a role without the rights (403): submit exits 77"
like "$err" "refused the partner's rights \\(HTTP 403 code 2032: The supplied role does not have the rights" \
    "... quoting the service"
like "$err" "Admin agent or Sales agent role.*App-only" \
    "... saying what is missing (role, App-only against App+User)"
like "$err" "'importer submit 1' continues" "... and how to resume"
is "$(puts)" 1 "... stopped at the first answer: one PUT sent"
is "$(sql "select state || '/' || count(*) from outcome group by state")" \
    "pending/$N" "... every row pending, none failed"
run submit --yes --endpoint "$BASE"
is "$rc" 77 "at full concurrency: 77 again"
n=$(puts)
[ "$n" -le 9 ]
ok $? "... only what was in flight was sent ($((n - 1)) of $N PUTs)"
is "$(sql "select count(*) from outcome where state = 'pending'")" $N \
    "... every row still pending"
sandbox_stop
sandbox_start role2 --token "$TOKEN" --state "$TMP/role.db"
run submit --yes --endpoint "$BASE"
is "$rc" 0 "the rights granted: the same submit resumes, exit 0"
is "$(sql "select state || '/' || count(*) from outcome group by state")" \
    "applied/$N" "... every row applied"
sandbox_stop

# --- the partner's rights at check, and one customer's 403 --------------
for k in relationship:20002:"direct-bill partner or an indirect provider" \
    action:600006:"Admin agent or Sales agent"; do
	kind=${k%%:*} rest=${k#*:}
	code=${rest%%:*} says=${rest#*:}
	db_remove
	run stage "$TMP/towns.csv"
	sandbox_start "$kind" --token "$TOKEN" --accounts "$TMP/accounts.csv" \
	    --forbid "$kind"
	run check --endpoint "$BASE"
	is "$rc" 77 "--forbid $kind: check exits 77"
	like "$err" "HTTP 403 code $code.*$says" "... explaining code $code"
	like "$err" "nothing was saved" "... saving nothing"
	is "$(sql "select count(*) from outcome")" 0 "... no outcome stored"
	n=$(admin_stat 'd["methods"]["GET"]')
	[ "$n" -le 9 ]
	ok $? "... and stopped reading at once ($n of $N reads)"
	sandbox_stop
done

# Rows that name their country: check reads the country's rules first. A
# refusal of the partner's rights there (the accounts read fine) is the
# same stop, not a fallback to the bundled rules.
{
	echo "customer_id,city,country"
	echo "$(g 1),Bellevue,US"
	echo "$(g 2),Tacoma,US"
} >"$TMP/countries.csv"
db_remove
run stage "$TMP/countries.csv"
sandbox_start rules --token "$TOKEN" --accounts "$TMP/accounts.csv"
printf '[{"method": "GET", "customer": "US", "action": "status:403:2032:The supplied role does not have the rights to perform the requested operation."}]\n' \
    >"$TMP/proxy-rules.json"
"$PY" "$TESTS_SRCDIR/faultproxy.py" --upstream "${BASE##*:}" \
    --port-file "$TMP/proxy.port" --rules "$TMP/proxy-rules.json" \
    --log "$TMP/proxy.log" --token "$TOKEN" 2>"$TMP/proxy.err" &
proxy_pid=$!
pids="$pids $proxy_pid"
port_wait "$TMP/proxy.port" "$proxy_pid" || bail_out "the fault proxy did not start"
run check --endpoint "http://127.0.0.1:$(cat "$TMP/proxy.port")"
is "$rc" 77 "a 403 on the country rules read (the role's): check exits 77"
like "$err" "HTTP 403 code 2032" "... explaining the refusal"
is "$(sql "select count(*) from outcome")" 0 "... nothing saved"
kill "$proxy_pid" 2>/dev/null
sandbox_stop
db_remove
run stage "$TMP/countries.csv"
sandbox_start rules-mfa --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --forbid mfa
run check --endpoint "$BASE"
is "$rc" 77 "--forbid mfa, the rules read first: check exits 77"
like "$err" "no MFA claim" "... with the MFA advice"
unlike "$err" "\\(HTTP 401\\); the service refused" "... said once, not inside another refusal"
sandbox_stop

db_remove
run stage "$TMP/towns.csv"
sandbox_start one --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --forbid-customer "$(g 3)"
run check --endpoint "$BASE"
is "$rc" 1 "a 403 for one customer at check: the others are checked (1)"
is "$(outc 1 4 "o.state || '/' || o.http_status")" failed/403 \
    "... that customer's row failed with 403"
is "$(sql "select count(*) from outcome where state = 'pending'")" \
    $((N - 1)) "... every other row planned"
sandbox_stop
sandbox_start one-put --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --forbid-customer "$(g 5):put"
db_remove
run stage "$TMP/towns.csv"
run check --endpoint "$BASE"
run submit --yes --endpoint "$BASE"
is "$rc" 1 "a 403 for one customer's write: submit goes on (1, not 77)"
is "$(outc 1 6 "o.state || '/' || o.http_status")" failed/403 \
    "... that row failed with 403"
is "$(sql "select count(*) from outcome where state = 'applied'")" \
    $((N - 1)) "... every other row applied"
sandbox_stop

# --- 401 with code 900421: no MFA claim ---------------------------------
oauth() {	# oauth ARGS...: importer with client credentials from $BASE
	printf '[service]\nendpoint = %s\ntenant = contoso.example\nclient_id = app\nclient_secret_env = IMP_TEST_SECRET\n' \
	    "$BASE" >"$TMP/oauth.ini"
	env -u IMPORTER_TOKEN IMP_TEST_SECRET="$SECRET" IMPORTER_TOKEN_URL="$BASE" \
	    $VALGRIND "$IMPORTER" --profile "$TMP/oauth.ini" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	err=$(cat "$TMP/err")
}
db_remove
run stage "$TMP/towns.csv"
sandbox_start mfa --token "$TOKEN" --client-secret "$SECRET" \
    --accounts "$TMP/accounts.csv" --state "$TMP/mfa.db" --forbid mfa
oauth check
is "$rc" 77 "no MFA claim (401 900421) at check: exit 77"
like "$err" "no MFA claim \\(HTTP 401 code 900421\\).*App-only credentials.*multi-factor" \
    "... saying so and what to do"
is "$(token_posts mfa 1)" 1 "... no new token asked for (one token request)"
n=$(admin_stat 'd["statuses"]["401"]')
[ "$n" -le 8 ]
ok $? "... no read retried ($n answers of 401 for $N rows)"
sandbox_stop

sandbox_start mfa-put --token "$TOKEN" --client-secret "$SECRET" \
    --state "$TMP/mfa.db" --forbid mfa:put
oauth check
is "$rc" 0 "reads allowed: check plans every row"
t=$(token_posts mfa-put 1)
oauth submit --yes --concurrency 1
is "$rc" 77 "no MFA claim at submit: exit 77 at once"
like "$err" "no MFA claim.*'importer submit 1' continues" \
    "... saying so, the rest kept"
is "$(puts)" 1 "... one PUT, not retried"
is "$(token_posts mfa-put $((t + 1)))" $((t + 1)) "... with the one token it had"
is "$(sql "select count(*) from outcome where state = 'pending'")" $N \
    "... every row pending"
sandbox_stop

# --- the sandbox's options ----------------------------------------------
run sandbox --forbid admin
is "$rc" 64 "--forbid with an unknown kind: 64"
run sandbox --forbid role:get
is "$rc" 64 "--forbid with another suffix than :put: 64"
run sandbox --forbid-customer not-a-guid
is "$rc" 64 "--forbid-customer without a customer ID: 64"

done_testing
