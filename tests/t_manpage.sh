#!/bin/sh
# t_manpage.sh: doc/importer.1 and the --help texts agree. Every option
# 'importer --help' prints is in the man page's DESCRIPTION, every option of
# 'importer help CMD' (for every command in the table) is in CMD's section
# (or the shared "Service options"), and every option the man page names
# (.Fl) is in the --help of its section's command, or in some --help.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

MAN=$TESTS_SRCDIR/../doc/importer.1
[ -f "$MAN" ] || skip_all "no doc/importer.1 beside tests/"

# help_opts: the options a help text on stdin names, one a line, sorted:
# "--word" or "-x" after a blank, '[', '(', ',', '|' or a quote.
help_opts() {
	grep -oE -- "(^|[][ (,'|])(--[a-z][a-z0-9-]*|-[a-zA-Z])([] ,.)=:;'|]|\$)" |
	    grep -oE -- '--?[a-zA-Z][a-z0-9-]*' | sort -u
}

# man_opts SECTION: the .Fl options of a section of the man page: a
# command (.Ss NAME), "Service options", DESCRIPTION, or ALL.
man_opts() {
	awk -v want="$1" '
	/^\.Sh / { sec = $2; sub(/^\.Sh /, ""); sec = $0 }
	/^\.Ss / { sub(/^\.Ss /, ""); sec = $0 }
	{
		if (want != "ALL" && sec != want)
			next
		line = " " $0
		while (match(line, /[ .]Fl -?[A-Za-z][A-Za-z0-9-]*/)) {
			f = substr(line, RSTART + 4, RLENGTH - 4)
			print "-" f
			line = substr(line, RSTART + RLENGTH)
		}
	}' "$MAN" | sort -u
}

# missing A B: the lines of file A that are not in file B.
missing() {
	comm -23 "$1" "$2" | tr '\n' ' ' | sed 's/ $//'
}

$VALGRIND "$IMPORTER" --help >"$TMP/main.help"
is "$?" 0 "importer --help exits 0"
# The global options: the options part of --help (the command list
# quotes command options).
sed -n '/^options:/,/^$/p' "$TMP/main.help" | help_opts >"$TMP/main.opts"
like "$(cat "$TMP/main.opts")" "--profile" "the option parser finds --profile in --help"
man_opts DESCRIPTION >"$TMP/desc.opts"
is "$(missing "$TMP/main.opts" "$TMP/desc.opts")" "" \
    "every option of importer --help is in DESCRIPTION"
is "$(missing "$TMP/desc.opts" "$TMP/main.opts")" "" \
    "every option in DESCRIPTION is in importer --help"

# The commands, from the table as --help lists it.
cmds=$(sed -n '/^commands:/,/^$/p' "$TMP/main.help" | awk 'NF > 1 { print $1 }')
like "$cmds" "stage" "--help lists the commands"
like "$(echo $cmds)" "init.*config" "--help lists init and config"

man_opts "Service options" >"$TMP/service.opts"
help_opts <"$TMP/main.help" >"$TMP/all.opts"
for c in $cmds; do
	$VALGRIND "$IMPORTER" help "$c" >"$TMP/$c.help"
	is "$?" 0 "importer help $c exits 0"
	grep -q "^\.Ss $c\$" "$MAN"
	ok $? "the man page has a section for $c"
	help_opts <"$TMP/$c.help" >"$TMP/$c.opts"
	man_opts "$c" >"$TMP/$c.man"
	if grep -qx -- --endpoint "$TMP/$c.opts"; then
		sort -u "$TMP/$c.man" "$TMP/service.opts" >"$TMP/$c.man2"
		mv "$TMP/$c.man2" "$TMP/$c.man"
	fi
	is "$(missing "$TMP/$c.opts" "$TMP/$c.man")" "" \
	    "every option of 'help $c' is in its man section"
	sort -u "$TMP/$c.opts" "$TMP/main.opts" >"$TMP/$c.ok"
	is "$(missing "$TMP/$c.man" "$TMP/$c.ok")" "" \
	    "every option in the man section of $c is in 'help $c' (or global)"
	sort -u "$TMP/all.opts" "$TMP/$c.opts" >"$TMP/all2"
	mv "$TMP/all2" "$TMP/all.opts"
	# importer CMD --help prints the same as importer help CMD.
	$VALGRIND "$IMPORTER" "$c" --help >"$TMP/$c.help2" 2>&1
	if [ "$c" = help ]; then
		continue
	fi
	cmp -s "$TMP/$c.help" "$TMP/$c.help2"
	ok $? "importer $c --help = importer help $c"
done
man_opts ALL >"$TMP/man.all"
is "$(missing "$TMP/man.all" "$TMP/all.opts")" "" \
    "every option the man page names is in some --help"
is "$(missing "$TMP/service.opts" "$TMP/check.opts")" "" \
    "the Service options section is what check takes"

# Environment variables the code reads are documented.
for v in IMPORTER_DB IMPORTER_TOKEN IMPORTER_ENDPOINT IMPORTER_TOKEN_URL \
    IMPORTER_ISO_CODES_DIR TMPDIR https_proxy no_proxy; do
	grep -qE "^\.It Ev $v( |\$)|Ev $v( ,|\$| )" "$MAN"
	ok $? "ENVIRONMENT documents $v"
done
for code in 0 1 64 65 66 69 70 77; do
	sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$MAN" | grep -qx "\.It $code"
	ok $? "EXIT STATUS documents $code"
done

# It renders without warnings where groff is installed.
if command -v groff >/dev/null 2>&1; then
	w=$(groff -mdoc -ww -z "$MAN" 2>&1)
	is "$w" "" "groff -mdoc -ww: no warnings"
fi
done_testing
