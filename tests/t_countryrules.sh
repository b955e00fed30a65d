#!/bin/sh
# t_countryrules.sh: the service's country rules (issue 14). stage's own
# checks accept what the documented lists accept (three-part cultures,
# pt-PT and zh-CHS as languages); the sandbox serves
# GET /v1/countryvalidationrules/{ISO2} with flat ...List arrays, takes
# others from --country-rules FILE.json and holds PUTs to them; check
# reads them once per country of the run (the rows' and the accounts'),
# keeps each answer with the time it was read, and a row they reject is
# invalid at check, naming the rule and "the service's rules for CC, read
# DATE"; offline, the kept answers judge, else the bundled fallback.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

token_set countryrules
GUID_PREFIX=33333333-4444-4555-8666

# The accounts: one a country (and a second US one).
{
	echo "$ACCOUNTS_HEAD"
	echo "$(g 1),Contoso US,Ann,Lee,ap@contoso-us.example,+1 425 555 0100,1 Main St,,,Redmond,WA,,98052,US,en-US,en"
	echo "$(g 2),Contoso PT,Rui,Costa,ap@contoso-pt.example,+351 21 000 0000,Rua Augusta 1,,,Lisboa,,,1100-048,PT,pt-PT,en"
	echo "$(g 3),Contoso AZ,Leyla,Aliyeva,ap@contoso-az.example,+994 12 000 0000,Nizami 1,,,Baku,,,AZ1000,AZ,en-US,en"
	echo "$(g 4),Contoso CN,Wei,Zhang,ap@contoso-cn.example,+86 10 0000 0000,Jianguo Rd 1,,,Beijing,,,100020,CN,zh-CN,zh"
	echo "$(g 5),Contoso GB,Amy,Jones,ap@contoso-gb.example,+44 20 7946 0000,1 King St,,,London,,,EC1A 1BB,GB,en-GB,en"
	echo "$(g 6),Contoso US2,Bo,Kim,ap@contoso-us2.example,+1 206 555 0100,2 Pike St,,,Seattle,WA,,98101,US,en-US,en"
	echo "$(g 7),Contoso JP,Yui,Sato,ap@contoso-jp.example,+81 3 0000 0000,1-1 Marunouchi,,,Tokyo,,,100-0005,JP,ja-JP,ja"
	echo "$(g 8),Contoso DE,Max,Weber,ap@contoso-de.example,+49 30 000000,Unter den Linden 1,,,Berlin,,,10117,DE,de-DE,de"
} >"$TMP/accounts.csv"

# The update (row numbers in the comments).
{
	echo 'customer_id,city,state,postal_code,country,culture,language,phone_number'
	echo "$(g 2),,,,PT,,pt,"		# 2: a language PT does not list
	echo "$(g 3),,,,AZ,az-Latn-AZ,az,"	# 3: a three-part culture
	echo "$(g 4),,,,CN,,zh-CHS,"		# 4: the China-cloud language
	echo "$(g 1),,PR,,US,,,"		# 5: an ISO state, not the service's
	echo "$(g 6),,,,US,es-US,es,"		# 6: accepted
	echo "$(g 5),,,,GB,cy-GB,,"		# 7: a culture GB does not list
	echo "$(g 7),Osaka,,,,,,"		# 8: no country: the account's (JP)
	echo "$(g 8),Hamburg,,20095,,,,+49 40 000000"	# 9: DE, by the account
} >"$TMP/update.csv"

# --- stage: the fallbacks accept the documented forms ---------------------
run stage "$TMP/update.csv"
is "$rc" 0 "stage: exit 0"
is "$(sql "select count(*) from run_row where state = 'invalid'")" 0 \
    "stage: az-Latn-AZ, zh-CHS, pt, PR, cy-GB are all accepted here"
is "$(sql "select culture from run_row where line = 3")" az-Latn-AZ \
    "the three-part culture is kept as written"
is "$(sql "select language from run_row where line = 4")" zh-CHS \
    "zh-CHS is a language"
printf 'customer_id,country,culture,language\n%s,AZ,AZ_LATN_AZ,PT-pt\n%s,CN,zh-cn,zh-chs\n%s,BA,bs-latn-ba,bs\n' \
    "$(g 3)" "$(g 4)" "$(g 9)" >"$TMP/forms.csv"
IMPORTER_DB="$TMP/forms.db" run stage "$TMP/forms.csv"
is "$rc" 0 "stage: lower-case and underscore forms are accepted"
is "$(IMPORTER_DB="$TMP/forms.db" sql "select group_concat(culture || '/' || language, ' ') from run_row order by line")" \
    "az-Latn-AZ/pt-PT zh-CN/zh-CHS bs-Latn-BA/bs" \
    "their case is normalized: az-Latn-AZ, pt-PT, zh-CHS, bs-Latn-BA"
printf 'customer_id,country,culture\n%s,US,zh-CN\n' "$(g 1)" >"$TMP/zhus.csv"
IMPORTER_DB="$TMP/zhus.db" run stage "$TMP/zhus.csv"
like "$err" "culture-country: .*en-US, es-US" \
    "a culture of another country: the hint lists the country's cultures"
unlike "$err" "zh-US" "and never suggests a culture that does not exist"

# --- the sandbox's endpoint -------------------------------------------------
sandbox_start main --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"
rules_get() {	# rules_get CC: the sandbox's answer into $TMP/CC.json, status out
	curl -s -o "$TMP/$1.json" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" "$BASE/v1/countryvalidationrules/$1"
}
for cc in US GB DE FR PT CN JP AZ; do
	is "$(rules_get $cc)" 200 "GET /v1/countryvalidationrules/$cc: 200"
	is "$(json_eval "$TMP/$cc.json" "[d['iso2Code'], all(isinstance(d[k], list) for k in ('supportedCulturesList', 'supportedLanguagesList', 'supportedStatesList'))]")" \
	    "[\"$cc\", true]" "$cc: iso2Code and the flat ...List arrays"
done
is "$(json_eval "$TMP/PT.json" "d['supportedLanguagesList']")" '["en", "pt-PT"]' \
    "PT's languages as the service answered them: en, pt-PT"
is "$(json_eval "$TMP/US.json" "[len(d['supportedStatesList']), d['isStateRequired'], d['postalCodeRegex']]")" \
    '[51, true, "^\\d{5}(-\\d{4})?$"]' "US: 51 states, required, the recorded postal pattern"
is "$(json_eval "$TMP/AZ.json" "d['supportedCulturesList']")" '["az-Latn-AZ", "en-US"]' \
    "AZ: a three-part culture"
is "$(rules_get XX)" 404 "an unknown country: 404"

# --- check against the service ------------------------------------------------
# The 9 GETs above (8 countries and XX) are in the log before it is counted.
n0=$(log_count "$TMP/main.err" 'GET /v1/countryvalidationrules/' 9)
run check --endpoint "$BASE"
is "$rc" 1 "check: exit 1 (rows invalid)"
is "$(outc 1 2 o.state)" invalid "row 2: PT's language 'pt' is invalid at check"
like "$(sql "select rule || ': ' || message || ' (' || hint || ')' from row_problem p join run_row r on r.id = p.row where r.line = 2 and p.at_check")" \
    "^language: not a supported language, by the service's rules for PT, read [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC \(PT: en, pt-PT\)$" \
    "row 2: the rule, the service's rules for PT with the date read, its list"
like "$err" "importer: $TMP/update.csv: row 2, customer $(g 2): column language: 'pt': language: not a supported language, by the service's rules for PT, read " \
    "check prints the row's problem as stage does"
is "$(outc 1 3 o.state)" pending "row 3: az-Latn-AZ for AZ is to be sent"
is "$(outc 1 4 o.state)" pending "row 4: zh-CHS for CN is to be sent"
is "$(outc 1 5 o.state)" invalid "row 5: state PR is not in the service's US list"
is "$(sql "select rule from row_problem p join run_row r on r.id = p.row where r.line = 5 and p.at_check")" state \
    "row 5: rule state"
is "$(outc 1 6 o.state)" pending "row 6: es-US and es for US are to be sent"
is "$(outc 1 7 o.state)" invalid "row 7: cy-GB is not in GB's list"
is "$(outc 1 8 o.state)" pending "row 8: judged by the account's country"
is "$(sql "select group_concat(country, ' ') from (select country from country_rules order by country)")" \
    "AZ CN DE GB JP PT US" \
    "the answers are kept, one a country, the accounts' countries (JP, DE) too"
like "$(sql "select read_at from country_rules where country = 'PT'")" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "with the time they were read"
is "$(sql "select json_extract(body, '\$.supportedLanguagesList') from country_rules where country = 'PT'")" \
    '["en","pt-PT"]' "the answer's body as read"
is "$(($(log_count "$TMP/main.err" 'GET /v1/countryvalidationrules/' \
    $((n0 + 7))) - n0))" 7 \
    "each country's rules were read once"
run check --endpoint "$BASE"
is "$(sql "select count(*) from row_problem where at_check")" 3 \
    "a second check: the problems are not doubled"

# submit: the sandbox takes what its rules accept.
run submit --yes --endpoint "$BASE"
is "$(sql "select group_concat(r.line, ' ') from outcome o join run_row r on r.id = o.row where o.state = 'applied' order by r.line")" \
    "3 4 6 8 9" "submit: the rows the rules accept are applied"
is "$(admin_account 3 'd["profile"]["culture"]')" az-Latn-AZ \
    "the sandbox holds az-Latn-AZ"
# A PUT the rules reject, sent by hand: 400 naming the language.
curl -s -H "Authorization: Bearer $TOKEN" \
    "$BASE/v1/customers/$(g 2)/profiles/billing" >"$TMP/pt.json"
python3 -c 'import json,sys
d=json.load(open(sys.argv[1],encoding="utf-8-sig")); d["language"]="pt"
json.dump(d,open(sys.argv[1],"w"))' "$TMP/pt.json"
code=$(curl -s -o "$TMP/put.json" -w '%{http_code}' -X PUT \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary @"$TMP/pt.json" "$BASE/v1/customers/$(g 2)/profiles/billing")
is "$code" 400 "the sandbox refuses a PUT with a language PT does not list"
like "$(cat "$TMP/put.json")" "language 'pt' is not supported" \
    "and says which"

# A read of the rules that fails: the kept answer, else the bundled rules.
printf '[{"method": "GET", "customer": "PT", "action": "status:404"}]\n' \
    >"$TMP/proxy-rules.json"
"$PY" "$TESTS_SRCDIR/faultproxy.py" --upstream "${BASE##*:}" \
    --port-file "$TMP/proxy.port" --rules "$TMP/proxy-rules.json" \
    --log "$TMP/proxy.log" --token "$TOKEN" 2>"$TMP/proxy.err" &
proxy_pid=$!
pids="$pids $proxy_pid"
port_wait "$TMP/proxy.port" "$proxy_pid" || bail_out "the fault proxy did not start"
PROXY="http://127.0.0.1:$(cat "$TMP/proxy.port")"
kept_at=$(sql "select read_at from country_rules where country = 'PT'")
run stage --force "$TMP/update.csv"
run check --endpoint "$PROXY"
is "$(outc 2 2 o.state)" invalid "PT's rules not read: the kept answer judges row 2"
like "$(sql "select message from row_problem p join run_row r on r.id = p.row where r.run = 2 and r.line = 2 and p.at_check")" \
    "by the service's rules for PT, read ${kept_at%T*} $(printf '%s' "$kept_at" | cut -c12-16) UTC" \
    "and is named with the date it was read"
is "$(sql "select read_at from country_rules where country = 'PT'")" "$kept_at" \
    "the kept answer stays as it was"
IMPORTER_DB="$TMP/fallback.db" run stage "$TMP/update.csv"
IMPORTER_DB="$TMP/fallback.db" run check --endpoint "$PROXY"
is "$(IMPORTER_DB="$TMP/fallback.db" outc 1 2 o.state)" invalid \
    "none kept: the bundled rules judge row 2"
like "$(IMPORTER_DB="$TMP/fallback.db" sql "select message from row_problem p join run_row r on r.id = p.row where r.line = 2 and p.at_check")" \
    "by the bundled fallback rules for PT$" "and are named"
is "$(IMPORTER_DB="$TMP/fallback.db" sql "select count(*) from country_rules where country = 'PT'")" 0 \
    "nothing is kept for PT"
kill "$proxy_pid" 2>/dev/null
sandbox_stop

# --- offline: the kept answers, else the bundled fallback -------------------
db_online=$IMPORTER_DB
{
	echo "$ACCOUNTS_HEAD"
	sed 1d "$TMP/accounts.csv"
} >"$TMP/snapshot.csv"
run stage --force "$TMP/update.csv"
run check --snapshot "$TMP/snapshot.csv"
is "$(outc 2 2 o.state)" invalid "offline, row 2 is judged by the kept PT answer"
like "$(sql "select message from row_problem p join run_row r on r.id = p.row where r.run = 2 and r.line = 2 and p.at_check")" \
    "by the service's rules for PT, read [0-9]{4}-[0-9]{2}-[0-9]{2} " \
    "and names it, with the date it was read"
export IMPORTER_DB="$TMP/offline.db"
run stage "$TMP/update.csv"
run check --snapshot "$TMP/snapshot.csv"
is "$(outc 1 2 o.state)" invalid "a database with no kept answer: the bundled fallback judges"
like "$(sql "select message from row_problem p join run_row r on r.id = p.row where r.line = 2 and p.at_check")" \
    "by the bundled fallback rules for PT$" "and is named"
is "$(outc 1 3 o.state)/$(outc 1 4 o.state)/$(outc 1 5 o.state)/$(outc 1 7 o.state)" \
    "pending/pending/invalid/invalid" "the fallback: az-Latn-AZ, zh-CHS in; PR, cy-GB out"
is "$(sql "select count(*) from country_rules")" 0 "nothing is kept offline"

# --- --country-rules FILE.json: other rules for the sandbox and the check ---
cat >"$TMP/rules.json" <<'EOF'
[
 {"iso2Code": "PT", "defaultCulture": "pt-PT", "isStateRequired": false,
  "supportedStatesList": [], "supportedLanguagesList": ["pt", "en"],
  "supportedCulturesList": ["pt-PT", "en-US"], "isPostalCodeRequired": true,
  "postalCodeRegex": "^\\d{4}-\\d{3}$", "isCityRequired": true},
 {"iso2Code": "JP", "isStateRequired": false, "supportedStatesList": [],
  "supportedLanguagesList": ["ja", "en"], "supportedCulturesList": ["ja-JP", "en-US"],
  "isPostalCodeRequired": true, "postalCodeRegex": "^\\d{3}-\\d{4}$",
  "isCityRequired": true},
 {"iso2Code": "DE", "isStateRequired": true, "supportedStatesList": ["BE", "HH"],
  "supportedLanguagesList": ["de", "en"], "supportedCulturesList": ["de-DE", "en-US"],
  "isPostalCodeRequired": true, "postalCodeRegex": "^\\d{5}$", "isCityRequired": true,
  "phoneNumberRegex": "^0\\d{9,10}$", "countryCallingCodesList": ["49"]}
]
EOF
export IMPORTER_DB="$TMP/file.db"
sandbox_start file --token "$TOKEN" --accounts "$TMP/accounts.csv" \
    --country-rules "$TMP/rules.json" || bail_out "the sandbox did not start"
is "$(rules_get PT)" 200 "--country-rules: GET PT"
is "$(json_eval "$TMP/PT.json" "d['supportedLanguagesList']")" '["pt", "en"]' \
    "the file's rules are answered"
is "$(rules_get GB)" 200 "a country the file leaves out keeps the bundled rules"
{
	echo 'customer_id,city,state,postal_code,country,culture,language,phone_number'
	echo "$(g 2),,,,PT,,pt,"		# 2: pt: the file lists it
	echo "$(g 7),,,1000001,,,,"		# 3: JP pattern wants the dash
	echo "$(g 8),Hamburg,HH,20095,,,,+49 40 000000"	# 4: a listed state, phone off pattern
	echo "$(g 4),,,,CN,,zh-CHS,"		# 5: bundled CN rules
} >"$TMP/update2.csv"
run stage "$TMP/update2.csv"
run check --endpoint "$BASE"
is "$(outc 1 2 o.state)" pending "row 2: 'pt' is accepted by the file's PT rules"
is "$(outc 1 3 o.state)" invalid "row 3: 1000001 misses the file's JP postal pattern"
like "$(sql "select rule || ': ' || message || ' (' || hint || ')' from row_problem p join run_row r on r.id = p.row where r.line = 3 and p.at_check")" \
    "^postal-code: does not match the postal code pattern, by the service's rules for JP, read .*\(JP: \^\\\\d\{3\}-\\\\d\{4\}\\$\)$" \
    "row 3: rule postal-code, the pattern in the hint"
is "$(outc 1 4 o.state)" pending "row 4: a phone off the published pattern stays to be sent"
like "$(sql "select rule || ': ' || message from row_problem p join run_row r on r.id = p.row where r.line = 4 and p.at_check")" \
    "^phone-pattern: warning: does not match the phone pattern, by the service's rules for DE" \
    "row 4: a warning, rule phone-pattern"
run submit --yes --endpoint "$BASE"
is "$(outc 1 2 o.state)/$(outc 1 4 o.state)/$(outc 1 5 o.state)" \
    "applied/applied/applied" "the sandbox's PUTs follow the file's rules too"
# State required and listed, by the file's DE rules.
printf 'customer_id,state,city\n%s,BY,Munich\n%s,<clear>,Berlin\n' "$(g 8)" "$(g 8)" >"$TMP/de.csv"
printf 'customer_id,state,city\n%s,BY,Munich\n' "$(g 8)" >"$TMP/de1.csv"
printf 'customer_id,state,city\n%s,<clear>,Berlin\n' "$(g 8)" >"$TMP/de2.csv"
run stage "$TMP/de1.csv"
run check --endpoint "$BASE"
is "$(outc 2 2 o.state)" invalid "a state the file's DE list lacks is invalid"
run stage "$TMP/de2.csv"
run check --endpoint "$BASE"
is "$(outc 3 2 o.state)" invalid "clearing a state DE requires is invalid"
is "$(sql "select p.rule from row_problem p join run_row r on r.id = p.row where r.run = 3 and p.at_check and p.rule <> 'phone-pattern'")" \
    required "rule required"
sandbox_stop

done_testing
