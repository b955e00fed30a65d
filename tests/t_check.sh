#!/bin/sh
# t_check.sh: importer check --snapshot and importer plan, offline: what the
# plan holds (plan_change old/new, outcome state/review/normalized, account,
# run.plan_hash/checked_at/check_source/snapshot_mtime), the comparison
# rules (empty = leave unchanged, <clear>, trim and NFC, case of emails and
# codes, phone layout, names compared exactly), review of email + address
# changes, not_found, duplicate snapshot accounts (first wins, a warning),
# snapshot headers and ids as Excel writes them (BOM, "Customer ID", "ZIP",
# CRLF, upper-case and braced GUIDs), the human and JSON plan, re-checking
# (same hash), refusals and exit codes, and that no network is needed.
# shellcheck disable=SC2059
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

# u ID COMPANY FIRST LAST EMAIL PHONE ADDR1 ADDR2 CITY STATE POSTAL COUNTRY
#   CULTURE LANGUAGE: one line of an update file (14 columns).
UHEAD='customer_id,company_name,first_name,last_name,email,phone_number,address_line1,address_line2,city,state,postal_code,country,culture,language'
u() {
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$3" \
	    "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}" "${13}" \
	    "${14}"
}
# s ID COMPANY FIRST LAST EMAIL PHONE ADDR1 ADDR2 ADDR3 CITY STATE REGION
#   POSTAL COUNTRY CULTURE LANGUAGE: one line of a snapshot (16 columns,
#   $ACCOUNTS_HEAD).
s() {
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" \
	    "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${12}" \
	    "${13}" "${14}" "${15}" "${16}"
}

# Changes of the row on LINE of run RUN (its outcome: outc).
changes_of() {	# changes_of RUN LINE: "col:old>new col:old>new" (quoted)
	sql "select group_concat(x, ' ') from (select c.col || ':' || quote(c.old) || '>' || quote(c.new) as x from plan_change c join run_row r on r.id = c.row where r.run = $1 and r.line = $2 order by c.col)"
}
nbit() {	# nbit RUN LINE COL: 1 when the normalized bit of COL is set
	outc "$1" "$2" "(o.normalized >> $3) & 1"
}

NFC_E=$(printf '\303\251')		# U+00E9
NFD_E=$(printf 'e\314\201')		# e + U+0301
NFC_U=$(printf '\303\274')		# U+00FC
NFD_U=$(printf 'u\314\210')		# u + U+0308
G1=$(g 1) G2=$(g 2) G3=$(g 3) G4=$(g 4) G5=$(g 5) G6=$(g 6) G7=$(g 7)
G8=$(g 8) G9=$(g 9) G10=$(g 10) G11=$(g 11) G12=$(g 12) G13=$(g 13)
G14=$(g 14) G15=$(g 15) G16=$(g 16) G18=$(g 18) G99=$(g 99)
U1=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee01
U2=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee02
U3=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee03
U1UP=AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEE01
U2UP=AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEE02
U3UP=AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEE03

# --- fixtures ------------------------------------------------------------------
# The update: one rule per customer (line numbers in the comments).
upd="$TMP/update.csv"
{
	echo "$UHEAD"
	# 2: email only; every other cell empty (leave unchanged)
	u "$G1" "" "" "" new@contoso.com "" "" "" "" "" "" "" "" ""
	# 3: email and city: needs review
	u "$G2" "" "" "" new@fabrikam.com "" "" "" Seattle "" "" "" "" ""
	# 4: everything the account holds, written differently: unchanged
	u "$G3" "Caf$NFC_E Ltd" Ann Lee Billing@Contoso.com "+1 (425) 555-0100" \
	    "1 Microsoft Way" "" Redmond WA 98052 US en-US en
	# 5: clear a value: a change to ''
	u "$G4" "" "" "" "" "" "" "<clear>" "" "" "" "" "" ""
	# 6: clear what is empty already: unchanged
	u "$G5" "" "" "" "" "" "" "<clear>" "" "" "" "" "" ""
	# 7: not in the snapshot
	u "$G6" "" "" "" new@gone.example "" "" "" "" "" "" "" "" ""
	# 8, 9: a name's case is a change; line 9 repeats line 8 (duplicate)
	u "$G7" acme "" "" "" "" "" "" "" "" "" "" "" ""
	u "$G7" acme "" "" "" "" "" "" "" "" "" "" "" ""
	# 10: a '+' and country code more: a change
	u "$G8" "" "" "" "" "+14255550100" "" "" "" "" "" "" "" ""
	# 11: the snapshot has this customer twice; the first line agrees
	u "$G9" "" "" "" "" "" "" "" Seattle "" "" "" "" ""
	# 12: invalid
	u "$G10" "" "" "" not-an-email "" "" "" "" "" "" "" "" ""
	# 13: codes in another case: unchanged
	u "$G11" "" "" "" "" "" "" "" "" "" "SW1A 1AA" GB en-GB en
	# 14: email and clearing an address line: needs review
	u "$G12" "" "" "" new12@x.example "" "" "<clear>" "" "" "" "" "" ""
	# 15: email, and a country only in another case: no review
	u "$G13" "" "" "" new13@x.example "" "" "" "" "" "" GB "" ""
	# 16: email only in another case, and a city: no review
	u "$G14" "" "" "" Case14@X.example "" "" "" Leeds "" "" "" "" ""
	# 17: a value where the account has none
	u "$G15" "" "" "" "" "" "" "Suite 5" "" "" "" "" "" ""
	# 18: NFD in the update, NFC with spaces in the snapshot: unchanged
	u "$G16" "" "" "" "" "" "" "" "Z${NFD_U}rich" "" "" "" "" ""
	# 19-21: ids the snapshot writes in upper case / braced (and one
	# the update writes braced in upper case)
	u "$U1" "" "" "" u1@new.example "" "" "" "" "" "" "" "" ""
	u "$U2" "" "" "" u2@new.example "" "" "" "" "" "" "" "" ""
	u "{$U3UP}" "" "" "" u3@new.example "" "" "" "" "" "" "" "" ""
	# 22: not in the snapshot either
	u "$G18" "" "" "" g18@x.example "" "" "" "" "" "" "" "" ""
} >"$upd"

snap_rows() {	# the snapshot's lines after the header, in file order
	s "$G1" Contoso Ann Lee old@contoso.com "+1 425 555 0100" "1 Main St" "" "" Redmond WA "" 98052 US en-US en
	s "$G2" Fabrikam Bo Li old@fabrikam.com "" "2 Main St" "" "" Portland OR "" 97201 US en-US en
	s "$G3" "  Caf${NFD_E} Ltd " Ann Lee billing@contoso.com "+1 425-555-0100" "1 Microsoft Way" "" "" Redmond wa "" 98052 us EN-us EN
	s "$G4" Four "" "" four@x.example "" "4 Main St" "Suite 100" "" Redmond WA "" 98052 US en-US en
	s "$G5" Five "" "" five@x.example "" "5 Main St" "" "" Redmond WA "" 98052 US en-US en
	s "$G7" Acme "" "" seven@x.example "" "" "" "" "" "" "" "" US "" ""
	s "$G8" Eight "" "" "" 4255550100 "" "" "" "" "" "" "" US "" ""
	s "$G9" Nine "" "" "" "" "" "" "" Seattle "" "" "" US "" ""
	s "$G11" Eleven "" "" "" "" "" "" "" London "" "" "sw1a 1aa" gb EN-gb EN
	s "$G12" Twelve "" "" old12@x.example "" "12 High St" "Unit 2" "" London "" "" "EC1A 1BB" GB en-GB en
	s "$G13" Thirteen "" "" old13@x.example "" "13 High St" "" "" London "" "" "EC1A 1BB" gb en-GB en
	s "$G14" Fourteen "" "" case14@x.example "" "14 High St" "" "" York "" "" "YO1 7HH" GB en-GB en
	s "$G15" Fifteen "" "" "" "" "15 Main St" "" "" Redmond WA "" 98052 US "" ""
	s "$G16" Sixteen "" "" "" "" "" "" "" " Z${NFC_U}rich " "" "" "" CH "" ""
	s not-a-guid Junk "" "" "" "" "" "" "" "" "" "" "" US "" ""
	s "$G99" Other "" "" other@x.example "" "" "" "" "" "" "" "" US "" ""
	s "$U1UP" "U One" "" "" u1@old.example "" "" "" "" "" "" "" "" US "" ""
	s "{$U2UP}" "U Two" "" "" u2@old.example "" "" "" "" "" "" "" "" US "" ""
	s "$U3" "U Three" "" "" u3@old.example "" "" "" "" "" "" "" "" US "" ""
	s "$G9" "Nine again" "" "" "" "" "" "" "" Portland "" "" "" US "" ""
}
snap="$TMP/snapshot.csv"
{ echo "$ACCOUNTS_HEAD"; snap_rows; } >"$snap"
touch -d '2024-01-02 03:04:05 UTC' "$snap"

# The same accounts as Excel saves them: BOM, display headers, CRLF.
xsnap="$TMP/excel snapshot.csv"
{
	printf '\357\273\277'
	echo 'Customer ID,Company Name,First Name,Last Name,Email Address,Phone,Address Line 1,Address Line 2,Address Line 3,City,Province,Region,ZIP,Country,Culture,Language'
	snap_rows
} | sed 's/$/\r/' >"$xsnap"

# The same accounts with the duplicate's two lines swapped.
rsnap="$TMP/swapped.csv"
{
	echo "$ACCOUNTS_HEAD"
	snap_rows | sed '$d' | sed "s/^$G9,Nine,.*/$G9,Nine again,,,,,,,,Portland,,,,US,,/"
	s "$G9" Nine "" "" "" "" "" "" "" Seattle "" "" "" US "" ""
} >"$rsnap"

# --- no run yet --------------------------------------------------------------
run check --snapshot "$snap"
is "$rc" 64 "no run staged: check exits 64"
like "$err" 'no run' "no run staged: check says so"
run plan
is "$rc" 64 "no run staged: plan exits 64"
like "$err" 'no run' "no run staged: plan says so"

# --- stage -----------------------------------------------------------------------
run --json stage "$upd"; jsnap
is "$rc" 1 "stage: exit 1 (one invalid row)"
is "$(jv run)/$(jv rows)/$(jv valid)/$(jv invalid)/$(jv duplicate)" \
    "1/21/19/1/1" "stage: run 1, 21 rows, 19 valid, 1 invalid, 1 duplicate"

run plan
is "$rc" 64 "plan before check: exit 64"
like "$err" 'not checked' "plan before check: says the run is not checked"
is "$out" "" "plan before check: nothing on stdout"

# --- usage -------------------------------------------------------------------------
run check
is "$rc" 64 "check without --snapshot: exit 64"
like "$err" -- '--snapshot' "check without --snapshot: names --snapshot"
run check --snapshot "$snap" abc
is "$rc" 64 "check with RUN 'abc': exit 64"
like "$err" "'abc' is not a run number" "check with RUN 'abc': says so"
run check --snapshot "$snap" 0
is "$rc" 64 "check with RUN 0: exit 64"
run check --snapshot "$snap" 99
is "$rc" 64 "check with RUN 99 (no such run): exit 64"
like "$err" 'no run 99' "check with RUN 99: names the run"
run check --snapshot "$snap" 1 2
is "$rc" 64 "check with two runs: exit 64"
run plan 99
is "$rc" 64 "plan 99: exit 64"
like "$err" 'no run 99' "plan 99: names the run"
run plan abc
is "$rc" 64 "plan abc: exit 64"
is "$(sql 'select count(*) from outcome') $(sql 'select count(*) from plan_change') $(sql 'select quote(checked_at) from run where id = 1')" \
    "0 0 NULL" "refused checks stored nothing"

# --- check -------------------------------------------------------------------------
run check --snapshot "$TMP/missing.csv"
is "$rc" 66 "missing snapshot: exit 66"
like "$err" 'missing\.csv' "missing snapshot: names the file"

run --json check --snapshot "$snap"; jsnap
is "$rc" 1 "check: exit 1 (invalid and not-found rows)"
like "$err" 'warning' "check: a warning on stderr for the duplicate account"
like "$err" 'more than once|duplicate' "check: the warning says an account appears twice"
for k in run rows valid invalid duplicate changes unchanged not_found \
    applied failed conflicts pending plan_hash; do
	jhas "$k"
	ok $? "check --json: has key '$k'"
done
is "$(jv run)" 1 "check --json: run 1 (the latest)"
is "$(jv rows)/$(jv valid)/$(jv invalid)/$(jv duplicate)" "21/19/1/1" \
    "check --json: rows/valid/invalid/duplicate"
is "$(jv changes)" 12 "check --json: 12 rows to change"
is "$(jv unchanged)" 5 "check --json: 5 unchanged"
is "$(jv not_found)" 2 "check --json: 2 not found"
is "$(jv applied)/$(jv failed)/$(jv conflicts)" "0/0/0" \
    "check --json: nothing applied, failed or conflicting"
is "$(jv pending)" 12 "check --json: 12 pending (the rows to change)"
is "$(jv review)" 2 "check --json: 2 rows need review"
HASH=$(jv plan_hash)
like "$HASH" '^[0-9a-f]{64}$' "check --json: plan_hash is a SHA-256 in hex"

# run
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "run.plan_hash as printed"
like "$(sql 'select checked_at from run where id = 1')" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
    "run.checked_at is UTC ISO 8601"
is "$(sql 'select check_source from run where id = 1')" "$snap" \
    "run.check_source is the snapshot"
is "$(sql 'select snapshot_mtime from run where id = 1')" \
    "2024-01-02T03:04:05Z" "run.snapshot_mtime is the file's mtime, UTC"

# outcomes
is "$(sql "select group_concat(x, ' ') from (select r.line || '=' || o.state as x from outcome o join run_row r on r.id = o.row where o.run = 1 order by r.line)")" \
    "2=pending 3=pending 4=unchanged 5=pending 6=unchanged 7=not_found 8=pending 10=pending 11=unchanged 13=unchanged 14=pending 15=pending 16=pending 17=pending 18=unchanged 19=pending 20=pending 21=pending 22=not_found" \
    "outcome: one per valid row, in the expected states"
is "$(outc 1 12 'count(*)')$(outc 1 9 'count(*)')" "00" \
    "outcome: none for the invalid and the duplicate row"
is "$(sql "select group_concat(r.line, ' ') from outcome o join run_row r on r.id = o.row where o.run = 1 and o.review = 1 order by r.line")" \
    "3 14" "outcome.review: lines 3 (email + city) and 14 (email + clear)"
like "$(outc 1 3 o.message)" 'review' "review row: a message saying it needs review"
like "$(outc 1 3 o.message)" 'email.*address' "review row: the message names email and address"
is "$(outc 1 15 o.review)$(outc 1 16 o.review)" "00" \
    "no review: email + country differing only in case; email case + city"
like "$(outc 1 7 o.message)" 'snapshot|customer|found' "not_found: a message"

# changes
is "$(changes_of 1 2)" "4:'old@contoso.com'>'new@contoso.com'" \
    "line 2: email only; empty cells are no change"
is "$(changes_of 1 3)" "4:'old@fabrikam.com'>'new@fabrikam.com' 9:'Portland'>'Seattle'" \
    "line 3: email and city"
is "$(changes_of 1 4)" "" \
    "line 4: no change (trim, NFC, email/code case, phone layout)"
is "$(changes_of 1 5)" "7:'Suite 100'>''" \
    "line 5: <clear> of a value is a change to ''"
is "$(changes_of 1 6)" "" "line 6: <clear> of an empty value is no change"
is "$(changes_of 1 7)" "" "line 7 (not found): no change"
is "$(changes_of 1 8)" "1:'Acme'>'acme'" \
    "line 8: company 'acme' vs 'Acme' is a change"
is "$(changes_of 1 10)" "5:'4255550100'>'+14255550100'" \
    "line 10: '+14255550100' vs '4255550100' is a change"
is "$(changes_of 1 11)" "" \
    "line 11: duplicate account: the first snapshot line (Seattle) wins"
is "$(changes_of 1 13)" "" "line 13: postal/country/culture/language case: no change"
is "$(changes_of 1 14)" "4:'old12@x.example'>'new12@x.example' 7:'Unit 2'>''" \
    "line 14: email and a cleared address line"
is "$(changes_of 1 15)" "4:'old13@x.example'>'new13@x.example'" \
    "line 15: email; country in another case is no change"
is "$(changes_of 1 16)" "9:'York'>'Leeds'" \
    "line 16: city; email in another case is no change"
is "$(changes_of 1 17)" "7:NULL>'Suite 5'" \
    "line 17: a new value where there was none (old NULL)"
is "$(changes_of 1 18)" "" "line 18: NFD vs NFC city: no change"
is "$(changes_of 1 19)" "4:'u1@old.example'>'u1@new.example'" \
    "line 19: snapshot id in upper case matches"
is "$(changes_of 1 20)" "4:'u2@old.example'>'u2@new.example'" \
    "line 20: snapshot id braced and upper case matches"
is "$(changes_of 1 21)" "4:'u3@old.example'>'u3@new.example'" \
    "line 21: update id braced and upper case matches the snapshot's"
is "$(sql 'select count(*) from plan_change')" 14 "plan_change: 14 changes in all"

# normalized
is "$(nbit 1 4 4)$(nbit 1 4 5)$(nbit 1 4 10)$(nbit 1 4 13)$(nbit 1 4 14)$(nbit 1 4 15)" \
    "111111" "line 4: normalized bits for email, phone, state, country, culture, language"
is "$(nbit 1 4 2)$(nbit 1 4 3)$(nbit 1 4 6)$(nbit 1 4 9)$(nbit 1 4 12)" \
    "00000" "line 4: no normalized bit for fields written the same"
is "$(nbit 1 13 12)$(nbit 1 13 13)$(nbit 1 13 14)$(nbit 1 13 15)" "1111" \
    "line 13: normalized bits for postal code, country, culture, language"
is "$(nbit 1 15 13)" 1 "line 15: country case is normalized"
is "$(nbit 1 16 4)" 1 "line 16: email case is normalized"
is "$(outc 1 2 o.normalized)" 0 "line 2: nothing normalized"
is "$(outc 1 8 o.normalized)" 0 "line 8: a case change of a name is not 'normalized'"

# accounts: an offline check keeps none (the plan holds the values it
# changes, submit reads the account again); the snapshot's company name of
# a row with changes that gives none goes with its outcome, for plan and
# report to show.
is "$(sql "select count(*) from account where run = 1")" 0 \
    "account: none kept by an offline check"
is "$(sql "select count(*) from outcome o join run_row r on r.id = o.row where o.run = 1 and o.state = 'pending' and r.company_name is null and o.company is null")" \
    0 "outcome: each row with changes and no company name has the account's"
is "$(sql "select count(*) from outcome o join run_row r on r.id = o.row where o.run = 1 and o.company is not null and (r.company_name is not null or o.state != 'pending')")" \
    0 "outcome: no company name for a row that gives one (line 8), nor one without changes"
is "$(outc 1 2 o.company)" Contoso \
    "outcome: line 2's company name, as the snapshot has it"
is "$(outc 1 11 o.state)/$(changes_of 1 11)" "unchanged/" \
    "account: the duplicate's first line is the one read"

# --- plan (human) ------------------------------------------------------------------
run plan
is "$rc" 1 "plan: exit 1 (invalid and not-found rows)"
like "$out" "^run 1: .*update\\.csv" "plan: names the run and its file"
like "$out" "$G1  row 2  Contoso\$" "plan: customer heading with line and company"
like "$out" 'email +old@contoso\.com -> new@contoso\.com' "plan: email old -> new"
like "$out" "$G2  row 3  Fabrikam  \\[needs review\\]" \
    "plan: [needs review] on the email + address customer"
like "$out" 'defaultAddress\.city +Portland -> Seattle' "plan: city old -> new"
like "$out" 'defaultAddress\.addressLine2 +Suite 100 -> \(cleared\)' \
    "plan: a cleared field shows (cleared)"
like "$out" 'companyName +Acme -> acme' "plan: company case change"
like "$out" 'defaultAddress\.phoneNumber +4255550100 -> \+14255550100' \
    "plan: phone change"
like "$out" 'defaultAddress\.addressLine2 +\(empty\) -> Suite 5' \
    "plan: a new value where there was none"
like "$out" "$U2" "plan: the braced snapshot id's customer is listed"
unlike "$out" "$G1 .*needs review" "plan: no [needs review] on an email-only change"
unlike "$out" "$G3" "plan: an unchanged customer is not listed"
unlike "$out" "$G5" "plan: <clear> of an empty field lists nothing"
unlike "$out" "$G11" "plan: codes in another case list nothing"
like "$out" '21 rows: 1 invalid, 1 duplicate, 5 unchanged, 2 not found, 12 to change' \
    "plan: counts"
like "$out" "plan $HASH" "plan: the full plan hash"
like "$out" '2 rows need review \(the plan says why' \
    "plan: the number of rows needing review"

# --- plan --json ---------------------------------------------------------------------
run --json plan 1; jsnap
is "$rc" 1 "plan --json: exit 1"
for k in run rows valid invalid duplicate changes unchanged not_found \
    applied failed conflicts pending review plan_hash checked_at source \
    customers; do
	jhas "$k"
	ok $? "plan --json: has key '$k'"
done
is "$(jv run)/$(jv rows)/$(jv valid)/$(jv invalid)/$(jv duplicate)" "1/21/19/1/1" \
    "plan --json: run and row counts"
is "$(jv changes)/$(jv unchanged)/$(jv not_found)/$(jv pending)/$(jv review)" \
    "12/5/2/12/2" "plan --json: changes/unchanged/not_found/pending/review"
is "$(jv applied)/$(jv failed)/$(jv conflicts)" "0/0/0" \
    "plan --json: applied/failed/conflicts"
is "$(jv plan_hash)" "$HASH" "plan --json: plan_hash as check printed"
is "$(jv source)" "$snap" "plan --json: source is the snapshot"
is "$(jv checked_at)" "$(sql 'select checked_at from run where id = 1')" \
    "plan --json: checked_at"
cust=$(printf '%s' "$out" | "$PY" -S -c '
import json, sys
for c in json.load(sys.stdin)["customers"]:
    ch = ";".join("%s:%s>%s" % (f["field"], "null" if f["old"] is None
        else f["old"], f["new"]) for f in c["changes"])
    print("%s|%s|%s|%s|%s" % (c["line"], c["customer_id"], c.get("company"),
        c["review"], ch))
')
exp="2|$G1|Contoso|False|email:old@contoso.com>new@contoso.com
3|$G2|Fabrikam|True|email:old@fabrikam.com>new@fabrikam.com;defaultAddress.city:Portland>Seattle
5|$G4|Four|False|defaultAddress.addressLine2:Suite 100>
8|$G7|acme|False|companyName:Acme>acme
10|$G8|Eight|False|defaultAddress.phoneNumber:4255550100>+14255550100
14|$G12|Twelve|True|email:old12@x.example>new12@x.example;defaultAddress.addressLine2:Unit 2>
15|$G13|Thirteen|False|email:old13@x.example>new13@x.example
16|$G14|Fourteen|False|defaultAddress.city:York>Leeds
17|$G15|Fifteen|False|defaultAddress.addressLine2:null>Suite 5
19|$U1|U One|False|email:u1@old.example>u1@new.example
20|$U2|U Two|False|email:u2@old.example>u2@new.example
21|$U3|U Three|False|email:u3@old.example>u3@new.example"
is "$cust" "$exp" "plan --json: customers, in line order, with camelCase fields"

NCO=$(sql 'select count(company) from outcome where run = 1')
# --- re-check --------------------------------------------------------------------
run --json check --snapshot "$snap"; jsnap
is "$rc" 1 "re-check: exit 1 again"
is "$(jv plan_hash)" "$HASH" "re-check: the same plan hash"
is "$(jv changes)/$(jv unchanged)/$(jv not_found)/$(jv review)" "12/5/2/2" \
    "re-check: the same counts"
is "$(sql 'select count(*) from plan_change')/$(sql 'select count(*) from outcome')/$(sql 'select count(company) from outcome where run = 1')" \
    "14/19/$NCO" "re-check: the plan replaced, not added to"

touch -d '2024-03-04 05:06:07 UTC' "$snap"
run check --snapshot "$snap"
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "re-check of a touched snapshot: the same plan hash"
is "$(sql 'select snapshot_mtime from run where id = 1')" \
    "2024-03-04T05:06:07Z" "re-check: the new snapshot mtime recorded"

# The documented order: RUN before --snapshot.
run check 1 --snapshot "$snap"
is "$rc" 1 "'check 1 --snapshot FILE' (usage order): exit 1 like the others"
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "'check 1 --snapshot FILE': the same plan hash"

# Excel's way of saving the same accounts.
run --json check --snapshot "$xsnap"; jsnap
is "$rc" 1 "BOM, display headers, CRLF: checked (exit 1)"
is "$(jv plan_hash)" "$HASH" "BOM, display headers, CRLF: the same plan hash"
is "$(jv changes)/$(jv unchanged)/$(jv not_found)" "12/5/2" \
    "BOM, display headers, CRLF: the same counts"
is "$(changes_of 1 2)|$(outc 1 13 o.state)|$(changes_of 1 5)|$(outc 1 5 o.company)" \
    "4:'old@contoso.com'>'new@contoso.com'|unchanged|7:'Suite 100'>''|Four" \
    "BOM snapshot: 'Email Address' and 'ZIP' mapped, no CR kept"
is "$(outc 1 2 o.state)/$(outc 1 2 o.company)" pending/Contoso \
    "BOM snapshot: the first account's id is read despite the BOM"
is "$(sql 'select check_source from run where id = 1')" "$xsnap" \
    "BOM snapshot: check_source updated"

# Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
if command -v iconv >/dev/null 2>&1; then
	usnap="$TMP/unicode.txt"
	# (the UTF-8 BOM becomes the UTF-16LE one)
	sed 's/,/\t/g' "$xsnap" | iconv -f UTF-8 -t UTF-16LE >"$usnap"
	run --json check --snapshot "$usnap"; jsnap
	is "$rc" 1 "UTF-16 tab-separated snapshot: checked (exit 1)"
	is "$(jv plan_hash)" "$HASH" "UTF-16 tab-separated snapshot: the same plan hash"
fi

# Swapped duplicates: now Portland comes first and wins.
run check --snapshot "$rsnap"
is "$rc" 1 "swapped duplicate lines: checked"
like "$err" 'warning' "swapped duplicate lines: warning again"
is "$(changes_of 1 11)" "9:'Portland'>'Seattle'" \
    "swapped duplicate lines: the first line (Portland) wins"
is "$(outc 1 11 o.state)" pending "swapped duplicate lines: the row is pending"
NEWHASH=$(sql 'select plan_hash from run where id = 1')
ok "$([ "$NEWHASH" != "$HASH" ]; echo $?)" "another plan: another hash"
run check --snapshot "$snap"
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "back to the first snapshot: the first hash again"
is "$(outc 1 11 o.state)" unchanged "back to the first snapshot: line 11 unchanged again"

# A customer gone from the snapshot since the last check: now not_found.
grep -v "^$G1," "$snap" >"$TMP/less.csv"
run check --snapshot "$TMP/less.csv"
is "$rc" 1 "snapshot without line 2's customer: checked"
is "$(outc 1 2 o.state)/$(changes_of 1 2)" "not_found/" \
    "re-check: line 2 now not_found, its change dropped"
is "$(outc 1 2 "coalesce(o.company, '-')")" - \
    "re-check: the company of an account no longer in the snapshot is dropped"
ok "$([ "$(sql 'select plan_hash from run where id = 1')" != "$HASH" ]; echo $?)" \
    "re-check: another plan hash"
run check --snapshot "$snap"
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "back to the first snapshot: the first hash again"

# A snapshot that cannot be used leaves the plan as it was.
printf 'name,email\nContoso,a@b.example\n' >"$TMP/noid.csv"
run check --snapshot "$TMP/noid.csv"
is "$rc" 65 "snapshot without a customer id column: exit 65"
like "$err" 'customer_id|Customer ID' "snapshot without a customer id column: says so"
is "$(sql 'select plan_hash from run where id = 1')/$(sql 'select count(*) from plan_change')/$(sql 'select count(*) from outcome')" \
    "$HASH/14/19" "failed check: the earlier plan is kept"
: >"$TMP/empty.csv"
run check --snapshot "$TMP/empty.csv"
is "$rc" 65 "empty snapshot: exit 65"
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "empty snapshot: the earlier plan is kept"

# --- offline: no network needed ----------------------------------------------------
save_v=$VALGRIND
if unshare -rn true 2>/dev/null; then
	VALGRIND="unshare -rn $VALGRIND"
	how="in a namespace without network"
else
	how="with the service set to an unreachable address"
fi
IMPORTER_ENDPOINT=http://192.0.2.1:9/ http_proxy=http://192.0.2.1:9 \
    https_proxy=http://192.0.2.1:9 HTTPS_PROXY=http://192.0.2.1:9
export IMPORTER_ENDPOINT http_proxy https_proxy HTTPS_PROXY
t0=$(date +%s)
run --json check --snapshot "$snap"; jsnap
t1=$(date +%s)
VALGRIND=$save_v
unset IMPORTER_ENDPOINT http_proxy https_proxy HTTPS_PROXY
is "$rc" 1 "offline check $how: exit 1 as before"
is "$(jv plan_hash)" "$HASH" "offline check $how: the same plan"
ok "$([ $((t1 - t0)) -lt 5 ]; echo $?)" "offline check: no wait for a network"

# --- a second run: latest by default, exit 0 ---------------------------------------
upd2="$TMP/clean.csv"
{
	echo "$UHEAD"
	u "$G1" "" "" "" OLD@contoso.com "" "" "" "" "" "" "" "" ""
	u "$G4" "" "" "" "" "" "" "" Bellevue "" "" "" "" ""
	u "$G5" Five "" "" "" "" "" "" "" "" "" "" "" ""
} >"$upd2"
run stage "$upd2"
is "$rc" 0 "run 2 staged"
run plan
is "$rc" 64 "plan (latest = run 2, unchecked): exit 64"
like "$err" 'run 2 is not checked' "plan: names the unchecked run"
run plan 1
is "$rc" 1 "plan 1: an earlier run still shows"
like "$out" "plan $HASH" "plan 1: its hash"

run --json check --snapshot "$snap"; jsnap
is "$rc" 0 "check run 2: exit 0 (every row found, none invalid)"
is "$(jv run)" 2 "check without RUN checks the latest run (2)"
is "$(jv changes)/$(jv unchanged)/$(jv not_found)/$(jv pending)/$(jv review)" \
    "1/2/0/1/0" "run 2: one change, two unchanged"
HASH2=$(jv plan_hash)
is "$(sql 'select plan_hash from run where id = 1')" "$HASH" \
    "checking run 2 leaves run 1's plan alone"
is "$(sql 'select count(*) from plan_change c join run_row r on r.id = c.row where r.run = 1')" \
    14 "run 1 keeps its 14 changes"
is "$(outc 2 2 o.state)/$(nbit 2 2 4)" "unchanged/1" \
    "run 2 line 2: email in upper case is unchanged, normalized"
is "$(changes_of 2 3)" "9:'Redmond'>'Bellevue'" "run 2 line 3: city change"

run plan
is "$rc" 0 "plan run 2: exit 0"
like "$out" "$G4  row 3  Four\$" "plan run 2: the customer, no review"
unlike "$out" 'needs review' "plan run 2: nothing needs review"
like "$out" "plan $HASH2" "plan run 2: its hash"
run --json plan; jsnap
is "$rc" 0 "plan --json run 2: exit 0"
is "$(jv run)/$(jv review)" "2/0" "plan --json run 2: run 2, no review"


# --- rows sent already: check refuses ------------------------------------------------
row4=$(sql "select id from run_row where run = 2 and line = 3")
sql "update outcome set state = 'applied', attempts = 1 where row = $row4"
run check --snapshot "$snap"
is "$rc" 64 "a run with an applied row: check exits 64"
like "$err" 'sent' "a run with an applied row: the message says rows were sent"
is "$(outc 2 3 o.state)" applied "refused check: the applied outcome is kept"
is "$(sql 'select plan_hash from run where id = 2')" "$HASH2" \
    "refused check: the plan is kept"
is "$(sql "select count(*) from plan_change where row = $row4")" 1 \
    "refused check: the change is kept"
run check 2 --snapshot "$snap"
is "$rc" 64 "a run with an applied row: 'check 2 --snapshot' exits 64 too"
like "$err" 'sent' "'check 2 --snapshot': refused because rows were sent"
run --json plan; jsnap
is "$(jv applied)/$(jv pending)" "1/0" "plan of a run with an applied row: counts it"
for st in failed conflict sending; do
	sql "update outcome set state = '$st' where row = $row4"
	run check --snapshot "$snap"
	is "$rc" 64 "a run with a '$st' row: check exits 64"
done
sql "update outcome set state = 'failed', attempts = 0 where row = $row4"
run check --snapshot "$snap"
is "$rc" 0 "a row check could not read (failed, never sent): check again works (exit 0)"
is "$(outc 2 3 o.state)" pending "... and plans the row again"
sql "update outcome set state = 'pending' where row = $row4"
run check --snapshot "$snap"
is "$rc" 0 "all rows pending again: check works (exit 0)"
is "$(sql 'select plan_hash from run where id = 2')" "$HASH2" \
    "all rows pending again: the same plan hash"

# --- a run whose customers are all missing ----------------------------------------
printf '%s\n' "$UHEAD" >"$TMP/gone.csv"
u "$G6" "" "" "" x6@x.example "" "" "" "" "" "" "" "" "" >>"$TMP/gone.csv"
run stage "$TMP/gone.csv"
run --json check --snapshot "$snap"; jsnap
is "$rc" 1 "a run no account matches: exit 1"
is "$(jv not_found)/$(jv changes)/$(jv invalid)" "1/0/0" \
    "a run no account matches: all not found"
run plan
is "$rc" 1 "plan of that run: exit 1"

# A customer with no company on either side: the key is there, null.
printf 'customer_id,city\n%s\n' "$G99,Bellevue" >"$TMP/nocompany.csv"
printf 'customer_id,city\n%s\n' "$G99,Redmond" >"$TMP/nocompany-snap.csv"
run stage "$TMP/nocompany.csv"
run check --snapshot "$TMP/nocompany-snap.csv"
is "$rc" 0 "a run without companies: checked"
run --json plan
is "$(printf '%s' "$out" | "$PY" -S -c '
import json, sys
c = json.load(sys.stdin)["customers"]
print(len(c), "company" in c[0] and c[0]["company"] is None)')" "1 True" \
    "plan --json: 'company' is null when neither side has one"

# --- the hash submit recomputes: rows held at check ----------------------------
# A value that lost characters the account holds ('?' for 'ü') and one the
# country's rules refuse make their rows invalid: nothing of them is planned
# or sent. The hash check wrote on the way and the one submit recomputes
# from the tables must both leave them out, or submit refuses the run.
IMPORTER_DB=$TMP/held.db; export IMPORTER_DB
{
	echo "customer_id,company_name,email,city,postal_code"
	echo "$G1,,,M?nchen,"			# 2: lost, no company given
	echo "$G2,Caf? Ltd,,,"			# 3: lost, the company
	echo "$G3,,new3@x.example,,"		# 4: a change
	echo "$G4,,,,ABCDEFGHIJK"		# 5: refused by the US rules
} >"$TMP/held-u.csv"
{
	echo "$ACCOUNTS_HEAD"
	s "$G1" Eins "" "" one@x.example "" "1 Main St" "" "" "M${NFC_U}nchen" "" "" 80331 DE de-DE de
	s "$G2" "Caf$NFC_E Ltd" "" "" two@x.example "" "2 Main St" "" "" Redmond WA "" 98052 US en-US en
	s "$G3" Drei "" "" three@x.example "" "3 Main St" "" "" Redmond WA "" 98052 US en-US en
	s "$G4" Vier "" "" four@x.example "" "4 Main St" "" "" Redmond WA "" 98052 US en-US en
} >"$TMP/held-s.csv"
run stage "$TMP/held-u.csv"
run --json check --snapshot "$TMP/held-s.csv"; jsnap
is "$rc/$(outc 1 2 o.state)/$(outc 1 3 o.state)/$(outc 1 4 o.state)/$(outc 1 5 o.state)" \
    "1/invalid/invalid/pending/invalid" "held rows: lost characters and the rules make them invalid"
is "$(sql 'select count(distinct row) from plan_change')" 1 \
    "held rows: only the row with a change to send is planned"
is "$(outc 1 2 "coalesce(o.company, '-')")/$(outc 1 4 "coalesce(o.company, '-')")" \
    "Eins/Drei" "held rows: the account's company name where the row gives none"
run submit --dry-run 1
ok "$([ "$rc" -ne 65 ]; echo $?)" \
    "held rows: submit finds the plan check saved (exit $rc)"
unlike "$err" "not the one check saved" "held rows: ... and does not refuse it"

# --- a larger run: any snapshot order, the same plan ------------------------------
# 4,000 rows (pass 2 reads the accounts bucket by bucket, in row order): every
# tenth customer missing from the snapshot, every third row moving city, one
# account longer than a spill buffer. The snapshot forwards, backwards and
# shuffled gives one plan; a snapshot failing near its end keeps the plan.
IMPORTER_DB=$TMP/big.db; export IMPORTER_DB
awk -v h="$UHEAD" 'BEGIN {
	print h
	for (i = 1; i <= 4000; i++)
		printf "11111111-2222-4333-8444-%012d,Co %d,,,b%d@x.example,,,,%s,,,,,\n",
		    i, i, i, (i % 3 == 0 ? "Newcity" : "City " i)
}' >"$TMP/big-u.csv"
awk -v h="$ACCOUNTS_HEAD" 'BEGIN {
	print h
	for (i = 1; i <= 4000; i++) {
		if (i % 10 == 7)
			continue
		co = "Co " i
		if (i == 5) {
			co = ""
			for (k = 0; k < 7000; k++)
				co = co "Long-name."
		}
		printf "11111111-2222-4333-8444-%012d,%s,,,b%d@x.example,,,,,City %d,,,,,,\n",
		    i, co, i, i
	}
}' >"$TMP/big-s.csv"
{ head -n 1 "$TMP/big-s.csv"; tail -n +2 "$TMP/big-s.csv" | sort -r; } >"$TMP/big-rev.csv"
{ head -n 1 "$TMP/big-s.csv"; tail -n +2 "$TMP/big-s.csv" |
    awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort | cut -f 2-; } >"$TMP/big-shuf.csv"
run stage "$TMP/big-u.csv"
is "$rc" 0 "4,000 rows staged"
run --json check --snapshot "$TMP/big-s.csv"; jsnap
is "$rc" 1 "4,000 rows checked (exit 1: some not found)"
is "$(jv changes)/$(jv unchanged)/$(jv not_found)" "1201/2399/400" \
    "4,000 rows: changes, unchanged, not found"
BIGHASH=$(jv plan_hash)
is "$(sql "select count(*) || '/' || sum(length(old)) from plan_change where col = 1")" \
    "1/70000" "the long account's old company name, whole"
is "$(sql "select count(*) from outcome o join run_row r on r.id = o.row where o.state = 'not_found' and (r.line - 1) % 10 <> 7")" \
    0 "not found: exactly the customers missing from the snapshot"
is "$(sql "select count(*) from plan_change c join run_row r on r.id = c.row where c.col = 9 and (c.old <> 'City ' || (r.line - 1) or c.new <> 'Newcity')")" \
    0 "every city change pairs the row's own old and new value"
run --json plan; jsnap
is "$(jv changes)/$(jv unchanged)/$(jv not_found)" "1201/2399/400" \
    "plan --json counts as check printed them"
for order in rev shuf; do
	run --json check --snapshot "$TMP/big-$order.csv"; jsnap
	is "$(jv plan_hash)" "$BIGHASH" "snapshot order ($order): the same plan"
done
{ cat "$TMP/big-s.csv"; printf '11111111-2222-4333-8444-%012d,"unterminated\n' 4001; } \
    >"$TMP/big-bad.csv"
run check --snapshot "$TMP/big-bad.csv"
is "$rc" 65 "a snapshot broken on its last line: exit 65"
is "$(sql 'select plan_hash from run where id = 1')/$(sql 'select count(*) from outcome')" \
    "$BIGHASH/4000" "a snapshot broken on its last line: the plan is kept"
# The store failing early in the plan (a trigger stands in for a full
# disk) while the comparing thread is ahead with every batch full: it must
# stop too; nothing hangs, nothing is kept. 6,000 rows: more than the
# batches between the two threads hold.
IMPORTER_DB=$TMP/fail.db; export IMPORTER_DB
awk 'BEGIN { print "customer_id,company_name,city"
	for (i = 1; i <= 6000; i++)
		printf "11111111-2222-4333-8444-%012d,Co %d,City %d\n", i, i, i }' \
    >"$TMP/fail-u.csv"
sed 's/City/Town/' "$TMP/fail-u.csv" >"$TMP/fail-s.csv"
run stage "$TMP/fail-u.csv"
sql "create trigger fail_early before insert on outcome when new.row = 100
     begin select raise(abort, 'disk I/O error (simulated)'); end"
save_v=$VALGRIND
VALGRIND="timeout 300 $VALGRIND"
run check --snapshot "$TMP/fail-s.csv"
VALGRIND=$save_v
ok "$([ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 1 ]; echo $?)" \
    "the store failing mid-plan: check fails (exit $rc), without hanging"
like "$err" 'simulated' "... and says why"
is "$(sql 'select count(*) from outcome')/$(sql 'select plan_hash is null from run')" \
    "0/1" "... and keeps nothing of the plan"

done_testing
