#!/bin/sh
# soak.sh: a fault soak of the whole online path. ROWS generated rows
# (tests/bench/gen) are staged, checked against the sandbox, then submitted
# against a sandbox with high fault rates (10% 503, 5% 500 after the write,
# 5% dropped connections after the write, a token bucket of 400/s with
# 429s, 2 +- 2 ms latency) while the submit is killed with kill -9 at
# random moments, again and again, and resumed until it ends. Meanwhile a
# few accounts are changed "by another user": some in a field their row
# changes (a conflict: the other user's value must survive), some in a
# field their row leaves alone (merged: both changes must survive).
#
# It asserts (TAP) that every valid row ends in exactly one outcome, none
# left 'sending'; that the sandbox holds exactly the planned values for
# every applied row and the seeded (or the other user's) values for every
# other field; that every account was written at most once, and only when
# its row is applied; that the database survives every kill intact; and
# that the client's peak RSS stays bounded. It prints the rows, the faults
# survived, the kills and the peak RSS.
#
# make soak runs it with 20,000 rows; tests/t_soak.sh (make check) sources
# it with ~1,000 rows and a few kills. Knobs (environment):
#   SOAK_ROWS        rows to generate (20000)
#   SOAK_KILLS       how many kill -9 (20)
#   SOAK_KILL_MIN    shortest and longest run before a kill, seconds
#   SOAK_KILL_MAX    (2, 30)
#   SOAK_SEED        faults and kill moments (default: time and pid; printed)
#   SOAK_CHECK_503   the 503 rate while checking (0.02; see below)
#   SOAK_RSS_MAX_KB  the bound on the peak RSS of every submit (65536;
#                    4x under AddressSanitizer: lib.sh's rss_bound)
#   SOAK_TIMEOUT     seconds any one importer command may take (3600)
#
# The check runs against the sandbox with the same faults but a lower 503
# rate: a 503 without Retry-After pauses every request of the client for
# about half a second (README: 503 waits, backs off and halves the
# concurrency), so 10% 503 over every GET of the check would take minutes
# for 1,000 rows. The sandbox keeps its accounts in a --state file and is
# restarted with the full faults for the submit.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$(dirname "$0")" && pwd)}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

: "${SOAK_ROWS:=20000}"
: "${SOAK_KILLS:=20}"
: "${SOAK_KILL_MIN:=2}"
: "${SOAK_KILL_MAX:=30}"
: "${SOAK_SEED:=$(( $(date +%s) % 100000 + $$ % 1000 ))}"
: "${SOAK_CHECK_503:=0.02}"
: "${SOAK_RSS_MAX_KB:=$(rss_bound 65536)}"
: "${SOAK_TIMEOUT:=3600}"

require curl python3 sqlite3 timeout
if [ -n "$VALGRIND" ]; then
	# Everything runs far slower under valgrind: fewer rows, kills later
	# (after its start-up), and no bound on the RSS (valgrind's own).
	SOAK_ROWS=${SOAK_VALGRIND_ROWS:-300}
	SOAK_KILLS=3
	SOAK_KILL_MIN=4
	SOAK_KILL_MAX=10
	SOAK_RSS_MAX_KB=100000000
	SOAK_TIMEOUT=1800
fi

# The generator is an EXTRA_PROGRAMS of the build tree: build it if missing.
BUILDDIR=$(dirname "$(dirname "$IMPORTER")")
GEN=$BUILDDIR/tests/bench/gen
if [ ! -x "$GEN" ]; then
	make -C "$BUILDDIR" tests/bench/gen >"$TMP/gen-build.log" 2>&1 ||
	    skip_all "cannot build tests/bench/gen"
fi

token_set soak
FAULTS="--fail-503 0.1 --fail-500-after 0.05 --drop-after 0.05 --rate 400 --burst 50 --latency 2:2"

echo "# seed $SOAK_SEED, $SOAK_ROWS rows, $SOAK_KILLS kills every $SOAK_KILL_MIN..$SOAK_KILL_MAX s"
started=$(date +%s)

# start_sandbox NAME ARGS...: a sandbox on the state file (sandbox_start,
# its logs in $TMP/sandbox-NAME.*); the soak ends here if it does not start.
start_sandbox() {
	name=sandbox-$1
	shift
	sandbox_start "$name" --token "$TOKEN" --state "$TMP/sandbox.db" \
	    --seed "$SOAK_SEED" "$@" && return
	cat "$TMP/$name.out" "$TMP/$name.err" >&2
	bail_out "the sandbox did not start"
}

"$GEN" update "$SOAK_ROWS" >"$TMP/update.csv"
"$GEN" snapshot "$SOAK_ROWS" >"$TMP/snapshot.csv"

# --- stage and check ------------------------------------------------------
start_sandbox check --accounts "$TMP/snapshot.csv" \
    --fail-503 "$SOAK_CHECK_503" --rate 400 --burst 50 --latency 2:2
admin GET /_admin/accounts >"$TMP/before.json"

run stage "$TMP/update.csv"
is "$rc" 0 "stage: $SOAK_ROWS generated rows"
if [ "$rc" -ne 0 ]; then
	printf '%s\n' "$err" | head -5 | sed 's/^/# /'
	bail_out "stage failed"
fi
R=$(sql "select max(id) from run")
valid=$(sql "select n_valid from run where id = $R")
echo "# staged run $R: $valid valid rows"

t0=$(date +%s)
timeout "$SOAK_TIMEOUT" $VALGRIND "$IMPORTER" check "$R" --endpoint "$BASE" \
    >"$TMP/check.out" 2>"$TMP/check.err"
rc=$?
[ "$rc" -eq 1 ] && rc=0
is "$rc" 0 "check online against the faulty sandbox ($(($(date +%s) - t0)) s)"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$TMP/check.err" | head -20
planned=$(sql "select count(distinct row) from plan_change p join run_row r on r.id = p.row where r.run = $R")
echo "# $planned rows planned to change"

# Another user changes a few accounts after the check: 5 in a field their
# row changes (email), 5 in one their row leaves alone (address line 3).
sql "select r.customer_id from run_row r join plan_change p on p.row = r.id
     where r.run = $R and p.col = 4 order by r.id limit 5" >"$TMP/conflict.ids"
sql "select r.customer_id from run_row r where r.run = $R
     and r.address_line3 is null
     and exists (select 1 from plan_change p where p.row = r.id)
     and not exists (select 1 from plan_change p where p.row = r.id and p.col in (4, 8))
     order by r.id limit 5" >"$TMP/merge.ids"
while read -r id; do
	admin POST "/_admin/accounts/$id" \
	    '{"email":"other.user@elsewhere.example"}' >/dev/null
done <"$TMP/conflict.ids"
while read -r id; do
	admin POST "/_admin/accounts/$id" '{"address_line3":"Floor 7"}' >/dev/null
done <"$TMP/merge.ids"
is "$(wc -l <"$TMP/conflict.ids") $(wc -l <"$TMP/merge.ids")" "5 5" \
    "10 accounts changed by another user after the check"

admin GET /_admin/stats >"$TMP/stats-check.json"
sandbox_stop

# --- submit, killed with kill -9 at random moments ------------------------
start_sandbox submit $FAULTS
awk -v s="$SOAK_SEED" -v n="$SOAK_KILLS" -v lo="$SOAK_KILL_MIN" \
    -v hi="$SOAK_KILL_MAX" 'BEGIN { srand(s); for (i = 0; i < n; i++)
	printf "%.2f\n", lo + rand() * (hi - lo) }' >"$TMP/delays"
kills=0
kills_sending=0
intact=0
hwm_max=0
t0=$(date +%s)
while read -r d; do
	# The importer itself in the background (not a function: a subshell
	# would take the kill), so kill -9 hits it.
	$VALGRIND "$IMPORTER" submit --yes --allow-flagged --endpoint "$BASE" \
	    >>"$TMP/submit.log" 2>&1 &
	submit_pid=$!
	pids="$pids $submit_pid"
	sleep "$d"
	if ! kill -0 "$submit_pid" 2>/dev/null; then
		wait "$submit_pid"
		rc=$?
		echo "# submit ended by itself after at most $d s (exit $rc)"
		[ "$rc" -le 1 ] && break
		continue
	fi
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' \
	    "/proc/$submit_pid/status" 2>/dev/null)
	[ -n "$hwm" ] && [ "$hwm" -gt "$hwm_max" ] && hwm_max=$hwm
	kill -KILL "$submit_pid"
	wait "$submit_pid" 2>/dev/null
	kills=$((kills + 1))
	s=$(sql "select count(*) from outcome where run = $R and state = 'sending'")
	[ "$s" -gt 0 ] && kills_sending=$((kills_sending + 1))
	[ "$(sql 'pragma integrity_check')" = ok ] && intact=$((intact + 1))
	echo "# kill $kills after $d s: $s rows 'sending', peak RSS so far ${hwm:-?} KiB"
done <"$TMP/delays"
ok $([ "$kills" -ge 1 ] && echo 0 || echo 1) "submit killed with kill -9 $kills times"
ok $([ "$kills_sending" -ge 1 ] && echo 0 || echo 1) \
    "$kills_sending kills left rows 'sending' (the resume path ran)"
is "$intact" "$kills" "the database passed integrity_check after every kill"

# Resume until the submit ends (0: all well, 1: the conflicts).
tries=0
while :; do
	tries=$((tries + 1))
	peak_rss "$TMP/rss" timeout "$SOAK_TIMEOUT" $VALGRIND "$IMPORTER" submit --yes \
	    --allow-flagged --endpoint "$BASE" >"$TMP/final.out" 2>"$TMP/final.err"
	rc=$?
	cat "$TMP/final.out" "$TMP/final.err" >>"$TMP/submit.log"
	{ [ "$rc" -le 1 ] || [ "$tries" -ge 5 ]; } && break
	echo "# resume $tries: exit $rc; again"
done
submit_secs=$(($(date +%s) - t0))
is "$rc" 1 "the resumed submit completes (exit 1: the conflicts) after $tries tries"
[ "$rc" -le 1 ] || sed 's/^/# /' "$TMP/final.err" | head -20
sed 's/^/# /' "$TMP/final.out"
rss=$(tail -n 1 "$TMP/rss" | tr -dc 0-9)
[ -n "$rss" ] || rss=0
[ "$rss" -gt "$hwm_max" ] && peak=$rss || peak=$hwm_max
ok $([ "$rss" -gt 0 ] && [ "$rss" -le "$SOAK_RSS_MAX_KB" ] && echo 0 || echo 1) \
    "the final submit's peak RSS ($rss KiB) is at most $SOAK_RSS_MAX_KB KiB"
ok $([ "$hwm_max" -le "$SOAK_RSS_MAX_KB" ] && echo 0 || echo 1) \
    "every killed submit's peak RSS ($hwm_max KiB at most) too"

# --- every row in exactly one outcome ------------------------------------
is "$(sql "select count(*) from outcome where run = $R and state = 'sending'")" 0 \
    "no row left 'sending'"
is "$(sql "select count(*) from outcome o join run_row r on r.id = o.row
    where o.run = $R and r.run = $R and o.state in
    ('applied', 'unchanged', 'not_found', 'failed', 'conflict', 'pending')")" \
    "$valid" "the outcome states add up to the valid rows ($valid)"
is "$(sql "select count(*) from run_row r where r.run = $R and r.state = 'pending'
    and (select count(*) from outcome o where o.row = r.id) <> 1")" 0 \
    "every valid row has exactly one outcome"
is "$(sql "select count(*) from outcome where run = $R and state in ('failed', 'pending')")" 0 \
    "no row failed or left pending despite the faults"
sql "select state, count(*) from outcome where run = $R group by state" |
    sed 's/^/# outcome /'
is "$(sql "select r.customer_id from outcome o join run_row r on r.id = o.row
    where o.run = $R and o.state = 'conflict' order by r.id")" \
    "$(cat "$TMP/conflict.ids")" "the conflicts are exactly the 5 rows changed by another user"
is "$(sql "select count(*) from outcome o join run_row r on r.id = o.row
    where o.run = $R and o.state = 'applied' and r.customer_id in
    ($(sed "s/.*/'&'/" "$TMP/merge.ids" | paste -sd, -))")" 5 \
    "the 5 rows whose account changed elsewhere in another field are applied"

# --- the sandbox against the plan, in one pass ------------------------------
admin GET /_admin/accounts >"$TMP/after.json"
admin GET /_admin/stats >"$TMP/stats-submit.json"
cat >"$TMP/verify.py" <<'PY'
import json, sqlite3, sys
db, run, before, after, conflict, merge = sys.argv[1:7]
COLS = ["customer_id", "company_name", "first_name", "last_name", "email",
        "phone_number", "address_line1", "address_line2", "address_line3",
        "city", "state_code", "region", "postal_code", "country", "culture",
        "language"]
PATH = {1: ("companyName",), 2: ("firstName",), 3: ("lastName",),
        4: ("email",), 5: ("defaultAddress", "phoneNumber"),
        6: ("defaultAddress", "addressLine1"),
        7: ("defaultAddress", "addressLine2"),
        8: ("defaultAddress", "addressLine3"),
        9: ("defaultAddress", "city"), 10: ("defaultAddress", "state"),
        11: ("defaultAddress", "region"),
        12: ("defaultAddress", "postalCode"),
        13: ("defaultAddress", "country"), 14: ("culture",),
        15: ("language",)}
def field(acc, col):
    v = acc["profile"]
    for k in PATH[col]:
        v = v.get(k, "") if isinstance(v, dict) else ""
    return v if isinstance(v, str) else ""
def load(f):
    return {a["customerId"].lower(): a for a in json.load(open(f))}
b, a = load(before), load(after)
other = {}
for line in open(conflict):
    other[line.strip()] = {4: "other.user@elsewhere.example"}
for line in open(merge):
    other[line.strip()] = {8: "Floor 7"}
c = sqlite3.connect(db)
rows = {}
for rid, cid, state in c.execute(
        "select r.id, r.customer_id, o.state from run_row r join outcome o"
        " on o.row = r.id where r.run = ?", (run,)):
    rows[cid] = (rid, state)
plan = {}
for rid, col, new in c.execute(
        "select p.row, p.col, p.new from plan_change p join run_row r"
        " on r.id = p.row where r.run = ?", (run,)):
    plan.setdefault(rid, {})[col] = new
runrow = {}
for r in c.execute("select * from run_row where run = ?", (run,)):
    runrow[r[5]] = r[5:21]
bad = {"value": 0, "runrow": 0, "puts>1": 0, "puts": 0, "missing": 0}
shown = 0
def note(kind, msg):
    global shown
    bad[kind] += 1
    if shown < 15:
        print("# %s: %s" % (kind, msg))
        shown += 1
checked = 0
for cid, acc in a.items():
    if cid not in b:
        note("missing", "%s appeared" % cid)
        continue
    rid, state = rows.get(cid, (None, None))
    want = {col: field(b[cid], col) for col in PATH}
    want.update(other.get(cid, {}))
    if state == "applied":
        want.update(plan.get(rid, {}))
    for col in PATH:
        if field(acc, col) != want[col]:
            note("value", "%s %s: %r, want %r (row %s)" % (cid, COLS[col],
                 field(acc, col), want[col], state))
    # Applied and unchanged rows: every value the row gives is there.
    if state in ("applied", "unchanged"):
        for col in PATH:
            v = runrow[cid][col]
            if v is not None and field(acc, col) != v:
                note("runrow", "%s %s: %r, the row says %r" % (cid,
                     COLS[col], field(acc, col), v))
    puts = acc.get("puts", 0)
    if puts > 1:
        note("puts>1", "%s written %d times" % (cid, puts))
    elif puts != (1 if state == "applied" and plan.get(rid) else 0):
        note("puts", "%s written %d times, row %s" % (cid, puts, state))
    checked += 1
for cid in b:
    if cid not in a:
        note("missing", "%s vanished" % cid)
print("accounts=%d value=%d runrow=%d putsgt1=%d puts=%d missing=%d" % (
    checked, bad["value"], bad["runrow"], bad["puts>1"], bad["puts"],
    bad["missing"]))
PY
python3 "$TMP/verify.py" "$IMPORTER_DB" "$R" "$TMP/before.json" \
    "$TMP/after.json" "$TMP/conflict.ids" "$TMP/merge.ids" >"$TMP/verify.out" 2>&1
grep '^#' "$TMP/verify.out"
v=$(grep -v '^#' "$TMP/verify.out" | tail -n 1)
naccounts=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/before.json")
like "$v" "^accounts=$naccounts " "every one of the $naccounts accounts compared"
like "$v" " value=0 " "the sandbox holds exactly the planned values (and the seeded or other user's elsewhere)"
like "$v" " runrow=0 " "applied and unchanged accounts hold every value their row gives"
like "$v" " putsgt1=0 " "no account was written more than once"
like "$v" " puts=0 " "an account was written exactly when its row is applied"

# --- figures ------------------------------------------------------------------
figures=$(python3 -c 'import json, sys
t = {"503": 0, "500": 0, "429": 0, "412": 0, "dropped": 0, "requests": 0}
for f in sys.argv[1:]:
    s = json.load(open(f))
    for k in ("503", "500", "429", "412"):
        t[k] += s["statuses"].get(k, 0)
    t["dropped"] += s["dropped"]
    t["requests"] += s["requests"]
print("%(requests)d requests; faults survived: %(503)d 503, %(500)d 500 after the write, %(dropped)d dropped, %(429)d 429 (and %(412)d stale etags)" % t)' \
    "$TMP/stats-check.json" "$TMP/stats-submit.json")
sandbox_stop
echo "# soak: $SOAK_ROWS rows ($valid valid, $planned planned), seed $SOAK_SEED"
echo "# soak: $figures"
echo "# soak: $kills kills with kill -9 ($kills_sending with rows 'sending'), $tries final submits"
echo "# soak: peak RSS $peak KiB (final submit $rss KiB, killed submits $hwm_max KiB)"
echo "# soak: submit phase $submit_secs s, all $(($(date +%s) - started)) s"
done_testing
