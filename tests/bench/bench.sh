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
		set -- $($MEASURE "$@")
		if [ "$3" -gt 1 ]; then echo "bench: command failed ($3)"; exit 1; fi
		if [ -z "$b_wall" ] || awk "BEGIN{exit !($1 < $b_wall)}"; then
			b_wall=$1; b_rss=$2
		fi
		shift 3
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
