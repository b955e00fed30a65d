#!/bin/sh
# t_cli.sh: the command line itself: help, version, usage errors and the
# exit codes 0, 64 and 66 (DESIGN.md "Command line", "Exit codes").
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

good="$TMP/good.csv"
printf 'Customer ID,Company Name\n11111111-2222-4333-8444-555555555555,Contoso\n' >"$good"

# run_limited ARGS...: run, giving up after 20 s (a command that took
# --help for something else, say sandbox, might serve forever).
run_limited() {
	# shellcheck disable=SC2086
	timeout 20 $VALGRIND "$IMPORTER" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# --- help ------------------------------------------------------------------
run --help
is "$rc" 0 "--help exits 0"
like "$out" '^usage: importer' "--help prints the usage on stdout"
like "$out" 'stage' "--help lists stage"
like "$out" 'history' "--help lists history"
is "$err" "" "--help prints nothing on stderr"
help_text=$out

run -h
is "$rc" 0 "-h exits 0"
is "$out" "$help_text" "-h prints the same as --help"

run help
is "$rc" 0 "'help' exits 0"
is "$out" "$help_text" "'help' prints the same as --help"

# Every command listed under "commands:" has its help, both ways.
cmds=$(printf '%s\n' "$help_text" |
    awk '/^commands:/ { on = 1; next } on && /^$/ { on = 0 } on { print $1 }')
like "$cmds" 'stage' "the command list was found in --help"
for c in $cmds; do
	run_limited help "$c"
	is "$rc" 0 "'help $c' exits 0"
	like "$out" "(usage: importer $c|^usage: importer)" \
	    "'help $c' prints a usage line"
	is "$err" "" "'help $c' prints nothing on stderr"
	[ "$c" = help ] && continue
	run_limited "$c" --help
	is "$rc" 0 "'$c --help' exits 0"
	like "$out" "^usage: importer $c" "'$c --help' prints its usage"
done

run help stage
like "$out" '--encoding' "'help stage' documents --encoding"
like "$out" '--delimiter' "'help stage' documents --delimiter"
like "$out" '--force' "'help stage' documents --force"

run help no-such-command
is "$rc" 64 "'help no-such-command' exits 64"
like "$err" "no-such-command" "... naming the command on stderr"
is "$out" "" "... and prints nothing on stdout"

# --- version ---------------------------------------------------------------
run --version
is "$rc" 0 "--version exits 0"
is "$out" "importer 0.1.0" "--version prints 'importer 0.1.0'"
run -V
is "$out" "importer 0.1.0" "-V prints the version"

# --- usage errors: 64, usage on stderr, nothing on stdout ------------------
run
is "$rc" 64 "no command: exit 64"
like "$err" 'usage: importer' "no command: usage on stderr"
is "$out" "" "no command: nothing on stdout"

run frobnicate
is "$rc" 64 "unknown command: exit 64"
like "$err" 'usage: importer' "unknown command: usage on stderr"
like "$err" 'frobnicate' "unknown command: named on stderr"
is "$out" "" "unknown command: nothing on stdout"

run --frobnicate stage "$good"
is "$rc" 64 "unknown global option: exit 64"
like "$err" 'usage: importer' "unknown global option: usage on stderr"
is "$out" "" "unknown global option: nothing on stdout"

run --db
is "$rc" 64 "--db without its argument: exit 64"

run stage --frobnicate "$good"
is "$rc" 64 "unknown stage option: exit 64"
like "$err" 'usage: importer stage' "unknown stage option: stage usage on stderr"
is "$out" "" "unknown stage option: nothing on stdout"

run stage
is "$rc" 64 "stage without a file: exit 64"
like "$err" 'usage: importer stage' "stage without a file: usage on stderr"
[ -e "$IMPORTER_DB" ]
ok $((! $?)) "stage without a file creates no database"

run stage "$good" "$good"
is "$rc" 64 "stage with two files: exit 64"

for d in ab '""' '"' ''; do
	run stage --delimiter "$d" "$good"
	is "$rc" 64 "bad --delimiter '$d': exit 64"
	like "$err" 'usage: importer stage' "bad --delimiter '$d': usage on stderr"
done

run stage --encoding NO-SUCH-CHARSET "$good"
is "$rc" 64 "unknown --encoding name: exit 64"
like "$err" 'NO-SUCH-CHARSET' "unknown --encoding name: named in the message"

# The name is wrong whatever the file starts with (here a UTF-8 BOM).
printf '\357\273\277Customer ID\n11111111-2222-4333-8444-555555555555\n' \
    >"$TMP/bom.csv"
run stage --encoding NO-SUCH-CHARSET "$TMP/bom.csv"
is "$rc" 64 "unknown --encoding name on a file with a BOM: exit 64"

run history extra-argument
is "$rc" 64 "history with an argument: exit 64"
run history --frobnicate
is "$rc" 64 "history with an unknown option: exit 64"

# --- missing input: 66 -----------------------------------------------------
run stage "$TMP/no-such-file.csv"
is "$rc" 66 "missing file: exit 66"
like "$err" 'no-such-file\.csv' "missing file: named on stderr"
is "$out" "" "missing file: nothing on stdout"

mkdir "$TMP/folder.csv"
run stage "$TMP/folder.csv"
is "$rc" 66 "a folder instead of a file: exit 66"

if [ "$(id -u)" != 0 ]; then
	cp "$good" "$TMP/unreadable.csv"
	chmod 000 "$TMP/unreadable.csv"
	run stage "$TMP/unreadable.csv"
	is "$rc" 66 "unreadable file: exit 66"
fi

# --- a working command still works, with both db options -------------------
run stage "$good"
is "$rc" 0 "stage of a good file: exit 0"
run --db "$TMP/other.db" stage "$good"
is "$rc" 0 "--db PATH: exit 0"
[ -f "$TMP/other.db" ]
ok $? "--db PATH creates that database"

done_testing
