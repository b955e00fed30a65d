#!/bin/sh
# report.sh: the report benchmark (make bench, or sh tests/bench/report.sh):
# `importer report` for a run of BENCH_ROWS rows (staged and checked
# against a snapshot), as a ratio of a minimal libxlsxwriter program
# writing the same cells from the same database in the same run
# (tests/bench/xlsxref), and its peak RSS. Targets: <= 1.3, <= 64 MiB.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${builddir:-$top_srcdir}
IMPORTER=${IMPORTER:-$builddir/importer/importer}
GEN=${GEN:-$builddir/tests/bench/gen}
REF=${REF:-$builddir/tests/bench/xlsxref}
ROWS=${BENCH_ROWS:-1000000}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$builddir/bench-out}
MEASURE="python3 $top_srcdir/tests/bench/measure.py"

for p in "$IMPORTER" "$GEN" "$REF"; do
	[ -x "$p" ] || { echo "bench: $p missing (make tests/bench/gen tests/bench/xlsxref)"; exit 1; }
done
mkdir -p "$OUT"
upd=$OUT/update-$ROWS.csv
snap=$OUT/snapshot-$ROWS.csv
db=$OUT/report-$ROWS.db
[ -s "$upd" ] || "$GEN" update "$ROWS" >"$upd"
[ -s "$snap" ] || "$GEN" snapshot "$ROWS" >"$snap"
if [ ! -s "$db" ]; then
	rm -f "$db" "$db-wal" "$db-shm"
	"$IMPORTER" --db "$db" -q stage "$upd" || [ $? -eq 1 ]
	"$IMPORTER" --db "$db" -q check --snapshot "$snap" || [ $? -eq 1 ]
fi

# best of $RUNS: b_wall, b_rss
best() {
	b_wall=; b_rss=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
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

echo "report: $ROWS rows, best of $RUNS runs"
best "$REF" "$db" 1 "$OUT/ref.xlsx"
ref_wall=$b_wall; ref_rss=$b_rss
best "$IMPORTER" --db "$db" -q report 1 -o "$OUT/report.xlsx" --errors-csv "$OUT/report-fixup.csv"
rep_wall=$b_wall; rep_rss=$b_rss
awk -v r="$ref_wall" -v s="$rep_wall" -v m="$rep_rss" -v rm="$ref_rss" 'BEGIN {
	printf "  xlsxref (libxlsxwriter)  %8.2f s   peak RSS %.1f MiB\n", r, rm / 1024
	printf "  importer report          %8.2f s   peak RSS %.1f MiB\n", s, m / 1024
	printf "  report / xlsxref         %8.2f     (target <= 1.30)\n", s / r
	printf "  report peak RSS          %8.1f MiB (target <= 64)\n", m / 1024
}'
