#!/bin/sh
# Tokens and endpoints: every token source (environment, file, command,
# OAuth2 client credentials against the sandbox's token endpoint), their
# refusals, and the rules for URLs. The token must never be written.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

require curl
TOKEN=tok-$$-zq7Xw9
SECRET=sec-$$-Kp2

cat > "$TMP/accounts.csv" <<'CSV'
customer_id,company_name,first_name,last_name,email,address_line1,city,state,postal_code,country,culture,language
11111111-2222-4333-8444-000000000001,Contoso,Ann,Lee,old@contoso.example,1 Microsoft Way,Redmond,WA,98052,US,en-US,en
11111111-2222-4333-8444-000000000002,Fabrikam,Jan,Berg,ap@fabrikam.example,Hauptstr. 1,Berlin,,10115,DE,de-DE,de
CSV
cat > "$TMP/update.csv" <<'CSV'
Customer ID,Email Address,City
11111111-2222-4333-8444-000000000001,new@contoso.example,
11111111-2222-4333-8444-000000000002,,Hamburg
CSV

sandbox_start sandbox --token "$TOKEN" --client-secret "$SECRET" \
    --accounts "$TMP/accounts.csv" || skip_all "the sandbox did not start"

fresh() {	# a new database with the update staged
	db_remove
	$VALGRIND $IMPORTER -q stage "$TMP/update.csv"
}

# No token at all.
fresh
env -u IMPORTER_TOKEN $VALGRIND $IMPORTER check --endpoint "$BASE" >"$TMP/out" 2>"$TMP/err"
is "$?" 77 "no token: exit 77"
like "$(cat "$TMP/err")" "IMPORTER_TOKEN|--token-file|token_command" "no token: says where one comes from"

# The environment.
IMPORTER_TOKEN=$TOKEN run check --endpoint "$BASE"
is "$rc" 0 "IMPORTER_TOKEN: check reads the accounts"
IMPORTER_TOKEN=wrong-token run check --endpoint "$BASE"
is "$rc" 77 "a wrong token: exit 77"
unlike "$err" "wrong-token" "the refused token is not echoed"

# A token file (first line; a 'Bearer ' prefix is accepted).
printf 'Bearer %s\n' "$TOKEN" > "$TMP/token"
fresh
env -u IMPORTER_TOKEN $VALGRIND $IMPORTER check --endpoint "$BASE" --token-file "$TMP/token" >/dev/null 2>&1
is "$?" 0 "--token-file: check reads the accounts"
env -u IMPORTER_TOKEN $VALGRIND $IMPORTER check --endpoint "$BASE" --token-file "$TMP/none" >/dev/null 2>"$TMP/err"
is "$?" 77 "--token-file missing: exit 77"

# A token command in the profile.
printf '#!/bin/sh\necho %s\n' "$TOKEN" > "$TMP/vault"
chmod +x "$TMP/vault"
printf '[service]\nendpoint = %s\ntoken_command = %s\n' "$BASE" "$TMP/vault" > "$TMP/cmd.ini"
fresh
env -u IMPORTER_TOKEN $VALGRIND $IMPORTER --profile "$TMP/cmd.ini" check >/dev/null 2>&1
is "$?" 0 "token_command and endpoint from the profile"
printf '[service]\nendpoint = %s\ntoken_command = false\n' "$BASE" > "$TMP/bad.ini"
env -u IMPORTER_TOKEN $VALGRIND $IMPORTER --profile "$TMP/bad.ini" check >/dev/null 2>"$TMP/err"
is "$?" 77 "a failing token_command: exit 77"

# OAuth2 client credentials against the sandbox's token endpoint.
printf '[service]\nendpoint = %s\ntenant = contoso.example\nclient_id = app\nclient_secret_env = IMP_TEST_SECRET\n' "$BASE" > "$TMP/oauth.ini"
fresh
env -u IMPORTER_TOKEN IMP_TEST_SECRET="$SECRET" IMPORTER_TOKEN_URL="$BASE" \
    $VALGRIND $IMPORTER --profile "$TMP/oauth.ini" --json check >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "client credentials: a token from the token endpoint"
env -u IMPORTER_TOKEN IMP_TEST_SECRET="$SECRET" IMPORTER_TOKEN_URL="$BASE" \
    $VALGRIND $IMPORTER --profile "$TMP/oauth.ini" submit --yes >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "client credentials: submit applies the plan"
is "$(admin_account 2 'd["profile"]["defaultAddress"]["city"]')" \
    Hamburg "the change reached the account"
env -u IMPORTER_TOKEN IMP_TEST_SECRET=not-it IMPORTER_TOKEN_URL="$BASE" \
    $VALGRIND $IMPORTER --profile "$TMP/oauth.ini" check >/dev/null 2>"$TMP/err"
is "$?" 77 "a wrong client secret: exit 77"
unlike "$(cat "$TMP/err")" "not-it" "the secret is not echoed"
env -u IMPORTER_TOKEN -u IMP_TEST_SECRET $VALGRIND $IMPORTER --profile "$TMP/oauth.ini" check >/dev/null 2>"$TMP/err"
is "$?" 77 "the secret's variable unset: exit 77"
like "$(cat "$TMP/err")" "IMP_TEST_SECRET" "names the variable it looked in"
printf '[service]\nclient_secret = x\n' > "$TMP/leak.ini"
run --profile "$TMP/leak.ini" stage --force "$TMP/update.csv"
is "$rc" 64 "a secret in the profile is refused"

# URLs.
IMPORTER_TOKEN=$TOKEN run check --endpoint http://accounts.example.invalid
is "$rc" 64 "plain http to another machine is refused"
like "$err" "https" "and https is suggested"
IMPORTER_TOKEN=$TOKEN run check --endpoint ftp://127.0.0.1/
is "$rc" 64 "only http(s)"
fresh
IMPORTER_TOKEN=$TOKEN run check --endpoint http://127.0.0.1:1
is "$rc" 69 "nothing listening: exit 69"
is "$(sql "select count(*) from outcome")" 0 "an unreachable service saves no plan"
IMPORTER_TOKEN=$TOKEN IMPORTER_ENDPOINT=$BASE run check
is "$rc" 0 "IMPORTER_ENDPOINT"

# The token is nowhere on disk or in output, even with -v.
IMPORTER_TOKEN=$TOKEN $VALGRIND $IMPORTER -v -v --json check --endpoint "$BASE" >"$TMP/v.out" 2>"$TMP/v.err"
if grep -rqa -- "$TOKEN" "$TMP"/*.db* "$TMP/v.out" "$TMP/v.err" "$TMP/out" "$TMP/err" 2>/dev/null; then
	ok 1 "the token appears in no file written"
else
	ok 0 "the token appears in no file written"
fi

sandbox_stop
done_testing
