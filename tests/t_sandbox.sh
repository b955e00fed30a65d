#!/bin/sh
# t_sandbox.sh: importer sandbox over loopback with the curl tool: every
# endpoint, every error, every fault switch, paging, idempotent replays,
# persistence across a restart, clean shutdown and the access log.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

require curl python3

FIX=$FIXTURES/sandbox-accounts.csv
TOKEN=sandbox-secret-token-42
C1=11111111-0000-4000-8000-000000000001
C3=11111111-0000-4000-8000-000000000003
C4=11111111-0000-4000-8000-000000000004
NONE=99999999-0000-4000-8000-000000000999

# req METHOD PATH [CURL-ARGS...]: sets $code, $body, $curl_rc; headers in
# $TMP/hdr. Authenticated unless the arguments bring their own header.
req() {
	m=$1
	p=$2
	shift 2
	case "$*" in
	*Authorization:*) auth="X-No-Auth: 1" ;;
	*) auth="Authorization: Bearer $TOKEN" ;;
	esac
	curl -s -X "$m" --max-time 10 -o "$TMP/body" -D "$TMP/hdr" \
	    -w '%{http_code}' -H "$auth" "$@" "$BASE$p" >"$TMP/code"
	curl_rc=$?
	code=$(cat "$TMP/code")
	body=$(cat "$TMP/body" 2>/dev/null)
}

# put PATH JSON [CURL-ARGS...]
put() {
	pp=$1
	printf '%s' "$2" >"$TMP/put.json"
	shift 2
	req PUT "$pp" -H 'Content-Type: application/json' \
	    --data-binary @"$TMP/put.json" "$@"
}

# hdr NAME: a response header's value.
hdr() {
	tr -d '\r' <"$TMP/hdr" | awk -v n="$1" 'BEGIN { n = tolower(n) }
	    { i = index($0, ":"); if (tolower(substr($0, 1, i - 1)) == n) {
	    print substr($0, i + 2); exit } }'
}

# bv EXPR: a Python expression over the last body (json_eval).
bv() {
	json_eval "$TMP/body" "$1"
}

# edit EXPR: the last body with a Python statement applied to d.
edit() {
	python3 -c 'import json,sys
d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8-sig"))
exec(sys.argv[2])
print(json.dumps(d,ensure_ascii=False))' "$TMP/body" "$1"
}

BILL=/v1/customers/$C1/profiles/billing

# --- start ------------------------------------------------------------
sandbox_start main --token "$TOKEN" --accounts "$FIX" --state "$TMP/s.db"
ok $? "starts with --port 0 and writes the port file"
like "$(cat "$TMP/main.out")" '^seeded 7 accounts' "seeds 7 accounts"
like "$(cat "$TMP/main.out")" "listening on $BASE" "prints its URL"
unlike "$(cat "$TMP/main.out")" 'token:' "prints no token when given one"
is "$(stat -c %a "$TMP/s.db")" 600 "the state file is private (0600)"

# --- GET billing profile -----------------------------------------------
req GET "$BILL" -H 'MS-RequestId: rid-1' -H 'MS-CorrelationId: cor-1'
is "$code" 200 "GET billing profile: 200"
etag=$(bv 'd["attributes"]["etag"]')
like "$etag" '^-?[0-9]+$' "the etag is a 64-bit integer as a string"
is "$(hdr ETag)" "\"$etag\"" "ETag header is the quoted etag"
like "$(hdr Content-Type)" '^application/json; charset=utf-8' "JSON type"
is "$(hdr MS-RequestId)" rid-1 "MS-RequestId echoed"
is "$(hdr MS-CorrelationId)" cor-1 "MS-CorrelationId echoed"
like "$(hdr MS-CV)" '.' "MS-CV present"
is "$(bv 'd["attributes"]["objectType"]')" CustomerBillingProfile "objectType"
is "$(bv 'd["companyName"]')" "Contoso Ltd" "companyName (camelCase)"
is "$(bv 'd["defaultAddress"]["addressLine1"]')" "1 Microsoft Way" \
    "defaultAddress.addressLine1"
is "$(bv 'd["defaultAddress"]["firstName"]')" Jane "address first name"
is "$(bv '"region" in d["defaultAddress"] or "addressLine2" in d["defaultAddress"]')" \
    false "empty optionals omitted"
is "$(bv 'd["links"]["self"]["uri"]')" "$BILL" "links.self.uri"
like "$(bv 'd["id"]')" '^[0-9a-f]{8}-[0-9a-f]{4}-4' "profile id is a GUID"
req GET "$BILL"
like "$(hdr MS-RequestId)" '^[0-9a-f]{8}-' "MS-RequestId generated when absent"

# --- other reads --------------------------------------------------------
req GET "/v1/customers/$C1"
is "$code" 200 "GET customer: 200"
is "$(bv 'd["attributes"]["objectType"]')" Customer "Customer objectType"
is "$(bv 'd["billingProfile"]["attributes"]["etag"]')" "$etag" \
    "GET customer carries the billing profile and its etag"
is "$(bv 'd["companyProfile"]["tenantId"]')" "$C1" "companyProfile.tenantId"
req GET "/v1/customers/$C1/profiles/company"
is "$(bv 'd["attributes"]["objectType"]')" CustomerCompanyProfile \
    "GET company profile"
req GET "/v1/customers/$(echo $C1 | tr a-f A-F)/profiles/billing"
is "$code" 200 "customer ids match in any case"

# --- errors -------------------------------------------------------------
curl -s --max-time 10 -o "$TMP/body" -D "$TMP/hdr" -w '%{http_code}' \
    "$BASE$BILL" >"$TMP/code"
is "$(cat "$TMP/code")" 401 "no token: 401"
body=$(cat "$TMP/body")
is "$(bv 'd["code"]')" 800001 "... code 800001"
is "$(bv 'sorted(d)')" '["code", "data", "description", "source"]' \
    "... an ApiFault body {code, description, data, source}"
like "$(hdr WWW-Authenticate)" Bearer "... with WWW-Authenticate"
req GET "$BILL" -H 'Authorization: Bearer wrong'
is "$code" 401 "wrong token: 401"
is "$(bv 'd["code"]')" 400 "... code 400 (access denied)"
req GET "/v1/customers/$NONE/profiles/billing"
is "$code" 404 "unknown customer: 404"
is "$(bv 'd["code"]')" 60003 "... code 60003"
req GET "/v1/customers/not-a-guid/profiles/billing"
is "$code" 400 "malformed customer id: 400"
is "$(bv 'd["code"]')" 900118 "... code 900118"
req GET "/v1/nothing"
is "$code" 404 "unknown path: 404"
req DELETE "$BILL"
is "$code" 405 "DELETE on a profile: 405"

# --- PUT ----------------------------------------------------------------
req GET "$BILL"
old=$(bv 'd["attributes"]["etag"]')
put "$BILL" "$(edit 'd["defaultAddress"]["city"]="Bellevue"; d["defaultAddress"]["postalCode"]="98004"')" \
    -H "If-Match: \"$old\""
is "$code" 200 "PUT with the current etag: 200"
new=$(bv 'd["attributes"]["etag"]')
is "$(bv 'd["defaultAddress"]["city"]')" Bellevue "... returns the new profile"
ok "$([ "$new" != "$old" ]; echo $?)" "... with a new etag"
is "$(hdr ETag)" "\"$new\"" "... in the ETag header too"
req GET "$BILL"
is "$(bv 'd["defaultAddress"]["city"]')" Bellevue "GET sees the change"
is "$(bv 'd["attributes"]["etag"]')" "$new" "GET sees the new etag"
put "$BILL" "$(cat "$TMP/body")"
is "$code" 200 "PUT without If-Match, body etag current: 200"
ok "$([ "$(bv 'd["attributes"]["etag"]')" != "$new" ]; echo $?)" \
    "every successful PUT changes the etag, even with no change"
cur=$(bv 'd["attributes"]["etag"]')

printf '%s' "$body" >"$TMP/cur.json"
put "$BILL" "$(cat "$TMP/cur.json")" -H "If-Match: \"$old\""
is "$code" 412 "stale If-Match: 412"
is "$(bv 'd["code"]')" 2055 "... code 2055"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'd["attributes"]["etag"]="'"$old"'"')"
is "$code" 400 "stale body etag only: 400"
is "$(bv 'd["code"]')" 2055 "... code 2055"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'd["attributes"]["etag"]="'"$old"'"')" \
    -H "If-Match: \"$cur\""
is "$code" 400 "fresh If-Match but stale body etag: 400/2055"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'del d["attributes"]["etag"]')" -H 'If-Match: *'
is "$code" 200 "If-Match: * and no body etag: 200"
cur=$(bv 'd["attributes"]["etag"]')
printf '%s' "$body" >"$TMP/cur.json"

# --- validation ---------------------------------------------------------
# A value the rules refuse: 27002, data[] naming the property (a top-level
# one bare, an address one with its path), as the service answers.
put "$BILL" "$(edit 'd["email"]="not-an-email"')"
is "$code" 400 "invalid email: 400"
is "$(bv 'd["code"]')" 27002 "... code 27002"
is "$(bv 'd["description"]')" 'A property has invalid data.' \
    "... the service's description"
like "$(bv 'd["data"][0]')" '^email: EmailInvalid - .*not-an-email' \
    "... data[] names the property, why and the value"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'd["defaultAddress"]["state"]="XX"')"
is "$(bv '[d["code"], d["data"][0].split(" - ")[0]]')" \
    '["27002", "defaultAddress.state: StateInvalid"]' \
    "unknown US state: 27002, data[] 'defaultAddress.state: StateInvalid'"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'd["defaultAddress"]["postalCode"]="9805"')"
is "$(bv '[d["code"], d["data"][0].split(":")[0]]')" \
    '["27002", "defaultAddress.postalCode"]' "US ZIP of 4 digits: 27002"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'd["defaultAddress"]["city"]=12')"
is "$(bv '[d["code"], "city" in d["description"]]')" '["3000", true]' \
    "a number for city: 3000 naming it"
cp "$TMP/cur.json" "$TMP/body"
put "$BILL" "$(edit 'd["culture"]="fr-FR"')"
is "$(bv '[d["code"], d["data"][0].split(":")[0]]')" '["27002", "culture"]' \
    "culture not supported for the country: 27002"
put "$BILL" '{"email": '
is "$code" 400 "invalid JSON: 400"
is "$(bv 'd["code"]')" 800002 "... code 800002"
req GET "/v1/customers/$C4/profiles/billing"
put "/v1/customers/$C4/profiles/billing" \
    "$(edit 'del d["defaultAddress"]["phoneNumber"]')"
is "$code" 400 "RU without a phone number: 400"
is "$(bv 'd["code"]')" 600051 "... code 600051"
req GET "$BILL"
is "$(bv 'd["attributes"]["etag"]')" "$cur" "rejected PUTs changed nothing"

# PascalCase, behind a BOM, as the .NET SDK and some tools send it.
printf '\357\273\277{"Id":"x","FirstName":"Jane","LastName":"Doe","Email":"jane@contoso.example","Culture":"en-US","Language":"en","CompanyName":"Contoso Ltd","DefaultAddress":{"Country":"US","City":"Redmond","State":"WA","AddressLine1":"1 Microsoft Way","PostalCode":"98052"},"Attributes":{"Etag":"%s","ObjectType":"CustomerBillingProfile"}}' \
    "$cur" >"$TMP/pascal.json"
req PUT "$BILL" -H 'Content-Type: application/json' \
    --data-binary @"$TMP/pascal.json"
is "$code" 200 "PascalCase body behind a BOM: 200"
is "$(bv 'd["defaultAddress"]["city"]')" Redmond "... applied"
is "$(bv '"phoneNumber" in d["defaultAddress"]')" false \
    "... as the whole resource (absent phone cleared)"

# --- idempotency ----------------------------------------------------------
req GET "/_admin/accounts/$C1"
puts0=$(bv 'd["puts"]')
req GET "$BILL"
put "$BILL" "$(edit 'd["companyName"]="Contoso Holdings"')" \
    -H 'MS-RequestId: 7d1a0000-0000-4000-8000-0000000000aa'
is "$code" 200 "PUT with an MS-RequestId: 200"
e1=$(bv 'd["attributes"]["etag"]')
put "$BILL" "$(cat "$TMP/put.json")" \
    -H 'MS-RequestId: 7d1a0000-0000-4000-8000-0000000000aa'
is "$code" 200 "the same PUT again with the same MS-RequestId: 200"
is "$(bv 'd["attributes"]["etag"]')" "$e1" "... the stored outcome (same etag)"
req GET "/_admin/accounts/$C1"
is "$(bv 'd["puts"]')" "$((puts0 + 1))" "... applied once, not twice"
put "$BILL" "$(cat "$TMP/put.json")" \
    -H 'MS-RequestId: 7d1a0000-0000-4000-8000-0000000000bb'
is "$code" 400 "the same body with a new request id: stale etag, 400"

# --- paging ---------------------------------------------------------------
req GET "/v1/customers?size=3"
is "$code" 200 "GET /v1/customers?size=3: 200"
is "$(bv 'len(d["items"])')" 3 "page 1: 3 items"
is "$(bv 'd["totalCount"]')" 3 "totalCount counts the page"
is "$(bv 'd["attributes"]["objectType"]')" Collection "Collection objectType"
is "$(bv '"billingProfile" in d["items"][0]')" false \
    "list items carry no billing profile"
ids=$(bv '",".join(i["id"] for i in d["items"])')
next=$(bv 'd["links"]["next"]["uri"]')
like "$next" 'seekOperation=Next' "links.next.uri has seekOperation=Next"
is "$(bv 'd["links"]["next"]["headers"][0]["key"]')" MS-ContinuationToken \
    "links.next.headers carry MS-ContinuationToken"
tok=$(bv 'd["links"]["next"]["headers"][0]["value"]')
is "$(bv 'd["continuationToken"]')" "$tok" "top-level continuationToken"
pages=1
while [ -n "$next" ] && [ "$next" != None ] && [ $pages -lt 10 ]; do
	req GET "/v1${next#/v1}" -H "MS-ContinuationToken: $tok"
	[ "$code" = 200 ] || break
	pages=$((pages + 1))
	ids="$ids,$(bv '",".join(i["id"] for i in d["items"])')"
	next=$(bv 'd.get("links",{}).get("next",{}).get("uri")')
	tok=$(bv 'd.get("continuationToken")')
done
is "$pages" 3 "7 accounts in pages of 3: 3 pages, the last without next"
is "$(printf '%s' "$ids" | tr , '\n' | sort -u | wc -l | tr -d ' ')" 7 \
    "every account once"
is "$ids" "$(printf '%s' "$ids" | tr , '\n' | sort | paste -sd, -)" \
    "in customer id order"
req GET "/v1/customers?size=3&seekOperation=Next"
is "$code" 400 "seekOperation=Next without a token: 400"
req GET "/v1/customers?size=3&seekOperation=Next" \
    -H 'MS-ContinuationToken: zz'
is "$code" 400 "a bad continuation token: 400"
req GET "/v1/customers?size=0"
is "$code" 400 "size=0: 400"
req GET "/v1/customers"
is "$(bv 'len(d["items"])')" 7 "no size: one default page"

# --- country rules and address validation ---------------------------------
req GET /v1/countryvalidationrules/US
is "$code" 200 "countryvalidationrules/US: 200"
is "$(bv '[d["iso2Code"], d["isStateRequired"], "WA" in d["supportedStatesList"], len(d["supportedStatesList"])]')" \
    '["US", true, true, 51]' "... US: state required, 51 states"
is "$(bv 'd["postalCodeRegex"]')" '^\d{5}(-\d{4})?$' "... the recorded ZIP regex"
req GET /v1/countryvalidationrules/gb
is "$(bv '[d["iso2Code"], d["defaultCulture"]]')" '["GB", "en-GB"]' \
    "countryvalidationrules/gb (any case)"
req GET /v1/countryvalidationrules/UK
is "$code" 404 "countryvalidationrules/UK: 404"
like "$(bv 'd["description"]')" 'No validation rules were found for the country/region UK' \
    "... with the service's message"
req GET /v1/countryvalidationrules/NO
is "$code" 200 "a country outside the table gets generic rules"

addr='{"addressLine1":"1 Microsoft Way","city":"Redmond","state":"WA","postalCode":"98052","country":"US"}'
req POST /v1/validations/address -H 'Content-Type: application/json' -d "$addr"
is "$code" 200 "validations/address: 200"
is "$(bv 'd["status"]')" VerifiedShippable "... a good US address: VerifiedShippable"
like "$(bv 'd["suggestedAddresses"][0]["postalCode"]')" '^98052-[0-9]{4}$' \
    "... suggestion with ZIP+4"
is "$(bv 'd["originalAddress"]["city"]')" Redmond "... originalAddress"
req POST /v1/validations/address -H 'Content-Type: application/json' \
    -d '{"addressLine1":"1 Main St","state":"WA","postalCode":"2134","country":"US"}'
is "$(bv '[d["status"], len(d["suggestedAddresses"])]')" '["None", 0]' \
    "a bad address: None, no suggestion"
is "$(bv 'd["validationMessage"]')" \
    "Address field invalid for property: 'City', 'PostalCode'" \
    "... naming the properties"
req POST /v1/validations/address -H 'Content-Type: application/json' \
    -d '{"addressLine1":"1 Main St","city":"London","country":"UK"}'
is "$(bv 'd["status"]')" NotValidated "country UK: NotValidated"
req POST /v1/validations/address -H 'Content-Type: application/json' \
    -d '{"addressLine1":"19 King Street","city":"Manchester","postalCode":"m1 1ae","country":"GB"}'
is "$(bv '[d["status"], d["suggestedAddresses"][0]["postalCode"]]')" \
    '["InteractionRequired", "M1 1AE"]' "a changed suggestion: InteractionRequired"

# --- admin ---------------------------------------------------------------
req GET "/_admin/accounts/$C3"
is "$code" 200 "admin: GET account"
is "$(bv '[d["version"], d["puts"]]')" '[1, 0]' "... version and write counter"
e0=$(bv 'd["etag"]')
req GET "/v1/customers/$C3/profiles/billing"
printf '%s' "$body" >"$TMP/c3.json"
req POST "/_admin/accounts/$C3" -H 'Content-Type: application/json' \
    -d '{"city": "Salford", "region": null}'
is "$code" 200 "admin: change as another user"
is "$(bv '[d["profile"]["defaultAddress"]["city"], "region" in d["profile"]["defaultAddress"], d["version"], d["puts"]]')" \
    '["Salford", false, 2, 0]' "... fields set and cleared, version bumped"
ok "$([ "$(bv 'd["etag"]')" != "$e0" ]; echo $?)" "... the etag changed"
put "/v1/customers/$C3/profiles/billing" "$(cat "$TMP/c3.json")"
is "$code" 400 "a PUT based on the old read now fails: 400"
is "$(bv 'd["code"]')" 2055 "... 2055 (a conflict)"
req POST "/_admin/accounts/$C3" -d '{"nickname": "x"}'
is "$code" 400 "admin: unknown column: 400"
req POST "/_admin/accounts/22222222-0000-4000-8000-000000000001" \
    -d '{"company_name":"New Co","email":"a@new.example","country":"US"}'
is "$code" 200 "admin: creates a missing account"
req GET "/v1/customers/22222222-0000-4000-8000-000000000001/profiles/billing"
is "$(bv 'd["companyName"]')" "New Co" "... served by the API"
req GET /_admin/accounts
is "$(bv 'len(d)')" 8 "admin: GET all accounts"
req GET /_admin/stats -H 'Authorization: Bearer nope'
is "$code" 401 "admin needs the token"
req GET /_admin/stats
is "$code" 200 "admin: stats"
is "$(bv 'd["putsApplied"]')" 5 "stats: PUTs applied"
is "$(bv 'd["putsReplayed"]')" 1 "stats: PUTs replayed"
like "$(bv 'd["statuses"]["401"]')" '^[12]$' "stats: statuses counted"
like "$(bv 'd["methods"]["GET"]')" '^[0-9]+$' "stats: methods counted"

# --- keep-alive ------------------------------------------------------------
curl -s -v --max-time 10 -o /dev/null -o /dev/null \
    -H "Authorization: Bearer $TOKEN" "$BASE$BILL" "$BASE$BILL" \
    2>"$TMP/kv.err"
like "$(cat "$TMP/kv.err")" '[Rr]e-?using existing connection' \
    "keep-alive: the second request reuses the connection"

# --- log, shutdown ---------------------------------------------------------
sandbox_stop
is "$stop_rc" 0 "SIGTERM: exits 0"
like "$(cat "$TMP/main.err")" \
    "importer sandbox: GET $BILL 200 [0-9.]+ ms rid-1" \
    "-v: method, path, status, ms and request id per request"
like "$(cat "$TMP/main.err")" "PUT $BILL 200 .* replayed" "-v: replays marked"
unlike "$(cat "$TMP/main.err")" "$TOKEN" "the token is never logged"

# --- persistence -----------------------------------------------------------
sandbox_start main2 --token "$TOKEN" --accounts "$FIX" --state "$TMP/s.db"
ok $? "restarts on the same state"
like "$(cat "$TMP/main2.out")" 'seeded 0 accounts .*7 already' \
    "... seeding adds nothing the state already has"
req GET "/_admin/accounts/$C3"
is "$(bv '[d["profile"]["defaultAddress"]["city"], d["version"]]')" \
    '["Salford", 2]' "... changes survive the restart"
req GET "$BILL"
is "$(bv 'd["companyName"]')" "Contoso Holdings" "... PUTs too"
put "$BILL" "$(cat "$TMP/put.json")" \
    -H 'MS-RequestId: 7d1a0000-0000-4000-8000-0000000000aa'
is "$(bv 'd["attributes"]["etag"]')" "$e1" "... and stored outcomes"
sandbox_stop

# --- faults ---------------------------------------------------------------
sandbox_start rate --token "$TOKEN" --accounts "$FIX" --rate 0.5 --burst 2
req GET "$BILL"
c1=$code
req GET "$BILL"
c2=$code
req GET "$BILL"
is "$c1 $c2 $code" "200 200 429" "--rate 0.5 --burst 2: the third request gets 429"
like "$(hdr Retry-After)" '^[1-9][0-9]*$' "... with Retry-After"
is "$(bv 'd["statusCode"]')" 429 "... the throttling body's statusCode"
like "$(bv 'd["message"]')" '^Rate limit is exceeded. Try again in [0-9]+ seconds.$' \
    "... and message"
sandbox_stop

sandbox_start f503 --token "$TOKEN" --accounts "$FIX" --fail-503 1
req GET "$BILL"
is "$code" 503 "--fail-503 1: GET 503"
printf '{"email":"x@y.example"}' >"$TMP/small.json"
req PUT "$BILL" --data-binary @"$TMP/small.json"
is "$code" 503 "--fail-503 1: PUT 503"
req GET "/_admin/accounts/$C1"
is "$(bv 'd["puts"]')" 0 "... before applying anything"
sandbox_stop

sandbox_start f500 --token "$TOKEN" --accounts "$FIX" --fail-500-after 1
req GET "$BILL"
is "$code" 200 "--fail-500-after 1: reads are fine"
put "$BILL" "$(edit 'd["defaultAddress"]["city"]="Kirkland"; d["defaultAddress"]["postalCode"]="98033"')"
is "$code" 500 "--fail-500-after 1: PUT answers 500"
is "$(bv 'd["code"]')" 800003 "... code 800003"
req GET "/_admin/accounts/$C1"
is "$(bv '[d["puts"], d["profile"]["defaultAddress"]["city"]]')" \
    '[1, "Kirkland"]' "... yet the write happened"
sandbox_stop

sandbox_start drop --token "$TOKEN" --accounts "$FIX" --drop-after 1
req GET "$BILL"
put "$BILL" "$(edit 'd["defaultAddress"]["city"]="Kirkland"; d["defaultAddress"]["postalCode"]="98033"')" \
    -H 'MS-RequestId: 7d1a0000-0000-4000-8000-0000000000cc'
is "$curl_rc" 52 "--drop-after 1: the connection closes without a reply"
put "$BILL" "$(cat "$TMP/put.json")" \
    -H 'MS-RequestId: 7d1a0000-0000-4000-8000-0000000000cc'
req GET "/_admin/accounts/$C1"
is "$(bv '[d["puts"], d["profile"]["defaultAddress"]["city"]]')" \
    '[1, "Kirkland"]' "... the write happened, once despite the retry"
req GET /_admin/stats
is "$(bv '[d["dropped"], d["putsReplayed"]]')" '[2, 1]' \
    "... stats count the drops and the replay"
sandbox_stop

sandbox_start bom --token "$TOKEN" --accounts "$FIX" --bom 1
req GET "$BILL"
is "$(head -c 3 "$TMP/body" | od -An -tx1 | tr -d ' ')" efbbbf \
    "--bom 1: the body starts with a UTF-8 BOM"
is "$(bv 'd["companyName"]')" "Contoso Ltd" "... followed by the JSON"
sandbox_stop

sandbox_start slow --token "$TOKEN" --accounts "$FIX" --slow 1:3000
req GET "$BILL" --max-time 0.5
is "$curl_rc" 28 "--slow 1:3000: a 0.5 s client times out"
sandbox_stop
is "$stop_rc" 0 "... and SIGTERM does not wait for the slow reply"

sandbox_start lat --token "$TOKEN" --accounts "$FIX" --latency 300:50
t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 10 \
    -H "Authorization: Bearer $TOKEN" "$BASE$BILL")
is "$(python3 -c "print(float('$t') >= 0.25)")" True \
    "--latency 300:50: a request takes at least 250 ms ($t s)"
sandbox_stop

seq_of() {
	sandbox_start "seq$1" --token "$TOKEN" --accounts "$FIX" --seed "$1" \
	    --fail-503 0.5
	s=""
	for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
		req GET "$BILL"
		s="$s$code "
	done
	sandbox_stop
	echo "$s"
}
s7a=$(seq_of 7)
s7b=$(seq_of 7)
s8=$(seq_of 8)
like "$s7a" '503' "--fail-503 0.5 --seed 7 fails some requests: $s7a"
is "$s7b" "$s7a" "the same seed fails the same requests"
ok "$([ "$s8" != "$s7a" ]; echo $?)" "another seed fails others: $s8"

# --- refusals ---------------------------------------------------------------
run sandbox --fail-503 2
is "$rc" 64 "--fail-503 2: usage error 64"
run sandbox --slow 0.5
is "$rc" 64 "--slow without MS: 64"
run sandbox --bind not-an-address --port 0
is "$rc" 64 "--bind not-an-address: 64"
sandbox_start busy --token "$TOKEN"
run sandbox --port "${BASE##*:}" --token x
is "$rc" 69 "a port in use: 69"
sandbox_stop
sqlite3 "$TMP/other.db" 'CREATE TABLE runs (id INTEGER)' 2>/dev/null ||
    python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE runs (id INTEGER)")' "$TMP/other.db"
run sandbox --port 0 --state "$TMP/other.db"
is "$rc" 65 "refuses another program's database as --state"
run sandbox --port 0 --accounts "$TMP/missing.csv"
is "$rc" 66 "a missing --accounts file: 66"

$VALGRIND "$IMPORTER" --json sandbox --port 0 --port-file "$TMP/json.port" \
    --token "$TOKEN" --accounts "$FIX" >"$TMP/json.out" 2>&1 &
pid=$!
pids="$pids $pid"
port_wait "$TMP/json.port" "$pid"
cp "$TMP/json.out" "$TMP/body"
is "$(bv '[d["url"] == "http://127.0.0.1:%d" % d["port"], d["accounts"], d["seeded"], "token" in d]')" \
    '[true, 7, 7, false]' "--json: url, port, accounts, seeded; no given token"
sandbox_stop

sandbox_start gen --accounts "$FIX"
like "$(cat "$TMP/gen.out")" '^token: [0-9a-f]{32}$' \
    "without --token, a random token is printed"
gtok=$(sed -n 's/^token: //p' "$TMP/gen.out")
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
    -H "Authorization: Bearer $gtok" "$BASE$BILL")
is "$code" 200 "... and accepted"
sandbox_stop
unlike "$(cat "$TMP/gen.err")" "$gtok" "... and never logged"

# --- the sample accounts all pass the service's own checks ----------------
if [ -f "$SAMPLES/current-accounts.csv" ]; then
	sandbox_start samples --token "$TOKEN" --accounts "$SAMPLES/current-accounts.csv"
	# 602 requests: one Python client rather than 602 curl processes.
	res=$(python3 - "$BASE" "$TOKEN" <<'PY'
import json, sys, urllib.request
base, tok = sys.argv[1], sys.argv[2]
def call(method, path, data=None):
    r = urllib.request.Request(base + path, data=data, method=method,
        headers={"Authorization": "Bearer " + tok,
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(r, timeout=10) as f:
            return f.status, f.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
n = bad = 0
for a in json.loads(call("GET", "/_admin/accounts")[1]):
    n += 1
    path = "/v1/customers/%s/profiles/billing" % a["customerId"]
    status, body = call("GET", path)
    status, body = call("PUT", path, body)
    if status != 200:
        bad += 1
        print("# %s: %s" % (a["customerId"], body.decode()), file=sys.stderr)
print(n, bad)
PY
)
	is "$res" "301 0" \
	    "every sample account reads and writes back unchanged (GET, PUT)"
	sandbox_stop
fi

done_testing
