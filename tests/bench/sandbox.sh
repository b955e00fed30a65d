#!/bin/sh
# sandbox.sh: throughput of importer sandbox on loopback with keep-alive:
# GET and PUT of billing profiles per second, driven by tests/bench/load
# (libcurl multi). The server is pinned to one core when taskset exists.
#
#   make importer/importer tests/bench/load && sh tests/bench/sandbox.sh
#
# Environment: GETS (default 20000), PUTS (5000), CONC (8 connections),
# ACCOUNTS (samples/current-accounts.csv), BUILDDIR (the build tree).
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
builddir=${BUILDDIR:-$top}
importer=$builddir/importer/importer
load=$builddir/tests/bench/load
accounts=${ACCOUNTS:-$top/samples/current-accounts.csv}
[ -f "$accounts" ] || accounts=$top/tests/fixtures/sandbox-accounts.csv
gets=${GETS:-20000}
puts=${PUTS:-5000}
conc=${CONC:-8}
token=bench-token

for f in "$importer" "$load"; do
	if [ ! -x "$f" ]; then
		echo "sandbox.sh: $f missing: make importer/importer tests/bench/load" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-bench.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid"
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# One core for the server, another for the client, when there are two.
srv_pin=
cli_pin=
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	srv_pin="taskset -c 0"
	cli_pin="taskset -c 1"
fi

$srv_pin "$importer" -q sandbox --port 0 --port-file "$tmp/port" \
    --token "$token" --accounts "$accounts" --state "$tmp/state.db" \
    >"$tmp/out" 2>"$tmp/err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -s "$tmp/port" ]; then
	echo "sandbox.sh: the sandbox did not start:" >&2
	cat "$tmp/err" >&2
	exit 1
fi
base=http://127.0.0.1:$(cat "$tmp/port")
n=$(wc -l <"$accounts")
echo "sandbox: $base, $((n - 1)) accounts from $(basename "$accounts"), state in a file (WAL)"
echo "server pinned: ${srv_pin:-no}; client: ${cli_pin:-no}; $conc keep-alive connections"

rc=0
$cli_pin "$load" -m get -n "$gets" -c "$conc" -t "$token" "$base" || rc=1
$cli_pin "$load" -m put -n "$puts" -c "$conc" -t "$token" "$base" || rc=1
$cli_pin "$load" -m get -n "$gets" -c 1 -t "$token" "$base" || rc=1
exit $rc
