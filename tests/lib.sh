# tests/lib.sh: shared by the tests/t_*.sh scripts. Each script sources it,
# calls the checks below, and ends with 'done_testing'. TAP on stdout.
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

# A private scratch folder in the build tree, removed on exit.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/importer-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export IMPORTER_DB="$TMP/test.db"

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# run ARGS...: runs the importer; sets $rc, $out (stdout), $err (stderr).
run() {
	# shellcheck disable=SC2086
	$VALGRIND "$IMPORTER" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
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

# json_get KEY: a top-level value of the JSON object in $out.
json_get() {
	printf '%s' "$out" | python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
