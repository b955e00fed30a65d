#!/bin/sh
# make demo: the monthly job on the bundled samples, start to end, against
# a local sandbox seeded with the samples' current accounts: stage, check,
# submit (--yes), report (run writes it). Leaves the run in demo.db and the
# report under reports/. DEMO_INPUT picks the update: the CSV (default) or
# samples/accounts-2026-11.xlsx, the workbook itself.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
IMPORTER=${IMPORTER:-./importer/importer}
db=${DEMO_DB:-demo.db}
input=${DEMO_INPUT:-samples/accounts-2026-11.csv}
case $input in
/*) ;;
*) [ -e "$input" ] || input=$top_srcdir/$input ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/importer-demo.XXXXXX")
token=demo-$$-$(date +%s)
sandbox=

stop() {
	[ -n "$sandbox" ] && kill "$sandbox" 2>/dev/null && wait "$sandbox" 2>/dev/null
	rm -rf "$work"
}
trap stop EXIT INT TERM

rm -f "$db" "$db-wal" "$db-shm"
"$IMPORTER" sandbox --port 0 --port-file "$work/port" --token "$token" \
    --accounts "$top_srcdir/samples/current-accounts.csv" \
    --state "$work/sandbox.db" >"$work/sandbox.log" 2>&1 &
sandbox=$!
i=0
while [ ! -s "$work/port" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		echo "demo: the sandbox did not start:"; cat "$work/sandbox.log"
		exit 1
	fi
	sleep 0.1
done
endpoint=http://127.0.0.1:$(cat "$work/port")
echo "== sandbox at $endpoint (seeded from samples/current-accounts.csv)"
echo
echo "== importer run ${DEMO_INPUT:-samples/accounts-2026-11.csv} --yes"
IMPORTER_TOKEN=$token "$IMPORTER" --db "$db" \
    --profile "$top_srcdir/samples/example.ini" \
    run "$input" --yes \
    --endpoint "$endpoint" || true
echo
echo "== importer history"
"$IMPORTER" --db "$db" history
echo
echo "the run is in $db: 'importer --db $db plan' shows every change"
exit 0
