#!/bin/sh
# t_init.sh: importer init writes a commented profile that documents every
# section and key and loads as it is; importer config shows each setting
# and where it comes from (default, profile FILE:LINE, environment, command
# line), never a secret; [report] folder and name place the report.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

cd "$TMP" || exit 1
unset IMPORTER_TOKEN IMPORTER_ENDPOINT IMPORTER_TOKEN_URL http_proxy \
    https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# --- init ---------------------------------------------------------------
run init
is "$rc" 0 "init: exit 0"
like "$out" "wrote importer.ini" "init: says where it wrote (importer.ini by default)"
[ -f importer.ini ]
ok $? "init: importer.ini exists"
cp importer.ini first.ini
run init
is "$rc" 64 "init again: refused (exit 64)"
like "$err" "importer.ini exists; --force overwrites it" "init again: says --force"
cmp -s importer.ini first.ini
ok $? "init again: the file is untouched"
echo "; mine" >>importer.ini
run init --force
is "$rc" 0 "init --force: exit 0"
cmp -s importer.ini first.ini
ok $? "init --force: the file is written again"
run --profile global.ini init
is "$rc" 0 "--profile FILE init: exit 0"
[ -f global.ini ]
ok $? "--profile FILE init writes FILE"
run init --profile "$TMP/team.ini"
is "$rc" 0 "init --profile FILE: exit 0"
run init --profile "$TMP/no/such/dir/x.ini"
is "$rc" 70 "init into a missing folder: exit 70"
like "$err" "x.ini: No such file" "init into a missing folder: says why"
run init extra
is "$rc" 64 "init with an argument: usage (64)"

P=$TMP/team.ini
for s in service columns validation submit approval user report; do
	grep -q "^\[$s\]\$" "$P"
	ok $? "init: the profile has [$s]"
done
for k in cloud endpoint cacert token_command tenant client_id \
    client_secret_env clear_token required concurrency rate retries \
    timeout max_changes max_change_percent min_rows folder name; do
	grep -qE "^;?$k = " "$P"
	ok $? "init: the profile has key $k"
	grep -qE "^; ([a-z_]+, )*$k[:,]" "$P"
	ok $? "init: $k is explained in a comment"
done
unlike "$(grep -vE '^[;#]' "$P")" "^(token|client_secret) *=" \
    "init: no secret key is set"

run --profile "$P" config
is "$rc" 0 "the written profile loads (config exits 0)"
like "$out" "report.folder +reports +$P:[0-9]+" "config: report.folder from the profile, with its line"
like "$out" "validation.clear_token +<clear> +$P:[0-9]+" "config: clear_token from the profile"
like "$out" "service.endpoint +\\(none\\) +default" "config: the written profile names no service"
run --profile "$P" --json stage "$SAMPLES/accounts-2026-11.csv"
is "$rc" 1 "stage with the written profile: exit 1 (the samples have invalid rows)"
is "$(json_get rows)" 303 "stage with the written profile: 303 rows, as without one"

# Every example in it is valid too: uncomment all key lines.
sed -e 's/^;\([A-Za-z][A-Za-z _]* = \)/\1/' "$P" >all.ini
grep -q '^cloud = global' all.ini
ok $? "uncommented: cloud is set"
run --profile all.ini config
is "$rc" 0 "uncommented: every example value loads"
like "$out" "columns.Kundennummer +customer_id +all.ini:[0-9]+" "uncommented: a [columns] example maps"

# --- config: where each setting comes from ---------------------------------
cat >src.ini <<'EOF'
; line 1
[service]
endpoint = http://127.0.0.1:1
tenant = contoso
client_id = app
client_secret_env = T_INIT_SECRET

[submit]
concurrency = 5
max_changes = 40

[columns]
Kdnr = customer_id
[report]
name = {input}-{date}-run{run}
EOF
run --profile src.ini config
is "$rc" 0 "config: exit 0"
like "$out" "service.endpoint +http://127.0.0.1:1 +src.ini:3" "config: endpoint from src.ini:3"
like "$out" "submit.concurrency +5 +src.ini:9" "config: concurrency from src.ini:9"
like "$out" "submit.max_changes +40 +src.ini:10" "config: max_changes from src.ini:10"
like "$out" "columns.Kdnr +customer_id +src.ini:13" "config: a column mapping with its line"
like "$out" "report.name +\\{input\\}-\\{date\\}-run\\{run\\} +src.ini:15" "config: report.name with its line"
like "$out" "submit.retries +4 +default" "config: retries: default 4"
like "$out" "submit.timeout +60 +default" "config: timeout: default 60"
like "$out" "submit.rate +\\(none\\) +default" "config: no rate limit for a sandbox"
like "$out" "db +$TMP/test.db +environment IMPORTER_DB" "config: db from IMPORTER_DB"
like "$out" "profile +src.ini +command line --profile" "config: profile from the command line"
like "$out" "service.token +OAuth2 client credentials, secret in .T_INIT_SECRET: NOT SET" \
    "config: client credentials without their secret: NOT SET"

IMPORTER_ENDPOINT=http://127.0.0.1:2 run --profile src.ini config
like "$out" "service.endpoint +http://127.0.0.1:2 +environment IMPORTER_ENDPOINT" \
    "config: IMPORTER_ENDPOINT wins over the profile"
IMPORTER_ENDPOINT=http://127.0.0.1:2 run --profile src.ini config \
    --endpoint http://127.0.0.1:3 --concurrency 2
like "$out" "service.endpoint +http://127.0.0.1:3 +command line --endpoint" \
    "config: --endpoint wins over the environment"
like "$out" "submit.concurrency +2 +command line --concurrency" \
    "config: --concurrency wins over the profile"
(unset IMPORTER_DB; $VALGRIND "$IMPORTER" config >"$TMP/o" 2>&1)
like "$(cat "$TMP/o")" "^db +importer.db +default" "config: db: default importer.db"
run --db x.db config
like "$out" "^db +x.db +command line --db" "config: --db on the command line"

printf '[service]\ncloud = china\n' >cn.ini
run --profile cn.ini config
like "$out" "service.endpoint +https://partner.partnercenterapi.microsoftonline.cn +cn.ini:2 \\(china\\)" \
    "config: the cloud gives the endpoint (cn.ini:2)"
like "$out" "submit.rate +8.33 +default" "config: a real cloud is paced at 500 a minute"

# Secrets: never printed.
T_INIT_SECRET=sekr1t-value IMPORTER_TOKEN=tok3n-value \
    https_proxy=http://user:pa55@proxy.example:3128 run --profile src.ini config
like "$out" "service.token +set \\(hidden\\) +environment IMPORTER_TOKEN" \
    "config: IMPORTER_TOKEN is shown as set (hidden)"
like "$out" "service.client_secret_env +T_INIT_SECRET +src.ini:6 \\(variable set, value hidden\\)" \
    "config: the secret's variable: set, value hidden"
like "$out" "proxy.https_proxy +http://\\(hidden\\)@proxy.example:3128 +environment https_proxy" \
    "config: a proxy without its password"
unlike "$out$err" "tok3n|sekr1t|pa55" "config: no secret in the output"
T_INIT_SECRET=sekr1t-value IMPORTER_TOKEN=tok3n-value run --profile src.ini --json config
unlike "$out$err" "tok3n|sekr1t" "config --json: no secret in the output"
is "$(printf '%s' "$out" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["service.token"]["value"], o["service.token"]["source"],
    o["service.token"]["variable"], o["service.endpoint"]["line"],
    o["service.endpoint"]["file"], o["submit.retries"]["source"],
    all("value" in v and "source" in v for v in o.values()))')" \
    "set (hidden) environment IMPORTER_TOKEN 3 src.ini default True" \
    "config --json: value, source, variable, file and line"

printf '[service]\ncloud = mars\n' >bad.ini
run --profile bad.ini config
is "$rc" 64 "config: a bad profile is refused (64)"
like "$err" "bad.ini:2: cloud is" "config: ... with its line"
run config stray
is "$rc" 64 "config with an argument: usage (64)"

# --- [report] ---------------------------------------------------------------
for v in 'name = {input}' 'name = a/{run}' 'name = {inpt}-{run}' 'folder =' \
    'title = x'; do
	printf '[report]\n%s\n' "$v" >r.ini
	run --profile r.ini config
	is "$rc" 64 "[report] $v: refused (64)"
	like "$err" "r.ini:2: " "[report] $v: names the line"
done
printf '[report]\nname = {input}-run{run}.xlsx\n' >r.ini
run --profile r.ini config
is "$rc" 0 "[report] name may end in .xlsx"

printf '[report]\nfolder = %s/rep/monthly\nname = {date}-{input}-run{run}\n' \
    "$TMP" >rep.ini
run --profile rep.ini stage --force "$SAMPLES/accounts-2026-11.csv"
run --profile rep.ini check --snapshot "$SAMPLES/current-accounts.csv"
run --profile rep.ini report
day=$(sql "select substr(staged_at, 1, 10) from run order by id desc limit 1")
n=$(sql "select max(id) from run")
want="$TMP/rep/monthly/$day-accounts-2026-11-run$n.xlsx"
is "$rc" 1 "report with [report]: exit 1 (invalid rows)"
[ "$rc" = 1 ] || echo "# $err"
like "$out" "report for run $n: $want" "report: the profile's folder and name"
[ -s "$want" ]
ok $? "report: written to the folder the profile names (created)"
[ -s "$TMP/rep/monthly/$day-accounts-2026-11-run$n-fixup.csv" ]
ok $? "report: the fix-up CSV beside it"
run report
like "$out" "report for run $n: reports/accounts-2026-11-run$n.xlsx" \
    "report without a profile: reports/<input>-run<N>.xlsx as before"
run --profile rep.ini report -o "$TMP/given.xlsx"
like "$out" "report for run $n: $TMP/given.xlsx" "report -o wins over the profile"
done_testing
