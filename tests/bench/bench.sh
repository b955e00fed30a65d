#!/bin/sh
# make bench: speed and memory figures, each as a ratio against a reference
# measured in the same run on the same input. Not part of make check.
#
#   BENCH_ROWS      rows in the generated update files (default 1000000)
#   BENCH_RUNS      runs of each command; the best is kept (default 3)
#   BENCH_SECTIONS  the sections to run, in order (default: all of them,
#                   "import shapes submit cost")
#   BENCH_SHAPES    the data shapes the shapes section measures (below)
#
# Each section is a function bench_NAME; a new one is appended to the list
# in SECTIONS and defined after the others. Every figure line says what it
# measures, its reference, the data shape, the target and the peak RSS.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${builddir:-.}
IMPORTER=${IMPORTER:-$builddir/importer/importer}
GEN=${GEN:-$builddir/tests/bench/gen}
LOAD=${LOAD:-$builddir/tests/bench/load}
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$builddir/bench-out}
SECTIONS=${BENCH_SECTIONS:-import shapes submit cost}
MEASURE="python3 $top_srcdir/tests/bench/measure.py"
RSS_TARGET=64	# MiB, for stage, check and report alike

command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 CLI"; exit 1; }
mkdir -p "$OUT"

# ---- helpers ---------------------------------------------------------

# A data shape is ORDER/SCRIPTS/CHANGED (tests/bench/gen -o, -s, -c):
# the snapshot's order, the scripts of the text fields and the percentage
# of the accounts the update changes. "own" is gen's default shape.
shape_opts() {	# shape_opts SHAPE: gen's options
	case $1 in
	own) echo "" ;;
	*) echo "$1" | awk -F/ '{ printf "-o %s -s %s -c %s", $1, $2, $3 }' ;;
	esac
}
shape_name() {	# shape_name SHAPE: words for the figure lines
	case $1 in
	own) echo "sorted snapshot, mixed scripts, 60% unchanged" ;;
	*) echo "$1" | awk -F/ '{ printf "%s snapshot, %s %s, %d%% unchanged",
	    $1, $2, $2 == "mixed" ? "scripts" : "fields", 100 - $3 }' ;;
	esac
}
# gen_pair SHAPE ROWS: sets upd and snap, generated once into $OUT
gen_pair() {
	tag=$(echo "$1" | tr / -)
	upd=$OUT/update-$tag-$2.csv
	snap=$OUT/snapshot-$tag-$2.csv
	# shellcheck disable=SC2046
	[ -s "$upd" ] || "$GEN" $(shape_opts "$1") update "$2" > "$upd"
	# shellcheck disable=SC2046
	[ -s "$snap" ] || "$GEN" $(shape_opts "$1") snapshot "$2" > "$snap"
}
fresh_db() {	# fresh_db PATH
	rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
}
# measure CMD...: sets m_wall, m_rss (KiB), m_cpu; exit status 0 or 1 only
measure() {
	set -- $($MEASURE "$@")
	if [ "$#" -lt 4 ] || [ "$3" -gt 1 ]; then
		echo "bench: command failed (${3:-?})"
		exit 1
	fi
	m_wall=$1; m_rss=$2; m_cpu=$4
}
lt() {	# lt A B: A < B (or B empty)
	[ -z "$2" ] || awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}
# best CMD...: best wall of $RUNS runs (a fresh $OUT/b.db before each):
# b_wall, and b_rss the largest peak RSS among the runs
best() {
	b_wall=; b_rss=0
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		fresh_db "$OUT/b.db"
		measure "$@"
		lt "$m_wall" "$b_wall" && b_wall=$m_wall
		[ "$m_rss" -gt "$b_rss" ] && b_rss=$m_rss
		i=$((i + 1))
	done
}
mib() {	# mib KIB
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# ---- section: import -------------------------------------------------
# stage vs sqlite3's own .import of the same file.
bench_import() {
	gen_pair own "$ROWS"
	size=$(wc -c < "$upd")
	echo "import: $ROWS rows, $((size / 1048576)) MiB, best of $RUNS runs" \
	    "(data: $(shape_name own))"
	best sqlite3 "$OUT/b.db" ".import --csv $upd accounts"
	ref_wall=$b_wall
	best "$IMPORTER" --db "$OUT/b.db" -q stage "$upd"
	awk -v r="$ref_wall" -v s="$b_wall" -v m="$b_rss" -v t="$RSS_TARGET" \
	    -v n="$ROWS" 'BEGIN {
		printf "  sqlite3 .import      %8.2f s\n", r
		printf "  importer stage       %8.2f s   peak RSS %.1f MiB\n", s, m / 1024
		printf "  stage / import       %8.2f     (target <= 1.00)\n", s / r
		printf "  stage peak RSS       %8.1f MiB (target <= %d)\n", m / 1024, t
		printf "  stage throughput     %8.0f rows/s\n", n / s
	}'
}

# ---- section: shapes -------------------------------------------------
# check --snapshot ($ROWS accounts against a $ROWS-row run) as a ratio of
# the stage of the same file, on each data shape. Stage and check are
# interleaved (stage, then check of what it staged), best of $RUNS each,
# so that both see the same state of the machine.
SHAPES=${BENCH_SHAPES:-own shuffled/mixed/70 shuffled/ascii/10 shuffled/cjk/95 sorted/cjk/10}
bench_shapes() {
	echo "check --snapshot / stage: $ROWS accounts against $ROWS rows," \
	    "best of $RUNS interleaved runs; targets <= 2.00, peak RSS <= $RSS_TARGET MiB"
	printf "  %-48s %7s %7s %6s %9s %9s\n" "shape" "stage" "check" \
	    "ratio" "stage RSS" "check RSS"
	worst=0
	for shape in $SHAPES; do
		gen_pair "$shape" "$ROWS"
		s_wall=; c_wall=; s_rss=0; c_rss=0
		i=0
		while [ "$i" -lt "$RUNS" ]; do
			fresh_db "$OUT/c.db"
			measure "$IMPORTER" --db "$OUT/c.db" -q stage "$upd"
			lt "$m_wall" "$s_wall" && s_wall=$m_wall
			[ "$m_rss" -gt "$s_rss" ] && s_rss=$m_rss
			measure "$IMPORTER" --db "$OUT/c.db" -q check \
			    --snapshot "$snap"
			lt "$m_wall" "$c_wall" && c_wall=$m_wall
			[ "$m_rss" -gt "$c_rss" ] && c_rss=$m_rss
			i=$((i + 1))
		done
		printf "  %-48s %6.2fs %6.2fs %6.2f %5.1f MiB %5.1f MiB\n" \
		    "$(shape_name "$shape")" "$s_wall" "$c_wall" \
		    "$(awk -v c="$c_wall" -v s="$s_wall" 'BEGIN { print c / s }')" \
		    "$(mib "$s_rss")" "$(mib "$c_rss")"
		worst=$(awk -v w="$worst" -v c="$c_wall" -v s="$s_wall" \
		    'BEGIN { r = c / s; print (r > w ? r : w) }')
	done
	printf "  check / stage, worst shape %6.2f     (target <= 2.00)\n" "$worst"
}

# ---- the sandbox, for submit and cost ---------------------------------
token=bench-$$
export IMPORTER_TOKEN=$token
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
stat_of() {	# stat_of PYTHON-EXPR: of the sandbox's /_admin/stats as j
	curl -s -H "Authorization: Bearer $token" "$endpoint/_admin/stats" |
	    python3 -c 'import json,sys; j=json.load(sys.stdin); print('"$1"')'
}
prepare_run() {	# prepare_run ROWS: a staged run in s.db, checked offline
	gen_pair own "$1"
	fresh_db "$OUT/s.db"
	"$IMPORTER" --db "$OUT/s.db" -q stage "$upd" || [ $? -eq 1 ]
	"$IMPORTER" --db "$OUT/s.db" -q check --snapshot "$snap" || [ $? -eq 1 ]
}

# ---- section: submit -------------------------------------------------
# Against the real service the pace bounds a run (about 8 requests a
# second): submit is measured against a sandbox that allows that pace
# (--rate, a token bucket answering 429 beyond it) and set to it
# (--rate), scaled by BENCH_PACE_SCALE with the latency scaled down in
# proportion, so that the bench stays short. Target: >= 95% of the
# allowed pace, and no 429.
bench_submit() {
	scale=${BENCH_PACE_SCALE:-10}
	rate=$((8 * scale))
	lat=$((200 / scale))
	srows=${BENCH_SUBMIT_ROWS:-1000}	# about 400 planned rows, 800 requests
	prepare_run "$srows"
	planned=$(sqlite3 "$OUT/s.db" "select count(*) from outcome where state = 'pending'")
	start_sandbox "$snap" --rate "$rate" --burst "$scale" --latency "$lat"
	measure "$IMPORTER" --db "$OUT/s.db" -q submit --yes --allow-flagged \
	    --concurrency 8 --rate "$rate" --endpoint "$endpoint"
	req=$(stat_of 'j["requests"]')
	puts=$(stat_of 'j["methods"]["PUT"]')
	n429=$(stat_of 'j["statuses"].get("429", 0)')
	stop_sandbox
	awk -v w="$m_wall" -v n="$req" -v p="$puts" -v r="$rate" -v s="$scale" \
	    -v q="$n429" -v pl="$planned" -v l="$lat" -v m="$m_rss" 'BEGIN {
		printf "submit: %d planned rows (%d PUTs, %d requests) against a sandbox allowing %d requests/s\n", pl, p, n, r
		printf "  (the service'"'"'s 8/s and ~200 ms, scaled x%d: %d ms latency)\n", s, l
		printf "  submit               %8.2f s   peak RSS %.1f MiB\n", w, m / 1024
		printf "  achieved pace        %8.1f requests/s\n", n / w
		printf "  pace / allowed       %8.2f     (target >= 0.95)\n", n / w / r
		printf "  429 answers          %8d     (target 0)\n", q
	}'
}

# ---- section: cost (informational) -----------------------------------
# The client's CPU a request, against a sandbox without latency or pace.
# No longer a target: against the service the pace bounds a run.
bench_cost() {
	crows=${BENCH_COST_ROWS:-20000}
	prepare_run "$crows"
	start_sandbox "$snap"
	measure "$IMPORTER" --db "$OUT/s.db" -q submit --yes --allow-flagged \
	    --concurrency 16 --endpoint "$endpoint"
	req=$(stat_of 'j["requests"]')
	stop_sandbox
	awk -v c="$m_cpu" -v w="$m_wall" -v n="$req" 'BEGIN {
		printf "client cost: %d requests against a sandbox without latency or pace (informational)\n", n
		printf "  submit wall          %8.2f s   CPU %.2f s\n", w, c
		printf "  CPU per request      %8.1f us\n", c / n * 1e6
	}'
}

for s in $SECTIONS; do
	"bench_$s"
done
