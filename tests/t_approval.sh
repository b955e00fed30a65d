#!/bin/sh
# t_approval.sh: four eyes. The operator's name (--as, IMPORTER_USER, the
# profile's [user] name), [approval] required = never | flagged | always
# and min_rows, approve (its summary, the preparer refused with 77, no
# terminal without --yes), submit and run refused (77) without another
# person's approval of the plan as it stands, let through with it, a new
# check voiding it; the trail's entries for every step, and the report's
# Summary naming preparer, approver and plan hash.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require python3 sqlite3 curl unzip
token_set approval
GUID_PREFIX=15151515-3434-4555-8666
unset IMPORTER_USER

accounts_file "$TMP/accounts.csv" 6
sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"

# update.csv: three customers get a new city.
{
	echo "customer_id,city"
	printf '%s,Seattle\n%s,Bellevue\n%s,Tacoma\n' "$(g 1)" "$(g 2)" "$(g 3)"
} >"$TMP/update.csv"
cat >"$TMP/always.ini" <<EOT
[approval]
required = always
EOT

# --- the operator's name ---------------------------------------------------------
run --as alice stage "$TMP/update.csv"
is "$rc" 0 "stage exits 0"
is "$(sql "select who || ' ' || what || ' ' || run from audit")" \
    "alice stage 1" "stage adds a trail entry with --as's name"
IMPORTER_USER=carol run stage --force "$TMP/update.csv"
is "$(sql "select who from audit order by id desc limit 1")" carol \
    "IMPORTER_USER names the operator"
printf '[user]\nname = dave\n' >"$TMP/user.ini"
run --profile "$TMP/user.ini" stage --force "$TMP/update.csv"
is "$(sql "select who from audit order by id desc limit 1")" dave \
    "the profile's [user] name names the operator"
IMPORTER_USER=carol run --as alice --profile "$TMP/user.ini" \
    stage --force "$TMP/update.csv"
is "$(sql "select who from audit order by id desc limit 1")" alice \
    "--as comes before IMPORTER_USER and the profile"
run stage --force "$TMP/update.csv"
like "$(sql "select who from audit order by id desc limit 1")" '^[^@]+@.+$' \
    "else login@host"
db_remove

# --- required = always -----------------------------------------------------------
P="--profile $TMP/always.ini"
run --as alice stage "$TMP/update.csv"
run --as alice $P check --endpoint "$BASE"
is "$rc" 0 "alice checks: she prepares the plan"
hash=$(sql "select plan_hash from run where id = 1")
run --as alice $P submit --yes --endpoint "$BASE"
is "$rc" 77 "submit without an approval exits 77"
like "$err" "needs an approval \(the profile's \[approval\] required = always\).*prepared by alice, has no approval" \
    "and names what is missing"
is "$(sql "select count(*) from outcome where state = 'applied'")" 0 \
    "nothing was sent"
run --as alice approve 1 --yes
is "$rc" 77 "the preparer approving her own plan: 77"
like "$err" "alice prepared this plan" "saying why"
run --as ALICE approve 1 --yes
is "$rc" 77 "names are compared without case"
run --as " alice  " approve 1 --yes
is "$rc" 77 "... nor the spaces around them"
run --as "ＡＬＩＣＥ" approve 1 --yes
is "$rc" 77 "... nor full-width letters"
run --as "al$(printf '\302\255')ice" approve 1 --yes
is "$rc" 77 "... nor an invisible soft hyphen"
is "$(sql "select count(*) from approval")" 0 "no approval recorded"
run approve 1 --as bob
is "$rc" 64 "no terminal and no --yes: 64"
is "$(sql "select count(*) from approval")" 0 "and nothing recorded"
run approve 1 --as bob --note "CHG-1234" --yes
is "$rc" 0 "bob approves"
like "$out" "3 to change" "approve shows the plan's counts"
like "$out" "no rows flagged for review" "the flagged rows"
like "$out" "row 2, customer $(g 1).*1 field" "the largest changes"
like "$out" "plan hash $hash" "and the whole hash"
is "$(sql "select approver || '|' || note || '|' || plan_hash || '|' || void from approval")" \
    "bob|CHG-1234|$hash|0" "the approval is bound to the plan's hash"

# A new check voids it.
run --as alice $P check --endpoint "$BASE"
is "$(sql "select void from approval")" 1 "a new check voids the approval"
run --as alice $P submit --yes --endpoint "$BASE"
is "$rc" 77 "submit after the re-check: 77 again"
run --as bob approve --yes
is "$rc" 0 "bob approves the plan as it stands"
run --as alice $P submit --yes --dry-run --endpoint "$BASE"
is "$rc" 0 "a dry run needs no approval (sends nothing)"
run --as alice $P submit --yes --endpoint "$BASE"
is "$rc" 0 "a second person's approval lets the same plan through"
is "$(sql "select count(*) from outcome where state = 'applied'")" 3 \
    "all three sent"
run $P report -o "$TMP/r.xlsx"
unzip -p "$TMP/r.xlsx" xl/worksheets/sheet1.xml >"$TMP/s1.xml"
grep -q 'Preparer (ran check)' "$TMP/s1.xml" && grep -q '>alice<' "$TMP/s1.xml"
ok $? "the report's Summary names the preparer"
grep -q 'Approved by' "$TMP/s1.xml" && grep -q '>bob (' "$TMP/s1.xml"
ok $? "and the approver"
grep -q "$hash" "$TMP/s1.xml"
ok $? "and the plan hash"
grep -q "Service's log" "$TMP/s1.xml"
ok $? "and whether the service's log confirmed the writes"
is "$(sql "select group_concat(what, ' ') from audit where run = 1")" \
    "stage check approve check approve submit report" \
    "every step added a trail entry"
is "$(sql "select count(*) from audit where what = 'submit' and plan_hash = '$hash' and detail like '%\"applied\":3%'")" \
    1 "the submit entry carries the plan hash and the counts"
db_remove

# --- run, and required = flagged / min_rows --------------------------------------
# The sandbox holds the first cities now: new ones.
{
	echo "customer_id,city"
	printf '%s,Spokane\n%s,Olympia\n%s,Yakima\n' "$(g 1)" "$(g 2)" "$(g 3)"
} >"$TMP/update.csv"
run --as alice $P run "$TMP/update.csv" --yes --endpoint "$BASE"
is "$rc" 77 "run stops before sending without an approval: 77"
is "$(sql "select count(*) from outcome where state = 'applied'")" 0 \
    "nothing sent"
db_remove
printf '[approval]\nrequired = flagged\n' >"$TMP/flagged.ini"
run --as alice stage "$TMP/update.csv"
run --as alice --profile "$TMP/flagged.ini" check --endpoint "$BASE"
run --as alice --profile "$TMP/flagged.ini" submit --yes --dry-run \
    --endpoint "$BASE"
is "$rc" 0 "flagged, no row flagged: no approval needed"
printf '[approval]\nmin_rows = 3\n' >"$TMP/min3.ini"
printf '[approval]\nmin_rows = 4\n' >"$TMP/min4.ini"
run --as alice --profile "$TMP/min4.ini" submit --yes --endpoint "$BASE" \
    --dry-run
is "$rc" 0 "min_rows = 4 and 3 changes: none needed"
run --as alice --profile "$TMP/min3.ini" submit --yes --endpoint "$BASE"
is "$rc" 77 "min_rows = 3 and 3 changes: 77"
like "$err" "changes 3 rows \(\[approval\] min_rows = 3\)" "saying so"
# retry too: a row left failed for a retryable reason by an earlier submit.
sql "update outcome set state = 'failed', http_status = 503, message = 'HTTP 503', retryable = 1 where row = (select min(id) from run_row)"
run --as alice --profile "$TMP/min3.ini" retry --yes --endpoint "$BASE"
is "$rc" 77 "retry without an approval: 77"
is "$(sql "select count(*) from outcome where state = 'applied'")" 0 \
    "nothing sent"
is "$(sql "select state from outcome where row = (select min(id) from run_row)")" failed \
    "... nor reopened: the failed row is as it was"
run --as bob approve --yes
run --as alice --profile "$TMP/min3.ini" retry --yes --endpoint "$BASE"
is "$rc" 0 "retry with bob's approval sends"
is "$(sql "select count(*) from outcome where state = 'applied'")" 3 \
    "the retried row and the pending ones"
is "$(sql "select what from audit order by id desc limit 1")" retry \
    "retry adds its own trail entry"
printf '[approval]\nrequired = sometimes\n' >"$TMP/bad.ini"
run --profile "$TMP/bad.ini" submit --yes --endpoint "$BASE"
is "$rc" 64 "a bad [approval] required is refused (64)"
like "$err" "never, flagged or always" "naming the values"

sandbox_stop
done_testing
