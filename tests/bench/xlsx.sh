#!/bin/sh
# xlsx.sh: the workbook benchmark (make bench, or sh tests/bench/xlsx.sh):
# `importer stage` of BENCH_ROWS rows as a workbook against staging the
# same data as CSV, in the same run, and the peak RSS of each. The workbook
# is the CSV written by libxlsxwriter (tests/csv2xlsx -t: digits typed as
# numbers, ZIPs with a leading zero formatted 00000; constant-memory mode,
# so its strings are inline). Targets: <= 1.5, <= 64 MiB.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${builddir:-$top_srcdir}
IMPORTER=${IMPORTER:-$builddir/importer/importer}
GEN=${GEN:-$builddir/tests/bench/gen}
CSV2XLSX=${CSV2XLSX:-$builddir/tests/csv2xlsx}
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$builddir/bench-out}
MEASURE="python3 $top_srcdir/tests/bench/measure.py"

for p in "$IMPORTER" "$GEN" "$CSV2XLSX"; do
	[ -x "$p" ] || { echo "bench: $p missing"; exit 1; }
done
mkdir -p "$OUT"
csv=$OUT/update-$ROWS.csv
xlsx=$OUT/update-$ROWS.xlsx
[ -s "$csv" ] || "$GEN" update "$ROWS" >"$csv"
[ -s "$xlsx" ] || "$CSV2XLSX" -t -s Accounts "$csv" "$xlsx"

# best FILE: the best wall time of $RUNS stages of FILE, and its RSS
best() {
	b_wall=; b_rss=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		rm -f "$OUT"/x.db "$OUT"/x.db-wal "$OUT"/x.db-shm
		set -- "$1" $($MEASURE "$IMPORTER" --db "$OUT/x.db" -q stage "$1")
		if [ "$4" -gt 1 ]; then echo "bench: stage $1 failed ($4)"; exit 1; fi
		if [ -z "$b_wall" ] || awk "BEGIN{exit !($2 < $b_wall)}"; then
			b_wall=$2; b_rss=$3
		fi
		i=$((i + 1))
	done
}
# Interleaved, so that the machine's moods fall on both alike.
best "$csv"; c_wall=$b_wall; c_rss=$b_rss
best "$xlsx"; x_wall=$b_wall; x_rss=$b_rss
best "$csv"; awk "BEGIN{exit !($b_wall < $c_wall)}" && { c_wall=$b_wall; c_rss=$b_rss; }
best "$xlsx"; awk "BEGIN{exit !($b_wall < $x_wall)}" && { x_wall=$b_wall; x_rss=$b_rss; }
awk -v c="$c_wall" -v x="$x_wall" -v cr="$c_rss" -v xr="$x_rss" \
    -v cs="$(wc -c <"$csv")" -v xs="$(wc -c <"$xlsx")" 'BEGIN {
	printf "stage a workbook: %d rows, CSV %d MiB, workbook %d MiB (libxlsxwriter, inline strings)\n", '"$ROWS"', cs / 1048576, xs / 1048576
	printf "  stage the CSV        %8.2f s   peak RSS %.1f MiB\n", c, cr / 1024
	printf "  stage the workbook   %8.2f s   peak RSS %.1f MiB\n", x, xr / 1024
	printf "  workbook / CSV       %8.2f     (target <= 1.50)\n", x / c
	printf "  workbook peak RSS    %8.1f MiB (target <= 64)\n", xr / 1024
}'
