#!/bin/sh
# Installs every Debian package that building, testing and benchmarking
# importer needs (LibreOffice Calc, headless: tests/t_calc.sh saves and
# opens CSV files as a person's spreadsheet does). Run as root or with sudo
# available.
set -eu
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake pkg-config \
	libcsv-dev libsqlite3-dev libcurl4-openssl-dev libxlsxwriter-dev \
	libjansson-dev libinih-dev libmicrohttpd-dev libutf8proc-dev \
	libuchardet-dev libssl-dev libzip-dev zlib1g-dev libexpat1-dev iso-codes \
	sqlite3 python3 python3-openpyxl curl unzip ca-certificates valgrind \
	clang-14 libclang-rt-14-dev \
	libreoffice-calc-nogui
