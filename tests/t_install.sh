#!/bin/sh
# t_install.sh: a fresh user's first hour, from 'make install DESTDIR=...
# prefix=/usr' of this build tree, with only the installed files: --help and
# 'help CMD' for every command, init a profile and load it, the monthly
# job on the installed samples against the installed sandbox (stage, check
# --endpoint, submit --yes, report), the bash completion; then 'make
# uninstall' leaves no file behind.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

require make
BUILDDIR=$(cd "$(dirname "$IMPORTER")/.." && pwd)
[ -f "$BUILDDIR/Makefile" ] || skip_all "no Makefile in $BUILDDIR"

ROOT=$TMP/root
# A make of its own: not a job of the 'make check' that runs this test.
(unset MAKEFLAGS MFLAGS MAKELEVEL
make -C "$BUILDDIR" install DESTDIR="$ROOT" prefix=/usr) \
    >"$TMP/install.log" 2>&1
rc=$?
is "$rc" 0 "make install DESTDIR=... prefix=/usr: exit 0"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$TMP/install.log" | tail -20

BIN=$ROOT/usr/bin/importer
S=$ROOT/usr/share/importer/samples
for f in "$BIN" "$ROOT/usr/share/man/man1/importer.1" \
    "$ROOT/usr/share/bash-completion/completions/importer" \
    "$S/accounts-2026-11.csv" "$S/current-accounts.csv" "$S/example.ini" \
    "$S/README.md"; do
	[ -s "$f" ]
	ok $? "installed: ${f#"$ROOT"}"
done
[ -x "$BIN" ]
ok $? "installed: the binary is executable"
IMPORTER=$BIN	# run() from here on uses the installed binary

# A fresh user: their own folder, no database or token set.
mkdir "$TMP/home" && cd "$TMP/home" || exit 1
unset IMPORTER_DB IMPORTER_TOKEN IMPORTER_ENDPOINT IMPORTER_TOKEN_URL
HOME=$TMP/home
export HOME

run --help
is "$rc" 0 "installed: importer --help exits 0"
cmds=$(printf '%s\n' "$out" | sed -n '/^commands:/,/^$/p' |
    awk 'NF > 1 { print $1 }')
like "$(echo $cmds)" "^stage .*init config help\$" "installed: --help lists every command"
for c in $cmds; do
	run help "$c"
	is "$rc" 0 "installed: importer help $c exits 0"
	like "$out" "^usage: importer $c" "installed: importer help $c prints its usage"
done
run --version
like "$out" "^importer [0-9]" "installed: --version"
if command -v groff >/dev/null 2>&1; then
	groff -mdoc -Tutf8 "$ROOT/usr/share/man/man1/importer.1" 2>/dev/null |
	    grep -q 'importer init'
	ok $? "installed: the man page renders"
fi

# init into a folder of its own, then load it.
mkdir profiles
run init --profile profiles/team.ini
is "$rc" 0 "installed: init --profile profiles/team.ini"
run --profile profiles/team.ini config
is "$rc" 0 "installed: the profile init wrote loads"
like "$out" "report.folder +reports +profiles/team.ini:[0-9]+" \
    "installed: config shows the profile's lines"

# The monthly job on the installed samples against the installed sandbox.
sandbox_start sandbox --token demo-token --accounts "$S/current-accounts.csv"
ok $? "installed: the sandbox starts"
E=$BASE
IMPORTER_TOKEN=demo-token
export IMPORTER_TOKEN
P="--profile profiles/team.ini"

run $P --json stage "$S/accounts-2026-11.csv"
is "$rc" 1 "installed: stage exits 1 (the samples have invalid rows)"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["rows"], o["invalid"], o["duplicate"])')" \
    "303 12 1" "installed: stage: 303 rows, 12 invalid, 1 duplicate"
run $P --json check --endpoint "$E"
is "$rc" 1 "installed: check --endpoint exits 1 (not found, invalid)"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["unchanged"], o["not_found"], o["changes"])')" \
    "108 4 176" "installed: check: 108 unchanged, 4 not found, 176 to change"
run $P --json submit --yes --endpoint "$E"
is "$rc" 1 "installed: submit --yes exits 1"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["applied"], o["failed"], o["conflicts"], o["pending"])')" \
    "170 0 0 6" "installed: submit: 170 applied, 6 flagged rows pending"
run $P report
is "$rc" 1 "installed: report exits 1"
like "$out" "report for run 1: reports/accounts-2026-11-run1.xlsx" \
    "installed: report under reports/"
[ -s reports/accounts-2026-11-run1.xlsx ] &&
    [ -s reports/accounts-2026-11-run1-fixup.csv ]
ok $? "installed: the report and the fix-up CSV are written"
run history
like "$out" "accounts-2026-11" "installed: history lists the run"

# The bash completion, as installed.
if command -v bash >/dev/null 2>&1; then
	touch a.ini b.txt
	cat >"$TMP/complete.sh" <<'EOF'
. "$1"
c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	_importer; echo "${COMPREPLY[*]}"; }
c importer ini
c importer st
c importer submit --all
c importer --profile ''
c importer report ''
c importer stage --delimiter se
EOF
	PATH=$ROOT/usr/bin:$PATH bash "$TMP/complete.sh" \
	    "$ROOT/usr/share/bash-completion/completions/importer" \
	    >"$TMP/complete.out" 2>&1
	is "$(sed -n 1p "$TMP/complete.out")" "init" "completion: a command"
	is "$(sed -n 2p "$TMP/complete.out")" "stage" "completion: stage"
	is "$(sed -n 3p "$TMP/complete.out")" \
	    "--allow-flagged --allow-http --allow-over-limit" \
	    "completion: the options of submit"
	is "$(sed -n 4p "$TMP/complete.out")" "a.ini profiles reports" \
	    "completion: profiles (*.ini) and folders after --profile"
	is "$(sed -n 5p "$TMP/complete.out")" "1" "completion: run numbers"
	is "$(sed -n 6p "$TMP/complete.out")" "semicolon" \
	    "completion: a delimiter"
fi

sandbox_stop

(unset MAKEFLAGS MFLAGS MAKELEVEL
make -C "$BUILDDIR" uninstall DESTDIR="$ROOT" prefix=/usr) \
    >"$TMP/uninstall.log" 2>&1
is "$?" 0 "make uninstall: exit 0"
is "$(cd "$ROOT" && find . -type f)" "" "make uninstall: no file left"
done_testing
