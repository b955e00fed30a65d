#!/bin/sh
# t_columns.sh: the column table (column.h) end to end, driven by what
# 'importer help columns' says of it: a value of a column's maximum length
# (in characters, not bytes) stages as valid and is applied by the sandbox,
# which enforces the same limits; one character more is refused at stage
# with the rule too-long naming the service's limit. No field that stages
# as valid can fail at submit for its length.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require python3 curl

token_set columns

run --json help columns
is "$rc" 0 "help --json columns exits 0"
printf '%s\n' "$out" >"$TMP/columns.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' \
    "$TMP/columns.json")
is "$n" 16 "the table has the 16 canonical columns"
run help columns
like "$out" "city +defaultAddress.city +100" "help columns shows city's limit"

# The files: the accounts (Ireland: no state list, no postal shape), an
# update with one column at its maximum per row, one with one more.
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
cols = json.load(open(tmp + "/columns.json"))
names = [c["column"] for c in cols]
limited = [c for c in cols if c["max"]]

def value(c, n):
    if c["column"] == "email":
        dom = "b" * 63 + "." + "c" * 63 + "."
        return "a" * 64 + "@" + dom + "d" * (n - 64 - 1 - len(dom) - 4) + ".com"
    if c["column"] == "phone_number":
        s = "+1"	# then " 2" pairs: 20 digits in 40 characters
        while len(s) + 2 <= n:
            s += " 2"
        return s + "3" * (n - len(s))
    if c["column"] == "postal_code":
        return "1" * n
    return "Ä" * n	# two bytes each: the limit is in characters

def guid(i):
    return "55555555-0000-4000-8000-%012d" % i

with open(tmp + "/accounts.csv", "w") as f:
    f.write(",".join(names) + "\n")
    for i, c in enumerate(limited):
        acct = {"customer_id": guid(i), "company_name": "Contoso %d" % i,
                "first_name": "Ann", "last_name": "Lee",
                "email": "ann%d@example.com" % i,
                "phone_number": "+353 1 555 0100",
                "address_line1": "1 Main St", "city": "Dublin",
                "country": "IE", "culture": "en-US", "language": "en"}
        f.write(",".join(acct.get(k, "") for k in names) + "\n")
for name, extra in (("max", 0), ("over", 1)):
    with open(tmp + "/%s.csv" % name, "w") as f, \
         open(tmp + "/%s.want" % name, "w") as w:
        f.write(",".join(names) + "\n")
        for i, c in enumerate(limited):
            v = value(c, c["max"] + extra)
            assert len(v) == c["max"] + extra, (c, len(v))
            row = {"customer_id": guid(i), c["column"]: v}
            f.write(",".join(row.get(k, "") for k in names) + "\n")
            w.write("%d %s %s %d %s\n" % (i + 2, guid(i), c["column"],
                                         c["max"], c["property"]))
PY
nlimited=$(wc -l <"$TMP/max.want")
is "$nlimited" 12 "twelve columns have a length limit"

# One character more than the service keeps: refused at stage, by name.
run stage "$TMP/over.csv"
is "$rc" 1 "over-length values: stage exits 1"
is "$(sql "SELECT count(*) FROM run_row WHERE state = 'invalid'")" \
    "$nlimited" "... every row invalid"
while read -r line id col max prop; do
	got=$(sql "SELECT p.rule || ' ' || p.hint FROM row_problem p
	    JOIN run_row r ON r.id = p.row
	    WHERE r.line = $line AND r.run = 1")
	like "$got" "^too-long shorten it to $max characters: the service keeps at most $max in " \
	    "$col: $((max + 1)) characters refused, naming the limit $max"
done <"$TMP/over.want"

# At the limit: valid, planned, applied, and held by the service as sent.
sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"
run stage "$TMP/max.csv"
is "$rc" 0 "values at their maximum length: stage exits 0"
run check --endpoint "$BASE"
is "$rc" 0 "check exits 0"
run submit --yes --allow-flagged --endpoint "$BASE"
is "$rc" 0 "submit exits 0: no field failed for its length"
is "$(sql "SELECT count(*) FROM outcome o JOIN run_row r ON r.id = o.row
    WHERE r.run = 2 AND o.state = 'applied'")" "$nlimited" \
    "... every row applied"
while read -r line id col max prop; do
	curl -s -H "Authorization: Bearer $TOKEN" \
	    "$BASE/v1/customers/$id/profiles/billing" >"$TMP/got.json"
	len=$(python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k, "")
print(len(v))' "$TMP/got.json" "$prop")
	is "$len" "$max" "$col: the service holds all $max characters of $prop"
done <"$TMP/max.want"
sandbox_stop

done_testing
