#!/bin/sh
# xlsx.sh: the workbook benchmark (make bench, or sh tests/bench/xlsx.sh):
# `importer stage` of BENCH_ROWS rows as a workbook against staging the
# same data as CSV, in the same run, and the peak RSS of each. The workbooks
# are the CSV written by libxlsxwriter (tests/csv2xlsx -t: digits typed as
# numbers, ZIPs with a leading zero formatted 00000) in two shapes: every
# string inline (constant-memory mode), and every string in the shared-
# string table, as Excel writes them (-S; past 8 MiB the table goes to a
# temporary file). Targets: <= 1.5, <= 64 MiB. And the floor under them:
# inflating the sheet (libzip) and parsing it (expat) with empty handlers
# on one thread (tests/bench/xlsxfloor), which no reader built on the two
# libraries goes under.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${builddir:-$top_srcdir}
IMPORTER=${IMPORTER:-$builddir/importer/importer}
GEN=${GEN:-$builddir/tests/bench/gen}
CSV2XLSX=${CSV2XLSX:-$builddir/tests/csv2xlsx}
FLOOR=${FLOOR:-$builddir/tests/bench/xlsxfloor}
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$builddir/bench-out}
MEASURE="python3 $top_srcdir/tests/bench/measure.py"

for p in "$IMPORTER" "$GEN" "$CSV2XLSX" "$FLOOR"; do
	[ -x "$p" ] || { echo "bench: $p missing"; exit 1; }
done
mkdir -p "$OUT"
csv=$OUT/update-$ROWS.csv
xlsx=$OUT/update-$ROWS.xlsx
sst=$OUT/update-$ROWS-sst.xlsx
[ -s "$csv" ] || "$GEN" update "$ROWS" >"$csv"
[ -s "$xlsx" ] || "$CSV2XLSX" -t -s Accounts "$csv" "$xlsx"
[ -s "$sst" ] || "$CSV2XLSX" -S -t -s Accounts "$csv" "$sst"

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
# Interleaved, so that the machine's moods fall on all alike.
c_wall=; x_wall=; s_wall=
for round in 1 2; do
	best "$csv"
	[ -n "$c_wall" ] && awk "BEGIN{exit !($b_wall >= $c_wall)}" ||
	    { c_wall=$b_wall; c_rss=$b_rss; }
	best "$xlsx"
	[ -n "$x_wall" ] && awk "BEGIN{exit !($b_wall >= $x_wall)}" ||
	    { x_wall=$b_wall; x_rss=$b_rss; }
	best "$sst"
	[ -n "$s_wall" ] && awk "BEGIN{exit !($b_wall >= $s_wall)}" ||
	    { s_wall=$b_wall; s_rss=$b_rss; }
done
floor() {	# floor FILE: the best of $RUNS, CPU seconds
	f_cpu=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		set -- "$1" $($MEASURE "$FLOOR" "$1")
		if [ -z "$f_cpu" ] || awk "BEGIN{exit !($5 < $f_cpu)}"; then
			f_cpu=$5
		fi
		i=$((i + 1))
	done
}
floor "$xlsx"; xf=$f_cpu
floor "$sst"; sf=$f_cpu
awk -v c="$c_wall" -v x="$x_wall" -v s="$s_wall" -v cr="$c_rss" \
    -v xf="$xf" -v sf="$sf" \
    -v xr="$x_rss" -v sr="$s_rss" -v cs="$(wc -c <"$csv")" \
    -v xs="$(wc -c <"$xlsx")" -v ss="$(wc -c <"$sst")" 'BEGIN {
	printf "stage a workbook: %d rows; CSV %d MiB, workbooks %d MiB (inline strings) and %d MiB (shared strings)\n", '"$ROWS"', cs / 1048576, xs / 1048576, ss / 1048576
	printf "  stage the CSV          %8.2f s   peak RSS %.1f MiB\n", c, cr / 1024
	printf "  stage, inline strings  %8.2f s   peak RSS %.1f MiB\n", x, xr / 1024
	printf "  stage, shared strings  %8.2f s   peak RSS %.1f MiB\n", s, sr / 1024
	printf "  inline / CSV           %8.2f     (target <= 1.50)\n", x / c
	printf "  shared / CSV           %8.2f     (target <= 1.50)\n", s / c
	printf "  workbook peak RSS      %8.1f MiB (target <= 64)\n", (xr > sr ? xr : sr) / 1024
	printf "  floor, inline strings  %8.2f s   CPU to inflate and parse the sheet with empty handlers (%.2f x the CSV stage)\n", xf, xf / c
	printf "  floor, shared strings  %8.2f s   (%.2f x the CSV stage)\n", sf, sf / c
}'
