#!/bin/sh
# t_soak.sh: the fault soak (tests/soak.sh) kept short for make check:
# ~1,000 generated rows, checked online, submitted against a sandbox with
# 10% 503, 5% 500 after the write, 5% dropped connections, throttling and
# latency, killed with kill -9 3 to 5 times at random moments in its first
# seconds, then resumed to the end. The seed is printed; SOAK_SEED=N
# repeats a run. make soak runs the long one (20,000 rows).
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$(dirname "$0")" && pwd)}
: "${SOAK_SEED:=$(( $(date +%s) % 100000 + $$ % 1000 ))}"
SOAK_ROWS=${SOAK_ROWS:-1000}
SOAK_KILLS=${SOAK_KILLS:-$((SOAK_SEED % 3 + 3))}
SOAK_KILL_MIN=${SOAK_KILL_MIN:-0.5}
SOAK_KILL_MAX=${SOAK_KILL_MAX:-2.5}
SOAK_TIMEOUT=${SOAK_TIMEOUT:-120}
SOAK_CHECK_503=${SOAK_CHECK_503:-0.01}
. "$TESTS_SRCDIR/soak.sh"
