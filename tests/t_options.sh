#!/bin/sh
# t_options.sh: the options several commands share mean the same in each
# (one parser a group: run and stage take the same --delimiter and
# --encoding spellings), every command's --json is one JSON value, run's
# one object holds the run-wide counts and a part a step, and config shows
# where each service setting comes from (issue 11).
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

require python3
cd "$TMP" || exit 1
unset IMPORTER_ENDPOINT IMPORTER_TOKEN_URL
token_set options

# one_json DESCRIPTION: stdout ($out) is exactly one JSON value (two
# objects one after the other do not parse).
one_json() {
	printf '%s' "$out" | python3 -c 'import json,sys; json.loads(sys.stdin.read())' 2>/dev/null
	ok $? "$1"
}

# py EXPRESSION: EXPRESSION of the JSON value in $out, as d.
py() {
	printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$@"
}

cat >accounts.csv <<'CSV'
customer_id,company_name,email,address_line1,city,state,postal_code,country,culture,language
11111111-2222-4333-8444-000000000001,Contoso,a@contoso.example,1 Main St,Redmond,WA,98052,US,en-US,en
11111111-2222-4333-8444-000000000002,Fabrikam,b@fabrikam.example,2 Main St,Redmond,WA,98052,US,en-US,en
CSV
# update FILE SEP: the same two changes, fields joined by SEP.
update() {
	printf 'Customer ID%sCity\n' "$2" >"$1"
	printf '11111111-2222-4333-8444-000000000001%sSeattle\n' "$2" >>"$1"
	printf '11111111-2222-4333-8444-000000000002%sTacoma\n' "$2" >>"$1"
}
update update.csv ,

# --- run and stage take the same --delimiter spellings --------------------
tab=$(printf '\t')
for spec in "comma ," "semicolon ;" "pipe |" "tab $tab" ", ," "; ;" "| |" \
    "\\t $tab" "$tab $tab"; do
	d=${spec%% *}
	sep=${spec#* }
	update "d.csv" "$sep"
	run --json stage --force --delimiter "$d" d.csv
	is "$rc/$(py 'd["delimiter"] == sys.argv[2]' "$sep" 2>/dev/null)" 0/True \
	    "stage --delimiter '$d': taken"
done
for spec in "comma ," "semicolon ;" "pipe |" "tab $tab" ", ," "; ;" "| |" \
    "\\t $tab" "$tab $tab"; do
	d=${spec%% *}
	sep=${spec#* }
	update "d.csv" "$sep"
	run --json run --force --delimiter "$d" d.csv --snapshot accounts.csv \
	    --dry-run
	is "$rc" 0 "run --delimiter '$d': taken (exit 0)"
	is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stage"]["delimiter"] == sys.argv[1])' "$sep")" \
	    True "run --delimiter '$d': the file is split on it"
done
for d in ab '"' ''; do
	run stage --force --delimiter "$d" update.csv
	is "$rc" 64 "stage --delimiter '$d': refused (64)"
	run run --force --delimiter "$d" update.csv --snapshot accounts.csv \
	    --dry-run
	is "$rc" 64 "run --delimiter '$d': refused (64) as by stage"
	like "$err" 'usage: importer run' "run --delimiter '$d': run's usage"
done

# --- and the same --encoding names ----------------------------------------
printf 'Customer ID,City\n11111111-2222-4333-8444-000000000001,Z\374rich\n' \
    >latin.csv
for e in WINDOWS-1252 windows-1252 CP1252 UTF-8; do
	[ "$e" = UTF-8 ] && f=update.csv || f=latin.csv
	run --json stage --force --encoding "$e" "$f"
	s_rc=$rc
	s_enc=$(py 'd["encoding"]')
	run --json run --force --encoding "$e" "$f" --snapshot accounts.csv \
	    --dry-run
	is "$s_rc/$rc" 0/0 "--encoding $e: stage and run take it"
	is "$(py 'd["stage"]["encoding"]')" "$s_enc" \
	    "--encoding $e: run reads the file as stage does ($s_enc)"
done
run stage --force --encoding NO-SUCH-CHARSET update.csv
s_rc=$rc
run run --force --encoding NO-SUCH-CHARSET update.csv \
    --snapshot accounts.csv --dry-run
is "$s_rc/$rc" 64/64 "an unknown --encoding: refused (64) by stage and run"

# --- run --json: one object ------------------------------------------------
keys='("run","rows","valid","invalid","duplicate","changes","unchanged","not_found","applied","failed","conflicts","pending")'
run --json run --force update.csv --snapshot accounts.csv --dry-run
is "$rc" 0 "run --dry-run --json: exit 0"
one_json "run --dry-run --json: one JSON object"
is "$(py "all(k in d for k in $keys)")" True \
    "run --dry-run --json: the DESIGN.md counts"
is "$(py '" ".join(k for k in ("stage","check","submit","report") if k in d)')" \
    "stage check submit" "run --dry-run --json: a part a step (no report)"
is "$(py 'd["submit"]["would_send"], d["pending"]')" "(2, 2)" \
    "run --dry-run --json: the submit part says what would be sent"

sandbox_start sandbox --token "$TOKEN" --accounts accounts.csv ||
    bail_out "the sandbox did not start"
URL=$BASE

run --json run --force update.csv --yes --endpoint "$URL"
is "$rc" 0 "run --json against the sandbox: exit 0"
one_json "run --json: one JSON object (DESIGN.md: one per invocation)"
is "$(py "[d[k] for k in $keys]")" "[$(sql 'select max(id) from run'), 2, 2, 0, 0, 2, 0, 0, 2, 0, 0, 0]" \
    "run --json: the run-wide counts, after the submit"
is "$(py '" ".join(k for k in ("stage","check","submit","report") if k in d)')" \
    "stage check submit report" "run --json: a part a step"
is "$(py 'd["check"]["endpoint"] == sys.argv[2]' "$URL")" True \
    "run --json: the check part names the service"
is "$(py 'd["submit"]["applied"], d["report"]["reconciled"]')" "(2, True)" \
    "run --json: the submit and report parts"
[ -f "$(py 'd["report"]["report"]')" ]
ok $? "run --json: the report part names the file written"

# --- every command's --json is one JSON value -----------------------------
R=$(sql 'select max(id) from run')
for args in "stage --force update.csv" "check --endpoint $URL" "plan" \
    "submit --yes --endpoint $URL" "retry --yes --endpoint $URL" \
    "report $R" "history" "config" "init --profile j.ini"; do
	# shellcheck disable=SC2086
	run --json $args
	one_json "--json $args: one JSON value"
done

# --- config: each service setting and where it comes from -----------------
cat >p.ini <<'EOF'
[service]
endpoint = http://127.0.0.1:1
cacert = /etc/company-ca.pem
tenant = contoso
client_id = app
client_secret_env = T_OPTIONS_SECRET
[submit]
rate = 2.5
retries = 0
EOF
unset IMPORTER_TOKEN
run --profile p.ini config
is "$rc" 0 "config: exit 0"
like "$out" "service.endpoint +http://127.0.0.1:1 +p.ini:2\$" "config: a profile's value with its line"
like "$out" "service.cacert +/etc/company-ca.pem +p.ini:3\$" "config: cacert from the profile"
like "$out" "service.allow_http +no +default\$" "config: allow_http: default no"
like "$out" "service.token +OAuth2 client credentials, secret in .T_OPTIONS_SECRET: NOT SET +p.ini:6\$" \
    "config: the token from client credentials"
like "$out" "service.token_url +https://login.microsoftonline.com/contoso/oauth2/token +default\$" \
    "config: the token URL: the cloud's by default"
like "$out" "submit.concurrency +8 +default\$" "config: concurrency: default 8"
like "$out" "submit.rate +2.5 +p.ini:8\$" "config: rate from the profile"
like "$out" "submit.retries +0 +p.ini:9\$" "config: retries 0 from the profile (0 is a value)"
like "$out" "submit.timeout +60 +default\$" "config: timeout: default 60"

IMPORTER_ENDPOINT=http://127.0.0.1:2/ IMPORTER_TOKEN_URL=http://127.0.0.1:3 \
    T_OPTIONS_SECRET=sekr1t run --profile p.ini config
like "$out" "service.endpoint +http://127.0.0.1:2/ +environment IMPORTER_ENDPOINT\$" \
    "config: IMPORTER_ENDPOINT over the profile"
like "$out" "service.token_url +http://127.0.0.1:3/contoso/oauth2/token +environment IMPORTER_TOKEN_URL\$" \
    "config: IMPORTER_TOKEN_URL over the cloud's"
like "$out" "secret in .T_OPTIONS_SECRET: set \\(hidden\\) +p.ini:6\$" \
    "config: the secret: set, hidden"
unlike "$out" "sekr1t" "config: the secret is never shown"

IMPORTER_ENDPOINT=http://127.0.0.1:2 IMPORTER_TOKEN=tok3n run --profile p.ini \
    config --endpoint http://127.0.0.1:4 --token-file /t --cacert /c \
    --allow-http --concurrency 3 --rate 4 --retries 2 --timeout 9
for l in "service.endpoint +http://127.0.0.1:4 +command line --endpoint" \
    "service.cacert +/c +command line --cacert" \
    "service.allow_http +yes +command line --allow-http" \
    "service.token +read from /t +command line --token-file" \
    "submit.concurrency +3 +command line --concurrency" \
    "submit.rate +4 +command line --rate" \
    "submit.retries +2 +command line --retries" \
    "submit.timeout +9 +command line --timeout"; do
	like "$out" "$l\$" "config: the command line wins: ${l%% *}"
done
IMPORTER_TOKEN=tok3n run --profile p.ini config
like "$out" "service.token +set \\(hidden\\) +environment IMPORTER_TOKEN\$" \
    "config: IMPORTER_TOKEN over the client credentials"
unlike "$out" "tok3n" "config: the token is never shown"

printf '[service]\ncloud = china\n' >cn.ini
run --profile cn.ini --json config
is "$(py 'd["service.endpoint"]["value"], d["service.endpoint"]["key"], d["service.endpoint"]["line"], d["service.endpoint"]["note"]')" \
    "('https://partner.partnercenterapi.microsoftonline.cn', 'cloud', 2, 'china')" \
    "config --json: the cloud gives the endpoint, from its line"
is "$(py 'd["submit.rate"]["value"], d["submit.rate"]["source"]')" \
    "('8.33', 'default')" "config --json: a real cloud is paced at 500 a minute"
run config
like "$out" "service.endpoint +\\(none\\) +default \\(check and submit need" \
    "config: no endpoint, and what to do"
like "$out" "submit.rate +\\(none\\) +default \\(no limit: not a real cloud\\)" \
    "config: no pace for a sandbox"

sandbox_stop

done_testing
