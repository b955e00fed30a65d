#!/bin/sh
# t_history.sh: importer history, human and --json: empty (no database
# file, and it is not created), then runs newest first with their counts.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

# runs_json: "run:rows:valid:invalid:duplicate" per element of the array
# in $out, comma-separated; "not an array" otherwise.
runs_json() {
	printf '%s' "$out" | python3 -c '
import json, sys
a = json.load(sys.stdin)
if not isinstance(a, list):
    print("not an array")
else:
    print(",".join("%s:%s:%s:%s:%s" % (r["run"], r["rows"], r["valid"], r["invalid"], r["duplicate"]) for r in a))
' 2>&1
}

# --- no database yet ----------------------------------------------------------------
run history
is "$rc" 0 "no db: history exits 0"
like "$out" 'no runs' "no db: says there are no runs"
is "$err" "" "no db: nothing on stderr"
[ -e "$IMPORTER_DB" ]
ok $((! $?)) "no db: history does not create the database file"

run --json history
is "$rc" 0 "no db: --json history exits 0"
is "$out" "[]" "no db: --json history prints []"
[ -e "$IMPORTER_DB" ]
ok $((! $?)) "no db: --json history does not create the database file"

run --db "$TMP/elsewhere.db" --json history
is "$out" "[]" "no db at --db PATH: []"
[ -e "$TMP/elsewhere.db" ]
ok $((! $?)) "no db at --db PATH: not created"

run -q history
is "$rc" 0 "no db: -q history exits 0"
is "$out" "" "no db: -q history prints nothing"

# --- a database with only a refused stage: still empty ----------------------------
printf 'Company Name\nContoso\n' >"$TMP/no-id.csv"
run stage "$TMP/no-id.csv"
is "$rc" 65 "a refused stage (no customer_id column)"
run --json history
is "$out" "[]" "after a refused stage: --json history prints []"
run history
like "$out" 'no runs' "after a refused stage: history says there are no runs"

# --- two runs ---------------------------------------------------------------------------
f1="$TMP/first.csv"
{
	echo 'Customer ID,Company Name'
	echo "$(g 1),Contoso"
	echo "$(g 2),Fabrikam"
	echo "$(g 3),Northwind"
} >"$f1"
run stage "$f1"
is "$rc" 0 "first run staged"
f2="$TMP/second.csv"
{
	echo 'Customer ID,Company Name'
	echo "$(g 4),Tailspin"
	echo "$(g 5),Wingtip"
	echo "bad,Broken"
	echo "$(g 4),Tailspin"
} >"$f2"
run stage "$f2"
is "$rc" 1 "second run staged (one invalid row)"
db_before=$(sql "select count(*) from run")

run history
is "$rc" 0 "history exits 0"
is "$(printf '%s\n' "$out" | awk '$1 ~ /^[0-9]+$/ { printf "%s ", $1 }')" "2 1 " \
    "history lists run 2 before run 1 (newest first)"
like "$out" 'rows' "history has a header naming rows"
line2=$(printf '%s\n' "$out" | awk '$1 == "2"')
line1=$(printf '%s\n' "$out" | awk '$1 == "1"')
like "$line2" '[[:space:]]4[[:space:]]+2[[:space:]]+1[[:space:]]+1[[:space:]]' \
    "run 2: 4 rows, 2 valid, 1 invalid, 1 duplicate"
like "$line2" 'second\.csv' "run 2: names its file"
like "$line1" '[[:space:]]3[[:space:]]+3[[:space:]]+0[[:space:]]+0[[:space:]]' \
    "run 1: 3 rows, 3 valid, 0 invalid, 0 duplicate"
like "$line1" 'first\.csv' "run 1: names its file"
like "$line1" '[0-9]{4}-[0-9]{2}-[0-9]{2}' "run 1: shows when it was staged"

run --json history
is "$rc" 0 "--json history exits 0"
is "$(runs_json)" "2:4:2:1:1,1:3:3:0:0" \
    "--json history: an array, newest first, with run/rows/valid/invalid/duplicate"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)[1]["file"])' 2>&1)" \
    "$f1" "--json history: each run names its file"
is "$(sql "select count(*) from run")" "$db_before" "history changes nothing in the database"

# --- a third run (forced re-stage) comes first ---------------------------------------------
run stage --force "$f1"
is "$rc" 0 "first file staged again with --force"
run --json history
is "$(runs_json)" "3:3:3:0:0,2:4:2:1:1,1:3:3:0:0" "--json history: run 3 first"

run history --help
is "$rc" 0 "history --help exits 0"
like "$out" 'usage: importer history' "history --help prints its usage"

done_testing
