#!/bin/sh
# make bench: speed and memory figures, each as a ratio against a reference
# measured in the same run on the same input. Not part of make check.
#
#   BENCH_ROWS   rows in the generated update file (default 1000000)
#   BENCH_RUNS   runs of each command; the best is kept (default 3)
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${builddir:-.}
IMPORTER=${IMPORTER:-$builddir/importer/importer}
GEN=${GEN:-$builddir/tests/bench/gen}
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$builddir/bench-out}
MEASURE="python3 $top_srcdir/tests/bench/measure.py"

command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 CLI"; exit 1; }
mkdir -p "$OUT"
file=$OUT/update-$ROWS.csv
[ -s "$file" ] || "$GEN" update "$ROWS" > "$file"
size=$(wc -c < "$file")

# best WALL and its RSS over $RUNS runs of "$@" (after a fresh db each time)
best() {
	b_wall=; b_rss=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		rm -f "$OUT"/b.db "$OUT"/b.db-wal "$OUT"/b.db-shm "$OUT"/b.db-journal
		res=$($MEASURE "$@")
		w=$(echo "$res" | awk '{print $1}')
		r=$(echo "$res" | awk '{print $2}')
		e=$(echo "$res" | awk '{print $3}')
		if [ -z "$e" ] || [ "$e" -gt 1 ]; then echo "bench: command failed ($e)"; exit 1; fi
		if [ -z "$b_wall" ] || awk "BEGIN{exit !($w < $b_wall)}"; then
			b_wall=$w; b_rss=$r
		fi
		i=$((i + 1))
	done
}

echo "stage: $ROWS rows, $((size / 1048576)) MiB, best of $RUNS runs"
RUNS_SAVE=$RUNS
best sqlite3 "$OUT/b.db" ".import --csv $file accounts"
ref_wall=$b_wall
best "$IMPORTER" --db "$OUT/b.db" -q stage "$file"
stage_wall=$b_wall; stage_rss=$b_rss
RUNS=$RUNS_SAVE
awk -v r="$ref_wall" -v s="$stage_wall" -v m="$stage_rss" 'BEGIN {
	printf "  sqlite3 .import      %8.2f s\n", r
	printf "  importer stage       %8.2f s   peak RSS %.1f MiB\n", s, m / 1024
	printf "  stage / import       %8.2f     (target <= 1.00)\n", s / r
	printf "  stage peak RSS       %8.1f MiB (target <= 64)\n", m / 1024
	printf "  stage throughput     %8.0f rows/s\n", '"$ROWS"' / s
}'

# Offline check: a 1,000,000-account snapshot against the staged run, as a
# ratio of the stage time of the same file measured above.
snap=$OUT/snapshot-$ROWS.csv
[ -s "$snap" ] || "$GEN" snapshot "$ROWS" > "$snap"
c_wall=
i=0
while [ "$i" -lt "$RUNS" ]; do
	rm -f "$OUT"/c.db "$OUT"/c.db-wal "$OUT"/c.db-shm "$OUT"/c.db-journal
	"$IMPORTER" --db "$OUT/c.db" -q stage "$file" || [ $? -eq 1 ]
	set -- $($MEASURE "$IMPORTER" --db "$OUT/c.db" -q check --snapshot "$snap")
	if [ "$3" -gt 1 ]; then echo "bench: check failed ($3)"; exit 1; fi
	if [ -z "$c_wall" ] || awk "BEGIN{exit !($1 < $c_wall)}"; then
		c_wall=$1; c_rss=$2
	fi
	i=$((i + 1))
done
awk -v c="$c_wall" -v s="$stage_wall" -v m="$c_rss" 'BEGIN {
	printf "check --snapshot: %d accounts against %d rows\n", '"$ROWS"', '"$ROWS"'
	printf "  check                %8.2f s   peak RSS %.1f MiB\n", c, m / 1024
	printf "  check / stage        %8.2f     (target <= 2.00)\n", c / s
}'

# Submit: against the sandbox, about 2,000 planned rows (5,000 staged, 40%
# of them changing; checked online, so one
# PUT a row) with 20 ms latency and concurrency 16; ideal = rows x latency /
# concurrency. Then the client's CPU a request against a sandbox without
# latency.
SROWS=${BENCH_SUBMIT_ROWS:-5000}
CROWS=${BENCH_COST_ROWS:-20000}
token=bench-$$
sb_pid=
stop_sandbox() {
	[ -n "$sb_pid" ] && kill "$sb_pid" 2>/dev/null && wait "$sb_pid" 2>/dev/null
	sb_pid=
}
trap stop_sandbox EXIT INT TERM
start_sandbox() {	# start_sandbox ACCOUNTS [fault options]
	acc=$1; shift
	rm -f "$OUT/port"
	"$IMPORTER" sandbox --port 0 --port-file "$OUT/port" --token "$token" \
	    --accounts "$acc" "$@" > "$OUT/sandbox.log" 2>&1 &
	sb_pid=$!
	n=0
	while [ ! -s "$OUT/port" ] && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	[ -s "$OUT/port" ] || { echo "bench: sandbox did not start"; cat "$OUT/sandbox.log"; exit 1; }
	endpoint=http://127.0.0.1:$(cat "$OUT/port")
}
prepare_run() {	# prepare_run ROWS: a staged and online-checked run in s.db
	"$GEN" update "$1" > "$OUT/u-$1.csv"
	"$GEN" snapshot "$1" > "$OUT/s-$1.csv"
	rm -f "$OUT"/s.db "$OUT"/s.db-wal "$OUT"/s.db-shm
	"$IMPORTER" --db "$OUT/s.db" -q stage "$OUT/u-$1.csv" || [ $? -eq 1 ]
}
export IMPORTER_TOKEN=$token

prepare_run "$SROWS"
start_sandbox "$OUT/s-$SROWS.csv" --latency 20
"$IMPORTER" --db "$OUT/s.db" -q check --endpoint "$endpoint" --concurrency 16 || [ $? -eq 1 ]
planned=$(sqlite3 "$OUT/s.db" "select count(*) from outcome where state = 'pending'")
set -- $($MEASURE "$IMPORTER" --db "$OUT/s.db" -q submit --yes --allow-flagged \
    --concurrency 16 --endpoint "$endpoint")
sub_wall=$1
stop_sandbox
# The same number of PUTs from a bare libcurl multi loop (tests/bench/load)
# against a fresh sandbox with the same latency: what the sandbox itself
# allows on this machine, measured in the same run.
LOAD=${LOAD:-$builddir/tests/bench/load}
ref_wall=
if [ -x "$LOAD" ]; then
	start_sandbox "$OUT/s-$SROWS.csv" --latency 20
	ref_wall=$("$LOAD" -c 16 -n "$planned" -m put -t "$token" "$endpoint" |
	    sed -n 's/.*, \([0-9.]*\) s:.*/\1/p')
	stop_sandbox
fi
awk -v w="$sub_wall" -v n="$planned" -v r="$ref_wall" 'BEGIN {
	ideal = n * 0.020 / 16
	printf "submit: %d planned rows, sandbox latency 20 ms, concurrency 16\n", n
	printf "  submit               %8.2f s   ideal %.2f s\n", w, ideal
	printf "  submit / ideal       %8.2f     (target <= 1.10)\n", w / ideal
	if (r != "") {
		printf "  bare libcurl PUTs    %8.2f s   (%.2f x ideal: the sandbox'"'"'s own cost)\n", r, r / ideal
		printf "  submit / bare        %8.2f\n", w / r
	}
}'

prepare_run "$CROWS"
start_sandbox "$OUT/s-$CROWS.csv"
"$IMPORTER" --db "$OUT/s.db" -q check --endpoint "$endpoint" --concurrency 16 || [ $? -eq 1 ]
set -- $($MEASURE "$IMPORTER" --db "$OUT/s.db" -q submit --yes --allow-flagged \
    --concurrency 16 --endpoint "$endpoint")
sent=$(curl -s -H "Authorization: Bearer $token" "$endpoint/_admin/stats" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["methods"]["PUT"])')
stop_sandbox
awk -v c="$4" -v w="$1" -v n="$sent" 'BEGIN {
	printf "client cost: %d PUTs against a sandbox without latency\n", n
	printf "  submit wall          %8.2f s   CPU %.2f s\n", w, c
	printf "  CPU per request      %8.1f us  (aim <= 50)\n", c / n * 1e6
}'
