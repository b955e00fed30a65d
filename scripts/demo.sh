#!/bin/sh
# make demo: the monthly job on the bundled samples, in a fresh database.
# (Staging for now: check, submit to the sandbox and the report join in as
# they land.)
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
IMPORTER=${IMPORTER:-./importer/importer}
db=${DEMO_DB:-demo.db}
rm -f "$db" "$db-wal" "$db-shm"
echo "== importer stage $top_srcdir/samples/accounts-2026-11.csv"
"$IMPORTER" --db "$db" --profile "$top_srcdir/samples/example.ini" \
    stage "$top_srcdir/samples/accounts-2026-11.csv" || [ $? -eq 1 ]
echo
echo "== importer history"
"$IMPORTER" --db "$db" history
echo
echo "the run is in $db (open it with: sqlite3 $db)"
