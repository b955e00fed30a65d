#!/bin/sh
# Builds the libFuzzer harnesses (tests/fuzz/fuzz_*.c) into a build folder
# (default tests/fuzz/build): the product's modules, all of importer/*.c
# but main.c and cmd_*.c, compiled with clang's fuzzer-no-link, ASan and
# UBSan, linked with libFuzzer's own main. Not automake: libFuzzer needs
# clang, and its main cannot go into the product's build.
#
# config.h: the sources need only _GNU_SOURCE (from AC_USE_SYSTEM_EXTENSIONS),
# PACKAGE_VERSION and ISO_CODES_DIR, so a minimal one is written into the
# build folder (no ./configure needed; iso-codes found as configure finds it).
#
# usage: sh tests/fuzz/build.sh [BUILD_DIR]    env: FUZZ_CC (clang-14)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
cc=${FUZZ_CC:-clang-14}
pkgs="sqlite3 libcurl xlsxwriter jansson inih libutf8proc uchardet libcrypto
libmicrohttpd libzip expat"

command -v "$cc" > /dev/null 2>&1 || {
	echo "build.sh: $cc not found (apt-get install clang-14" \
	    "libclang-rt-14-dev)" >&2
	exit 1
}
mkdir -p "$out/obj"
out=$(cd "$out" && pwd)

iso=$(pkg-config --variable=prefix iso-codes 2> /dev/null ||
    echo /usr)/share/iso-codes/json
version=$(sed -n 's/^AC_INIT(\[importer\], \[\([^]]*\)\].*/\1/p' \
    "$top/configure.ac")
cat > "$out/config.h.new" << CONFIG
/* config.h for the fuzz harnesses, written by tests/fuzz/build.sh. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#define PACKAGE_VERSION "$version-fuzz"
#define ISO_CODES_DIR "$iso"
CONFIG
if cmp -s "$out/config.h.new" "$out/config.h"; then
	rm -f "$out/config.h.new"
else
	mv "$out/config.h.new" "$out/config.h"
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san -I$out -I$top/include
$(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lcsv -lm -lpthread"

# Objects: rebuilt when the source or a header is newer.
objs=
for src in "$top"/importer/*.c; do
	name=$(basename "$src" .c)
	case $name in
	main | cmd_*) continue ;;
	esac
	obj=$out/obj/$name.o
	objs="$objs $obj"
	if [ -f "$obj" ] && [ -z "$(find "$src" "$top/include" \
	    "$top/importer" "$out/config.h" -newer "$obj" \
	    \( -name '*.h' -o -path "$src" \) 2> /dev/null | head -n 1)" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	"$cc" $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
done

for src in "$here"/fuzz_*.c; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2086
	"$cc" $cflags -fsanitize=fuzzer -o "$out/$name" "$src" $objs $libs
	echo "built $out/$name"
done
