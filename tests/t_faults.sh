#!/bin/sh
# t_faults.sh: importer submit against a faulty importer sandbox (all
# faults seeded): 429 with Retry-After honoured (no request while the
# service asked to wait), 503s retried until every row is applied, writes
# answered by a 500 or by a dropped connection ending applied with a single
# effective write, and kill -9 at random moments during submit, repeated,
# then a last submit: every row in exactly one outcome, none 'sending', the
# sandbox holding exactly the planned values, each account written once.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require curl python3 sqlite3
token_set faults
GUID_PREFIX=44444444-0000-4000-8000

NACC=40
{
	echo "$ACCOUNTS_HEAD"
	n=1
	while [ $n -le $NACC ]; do
		acct $n
		n=$((n + 1))
	done
} >"$TMP/accounts.csv"

# update TAG FIRST LAST: an update file changing customers FIRST..LAST
# (odd: city and ZIP; even: company name, tagged).
update() {
	f="$TMP/update-$1.csv"
	{
		echo "customer_id,company_name,city,postal_code"
		n=$2
		while [ "$n" -le "$3" ]; do
			if [ $((n % 2)) -eq 1 ]; then
				echo "$(g "$n"),,Bellevue,98004"
			else
				echo "$(g "$n"),Company $n $1,,"
			fi
			n=$((n + 1))
		done
	} >"$f"
	echo "$f"
}

# newrun TAG FIRST LAST [CHECK-ARGS...]: stage and check a run (offline
# unless told otherwise); sets $R.
newrun() {
	run stage "$(update "$1" "$2" "$3")"
	R=$(sql "select max(id) from run")
	shift 3
	if [ $# -eq 0 ]; then
		set -- --snapshot "$TMP/accounts.csv"
	fi
	run check "$R" "$@"
}

# start NAME ARGS...: a sandbox seeded with the accounts (sandbox_start).
start() {
	name=$1
	shift
	sandbox_start "$name" --token "$TOKEN" --accounts "$TMP/accounts.csv" "$@"
}

# verify RUN: compares the sandbox with the plan of RUN; prints "ok" or
# what differs. Planned fields must hold the planned value, the others
# the seeded one; a planned account must be written exactly once, any
# other account never.
cat >"$TMP/verify.py" <<'PY'
import csv, json, sqlite3, sys, urllib.request
db, run, base, tok, seed = sys.argv[1:6]
req = urllib.request.Request(base + "/_admin/accounts",
    headers={"Authorization": "Bearer " + tok})
acc = {a["customerId"].lower(): a
       for a in json.load(urllib.request.urlopen(req, timeout=10))}
props = {1: ("companyName",), 9: ("defaultAddress", "city"),
         12: ("defaultAddress", "postalCode")}
cols = {1: "company_name", 9: "city", 12: "postal_code"}
def get(p, path):
    for k in path:
        p = p.get(k, {}) if isinstance(p, dict) else {}
    return p if isinstance(p, str) else ""
c = sqlite3.connect(db)
plan = {}
for cid, col, new in c.execute("select r.customer_id, p.col, p.new from "
        "plan_change p join run_row r on r.id = p.row where r.run = ?",
        (int(run),)):
    plan.setdefault(cid.lower(), {})[col] = new
bad = []
for s in csv.DictReader(open(seed, encoding="utf-8")):
    cid = s["customer_id"].lower()
    a = acc[cid]
    want = plan.get(cid, {})
    for col, path in props.items():
        w = want.get(col, s[cols[col]])
        if get(a["profile"], path) != w:
            bad.append("%s %s: %r, wanted %r" % (cid[-4:], ".".join(path),
                get(a["profile"], path), w))
    if a["puts"] != (1 if want else 0):
        bad.append("%s: %d writes" % (cid[-4:], a["puts"]))
print("ok" if not bad else "; ".join(bad[:8]))
PY
verify() {
	python3 "$TMP/verify.py" "$IMPORTER_DB" "$1" "$BASE" "$TOKEN" \
	    "$TMP/accounts.csv" 2>&1
}

states() {	# states RUN: "state count, ..." of the run's outcomes
	sql "select group_concat(state || ' ' || n, ', ') from (select state, count(*) as n from outcome where run = $1 group by state order by state)"
}

# --- 429 with Retry-After -------------------------------------------------------
# The access log goes through a FIFO to a stamper: every line gets the time
# it was written (the sandbox writes it as it answers).
mkfifo "$TMP/log.fifo"
python3 -u -c 'import sys, time
out = open(sys.argv[1], "w")
for line in iter(sys.stdin.readline, ""):
    out.write("%.6f %s" % (time.time(), line))
    out.flush()' "$TMP/rate.log" <"$TMP/log.fifo" &
pids="$pids $!"
LOGTO="$TMP/log.fifo" start rate --rate 2 --burst 1 --seed 5
ok $? "a sandbox with --rate 2 --burst 1 starts"
LOGTO=
newrun rate 1 4
t0=$(date +%s.%N)
run --json submit "$R" --yes --endpoint "$BASE"
t1=$(date +%s.%N)
is "$rc" 0 "submit through a rate limit: exit 0"
is "$(states "$R")" "applied 4" "... every row applied"
like "$(json_get throttled)" '^[1-9]' "... some requests were throttled ($(json_get throttled))"
like "$(admin_stat 'd["statuses"].get("429", 0)')" '^[1-9]' \
    "... the service answered 429"
is "$(verify "$R")" ok "... the service holds the plan, each account written once"
sandbox_stop
# The sandbox's Retry-After is at least 1 s: after each 429 no request may
# arrive for a second (0.1 s of tolerance each side for requests in flight;
# 0.3 s under valgrind, where the sandbox logs slowly).
tol=0.1
[ -n "$VALGRIND" ] && tol=0.3
res=$(python3 -c 'import re, sys
tol = float(sys.argv[2])
ev = []
for l in open(sys.argv[1]):
    m = re.match(r"([0-9.]+) importer sandbox: (\S+) (/\S+) (\S+)", l)
    if m and not m.group(3).startswith("/_admin"):
        ev.append((float(m.group(1)), m.group(4)))
n429 = sum(1 for t, s in ev if s == "429")
bad = [(round(u - t, 3)) for t, s in ev if s == "429"
       for u, _ in ev if t + tol < u < t + 1 - tol]
print(n429, len(bad), bad[:5])' "$TMP/rate.log" "$tol")
like "$res" '^[1-9][0-9]* ' "the log shows the 429s ($res)"
like "$res" '^[0-9]+ 0 ' "no request arrived while the service asked to wait"
is "$(python3 -c "print(float('$t1') - float('$t0') >= 1.0)")" True \
    "... the run took at least the Retry-After"

# --- 503 -------------------------------------------------------------------------
start f503 --fail-503 0.3 --seed 7
ok $? "a sandbox with --fail-503 0.3 starts"
newrun f503 5 12
run --json submit "$R" --yes --endpoint "$BASE"
is "$rc" 0 "submit through 503s: exit 0"
is "$(states "$R")" "applied 8" "... every row applied"
like "$(admin_stat 'd["statuses"].get("503", 0)')" '^[1-9]' \
    "... the service answered 503 ($(admin_stat 'd["statuses"].get("503", 0)') times)"
is "$(admin_stat 'd["putsApplied"]')" 8 "... 8 writes applied"
is "$(verify "$R")" ok "... the service holds the plan, each account written once"
sandbox_stop

# --- 500 after applying ------------------------------------------------------------
start f500 --fail-500-after 1.0 --seed 3
newrun f500all 13 17
run --json submit "$R" --yes --endpoint "$BASE"
is "$rc" 0 "every write answered 500 after applying: exit 0"
is "$(states "$R")" "applied 5" "... every row applied (the fate looked up)"
is "$(admin_stat 'd["statuses"].get("500", 0)')" 5 "... 5 writes answered 500"
is "$(admin_stat 'd["putsApplied"]')" 5 "... 5 writes applied, none twice"
is "$(verify "$R")" ok "... the service holds the plan, each account written once"
sandbox_stop

start f500h --fail-500-after 0.5 --seed 4
newrun f500half 18 25
run --json submit "$R" --yes --endpoint "$BASE"
is "$rc" 0 "half the writes answered 500: exit 0"
is "$(states "$R")" "applied 8" "... every row applied"
like "$(admin_stat 'd["statuses"].get("500", 0)')" '^[1-9]' "... some 500s"
is "$(admin_stat 'd["putsApplied"]')" 8 "... 8 writes applied, none twice"
is "$(verify "$R")" ok "... the service holds the plan, each account written once"
sandbox_stop

# --- dropped connections -----------------------------------------------------------
start drop --drop-after 0.5 --seed 6
newrun drop 26 33
run --json submit "$R" --yes --endpoint "$BASE"
is "$rc" 0 "half the writes applied and their connection dropped: exit 0"
is "$(states "$R")" "applied 8" "... every row applied"
like "$(admin_stat 'd["dropped"]')" '^[1-9]' "... some connections dropped ($(admin_stat 'd["dropped"]'))"
is "$(admin_stat 'd["putsApplied"]')" 8 "... 8 writes applied, none twice"
is "$(verify "$R")" ok "... the service holds the plan, each account written once"
sandbox_stop

# --- kill -9 at random moments -------------------------------------------------------
# killrounds MIN SPREAD: four submits of run $R, each killed (-9) after
# MIN + up to SPREAD ms; sets $interrupted (how many left rows unfinished).
# Not under valgrind: the kills are timed for the real speed.
killrounds() {
	interrupted=0
	for k in 1 2 3 4; do
		ms=$(od -An -tu2 -N2 /dev/urandom | tr -d ' ')
		ms=$(($1 + ms % $2))
		"$IMPORTER" --json submit "$R" --yes --concurrency 2 \
		    --batch-size 5 --endpoint "$BASE" >"$TMP/round$k.out" \
		    2>"$TMP/round$k.err" &
		spid=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -KILL "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		left=$(sql "select count(*) from outcome where run = $R and state in ('pending', 'sending')")
		echo "# kill $k after ${ms} ms: $(states "$R")"
		[ "$left" -gt 0 ] && interrupted=$((interrupted + 1))
	done
}

start kill --latency 30 --seed 11
ok $? "a sandbox with --latency 30 starts"
newrun kill 1 $NACC
is "$rc" 0 "run $R (checked offline): $NACC changes planned"
killrounds 150 450
ok "$([ $interrupted -gt 0 ]; echo $?)" \
    "the kills interrupted submits midway ($interrupted of 4)"
run --json submit "$R" --yes --concurrency 2 --endpoint "$BASE"
is "$rc" 0 "the last submit: exit 0"
is "$(states "$R")" "applied $NACC" "every row applied, none left sending or pending"
is "$(sql "select count(*) from outcome where run = $R")" $NACC \
    "... each row in exactly one outcome"
is "$(verify "$R")" ok "the service holds exactly the plan, each account written once"
is "$(admin_stat 'd["putsApplied"]')" $NACC "... $NACC writes in all"
sandbox_stop

# The same after an online check: the writes go out at once, with If-Match.
if $VALGRIND "$IMPORTER" help check 2>&1 | grep -q -- '--endpoint'; then
	start kill2 --latency 30 --seed 12
	newrun kill2 1 $NACC --endpoint "$BASE"
	is "$rc" 0 "run $R (checked online): $NACC changes planned"
	killrounds 80 300
	ok "$([ $interrupted -gt 0 ]; echo $?)" \
	    "the kills interrupted submits midway ($interrupted of 4)"
	run --json submit "$R" --yes --concurrency 2 --endpoint "$BASE"
	is "$rc" 0 "the last submit: exit 0"
	is "$(states "$R")" "applied $NACC" \
	    "every row applied, none left sending or pending"
	is "$(verify "$R")" ok \
	    "the service holds exactly the plan, each account written once"
	is "$(admin_stat 'd["putsApplied"]')" $NACC "... $NACC writes in all"
	sandbox_stop
else
	ok 0 "# SKIP check --endpoint not available yet"
fi

# Every request for an account the sandbox holds must have reached it: a
# 404 or 405 for one of them is the sandbox misrouting a request (which
# the rows above then show as not_found or failed).
mis=$(cat "$TMP"/*.err "$TMP/rate.log" 2>/dev/null | grep -a -E \
    "importer sandbox: (GET|PUT) /v1/customers/44444444-[^ ]*/profiles/billing (404|405) ")
is "$mis" "" "the sandbox answered every request for its accounts (no 404/405)"

done_testing
