#!/bin/sh
# t_model.sh: the model-based test of submit and retry (tests/model.py):
# seeded schedules of service faults, other users' edits and kill -9,
# each run to the end and checked against a model of what must hold
# (one outcome a row, the planned values over others' changes, one
# effective write an applied row and none otherwise, If-Match on every
# PUT). MODEL_SCHEDULES and MODEL_SEED choose them (a failing seed is
# printed with the command that replays it); make soak runs many more.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require python3 sqlite3
# Under valgrind every importer is ten times slower: fewer schedules.
if [ -n "$VALGRIND" ]; then
	: "${MODEL_SCHEDULES:=8}"
else
	: "${MODEL_SCHEDULES:=100}"
fi
: "${MODEL_SEED:=1}"

for conc in 1 4; do
	"$PY" "$TESTS_SRCDIR/model.py" --importer "$IMPORTER" \
	    --schedules "$MODEL_SCHEDULES" --seed "$MODEL_SEED" \
	    --concurrency "$conc" >"$TMP/model.out" 2>&1
	rc=$?
	sed 's/^/# /' "$TMP/model.out" | grep -v '^# # seed [0-9]*: ' |
	    tail -n 25
	is "$rc" 0 "$MODEL_SCHEDULES schedules from seed $MODEL_SEED at concurrency $conc: every invariant held"
	MODEL_SEED=$((MODEL_SEED + MODEL_SCHEDULES))
done

done_testing
