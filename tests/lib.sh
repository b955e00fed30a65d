# tests/lib.sh: shared by the tests/t_*.sh scripts and tests/soak.sh. Each
# script sources it, calls the checks below, and ends with 'done_testing'.
# TAP on stdout. Every helper two scripts need lives here, once.
#
# Environment (set by make check; defaults let a script run by hand):
#   IMPORTER       the binary under test
#   VALGRIND       a prefix to run it under (may be empty)
#   TESTS_SRCDIR   this folder in the source tree (fixtures/)
#   SAMPLES        the samples/ folder

: "${IMPORTER:=$(cd "$(dirname "$0")/.." && pwd)/importer/importer}"
: "${TESTS_SRCDIR:=$(cd "$(dirname "$0")" && pwd)}"
: "${SAMPLES:=$(cd "$TESTS_SRCDIR/../samples" 2>/dev/null && pwd)}"
: "${VALGRIND:=}"
FIXTURES=$TESTS_SRCDIR/fixtures

tap_n=0
tap_failed=0

# A private scratch folder in the build tree, removed on exit. $pids: the
# background processes a script started (sandboxes, test servers), killed
# on exit; a script stops them itself first (sandbox_stop) where it can, so
# that valgrind sees them end.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/importer-test.XXXXXX")
pids=
cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export IMPORTER_DB="$TMP/test.db"

# The interpreter itself, not a version manager's shim: scripts start it
# many times.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -n "$PY" ] || PY=python3

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ -n "$tap_todo" ]; then
		# A TODO test: its failure is expected, it fails nothing.
		[ "$1" -eq 0 ] && echo "ok $tap_n - $2 # TODO $tap_todo" ||
		    echo "not ok $tap_n - $2 # TODO $tap_todo"
	elif [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# todo REASON CHECK ARGS...: runs the check (is, like, ok, ...) as a TAP
# TODO test: behaviour not there yet (REASON says what brings it). It
# passing is an XPASS, which fails the suite: then drop the todo.
tap_todo=
todo() {
	tap_todo=$1
	shift
	"$@"
	tap_todo=
}

# run ARGS...: runs the importer; sets $rc, $out (stdout), $err (stderr).
# With $RUN_LOG set, both are also added to that file.
RUN_LOG=
run() {
	# shellcheck disable=SC2086
	$VALGRIND "$IMPORTER" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
	[ -z "$RUN_LOG" ] || cat "$TMP/out" "$TMP/err" >>"$RUN_LOG"
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '# got:  %s\n# want: %s\n' "$1" "$2"
	fi
}

like() {	# like TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '# text: %s\n# does not match: %s\n' \
		    "$(printf '%s' "$1" | head -c 600)" "$2"
	fi
}

unlike() {	# unlike TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '# text matches: %s\n' "$2"
	else
		ok 0 "$3"
	fi
}

# sql QUERY: runs a query on the test database (sqlite3 CLI).
sql() {
	sqlite3 -batch -noheader "$IMPORTER_DB" "$1"
}

# db_remove: removes the test database, with its WAL and shared memory.
db_remove() {
	rm -f "$IMPORTER_DB" "$IMPORTER_DB-wal" "$IMPORTER_DB-shm"
}

# counts: runs/rows/problems in the database (0/0/0 when there is none).
counts() {
	c=
	[ -f "$IMPORTER_DB" ] &&
	    c=$(sql "select (select count(*) from run) || '/' || (select count(*) from run_row) || '/' || (select count(*) from row_problem)" 2>/dev/null)
	echo "${c:-0/0/0}"
}

# outc RUN LINE COLUMN-EXPR: a column expression of the outcome of the row
# on LINE of run RUN.
outc() {
	sql "select $3 from outcome o join run_row r on r.id = o.row where r.run = $1 and r.line = $2"
}

# jsnap: reads the JSON object in $out once (python is slow to start); jv
# KEY then prints a top-level value (lists and objects as JSON with sorted
# keys, booleans as Python prints them), jhas KEY tests for a key.
jsnap() {
	printf '%s' "$out" | "$PY" -S -c '
import json, sys
for k, v in json.load(sys.stdin).items():
    print(k + "\t" + (json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else str(v)))
' >"$TMP/json" 2>/dev/null
}
jv() {
	awk -F'\t' -v k="$1" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }' "$TMP/json"
}
jhas() {
	awk -F'\t' -v k="$1" '$1 == k { f = 1 } END { exit !f }' "$TMP/json"
}

# json_get KEY: jsnap and jv at once, for a single value.
json_get() {
	jsnap
	jv "$1"
}

# json_eval FILE EXPR: a Python expression over the JSON in FILE (as d, a
# BOM skipped); lists, objects, booleans and null printed as JSON.
json_eval() {
	python3 -c 'import json,sys
d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8-sig"))
v=eval(sys.argv[2])
print(json.dumps(v,ensure_ascii=False) if isinstance(v,(dict,list,bool)) or v is None else v)' "$1" "$2" 2>&1
}

# g N: a valid tenant GUID ending in N. A script that needs customers of
# its own sets GUID_PREFIX, the first four groups.
GUID_PREFIX=11111111-2222-4333-8444
g() {
	printf '%s-%012d' "$GUID_PREFIX" "$1"
}

# The header of a current-accounts CSV (a snapshot, a sandbox's seed) and
# acct N: its line for a made-up customer N (g N).
ACCOUNTS_HEAD='customer_id,company_name,first_name,last_name,email,phone_number,address_line1,address_line2,address_line3,city,state,region,postal_code,country,culture,language'
acct() {
	printf '%s,Company %s,First%s,Last%s,billing%s@example.com,4255550100,%s Main St,,,Redmond,WA,,98052,US,en-US,en\n' \
	    "$(g "$1")" "$1" "$1" "$1" "$1" "$1"
}

# accounts_file FILE N: a current-accounts CSV of customers 1 to N.
accounts_file() {
	{
		echo "$ACCOUNTS_HEAD"
		i=1
		while [ "$i" -le "$2" ]; do
			acct "$i"
			i=$((i + 1))
		done
	} >"$1"
}

# token_set NAME: a new random $TOKEN, exported as IMPORTER_TOKEN; it is
# distinctive, so that a test can look for it in every file written.
token_set() {
	TOKEN="tk-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')-$1"
	IMPORTER_TOKEN=$TOKEN
	export IMPORTER_TOKEN
}

# port_wait FILE PID: waits (30 s at most) for the server PID to write its
# port to FILE; 1 if it did not, or died first.
port_wait() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 300 ]; do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}

# sandbox_start NAME ARGS...: 'importer -v sandbox --port 0 ARGS' in the
# background, through $VALGRIND as every importer a test starts; its output
# in $TMP/NAME.out, its access log in $TMP/NAME.err (or in $LOGTO). Waits
# for its port file ($TMP/NAME.port); sets $pid and $BASE, its URL. 1 if it
# did not come up.
sandbox_start() {
	name=$1
	shift
	rm -f "$TMP/$name.port"
	# shellcheck disable=SC2086
	$VALGRIND "$IMPORTER" -v sandbox --port 0 \
	    --port-file "$TMP/$name.port" "$@" \
	    >"$TMP/$name.out" 2>"${LOGTO:-$TMP/$name.err}" &
	pid=$!
	pids="$pids $pid"
	port_wait "$TMP/$name.port" "$pid" || return 1
	BASE="http://127.0.0.1:$(cat "$TMP/$name.port")"
}

# sandbox_stop: SIGTERM to the sandbox $pid, then waits for it (30 s at
# most, then SIGKILL); sets $stop_rc, its exit status (137: killed).
sandbox_stop() {
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
	fi
	wait "$pid" 2>/dev/null
	stop_rc=$?
}

# admin METHOD PATH [JSON]: a request to the sandbox's admin API at $BASE
# with $TOKEN, JSON its body; the reply on stdout.
admin() {
	if [ $# -ge 3 ]; then
		curl -s --max-time 60 -X "$1" -H "Authorization: Bearer $TOKEN" \
		    -H 'Content-Type: application/json' -d "$3" "$BASE$2"
	else
		curl -s --max-time 60 -X "$1" -H "Authorization: Bearer $TOKEN" \
		    "$BASE$2"
	fi
}

# admin_account N EXPR: EXPR over /_admin/accounts/{g N} (as d).
admin_account() {
	admin GET "/_admin/accounts/$(g "$1")" >"$TMP/admin.json"
	json_eval "$TMP/admin.json" "$2"
}

# admin_stat EXPR: EXPR over /_admin/stats (as d).
admin_stat() {
	admin GET /_admin/stats >"$TMP/admin.json"
	json_eval "$TMP/admin.json" "$1"
}

# log_count FILE PATTERN [AT_LEAST]: how many lines of a sandbox's access
# log match PATTERN. The sandbox writes a request's line once its answer is
# sent, which can be just after the client has read it (by far the likeliest
# under valgrind): with AT_LEAST, waits up to 30 s for that many first.
log_count() {
	lc_i=0
	while [ "$lc_i" -lt 300 ] && [ "$(grep -c "$2" "$1")" -lt "${3:-0}" ]; do
		sleep 0.1
		lc_i=$((lc_i + 1))
	done
	grep -c "$2" "$1"
}

# peak_rss FILE CMD...: runs CMD; its peak RSS in KiB goes to FILE (the
# last line). Never under valgrind: it measures memory.
peak_rss() {
	rss_to=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$rss_to" "$@"
	else
		python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$rss_to" "$@"
	fi
}

# rss_bound KIB: the bound to hold a peak RSS to, KIB for the importer as
# it ships; 4 times that when it is built with AddressSanitizer, whose
# shadow memory and quarantine of freed blocks count in the RSS.
rss_bound() {
	case ${SAN_CFLAGS:-} in
	*address*) echo $(($1 * 4)) ;;
	*) echo "$1" ;;
	esac
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# require CMD...: skips the whole script unless every CMD is installed.
require() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c is not installed"
	done
}

# require_openpyxl: $PY becomes Debian's python3, which reads XLSX files
# with python3-openpyxl; skips the whole script without it.
require_openpyxl() {
	PY=/usr/bin/python3
	"$PY" -c 'import openpyxl' 2>/dev/null ||
	    skip_all "needs /usr/bin/python3 with openpyxl (python3-openpyxl)"
}

# bail_out REASON: stops the whole script, a failure (TAP "Bail out!").
bail_out() {
	echo "Bail out! $1"
	exit 1
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
