#!/bin/sh
# t_trail.sh: the audit trail and personal data over time. history --audit
# [RUN] prints the trail and says whether its chain holds; the table is
# append-only in SQLite too; an entry edited behind its triggers' back, or
# removed, is caught (65). purge --before DATE removes the purged runs'
# personal data from the database file itself, keeps history's counts, the
# outcomes and the trail, and adds an entry. The report and the fix-up CSV
# are created 0600 whatever the umask.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require python3 sqlite3
GUID_PREFIX=16161616-3434-4555-8666
unset IMPORTER_USER

# The accounts as they are, and an update with personal data in every kind
# of column, one row invalid (its values go to row_problem).
accounts_file "$TMP/snap.csv" 4
{
	echo "customer_id,first_name,last_name,email,phone_number,address_line1,city,postal_code"
	printf '%s,Wilhelmina,Quackenbush,wilhelmina.q@purge-me.example,4255557788,77 Zebrawood Lane,Seattle,98101\n' "$(g 1)"
	printf '%s,Bartholomew,Featherstone,bart.f@purge-me.example,4255556677,12 Xylophone Court,Tacoma,98402\n' "$(g 2)"
	printf '%s,Cornelius,Ravenscroft,not-an-email-ravenscroft,4.25551E+09,9 Quill Way,Everett,98201\n' "$(g 3)"
} >"$TMP/update.csv"
PERSONAL="Wilhelmina Quackenbush wilhelmina.q@purge-me.example 4255557788
Zebrawood Bartholomew Featherstone bart.f@purge-me.example Xylophone
Ravenscroft not-an-email-ravenscroft 4.25551E+09 Quill"

run --as alice stage "$TMP/update.csv"
is "$rc" 1 "stage (one row invalid)"
run --as alice check --snapshot "$TMP/snap.csv"
is "$rc" 1 "check"
umask 022
run --as alice report -o "$TMP/r.xlsx"
is "$(stat -c %a "$TMP/r.xlsx")" 600 "the XLSX report is created 0600"
is "$(stat -c %a "$TMP/r-fixup.csv")" 600 "and the fix-up CSV too"
chmod 644 "$TMP/r.xlsx" "$TMP/r-fixup.csv"
run report -o "$TMP/r.xlsx"
is "$(stat -c %a "$TMP/r.xlsx"):$(stat -c %a "$TMP/r-fixup.csv")" \
    "600:600" "a report written over a 0644 one is 0600 again"
# The update has no company column: the report shows the snapshot's
# company names (kept with the outcomes) for the rows with changes.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	is "$(/usr/bin/python3 -c 'import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["All rows"]
rows = list(ws.iter_rows(values_only=True))
c = rows[0].index("Company")
print("|".join(str(r[c] or "") for r in rows[1:]))' "$TMP/r.xlsx")" \
	    "Company 1|Company 2|" "the report shows the snapshot's company names"
else
	ok 0 "# SKIP report company names: no openpyxl"
fi

# --- history --audit ---------------------------------------------------------------
run history --audit
is "$rc" 0 "history --audit exits 0"
like "$out" "^ +1 +20[0-9-]+T[0-9:]+Z +alice +stage +1 " "entry 1: alice staged run 1"
like "$out" "alice +check +1 +[0-9a-f]{16} " "the check, with the plan hash"
like "$out" "the chain holds: 4 entries" "the chain holds"
run --json history --audit 1
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["chain_holds"], len(d["entries"]), d["entries"][0]["what"], d["entries"][0]["detail"]["rows"])')" \
    "True 4 stage 3" "--json: the entries, their detail, and whether it holds"
run history --audit 2
is "$rc" 0 "history --audit RUN: another run's"
unlike "$out" "stage" "lists that run's entries only"

# Append-only in SQLite.
sql "update audit set who = 'mallory' where id = 1" 2>"$TMP/sqlerr"
ok $(( $? == 0 )) "UPDATE on the trail is refused by SQLite"
like "$(cat "$TMP/sqlerr")" "append-only" "by its trigger"
sql "delete from audit where id = 2" 2>/dev/null
is "$(sql "select count(*) from audit")" 4 "DELETE too"

# Edited behind the triggers' back.
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$IMPORTER_DB" "$TMP/kept.db"
sql "drop trigger audit_no_update; update audit set who = 'mallory' where id = 2"
run history --audit
is "$rc" 65 "an edited entry: history --audit exits 65"
like "$err" "does not hold at entry 2: its content does not match its hash" \
    "naming the entry and why"
like "$out" "mallory.*does not hold" "and marking it"
cp "$TMP/kept.db" "$IMPORTER_DB"
rm -f "$IMPORTER_DB-wal" "$IMPORTER_DB-shm"
run history --audit
is "$rc" 0 "the original holds again"
sql "drop trigger audit_no_delete; delete from audit where id = 2"
run history --audit
is "$rc" 65 "a removed entry: 65"
like "$err" "at entry 3: it does not carry the hash of the entry before" \
    "naming the entry after it"
cp "$TMP/kept.db" "$IMPORTER_DB"
rm -f "$IMPORTER_DB-wal" "$IMPORTER_DB-shm"

# --- purge ---------------------------------------------------------------------------
# The run was staged a year and a half ago (purge is for old runs).
sql "update run set staged_at = '2025-05-02T09:00:00Z'"
run history
before=$out
outcomes_before=$(sql "select group_concat(r.line || ':' || o.state || ':' || coalesce(o.http_status, '-'), ' ') from outcome o join run_row r on r.id = o.row")
states_before=$(sql "select group_concat(line || ':' || state, ' ') from run_row")
entries=$(sql "select count(*) from audit")
for w in $PERSONAL; do
	grep -qaF "$w" "$IMPORTER_DB" || echo "# not in the database: $w"
done
grep -qaF Quackenbush "$IMPORTER_DB"
ok $? "the database holds the personal data before purge"
is "$(sql "select group_concat(company, '|') from outcome where company is not null")" \
    "Company 1|Company 2" "and the accounts' company names of the rows with changes"
run purge --before 2999-01-01 --yes
is "$rc" 64 "a date after today: 64 (it would purge today's runs too)"
like "$err" "after today" "saying so"
run purge --before 2026-01-01
is "$rc" 64 "purge without a terminal and without --yes: 64"
run purge --before 2026-13-01 --yes
is "$rc" 64 "a date that is no date: 64"
run purge --yes
is "$rc" 64 "--before is needed"
run purge --before 2000-01-01 --yes
is "$rc" 0 "nothing staged before 2000"
like "$out" "nothing to purge" "says so"
run --as carol purge --before 2026-01-01 --yes
is "$rc" 0 "purge --yes"
like "$out" "purged 1 run staged before 2026-01-01: 3 rows" "says what it did"
found=
for w in $PERSONAL; do
	for f in "$IMPORTER_DB" "$IMPORTER_DB-wal"; do
		[ -f "$f" ] && grep -qaF "$w" "$f" && found="$found $w"
	done
done
is "$found" "" "the database file holds none of the purged rows' personal strings"
is "$(sql "select count(*) from row_problem p join run_row r on r.id = p.row where p.message like '%4.25551E+09%'")$(sql "select count(*) from outcome where message like '%purge-me%'")" \
    00 "no problem or outcome message quotes a purged value"
is "$(sql "select count(company) from outcome")" 0 \
    "no outcome keeps an account's company name"
run history
is "$out" "$before" "history shows the same counts"
is "$(sql "select group_concat(r.line || ':' || o.state || ':' || coalesce(o.http_status, '-'), ' ') from outcome o join run_row r on r.id = o.row")" \
    "$outcomes_before" "the outcomes by row stay"
is "$(sql "select group_concat(line || ':' || state, ' ') from run_row")" \
    "$states_before" "and the rows' states"
is "$(sql "select count(*) from run where sha256 is not null and plan_hash is not null and purged_at is not null")" \
    1 "the hashes stay; the run says when it was purged"
is "$(sql "select customer_id from run_row order by line limit 1")" "$(g 1)" \
    "customer IDs stay"
run history --audit
is "$rc" 0 "the trail still holds"
like "$out" "carol +purge +- .*\"runs\":1" "with purge's entry"
is "$(sql "select count(*) from audit")" $((entries + 1)) \
    "no trail entry was removed, one added"

done_testing
