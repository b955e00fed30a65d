#!/bin/sh
# t_security.sh: the security checks of issue 6.
#  - the database is created 0600 (whatever the umask); one other users can
#    write is refused (exit 77); one they can read is tightened to 0600;
#  - hostile content (quotes, ';', NUL, a 100 KB field, SQL text, formula
#    prefixes, control characters, and invalid UTF-8 in a WINDOWS-1252 file)
#    is staged verbatim, sent verbatim, and written to the XLSX (every such
#    cell a string, no formula anywhere) and the fix-up CSV (which stages
#    again to the same values); no table is harmed; no raw control character
#    reaches the terminal;
#  - the token appears in no file the tool wrote (database, WAL, logs, -v
#    output, XLSX contents, fix-up CSV) nor in an error message;
#  - TLS: a self-signed server is refused (exit 69, the certificate named)
#    unless --cacert names it; plain http to another machine is refused
#    (exit 64) unless --allow-http;
#  - limits: a 2 GiB single-line file, a 100,000-column header and a 1 GiB
#    reply each end in a clear error, in bounded time and memory.
# Assertions marked TODO are known product bugs (see the message); they
# turn into unexpected passes (a failure) once fixed: drop the TODO then.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$(dirname "$0")" && pwd)}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require curl python3 sqlite3 openssl unzip timeout
require_openpyxl

token_set security
RSS_MAX_KB=${RSS_MAX_KB:-$(rss_bound 102400)}

todo() {	# todo STATUS DESCRIPTION BUG: a known bug, not a failure
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2 # TODO $3"
	else
		echo "not ok $tap_n - $2 # TODO $3"
	fi
}

# measure CMD...: runs CMD with $TMP/rss its peak RSS (KiB) and $secs its
# wall time; sets $rc, $out, $err like run. Never under valgrind: it
# measures memory and time.
measure() {
	t0=$(date +%s)
	peak_rss "$TMP/rss" timeout 300 "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	secs=$(($(date +%s) - t0))
	out=$(cat "$TMP/out")
	err=$(head -c 4000 "$TMP/err")
	rss=$(tail -n 1 "$TMP/rss" | tr -dc 0-9)
	[ -n "$rss" ] || rss=999999999
}

# --- the database file --------------------------------------------------------
printf 'customer_id,email\n%s,a@contoso.example\n' "$(g 1)" >"$TMP/one.csv"
(umask 000 && $VALGRIND "$IMPORTER" -q stage "$TMP/one.csv" >/dev/null 2>&1)
is "$(stat -c %a "$IMPORTER_DB")" 600 "stage creates the database 0600, even with umask 000"
chmod 666 "$IMPORTER_DB"
run history
is "$rc" 77 "a database other users can write is refused: exit 77"
like "$err" "other users can write" "... and says why"
chmod 620 "$IMPORTER_DB"
run history
is "$rc" 77 "a database its group can write is refused: exit 77"
chmod 644 "$IMPORTER_DB"
run history
is "$rc" 0 "a database others can read is used"
is "$(stat -c %a "$IMPORTER_DB")" 600 "... and tightened to 0600"
db_remove

# --- hostile content ------------------------------------------------------------
# hostile.csv (UTF-8) and hostile.json (what each cell holds, for python);
# rows 1-4 valid (they reach the service), rows 5-10 invalid (they reach
# the fix-up CSV). Every hostile string is in a column the report shows.
cat >"$TMP/mk.py" <<'PY'
import json, sys
d = sys.argv[1]
g = lambda n: "11111111-2222-4333-8444-%012d" % n
big = "Big" + "x" * 100000
rows = [
  # valid: quotes and ';', SQL, formulas, more formulas
  [g(1), 'Contoso "The Best"; Ltd', "a1@contoso.example", '1 Way; "Suite" 2', "Redmond", "US", 'quote;semi "x";'],
  [g(2), "'); DROP TABLE run; --", "a2@contoso.example", "1 Way", "Redmond", "US", "Robert'); DROP TABLE run_row;--"],
  [g(3), "=cmd|' /C calc'!A0", "a3@contoso.example", "+1", "-1", "US", "@SUM(A1:A2)"],
  [g(4), '=HYPERLINK("http://evil.example","x")', "a4@contoso.example", "-2+3", "+Redmond", "US", "=1+1"],
  # invalid: NUL, a 100 KB field, control characters, formulas, SQL
  [g(5), "Nul\0Co", "a5@contoso.example", "1 Way", "Redmond", "US", "n\0ul"],
  [g(6), "Big Co", "a6@contoso.example", big, "Redmond", "US", big],
  [g(7), "Ctl\x01\x1b[31mRed\x7f", "a7@contoso.example", "1 Way\x07", "Red\tmond", "US", "\x08\x0c\x1b]0;title\x07"],
  [g(8), "@SUM(1+1)", "=cmd|' /C calc'!A0", "+1 Way", "-1", "US", "=2+3"],
  [g(9), "'; DELETE FROM outcome; --", "x'); DROP TABLE run;--", "1 Way", "Redmond", "US", "1; DROP TABLE account"],
  [g(10), "Tab\tCo", "not-an-email", "1 Way", "=A1", "US", "-cmd"],
]
def q(s): return '"' + s.replace('"', '""') + '"'
with open(d + "/hostile.csv", "w", newline="", encoding="utf-8") as f:
    f.write("customer_id,company_name,email,address_line1,city,country,Notes\r\n")
    for r in rows:
        f.write(",".join(q(c) for c in r) + "\r\n")
json.dump(rows, open(d + "/hostile.json", "w"))
with open(d + "/accounts.csv", "w", encoding="utf-8") as f:
    f.write("customer_id,company_name,first_name,last_name,email,address_line1,city,state,postal_code,country,culture,language\n")
    for n in range(1, 11):
        f.write("%s,Old %d,Ann,Lee,old%d@contoso.example,9 Old Road,Seattle,WA,98052,US,en-US,en\n" % (g(n), n, n))
# WINDOWS-1252 with bytes that are not UTF-8 (row 2 invalid: to the fix-up)
w = [b"customer_id,company_name,email,city,country\r\n",
     g(11).encode() + b",Caf\xe9 \xc3\x28 \xff \x80 \x93q\x94,a11@contoso.example,M\xfcnchen,DE\r\n",
     g(12).encode() + b",Caf\xe9 \xc3\x28 \xff \x80 \x93q\x94,b\xe9@x,M\xfcnchen,DE\r\n"]
open(d + "/cp1252.csv", "wb").write(b"".join(w))
PY
python3 "$TMP/mk.py" "$TMP"

run stage "$TMP/hostile.csv"
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "hostile file staged (exit $rc)"
R=$(sql "select max(id) from run")
is "$(sql "select n_rows || ' ' || n_valid || ' ' || n_invalid from run where id = $R")" "10 4 6" \
    "10 rows: 4 valid, 6 invalid"
is "$(sql "select count(*) from sqlite_master where type = 'table' and name in
    ('run', 'run_row', 'row_problem', 'account', 'plan_change', 'outcome', 'conflict')")" 7 \
    "every table is still there"
cat >"$TMP/stored.py" <<'PY'
import json, sqlite3, sys
rows = json.load(open(sys.argv[2]))
c = sqlite3.connect(sys.argv[1])
bad = 0
for r in rows[:4]:
    got = c.execute("select company_name, email, address_line1, city, country"
                    " from run_row where customer_id = ? and run = ?",
                    (r[0], int(sys.argv[3]))).fetchone()
    if list(got) != r[1:6]:
        bad += 1
        print("# stored %r, want %r" % (got, r[1:6]))
print(bad)
PY
is "$(python3 "$TMP/stored.py" "$IMPORTER_DB" "$TMP/hostile.json" "$R" | tail -n 1)" 0 \
    "valid hostile values stored verbatim"
cat "$TMP/err" >"$TMP/term-stage"

sandbox_start sb --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"

$VALGRIND "$IMPORTER" -v -v check "$R" --endpoint "$BASE" >"$TMP/check.out" 2>"$TMP/check.err"
rc=$?
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "check -v -v against the sandbox (exit $rc)"
$VALGRIND "$IMPORTER" -v -v plan "$R" >"$TMP/plan.out" 2>"$TMP/plan.err"
$VALGRIND "$IMPORTER" -v -v submit "$R" --yes --allow-flagged --endpoint "$BASE" \
    >"$TMP/submit.out" 2>"$TMP/submit.err"
rc=$?
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "submit -v -v (exit $rc)"
is "$(sql "select count(*) from outcome where run = $R and state = 'applied'")" 4 \
    "the 4 valid hostile rows are applied"
sql "select row, state, message from outcome where run = $R and state <> 'applied'" | sed 's/^/# /'  | head -5
admin GET /_admin/accounts >"$TMP/after.json"
is "$(python3 -c 'import json, sys
rows = json.load(open(sys.argv[2]))
acc = {a["customerId"]: a["profile"] for a in json.load(open(sys.argv[1]))}
bad = 0
for r in rows[:4]:
    p = acc[r[0]]
    got = [p.get("companyName"), p.get("email"), p["defaultAddress"].get("addressLine1"), p["defaultAddress"].get("city")]
    if got != r[1:5]:
        bad += 1
        print("# sandbox %r, want %r" % (got, r[1:5]))
print(bad)' "$TMP/after.json" "$TMP/hostile.json" | tail -n 1)" 0 \
    "the service received the hostile values verbatim"

mkdir -p "$TMP/reports"
run report "$R" -o "$TMP/reports/hostile.xlsx" --errors-csv "$TMP/reports/hostile-fixup.csv"
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "report (exit $rc)"
cat "$TMP/out" "$TMP/err" >"$TMP/report.log"
cat >"$TMP/xlsx.py" <<'PY'
import json, re, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = json.load(open(sys.argv[2]))
# The hostile values the report shows: every field of the valid rows (in
# Changes), the company and the unknown column of every row.
marks = set()
for i, r in enumerate(rows):
    for c in ([1, 2, 3, 4, 6] if i < 4 else [1, 6]):
        marks.add(r[c])
def key(m):	# NUL cannot be in XML, long cells are cut at 32,767
    k = m.split("\0")[0]
    return k[:1000] if len(m) > 32767 else k
def decoded(v):	# openpyxl leaves XML's _xHHHH_ escapes in place
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda g: chr(int(g.group(1), 16)), v)
formulas = nonstring = 0
seen = set()
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f":
                formulas += 1
                print("# %s!%s is a formula: %r" % (ws.title, c.coordinate, c.value))
            if c.value is None:
                continue
            v = decoded(c.value) if isinstance(c.value, str) else str(c.value)
            for m in marks:
                k = key(m)
                if v == m or (k != m and v.startswith(k)):
                    seen.add(m)
                    if c.data_type != "s":
                        nonstring += 1
                        print("# %s!%s %r is %s" % (ws.title, c.coordinate, c.value, c.data_type))
missing = [m for m in marks if m not in seen and len(key(m)) >= 3]
for m in missing[:5]:
    print("# not in the workbook: %r" % m[:80])
print("formulas=%d nonstring=%d missing=%d sheets=%d" % (formulas, nonstring, len(missing), len(wb.worksheets)))
PY
v=$("$PY" "$TMP/xlsx.py" "$TMP/reports/hostile.xlsx" "$TMP/hostile.json" 2>&1)
printf '%s\n' "$v" | grep '^#'
v=$(printf '%s\n' "$v" | tail -n 1)
like "$v" "^formulas=0 .* sheets=[1-9]" "the XLSX opens (openpyxl) and no cell is a formula"
like "$v" " nonstring=0 " "every hostile cell is a string (data_type 's')"
like "$v" " missing=0 " "every hostile value is in the workbook"
is "$(unzip -p "$TMP/reports/hostile.xlsx" 'xl/worksheets/*.xml' | grep -c '<f[ >]')" 0 \
    "no <f> element in any worksheet's XML"
unzip -tq "$TMP/reports/hostile.xlsx" >/dev/null 2>&1
is "$?" 0 "the XLSX is a sound ZIP"

cat >"$TMP/fixup.py" <<'PY'
import csv, json, sys
rows = {r[0]: r for r in json.load(open(sys.argv[2]))}
f = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
hdr, body = f[0], f[1:]
bad = guarded = 0
for r in body:
    want = rows[r[0]]
    for i, (got, w) in enumerate(zip(r[:7], want)):
        if w[:1] in "=+-@" and w:
            if got != "'" + w:
                bad += 1
                print("# %s col %d: %r, want the guarded %r" % (r[0], i, got[:60], "'" + w[:60]))
            else:
                guarded += 1
        elif got != w:
            bad += 1
            print("# %s col %d: %r, want %r" % (r[0], i, got[:60], w[:60]))
print("header=%s rows=%d bad=%d guarded=%d" % ("|".join(hdr), len(body), bad, guarded))
PY
v=$(python3 "$TMP/fixup.py" "$TMP/reports/hostile-fixup.csv" "$TMP/hostile.json" 2>&1)
printf '%s\n' "$v" | grep '^#'
v=$(printf '%s\n' "$v" | tail -n 1)
like "$v" "^header=customer_id\|company_name\|email\|address_line1\|city\|country\|Notes\|error rows=6 " \
    "the fix-up CSV: the input's columns plus 'error', the 6 invalid rows"
like "$v" " bad=0 " "every cell as it came in (NUL, 100 KB, control characters included)"
like "$v" " guarded=([1-9][0-9]*)$" "formula-like cells carry the apostrophe guard"
run stage "$TMP/reports/hostile-fixup.csv"
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "the fix-up CSV stages again (exit $rc)"
R2=$(sql "select max(id) from run")
is "$(sql "select count(*) from run_row a join run_row b on a.customer_id = b.customer_id
    where a.run = $R and b.run = $R2 and a.state = b.state
    and a.company_name is b.company_name and a.email is b.email
    and a.address_line1 is b.address_line1 and a.city is b.city
    and a.country is b.country")" 6 \
    "... to the same values (guard removed)"
n=$(sql "select count(*) from run_row a join run_row b on a.customer_id = b.customer_id
    where a.run = $R and b.run = $R2 and a.extra is b.extra")
# 2026-11-25: the guard stayed on unknown columns after the round trip.
is "$n" 6 "... and the same unknown columns"
is "$(sql "select count(*) from sqlite_master where type = 'table' and name in
    ('run', 'run_row', 'row_problem', 'account', 'plan_change', 'outcome', 'conflict')")" 7 \
    "every table is still there after all that"

# Invalid UTF-8: refused without --encoding, staged with it.
run stage "$TMP/cp1252.csv"
is "$rc" 65 "a WINDOWS-1252 file without --encoding: exit 65"
like "$err" "line 2|:2[:,]" "... naming the line"
cat "$TMP/err" >>"$TMP/term-stage"
run stage "$TMP/cp1252.csv" --encoding WINDOWS-1252
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "... staged with --encoding WINDOWS-1252 (exit $rc)"
cat "$TMP/err" >>"$TMP/term-stage"
R3=$(sql "select max(id) from run")
is "$(sql "select company_name || '|' || city from run_row where run = $R3 and customer_id = '$(g 11)'")" \
    "Café Ã( ÿ € “q”|München" "... stored as UTF-8"
run report "$R3" -o "$TMP/reports/cp.xlsx" --errors-csv "$TMP/reports/cp-fixup.csv"
ok $([ "$rc" -le 1 ] && echo 0 || echo 1) "report of the WINDOWS-1252 run (exit $rc)"
cat "$TMP/out" "$TMP/err" >>"$TMP/report.log"
LC_ALL=C grep -aqF "$(printf '%s,Caf\351 \303( \377 \200 \223q\224,b\351@x,M\374nchen,DE' "$(g 12)")" \
    "$TMP/reports/cp-fixup.csv"
is "$?" 0 "the fix-up CSV gives the invalid row back in its own bytes (WINDOWS-1252)"
is "$("$PY" -c 'import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1])
print(sum(1 for ws in wb.worksheets for r in ws.iter_rows() for c in r
          if isinstance(c.value, str) and c.value.startswith("Café Ã(") and c.data_type == "s") > 0)' \
    "$TMP/reports/cp.xlsx" 2>&1)" True "the XLSX holds the converted text as strings"

# Nothing written to the terminal carries a raw control character (ESC,
# BEL, NUL, backspace): messages escape them.
cat "$TMP/term-stage" "$TMP/check.out" "$TMP/check.err" "$TMP/plan.out" \
    "$TMP/plan.err" "$TMP/submit.out" "$TMP/submit.err" "$TMP/report.log" >"$TMP/term"
is "$(tr -d '\n\t' <"$TMP/term" | tr -d '\040-\176\200-\377' | wc -c)" 0 \
    "no raw control character in any output (stage, check, plan, submit, report)"

# --- the token ------------------------------------------------------------------
$VALGRIND "$IMPORTER" -q stage "$TMP/one.csv" >/dev/null 2>&1
IMPORTER_TOKEN="$TOKEN-wrong" run -v check --endpoint "$BASE"
is "$rc" 77 "a refused token: exit 77"
unlike "$out$err" "$TOKEN" "... and the token is not in the message"
cat "$TMP/out" "$TMP/err" >"$TMP/refused.log"
sandbox_stop
n=0
for f in "$TMP"/reports/*.xlsx; do
	unzip -p "$f" | grep -aqF -- "$TOKEN" && n=$((n + 1))
done
is "$n" 0 "the token is in no XLSX's contents"
files=$(grep -rlaF -- "$TOKEN" "$TMP" 2>/dev/null)
is "$files" "" "the token is in no file written: database, WAL, logs, -v output, reports, fix-up CSVs"
is "$(ls "$TMP"/*.db* "$TMP"/reports/* "$TMP"/submit.err | wc -l | tr -d ' ')" \
    "$(ls "$TMP"/*.db* "$TMP"/reports/* "$TMP"/submit.err 2>/dev/null | wc -l | tr -d ' ')" \
    "(those files exist: $(ls "$TMP" "$TMP/reports" | wc -l | tr -d ' ') files searched)"
for f in "$IMPORTER_DB-wal" "$IMPORTER_DB-shm"; do
	[ -e "$f" ] || continue
	is "$(stat -c %a "$f")" 600 "$(basename "$f") is 0600 too"
done

# --- TLS ------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 1 >/dev/null 2>&1 ||
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 1 >/dev/null 2>&1
cat >"$TMP/tls.py" <<'PY'
import http.server, json, os, socketserver, ssl, sys
cert, key, portfile = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        p = self.path.split("?")[0].strip("/").split("/")
        if len(p) == 5 and p[:2] == ["v1", "customers"] and p[3:] == ["profiles", "billing"]:
            code, body = 200, {"id": "p1", "email": "a@contoso.example",
                "companyName": "Contoso", "defaultAddress": {"country": "US",
                "city": "Redmond", "addressLine1": "1 Way"},
                "attributes": {"etag": "e1", "objectType": "CustomerBillingProfile"}}
        else:
            code, body = 404, {"code": 1000, "description": "Not found"}
        b = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
srv = S(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(portfile + ".tmp", "w").write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
python3 "$TMP/tls.py" "$TMP/cert.pem" "$TMP/key.pem" "$TMP/tls.port" 2>"$TMP/tls.log" &
tls=$!
pids="$pids $tls"
if port_wait "$TMP/tls.port" $tls; then
	TURL=https://localhost:$(cat "$TMP/tls.port")
	db_remove
	$VALGRIND "$IMPORTER" -q stage "$TMP/one.csv" >/dev/null 2>&1
	run check --endpoint "$TURL" --retries 0
	is "$rc" 69 "a self-signed server is refused: exit 69 (unreachable, nothing saved)"
	like "$err" "[Cc]ertificate" "... and the message names the certificate"
	is "$(sql "select count(*) from outcome")" 0 "... no plan saved"
	run check --endpoint "$TURL" --cacert "$TMP/cert.pem"
	is "$rc" 0 "--cacert naming its certificate: check succeeds"
	is "$(sql "select state from outcome")" unchanged "... and read the account"
	run check --endpoint "https://127.0.0.1:$(cat "$TMP/tls.port")" --cacert "$SAMPLES/../README.md"
	ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "--cacert naming something else: refused (exit $rc)"
	kill -TERM $tls 2>/dev/null
	wait $tls 2>/dev/null
else
	ok 1 "the TLS test server did not start: $(head -c 300 "$TMP/tls.log")"
fi

# --- plain http -----------------------------------------------------------------
run check --endpoint http://accounts.example.invalid:8080
is "$rc" 64 "plain http to another machine: exit 64"
like "$err" "https" "... and https is suggested"
run check --endpoint http://accounts.example.invalid:8080 --allow-http --retries 0 --timeout 5
ok $([ "$rc" -ne 64 ] && echo 0 || echo 1) "--allow-http lets it through (exit $rc: not a usage error)"
run check --endpoint http://10.0.0.1:8080
is "$rc" 64 "plain http to a private address: exit 64"
run check --endpoint http://127.accounts.example.invalid:8080 --retries 0 --timeout 5
# 2026-11-25: check_url let any host name starting with '127.' through.
is "$rc" 64 "plain http to a host name that merely starts with '127.': exit 64"

# --- limits ---------------------------------------------------------------------
# A 2 GiB file that is one line: the header, then a field that never ends.
# The first 64 MiB are written ('a'); the rest is a hole, which costs no
# disk and reads as NULs only far beyond the field limit (131,068 bytes).
# SECURITY_FULL_2G=1 writes all 2 GiB of 'a' instead.
python3 -c 'import sys
full = sys.argv[2] == "1"
with open(sys.argv[1], "wb") as f:
    f.write(b"customer_id,company_name\n11111111-2222-4333-8444-000000000001,")
    chunk = b"a" * (1 << 20)
    for i in range(2048 if full else 64):
        f.write(chunk)' "$TMP/long.csv" "${SECURITY_FULL_2G:-0}"
truncate -s 2G "$TMP/long.csv"
is "$(stat -c %s "$TMP/long.csv")" 2147483648 "a 2 GiB single-line file"
measure "$IMPORTER" stage "$TMP/long.csv"
is "$rc" 65 "... refused: exit 65"
like "$err" "longer than 131068 bytes" "... with a clear error (the field limit)"
ok $([ "$secs" -le 20 ] && echo 0 || echo 1) "... in $secs s"
ok $([ "$rss" -le "$RSS_MAX_KB" ] && echo 0 || echo 1) "... in $rss KiB peak RSS"
rm -f "$TMP/long.csv"

python3 -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("customer_id," + ",".join("c%d" % i for i in range(1, 100000)) + "\n")
    f.write("11111111-2222-4333-8444-000000000001" + "," * 99999 + "\n")' "$TMP/wide.csv"
measure "$IMPORTER" stage "$TMP/wide.csv"
is "$rc" 65 "a 100,000-column header: exit 65"
like "$err" "16384 columns" "... with a clear error (the column limit)"
ok $([ "$secs" -le 20 ] && echo 0 || echo 1) "... in $secs s"
ok $([ "$rss" -le "$RSS_MAX_KB" ] && echo 0 || echo 1) "... in $rss KiB peak RSS"

# A service whose every reply is 1 GiB (declared and streamed): check ends
# in an error without keeping the bodies (the client caps one at 8 MiB).
cat >"$TMP/huge.py" <<'PY'
import http.server, os, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 << 30))
        self.end_headers()
        chunk = b'{"companyName":"' + b"x" * (1 << 20)
        sent = 0
        try:
            while sent < (1 << 30):
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
srv = S(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(srv.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
PY
python3 "$TMP/huge.py" "$TMP/huge.port" 2>"$TMP/huge.log" &
huge=$!
pids="$pids $huge"
if port_wait "$TMP/huge.port" $huge; then
	HURL=http://127.0.0.1:$(cat "$TMP/huge.port")
	db_remove
	$VALGRIND "$IMPORTER" -q stage "$TMP/one.csv" >/dev/null 2>&1
	measure "$IMPORTER" check --endpoint "$HURL" --retries 1
	# 2026-11-25: a reply past the client's 8 MiB cap was retried as a
	# network failure (exit 69) and kept in memory while waiting. It is
	# now that row's failure, with its own message, at once.
	is "$rc" 1 "a 1 GiB reply: check ends, the row failed (exit 1)"
	ok $([ "$secs" -le 60 ] && echo 0 || echo 1) "... in $secs s"
	ok $([ "$rss" -le "$RSS_MAX_KB" ] && echo 0 || echo 1) "... in $rss KiB peak RSS (one account)"
	msg=$(sqlite3 "$IMPORTER_DB" "select message from outcome")
	like "$msg" "larger than 8 MiB" "... with a clear error about the reply's size"
	python3 -c 'import sys
print("customer_id,email")
for i in range(1, 17):
    print("11111111-2222-4333-8444-%012d,a%d@contoso.example" % (i, i))' >"$TMP/sixteen.csv"
	db_remove
	$VALGRIND "$IMPORTER" -q stage "$TMP/sixteen.csv" >/dev/null 2>&1
	measure "$IMPORTER" check --endpoint "$HURL" --retries 1
	is "$rc" 1 "1 GiB replies for 16 accounts: check ends, every row failed (exit 1)"
	is "$(sqlite3 "$IMPORTER_DB" "select count(*) from outcome where state = 'failed'")" 16 \
	    "... all 16 rows failed for the size"
	ok $([ "$secs" -le 60 ] && echo 0 || echo 1) "... in $secs s"
	ok $([ "$rss" -le "$RSS_MAX_KB" ] && echo 0 || echo 1) \
	    "... in bounded memory: $rss KiB peak RSS (at most $RSS_MAX_KB)"
	kill -TERM $huge 2>/dev/null
	wait $huge 2>/dev/null
else
	ok 1 "the 1 GiB test server did not start: $(head -c 300 "$TMP/huge.log")"
fi

done_testing
