#!/bin/sh
# t_encodings.sh: every charset, delimiter and line ending Excel saves CSV
# with. Fixtures are written as UTF-8 here and converted with iconv at test
# time; what reaches the database must be the same UTF-8 text every time.
# shellcheck disable=SC2059,SC1111
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
. "$TESTS_SRCDIR/lib.sh"

TAB=$(printf '\t')
G1=$(g 1) G2=$(g 2) G3=$(g 3)
ZH=北京云端科技有限公司
ZHCITY=北京

hexof() {	# the upper-case hex of a string's bytes, as sqlite's hex()
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F
}

# base D E: the sample in UTF-8, delimiter D, line end E (printf escapes).
base() {
	printf "Customer ID${1}Company Name${1}City${1}Country$2"
	printf "$G1${1}$ZH${1}$ZHCITY${1}CN$2"
	printf "$G2${1}Contoso${1}Redmond${1}US$2"
	printf "$G3${1}\"Fabrikam; Inc, \"\"Paris\"\"|x\"${1}Paris${1}FR$2"
}
FAB='Fabrikam; Inc, "Paris"|x'	# its quoted company name, read back

# staged NAME FILE ENCODING BOM DETECTED DELIM [STAGE-OPTIONS...]: stages
# FILE into its own database and checks the run and the stored values.
staged() {
	name=$1 file=$2 enc=$3 bom=$4 det=$5 delim=$6
	shift 6
	IMPORTER_DB="$TMP/$name.db"
	run --json stage "$@" "$file"
	jsnap
	is "$rc" 0 "$name: exit 0"
	[ "$rc" = 0 ] || printf '# stderr: %s\n' "$err"
	is "$(jv rows)/$(jv valid)/$(jv invalid)" 3/3/0 "$name: 3 rows, 3 valid"
	is "$(jv encoding)" "$enc" "$name: encoding $enc"
	is "$(jv bom)" "$bom" "$name: bom $bom"
	is "$(jv encoding_detected)" "$det" "$name: encoding_detected $det"
	is "$(jv delimiter)" "$delim" "$name: delimiter '$delim'"
	is "$(jv unknown_columns)" "[]" "$name: every header recognized (no BOM or NUL left in a name)"
	is "$(sql "select company_name from run_row where customer_id = '$G1'")" \
	    "$ZH" "$name: the Chinese company name is stored as UTF-8"
	is "$(sql "select hex(company_name) || '/' || hex(city) from run_row where customer_id = '$G1'")" \
	    "$(hexof "$ZH")/$(hexof "$ZHCITY")" "$name: stored bytes are exactly the UTF-8 bytes"
	is "$(sql "select count(*) from run_row where instr(company_name, char(13)) or instr(city, char(13)) or instr(country, char(13)) or instr(cast(company_name || city || country as blob), x'00')")" \
	    0 "$name: no CR or NUL left in any value"
	if [ "$(sql "select count(*) from run_row where customer_id = '$G3' and city = 'Paris'")" = 1 ]; then
		is "$(sql "select company_name || '|' || country from run_row where customer_id = '$G3'")" \
		    "$FAB|FR" "$name: a quoted field with delimiters and doubled quotes"
	fi
}

# --- UTF-8 ---------------------------------------------------------------------------
base , '\n' >"$TMP/utf8.csv"
staged utf8 "$TMP/utf8.csv" UTF-8 False False ,
is "$(sql "select group_concat(line) from (select line from run_row order by line)")" \
    "2,3,4" "utf8: line numbers 2, 3, 4"
IMPORTER_DB="$TMP/utf8.db"
run stage --force "$TMP/utf8.csv"
like "$out" 'UTF-8, delimiter .,. \(sniffed\)' "utf8: summary names UTF-8 and the sniffed delimiter"
unlike "$out" 'detected' "utf8: UTF-8 is not reported as detected"

{ printf '\357\273\277'; base , '\r\n'; } >"$TMP/utf8bom.csv"
staged utf8-bom "$TMP/utf8bom.csv" UTF-8 True False ,
run stage --force "$TMP/utf8bom.csv"
like "$out" 'UTF-8 with BOM' "utf8-bom: summary says 'with BOM'"
staged utf8-bom-named "$TMP/utf8bom.csv" UTF-8 True False , --force --encoding utf-8

# --- UTF-16 (Excel "Unicode text": tab-delimited, CRLF) ---------------------------------
{ printf '\377\376'; base '\t' '\r\n' | iconv -f UTF-8 -t UTF-16LE; } >"$TMP/utf16le.txt"
staged utf16le "$TMP/utf16le.txt" UTF-16LE True False "$TAB"
IMPORTER_DB="$TMP/utf16le.db"
run stage --force "$TMP/utf16le.txt"
like "$out" 'UTF-16LE with BOM, delimiter tab' "utf16le: summary says UTF-16LE with BOM, tab"
staged utf16le-named "$TMP/utf16le.txt" UTF-16LE True False "$TAB" --encoding UTF-16

{ printf '\376\377'; base '\t' '\r\n' | iconv -f UTF-8 -t UTF-16BE; } >"$TMP/utf16be.txt"
staged utf16be "$TMP/utf16be.txt" UTF-16BE True False "$TAB"

# UTF-16 with commas (a CSV saved by other programs) is read as well.
{ printf '\377\376'; base , '\r\n' | iconv -f UTF-8 -t UTF-16LE; } >"$TMP/utf16le-comma.csv"
staged utf16le-comma "$TMP/utf16le-comma.csv" UTF-16LE True False ,

# --- GB18030 (Excel on Chinese Windows) ------------------------------------------------
cat >"$TMP/zh.utf8" <<EOF2
Customer ID,公司名称,City,Address Line 1,Country,Culture
$G1,$ZH,$ZHCITY,海淀区中关村大街一号,CN,zh-CN
$G2,上海数据服务股份有限公司,上海,浦东新区世纪大道二百号,CN,zh-CN
$G3,深圳智能制造有限公司,深圳,南山区科技园南路八号,CN,zh-CN
EOF2
iconv -f UTF-8 -t GB18030 "$TMP/zh.utf8" >"$TMP/zh-gb18030.csv"
staged gb18030-named "$TMP/zh-gb18030.csv" GB18030 False False , --encoding GB18030
is "$(sql "select address_line1 from run_row where customer_id = '$G2'")" \
    "浦东新区世纪大道二百号" "gb18030-named: address stored as UTF-8"
staged gbk-named "$TMP/zh-gb18030.csv" GBK False False , --encoding GBK
staged gb18030-detected "$TMP/zh-gb18030.csv" GB18030 False True ,
is "$(sql "select company_name || '|' || culture from run_row where customer_id = '$G3'")" \
    "深圳智能制造有限公司|zh-CN" "gb18030-detected: values stored as UTF-8"
IMPORTER_DB="$TMP/gb18030-detected.db"
run stage --force "$TMP/zh-gb18030.csv"
like "$out" 'GB18030 \(detected\)' "gb18030-detected: the summary says '(detected)'"

# --- Shift_JIS / CP932 (Japanese Windows) -----------------------------------------------
# CP932 is Shift_JIS with Microsoft's extensions (髙, ①, ～ as U+FF5E).
JA=髙橋テクノロジー株式会社①
cat >"$TMP/ja-cp932.utf8" <<EOF2
Customer ID,会社名,City,Address Line 1,Country,Culture
$G2,日本データサービス株式会社,大阪府,北区梅田三丁目,JP,ja-JP
$G3,株式会社サンプル商事,東京都,千代田区丸の内一丁目,JP,ja-JP
$G1,$JA,神奈川県,西区みなとみらい二丁目～,JP,ja-JP
EOF2
iconv -f UTF-8 -t CP932 "$TMP/ja-cp932.utf8" >"$TMP/ja-cp932.csv"
JS=横浜テクノロジー株式会社
sed "s/$JA/$JS/; s/～//" "$TMP/ja-cp932.utf8" |
    iconv -f UTF-8 -t SHIFT_JIS >"$TMP/ja-sjis.csv"

jcheck() {	# jcheck NAME FILE ENC DETECTED COMPANY [OPTIONS...]
	name=$1 file=$2 enc=$3 det=$4 want=$5
	shift 5
	IMPORTER_DB="$TMP/$name.db"
	run --json stage "$@" "$file"
	jsnap
	is "$rc" 0 "$name: exit 0"
	[ "$rc" = 0 ] || printf '# stderr: %s\n' "$err"
	is "$(jv rows)/$(jv valid)" 3/3 "$name: 3 rows, 3 valid"
	like "$(jv encoding)" "$enc" "$name: encoding $enc"
	is "$(jv encoding_detected)" "$det" "$name: encoding_detected $det"
	is "$(jv unknown_columns)" "[]" "$name: the header 会社名 is recognized"
	is "$(sql "select company_name from run_row where customer_id = '$G1'")" \
	    "$want" "$name: company name stored as UTF-8"
	is "$(sql "select city || '|' || address_line1 from run_row where customer_id = '$G2'")" \
	    "大阪府|北区梅田三丁目" "$name: city and address stored as UTF-8"
}
# --encoding SHIFT_JIS is read as Windows' superset CP932 (what Excel saves)
jcheck sjis-named "$TMP/ja-sjis.csv" CP932 False "$JS" --encoding SHIFT_JIS
jcheck cp932-named "$TMP/ja-cp932.csv" CP932 False "$JA" --encoding CP932
jcheck cp932-detected "$TMP/ja-cp932.csv" CP932 True "$JA"
IMPORTER_DB="$TMP/cp932-detected.db"
run stage --force "$TMP/ja-cp932.csv"
like "$out" '\(detected\)' "cp932-detected: the summary says '(detected)'"
is "$(sql "select address_line1 from run_row where customer_id = '$G1' and run = 1")" \
    "西区みなとみらい二丁目～" "cp932-detected: ～ (0x8160) read back as CP932's fullwidth tilde"
jcheck sjis-detected "$TMP/ja-sjis.csv" CP932 True "$JS"
# What Excel on Japanese Windows calls Shift_JIS is CP932: --encoding
# SHIFT_JIS (which the refusal message suggests) must read its 髙 and ①.
IMPORTER_DB="$TMP/sjis-named-excel.db"
run stage --encoding SHIFT_JIS "$TMP/ja-cp932.csv"
is "$rc" 0 "sjis-named-excel: --encoding SHIFT_JIS reads Excel's Shift_JIS file with 髙 and ①: exit 0"
is "$(sql "select company_name from run_row where customer_id = '$G1'" 2>/dev/null)" "$JA" \
    "sjis-named-excel: 髙橋テクノロジー株式会社① stored as UTF-8"

# --- Windows-1252 ----------------------------------------------------------------------
W2=11111111-2222-4333-8444-000000000002
{
	printf 'Customer ID,Company Name,City,Country\n'
	printf '%s,Contoso,Redmond,US\n' "$G1"
	printf '%s,Café Müller GmbH,Köln,DE\n' "$G2"
	printf '%s,Société Générale – “Test” €,Paris,FR\n' "$G3"
} | iconv -f UTF-8 -t WINDOWS-1252 >"$TMP/cp1252.csv"
IMPORTER_DB="$TMP/cp1252.db"
run --json stage --encoding WINDOWS-1252 "$TMP/cp1252.csv"
jsnap
is "$rc" 0 "windows-1252 named: exit 0"
is "$(jv rows)/$(jv valid)" 3/3 "windows-1252 named: 3 rows, 3 valid"
like "$(jv encoding)" '^(WINDOWS-1252|CP1252)$' "windows-1252 named: encoding"
is "$(sql "select company_name || '|' || city from run_row where customer_id = '$W2'")" \
    "Café Müller GmbH|Köln" "windows-1252 named: accents stored as UTF-8"
is "$(sql "select company_name from run_row where customer_id = '$G3'")" \
    "Société Générale – “Test” €" "windows-1252 named: en dash, curly quotes, euro (0x80-0x9f) stored as UTF-8"
IMPORTER_DB="$TMP/cp1252-lower.db"
run stage --encoding cp1252 "$TMP/cp1252.csv"
is "$rc" 0 "windows-1252 as 'cp1252': exit 0"

IMPORTER_DB="$TMP/cp1252-refused.db"
run stage "$TMP/cp1252.csv"
is "$rc" 65 "windows-1252 without --encoding: refused, exit 65"
like "$err" 'cp1252\.csv:3:' "windows-1252 refused: names line 3, where the first bad byte is"
like "$err" 'offset [0-9]+' "windows-1252 refused: names the offset"
like "$err" -- '--encoding' "windows-1252 refused: suggests --encoding"
is "$out" "" "windows-1252 refused: nothing on stdout"
is "$( [ -f "$IMPORTER_DB" ] && sql 'select count(*) from run' 2>/dev/null)" "$( [ -f "$IMPORTER_DB" ] && echo 0)" \
    "windows-1252 refused: no run staged"

# --- delimiters -----------------------------------------------------------------------
sniffed() {	# sniffed NAME DELIM: ';' '|' or tab found without being told
	{
		printf 'Customer ID%sCompany Name%sCity%sCountry\n' "$2" "$2" "$2"
		printf '%s%sContoso, Ltd.%sRedmond, WA%sUS\n' "$G1" "$2" "$2" "$2"
		printf '%s%sFabrikam%sParis%sFR\n' "$G2" "$2" "$2" "$2"
		printf '%s%s"A;B|C, D"%sRome%sIT\n' "$G3" "$2" "$2" "$2"
	} >"$TMP/$1.csv"
	IMPORTER_DB="$TMP/$1.db"
	run --json stage "$TMP/$1.csv"
	jsnap
	is "$rc" 0 "$1: exit 0"
	is "$(jv delimiter)" "$2" "$1: delimiter '$2' sniffed"
	is "$(jv rows)/$(jv valid)" 3/3 "$1: 3 rows, 3 valid"
	is "$(sql "select company_name || '|' || city from run_row where customer_id = '$G1'")" \
	    "Contoso, Ltd.|Redmond, WA" "$1: commas inside unquoted fields are data"
	is "$(sql "select company_name from run_row where customer_id = '$G3'")" \
	    "A;B|C, D" "$1: delimiters inside a quoted field are data"
}
sniffed semicolon ';'
IMPORTER_DB="$TMP/semicolon.db"
run stage --force "$TMP/semicolon.csv"
like "$out" "delimiter ';' \\(sniffed\\)" "semicolon: the summary says the delimiter was sniffed"
sniffed pipe '|'
sniffed tab "$TAB"

# --delimiter: the header alone reads either way; only ';' is right.
{
	echo 'Customer ID;Company Name, Legal;City, Region'
	echo "$G1;Contoso, Ltd.;Redmond, WA"
	echo "$G2;Fabrikam, Inc.;Paris, IDF"
} >"$TMP/override.csv"
for d in ';' semicolon; do
	IMPORTER_DB="$TMP/override-$d.db"
	run --json stage --delimiter "$d" "$TMP/override.csv"
	jsnap
	is "$rc" 0 "--delimiter $d: exit 0"
	is "$(jv delimiter)" ';' "--delimiter $d: delimiter ';'"
	is "$(jv rows)/$(jv valid)" 2/2 "--delimiter $d: 2 rows, 2 valid"
	is "$(jv unknown_columns)" '["Company Name, Legal", "City, Region"]' \
	    "--delimiter $d: the header split on ';' only"
done
IMPORTER_DB="$TMP/override-summary.db"
run stage --delimiter ';' "$TMP/override.csv"
unlike "$out" 'sniffed' "--delimiter: the summary does not say sniffed"
for d in tab '|' pipe; do
	case $d in tab) c=$TAB ;; *) c='|' ;; esac
	base "$c" '\n' >"$TMP/given-$d.csv"
	staged "delimiter-$d" "$TMP/given-$d.csv" UTF-8 False False "$c" --delimiter "$d"
done

# Excel's "sep=" first line.
{ printf 'sep=;\r\n'; base ';' '\r\n'; } >"$TMP/sep.csv"
staged sep-line "$TMP/sep.csv" UTF-8 False False ';'
is "$(sql "select group_concat(line) from (select line from run_row order by line)")" \
    "2,3,4" "sep-line: rows 2, 3, 4 (the sep= line is no row: Excel hides it, the header is row 1)"
{ printf 'sep=|\n'; base '|' '\n'; } >"$TMP/sep-pipe.csv"
staged sep-pipe "$TMP/sep-pipe.csv" UTF-8 False False '|'
{ printf '\357\273\277sep=;\r\n'; base ';' '\r\n'; } >"$TMP/sep-bom.csv"
staged sep-bom "$TMP/sep-bom.csv" UTF-8 True False ';'
{ printf 'sep=;\r\n'; printf 'Customer ID;Company Name\r\nnot-a-guid;X\r\n'; } >"$TMP/sep-bad.csv"
IMPORTER_DB="$TMP/sep-bad.db"
run stage "$TMP/sep-bad.csv"
like "$err" "sep-bad\\.csv: row 2: column Customer ID: 'not-a-guid': guid" \
    "sep-line: a problem names the row Excel shows (2), not the physical line (3)"

# --- line endings -----------------------------------------------------------------------
base , '\r\n' >"$TMP/crlf.csv"
staged crlf "$TMP/crlf.csv" UTF-8 False False ,
is "$(sql "select group_concat(line) from (select line from run_row order by line)")" \
    "2,3,4" "crlf: line numbers 2, 3, 4"
base , '\r' >"$TMP/cr.csv"
staged cr-only "$TMP/cr.csv" UTF-8 False False ,
is "$(sql "select group_concat(line) from (select line from run_row order by line)")" \
    "2,3,4" "cr-only: line numbers 2, 3, 4"
base , '\n' | head -c -1 >"$TMP/noeol.csv"
staged no-final-newline "$TMP/noeol.csv" UTF-8 False False ,
{ printf 'Customer ID,Company Name\r\n'; printf '%s,A\n' "$G1"; printf '%s,B\r' "$G2";
  printf 'bad,C\r\n'; } >"$TMP/mixed.csv"
IMPORTER_DB="$TMP/mixed.db"
run --json stage "$TMP/mixed.csv"
jsnap
is "$(jv rows)" 3 "mixed line endings: 3 rows"
like "$err" "mixed\\.csv: row 4(, customer [^:]*)?: column Customer ID: 'bad': guid" "mixed line endings: line 4 named"
for eol in lf crlf cr; do
	case $eol in lf) E='\n' ;; crlf) E='\r\n' ;; cr) E='\r' ;; esac
	{
		printf "Customer ID,Company Name,Address Line 1$E"
		printf "$G1,Contoso,One Way$E"
		printf "bad-guid,Fabrikam,Main St$E"
		printf "$G3,Northwind,Elm$E"
	} >"$TMP/eol-$eol.csv"
	IMPORTER_DB="$TMP/eol-$eol.db"
	run stage "$TMP/eol-$eol.csv"
	like "$err" "eol-$eol\\.csv: row 3(, customer [^:]*)?: column Customer ID: 'bad-guid': guid" \
	    "$eol: the bad row is named as line 3"
	is "$(sql "select address_line1 from run_row where customer_id = '$G3'")" Elm \
	    "$eol: the last column holds no line-end character"
done

# --- chunk boundaries ---------------------------------------------------------------------
# The reader takes 256 KiB at a time: a character, a surrogate pair or a
# CRLF split by that boundary must come out whole, and line numbers right.
python3 - "$TMP" <<'PYEOF'
import sys
d, CH = sys.argv[1], 262144
def write(name, enc, bom, eol, body, ok):
    hdr = "Customer ID,Company Name,Notes" + eol
    rows = "".join("11111111-2222-4333-8444-%012d,%s,n%d" % (i, body % i, i) + eol
                   for i in range(1, 6000))
    for pad in range(0, 600):
        data = bom + (hdr + "11111111-2222-4333-8444-%012d,PAD,%s" % (0, "x" * pad)
                      + eol + rows).encode(enc)
        if ok(data):
            open(d + "/" + name, "wb").write(data)
            return
    raise SystemExit("no padding found for " + name)
write("chunk-utf8.csv", "utf-8", b"", "\n", "北京云端科技%d",
      lambda b: 0xe0 <= b[CH - 1] <= 0xef)
write("chunk-crlf.csv", "utf-8", b"", "\r\n", "Contoso%d",
      lambda b: b[CH - 1:CH + 1] == b"\r\n")
write("chunk-utf16.csv", "utf-16le", b"\xff\xfe", "\r\n", "Emoji\U0001F600Co%d",
      lambda b: 0xd8 <= b[CH - 1] <= 0xdb)
write("chunk-gb18030.csv", "gb18030", b"", "\n", "北京云端科技%d",
      lambda b: b[CH - 1] >= 0x81 and b[CH - 2] < 0x80)
PYEOF
for c in utf8:北京云端科技 crlf:Contoso utf16:Emoji😀Co gb18030:北京云端科技; do
	name=${c%%:*} prefix=${c#*:}
	IMPORTER_DB="$TMP/chunk-$name.db"
	opt=
	[ "$name" = gb18030 ] && opt="--encoding GB18030"
	# shellcheck disable=SC2086
	run stage $opt "$TMP/chunk-$name.csv"
	is "$rc" 0 "chunk $name: exit 0"
	is "$(sql "select count(*) || '|' || max(line) from run_row")" "6000|6001" \
	    "chunk $name: 6000 rows, the last on line 6001"
	is "$(sql "select count(*) from run_row where company_name = '$prefix' || (line - 2)")" \
	    5999 "chunk $name: every value whole across the boundary"
	is "$(sql "select count(*) from run_row where state != 'pending'")" 0 \
	    "chunk $name: every row valid"
done

# A guessed encoding that fails further on (issue 13, item 9): the first
# 200 KiB read as EUC-JP, then bytes EUC-JP has no character for (GBK's).
python3 -c 'import sys
rows = ["customer_id,company_name,city"]
for i in range(3000):
    rows.append("11111111-0000-4000-8000-%012d,株式会社さくら商事%d,東京都千代田区" % (i, i))
sys.stdout.buffer.write(("\n".join(rows) + "\n").encode("euc_jp") +
    b"11111111-0000-4000-8000-999999999999,\xb0\x40\xb0\x41,x\n")' >"$TMP/guess.csv"
IMPORTER_DB=$TMP/guess.db run stage "$TMP/guess.csv"
is "$rc" 65 "a guess that fails on line 3002: exit 65, nothing staged"
like "$err" "guess.csv:3002: .*not valid EUC-JP \\(the encoding was a guess" \
    "... saying the encoding was a guess"
like "$err" "--encoding: GB18030 \\(Chinese\\), CP932 \\(Japanese\\)" \
    "... and which encodings to name"

# A '?' in a file saved in a legacy encoding stands for a character the
# encoding could not hold (issue 13, item 1): held, never sent; in UTF-8 it
# is a question mark.
printf 'customer_id,first_name,city\r\n11111111-0000-4000-8000-000000000001,J\374rgen,M\374nchen\r\n11111111-0000-4000-8000-000000000002,J?rgen,Berlin\r\n' >"$TMP/lost.csv"
IMPORTER_DB=$TMP/lost.db run stage --encoding WINDOWS-1252 "$TMP/lost.csv"
is "$rc" 1 "WINDOWS-1252 with 'J?rgen': exit 1"
is "$(sqlite3 "$TMP/lost.db" "select r.line || ' ' || p.rule || ' ' || p.col from row_problem p join run_row r on r.id = p.row")" \
    "3 lost-character first_name" "... the '?' row is held (lost-character), the other is valid"
like "$err" "save the workbook as CSV UTF-8" "... saying to save as UTF-8"
printf 'customer_id,first_name\n11111111-0000-4000-8000-000000000002,Who?\n' >"$TMP/q.csv"
IMPORTER_DB=$TMP/q.db run stage "$TMP/q.csv"
is "$rc" 0 "a '?' in a UTF-8 file is a question mark: valid"

done_testing
