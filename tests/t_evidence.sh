#!/bin/sh
# t_evidence.sh: the evidence pack. A run prepared by one person, approved
# by another and submitted to the sandbox gives a pack (0600) whose manifest
# names every member with its SHA-256, the input's, the plan hash, the
# approvals, the endpoint; evidence --check verifies it offline and catches
# any member edited, added or removed, an edited trail entry (with the
# manifest made to agree), an approval of another plan or by the preparer.
# A redacted pack holds no name, email, phone or address line of the input
# or of the accounts in any member, masks the same value the same way, and
# still verifies (masked file paths and notes: the trail's links verify).
# The check refuses unsafe names, missing members, a trail without the run,
# a forged preparer, oversized members, and prints the newest entry. The
# pack adds an entry to the trail.
TESTS_SRCDIR=${TESTS_SRCDIR:-$(dirname "$0")}
# shellcheck source=SCRIPTDIR/lib.sh
. "$TESTS_SRCDIR/lib.sh"

require python3 sqlite3 curl
token_set evidence
GUID_PREFIX=15151515-3434-4555-8777
unset IMPORTER_USER

accounts_file "$TMP/accounts.csv" 6
sandbox_start sandbox --token "$TOKEN" --accounts "$TMP/accounts.csv" ||
    bail_out "the sandbox did not start"

# update.csv: names, emails, phones and address lines that appear nowhere
# else; customers 1 and 2 get the same last name; customer 5's email is
# invalid (a fix-up row).
{
	echo "customer_id,first_name,last_name,email,phone_number,address_line1,city"
	printf '%s,Zebulon,Quixley,zeb.quixley@contoso.example,+1 206 555 0199,77 Wyvernwood Lane,Seattle\n' "$(g 1)"
	printf '%s,Ottoline,Quixley,otto.q@fabrikam.example,,,Bellevue\n' "$(g 2)"
	printf '%s,,,,4255557733,9 Sparrowhawk Row,Tacoma\n' "$(g 3)"
	printf '%s,,,not-an-email,,,Everett\n' "$(g 5)"
} >"$TMP/update.csv"
printf '[approval]\nrequired = always\n' >"$TMP/always.ini"
P="--profile $TMP/always.ini"

run --as alice $P stage "$TMP/update.csv"
run --as alice $P check --endpoint "$BASE"
run --as bob $P approve 1 --note CHG-77 --yes
is "$rc" 0 "bob approves alice's plan"
run --as alice $P submit --yes --allow-flagged --endpoint "$BASE"
is "$rc" 1 "alice submits (a row is invalid: 1)"
hash=$(sql "select plan_hash from run where id = 1")
corr=$(sql "select correlation_id from run where id = 1")

# zipx: python's zipfile on a pack.
#   zipx list PACK | get PACK MEMBER | put PACK MEMBER FILE (replace or add)
#   | drop PACK MEMBER | dump PACK (every member's bytes, inner zips inflated)
#   | manifest PACK PYTHON-EXPR-ON-m (edits manifest.json)
#   | retrail PACK ID FIELD VALUE (edits a trail entry, re-hashes the member
#     in the manifest so that only the chain can tell)
cat >"$TMP/zipx.py" <<'EOT'
import hashlib, io, json, sys, zipfile
op, pack = sys.argv[1], sys.argv[2]
def read(p):
    with zipfile.ZipFile(p) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]
def write(p, items):
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in items:
            z.writestr(n, b)
def inflate(b):
    out = [b]
    if b[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(b)) as z:
            for n in z.namelist():
                out += inflate(z.read(n))
    return out
items = read(pack)
if op == "list":
    print("\n".join(n for n, _ in items))
elif op == "get":
    sys.stdout.buffer.write(dict(items)[sys.argv[3]])
elif op == "put":
    b = open(sys.argv[4], "rb").read()
    names = [n for n, _ in items]
    if sys.argv[3] in names:
        items = [(n, b if n == sys.argv[3] else v) for n, v in items]
    else:
        items.append((sys.argv[3], b))
    write(pack, items)
elif op == "drop":
    write(pack, [(n, v) for n, v in items if n != sys.argv[3]])
elif op == "dump":
    for n, v in items:
        for b in inflate(v):
            sys.stdout.buffer.write(b + b"\n")
elif op == "manifest":
    m = json.loads(dict(items)["manifest.json"])
    exec(sys.argv[3])
    items = [(n, json.dumps(m).encode() if n == "manifest.json" else v)
             for n, v in items]
    write(pack, items)
elif op == "retrail":
    d = dict(items)
    t = json.loads(d["trail.json"])
    for e in t:
        if e["id"] == int(sys.argv[3]):
            e[sys.argv[4]] = sys.argv[5]
    tb = json.dumps(t).encode()
    m = json.loads(d["manifest.json"])
    for mm in m["members"]:
        if mm["name"] == "trail.json":
            mm["sha256"] = hashlib.sha256(tb).hexdigest()
    items = [(n, tb if n == "trail.json" else json.dumps(m).encode()
              if n == "manifest.json" else v) for n, v in items]
    write(pack, items)
elif op == "rechain":
    # rechain PACK EXPR-on-t: edits the trail, then re-hashes every entry
    # (importer/audit.c's canonical text) and the member in the manifest,
    # so that the chain holds and only the facts can tell.
    d = dict(items)
    t = json.loads(d["trail.json"])
    exec(sys.argv[3])
    prev = "0" * 64
    for e in t:
        e["prev"] = prev
        h = hashlib.sha256()
        def f(n, v):
            if v is None:
                h.update(("%s -\n" % n).encode())
            else:
                b = str(v).encode()
                h.update(("%s %d:" % (n, len(b))).encode() + b + b"\n")
        f("importer-audit", "1")
        for k in ("at", "who", "what"):
            f(k, e[k])
        f("run", e["run"] or None)
        for k in ("input_sha256", "plan_hash", "detail", "prev"):
            f(k, e[k])
        e["hash"] = prev = h.hexdigest()
    tb = json.dumps(t).encode()
    m = json.loads(d["manifest.json"])
    for mm in m["members"]:
        if mm["name"] == "trail.json":
            mm["sha256"] = hashlib.sha256(tb).hexdigest()
    items = [(n, tb if n == "trail.json" else json.dumps(m).encode()
              if n == "manifest.json" else v) for n, v in items]
    write(pack, items)
elif op == "named":
    # named PACK MEMBER FILE: adds a member and names it in the manifest
    # with its true SHA-256.
    b = open(sys.argv[4], "rb").read()
    m = json.loads(dict(items)["manifest.json"])
    m["members"].append({"name": sys.argv[3], "bytes": len(b),
                         "sha256": hashlib.sha256(b).hexdigest()})
    items = [(n, json.dumps(m).encode() if n == "manifest.json" else v)
             for n, v in items] + [(sys.argv[3], b)]
    write(pack, items)
elif op == "zeros":
    # zeros PACK MEMBER MIB: adds MIB MiB of zeros (a small zip), named in
    # the manifest with a SHA-256 that is not theirs.
    m = json.loads(dict(items)["manifest.json"])
    m["members"].append({"name": sys.argv[3], "bytes": 0,
                         "sha256": "0" * 64})
    items = [(n, json.dumps(m).encode() if n == "manifest.json" else v)
             for n, v in items]
    write(pack, items)
    with zipfile.ZipFile(pack, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open(sys.argv[3], "w", force_zip64=True) as w:
            for _ in range(int(sys.argv[4])):
                w.write(bytes(1 << 20))
elif op == "padmanifest":
    # padmanifest PACK MIB: the manifest, valid JSON, padded with MIB MiB
    # of blanks.
    m = dict(items)["manifest.json"]
    items = [(n, m + b" " * (int(sys.argv[3]) << 20) if n ==
              "manifest.json" else v) for n, v in items]
    write(pack, items)
elif op == "many":
    # many PACK N: N more (unnamed) members.
    write(pack, items + [("x%d" % i, b"") for i in range(int(sys.argv[3]))])
EOT
zipx() { python3 "$TMP/zipx.py" "$@"; }
mf() {	# mf PACK EXPR: a value of the pack's manifest
	zipx get "$1" manifest.json | python3 -c \
	    "import json,sys; m=json.load(sys.stdin); print($2)"
}

# --- the pack --------------------------------------------------------------------
run --as carol evidence 1
is "$rc" 64 "no -o: 64"
run --as carol evidence 1 -o "$TMP/pack.zip"
is "$rc" 0 "evidence exits 0"
like "$out" "evidence pack of run 1: .*pack.zip \(7 members\)" "and says what it wrote"
is "$(stat -c %a "$TMP/pack.zip")" 600 "the pack is created 0600"
umask 000
run --as carol evidence 1 -o "$TMP/pack-umask.zip"
umask 022
is "$(stat -c %a "$TMP/pack-umask.zip")" 600 "whatever the umask"
is "$(zipx list "$TMP/pack.zip" | tr '\n' ' ')" \
    "manifest.json input/update.csv plan.csv ledger.csv trail.json report.xlsx fixup.csv " \
    "members: manifest, input, plan, ledger, trail, report, fix-up"
is "$(mf "$TMP/pack.zip" "m['run'], m['plan_hash'], m['preparer'], m['endpoint'], m['cloud'], m['ms_correlation_id'], m['created_by']")" \
    "1 $hash alice $BASE another endpoint (a sandbox or a proxy) $corr carol" \
    "the manifest: run, plan hash, preparer, endpoint, cloud, correlation id, operator"
is "$(mf "$TMP/pack.zip" "[(a['approver'], a['note'], a['plan_hash'], a['void']) for a in m['approvals']]")" \
    "[('bob', 'CHG-77', '$hash', False)]" "the approvals"
is "$(mf "$TMP/pack.zip" "m['input']['sha256'], m['input']['included'], m['importer_version'] != ''")" \
    "$(sha256sum <"$TMP/update.csv" | cut -c1-64) True True" \
    "the input's SHA-256, the input included, the version"
is "$(mf "$TMP/pack.zip" "sorted((x['name'], x['sha256']) for x in m['members'])")" \
    "$(zipx list "$TMP/pack.zip" | grep -v manifest.json | sort | while read -r n; do
	printf "('%s', '%s')\n" "$n" "$(zipx get "$TMP/pack.zip" "$n" | sha256sum | cut -c1-64)"
    done | paste -sd'|' | sed 's/|/, /g; s/^/[/; s/$/]/')" \
    "every member's SHA-256 is in the manifest"
zipx get "$TMP/pack.zip" input/update.csv | cmp -s - "$TMP/update.csv"
ok $? "the input is the file staged, byte for byte"
plan=$(zipx get "$TMP/pack.zip" plan.csv | tr -d '\r')
like "$plan" "^customer_id,field,old,new" "plan.csv: customer, field, old, new"
like "$plan" "$(g 1),first_name,First1,Zebulon" "one row per changed field"
like "$plan" "$(g 3),address_line1,3 Main St,9 Sparrowhawk Row" "old and new"
is "$(echo "$plan" | sed 1d | wc -l | tr -d ' ')" \
    "$(sql "select count(*) from plan_change")" "as many rows as the plan's changes"
led=$(zipx get "$TMP/pack.zip" ledger.csv | tr -d '\r')
like "$led" "^row,customer_id,outcome,http_status,service_code,ms_request_id,ms_correlation_id,message" \
    "ledger.csv's columns"
rid=$(outc 1 2 request_id)
like "$led" "2,$(g 1),applied,200,,$rid,$corr," \
    "the ledger: row, customer, outcome, status, MS-RequestId, MS-CorrelationId"
like "$led" "5,$(g 5),invalid," "an invalid row too"
zipx get "$TMP/pack.zip" report.xlsx | head -c 2 | grep -q PK
ok $? "the report is an XLSX"
like "$(zipx get "$TMP/pack.zip" fixup.csv)" "not-an-email" "the fix-up CSV holds the invalid row"
is "$(sql "select who || ' ' || what || ' ' || run from audit order by id desc limit 1")" \
    "carol evidence 1" "the pack adds an evidence entry to the trail"
msha=$(sql "select json_extract(detail, '$.manifest_sha256') from audit order by id desc limit 1")
is "$msha" "$(zipx get "$TMP/pack-umask.zip" manifest.json | sha256sum | cut -c1-64)" \
    "with the manifest's SHA-256"
run history --audit
is "$rc" 0 "the trail's chain still holds"

# --- evidence --check ------------------------------------------------------------
cp "$TMP/pack.zip" "$TMP/good.zip"
run evidence --check "$TMP/good.zip"
is "$rc" 0 "a pack of an approved run verifies"
like "$out" "holds" "saying so"
like "$out" "6 members match the manifest, trail of [0-9]+ entries, 1 approval of the plan by a second person" \
    "with what it checked"
run --json evidence --check "$TMP/good.zip"
is "$(json_get holds)" True "--json: holds"
for m in input/update.csv plan.csv ledger.csv trail.json report.xlsx fixup.csv; do
	cp "$TMP/good.zip" "$TMP/bad.zip"
	zipx get "$TMP/bad.zip" "$m" >"$TMP/member"
	printf 'x' >>"$TMP/member"
	zipx put "$TMP/bad.zip" "$m" "$TMP/member"
	run evidence --check "$TMP/bad.zip"
	is "$rc" 65 "an edited $m: 65"
	like "$err" "$m: SHA-256 .* does not match the manifest" "naming it"
done
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx drop "$TMP/bad.zip" ledger.csv
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "a member removed: 65"
like "$err" "ledger.csv: named in the manifest, missing from the pack" "naming it"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx put "$TMP/bad.zip" extra.csv "$TMP/update.csv"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "a member added: 65"
like "$err" "extra.csv: in the pack, not named in the manifest" "naming it"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx retrail "$TMP/bad.zip" 2 who mallory
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an edited trail entry (the manifest made to agree): 65"
like "$err" "trail.json: the chain does not hold at entry 2" "the chain catches it"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx manifest "$TMP/bad.zip" "m['approvals'][0]['plan_hash'] = '0' * 64"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an approval of another plan: 65"
like "$err" "approval by bob is of plan 0000000000000000, not of the pack's plan ${hash%${hash#????????????????}}" \
    "saying so"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx manifest "$TMP/bad.zip" "m['approvals'][0]['approver'] = 'ALICE'"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an approval by the preparer: 65"
like "$err" "approval by ALICE is by the plan's preparer" "saying so"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx manifest "$TMP/bad.zip" "m['approvals'][0]['approver'] = 'dave'"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an approval the trail does not record: 65"
like "$err" "approval by dave of plan .* is not in the trail" "saying so"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx manifest "$TMP/bad.zip" "m['plan_hash'] = m['approvals'][0]['plan_hash'] = 'f' * 64"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "a plan hash the trail's check did not record: 65"
like "$err" "the plan hash ffffffffffffffff is not the one the trail's last check recorded" \
    "saying so"
echo "not a zip" >"$TMP/bad.zip"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "not a zip: 65"

# --- redacted --------------------------------------------------------------------
run --as carol evidence 1 -o "$TMP/red.zip" --redact
is "$rc" 0 "a redacted pack"
is "$(stat -c %a "$TMP/red.zip")" 600 "0600 too"
run evidence --check "$TMP/red.zip"
is "$rc" 0 "verifies"
is "$(mf "$TMP/red.zip" "m['redacted'], m['input']['included'], sorted(x['member'] for x in m['left_out'])")" \
    "True False ['fixup.csv', 'input', 'report.xlsx']" \
    "the manifest says what was left out"
zipx dump "$TMP/red.zip" >"$TMP/red.bytes"
zipx dump "$TMP/pack.zip" >"$TMP/pack.bytes"
for v in Zebulon Ottoline Quixley zeb.quixley@contoso.example otto.q@fabrikam.example \
    "+1 206 555 0199" 4255557733 "77 Wyvernwood Lane" "9 Sparrowhawk Row" \
    First1 Last2 billing1@example.com billing2@example.com 4255550100 "3 Main St" "Company 1"; do
	grep -qF "$v" "$TMP/pack.bytes"
	ok $? "the full pack holds '$v'"
	grep -qF "$v" "$TMP/red.bytes"
	ok $((!$?)) "the redacted pack holds no '$v'"
done
rplan=$(zipx get "$TMP/red.zip" plan.csv | tr -d '\r')
like "$rplan" "$(g 1),first_name,\[name:[0-9a-f]{12}\],\[name:[0-9a-f]{12}\]" \
    "names masked, customer IDs kept"
like "$rplan" "$(g 1),city,Redmond,Seattle" "cities are not masked"
m1=$(echo "$rplan" | grep "$(g 1),last_name" | cut -d, -f4)
m2=$(echo "$rplan" | grep "$(g 2),last_name" | cut -d, -f4)
is "$m1" "$m2" "the same value, the same mask"
like "$m1" '^\[name:[0-9a-f]{12}\]$' "a mask"
like "$(zipx get "$TMP/red.zip" ledger.csv | tr -d '\r')" "2,$(g 1),applied,200,,$rid,$corr," \
    "outcomes, request and correlation ids kept"
run --as carol evidence 1 -o "$TMP/red2.zip" --redact
m3=$(zipx get "$TMP/red2.zip" plan.csv | tr -d '\r' | grep "$(g 1),last_name" | cut -d, -f4)
ok "$([ "$m3" != "$m1" ]; echo $?)" "another pack masks with another key"

# --- an input changed since it was staged ----------------------------------------
echo "$(g 6),,,,,,Spokane" >>"$TMP/update.csv"
run --as carol evidence 1 -o "$TMP/moved.zip"
is "$rc" 0 "a pack of a run whose input has changed"
is "$(mf "$TMP/moved.zip" "m['input']['included'], [x['why'].startswith('the file at $TMP/update.csv has changed since it was staged') for x in m['left_out']]")" \
    "False [True]" \
    "leaves the input out and says why"
run evidence --check "$TMP/moved.zip"
is "$rc" 0 "and verifies"

# --- review: what the check refuses -----------------------------------------------
printf '#!/bin/sh\n' >"$TMP/evil.sh"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx named "$TMP/bad.zip" ../../evil.sh "$TMP/evil.sh"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "a member named ../../evil.sh (in the manifest, hash right): 65"
like "$err" '\.\./\.\./evil\.sh: a member.s name must not be absolute or hold a ".." component' \
    "naming it"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx named "$TMP/bad.zip" /etc/evil.sh "$TMP/evil.sh"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "a member with an absolute name: 65"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx rechain "$TMP/bad.zip" "t[:] = []"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an empty trail (the manifest made to agree): 65"
like "$err" "no stage entry for run 1" "the run's stage entry is missing"
like "$err" "no check entry for run 1" "and its check entry"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx drop "$TMP/bad.zip" plan.csv
zipx drop "$TMP/bad.zip" ledger.csv
zipx manifest "$TMP/bad.zip" "m['members'] = [x for x in m['members'] if x['name'] not in ('plan.csv', 'ledger.csv')]"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "no plan and no ledger (nor in the manifest): 65"
like "$err" "the pack holds no plan.csv" "the plan is missing"
like "$err" "the pack holds no ledger.csv" "the ledger is missing"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx drop "$TMP/bad.zip" report.xlsx
zipx manifest "$TMP/bad.zip" "m['members'] = [x for x in m['members'] if x['name'] != 'report.xlsx']"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "no report, and the manifest does not say why: 65"
like "$err" "the pack holds no report.xlsx and its manifest does not say why" "saying so"

# The preparer is who ran the run's last check as the (verified) trail says,
# not the manifest's word: a trail where bob checked and approved.
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx rechain "$TMP/bad.zip" "[e.update(who='bob') for e in t if e['what'] == 'check' and e['run'] == 1]"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an approval by whoever ran check in the trail: 65"
like "$err" "approval by bob is by the plan's preparer" "the preparer comes from the trail"
like "$err" "the preparer alice is not who ran the run's last check in the trail \(bob\)" \
    "and the manifest's word is checked against it"

# The newest entry, to compare with the database's trail.
run evidence --check "$TMP/good.zip"
n=$(zipx get "$TMP/good.zip" trail.json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
like "$out" "trail of $n entries" "the entry count"
like "$out" "the trail's newest entry: $n, hash $(sql "select hash from audit where id = $n")" \
    "the newest entry's hash, as the database has it"
run --json evidence --check "$TMP/good.zip"
is "$(json_get trail_last_hash)" "$(sql "select hash from audit where id = $n")" "--json too"

# Memory: members are hashed a chunk at a time; the manifest is capped.
cp "$TMP/good.zip" "$TMP/big.zip"
zipx zeros "$TMP/big.zip" big.bin 400
if [ -z "$VALGRIND" ]; then
	peak_rss "$TMP/rss" "$IMPORTER" evidence --check "$TMP/big.zip" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	is "$rc" 65 "a member of 400 MiB (a small zip): 65"
	like "$(cat "$TMP/err")" "big.bin: SHA-256 .* does not match" "hashed all the same"
	kib=$(tail -1 "$TMP/rss")
	ok "$([ "$kib" -lt 102400 ]; echo $?)" "in bounded memory ($kib KiB)"
fi
cp "$TMP/good.zip" "$TMP/big.zip"
zipx padmanifest "$TMP/big.zip" 65
run evidence --check "$TMP/big.zip"
is "$rc" 65 "a manifest of more than 64 MiB: 65"
like "$err" "manifest.json holds more than 64 MiB" "refused, saying so"
cp "$TMP/good.zip" "$TMP/big.zip"
zipx many "$TMP/big.zip" 1000
run evidence --check "$TMP/big.zip"
is "$rc" 65 "a zip of more than 1000 members: 65"
like "$err" "1007 members, more than the 1000 an evidence pack may hold" "refused, saying so"

# --redact: the masking of a message is one forward pass at word
# boundaries (a value "a" or "2" no longer loops or garbles "27002").
printf 'customer_id,first_name,address_line1,city\n%s,a,2,Durham\n' "$(g 4)" >"$TMP/short.csv"
run --as alice stage "$TMP/short.csv"
run --as alice check --endpoint "$BASE"
sql "update outcome set message = 'refused: a, 2 and 27002 at 12 Main a' where run = 2"
run_to() { timeout 60 "$IMPORTER" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
run_to --as carol evidence 2 -o "$TMP/short.zip" --redact
is "$rc" 0 "a redacted pack of values 'a' and '2' (it looped before)"
like "$(zipx get "$TMP/short.zip" ledger.csv | tr -d '\r')" \
    'refused: \[name:[0-9a-f]{12}\], \[address:[0-9a-f]{12}\] and 27002 at 12 Main \[name:[0-9a-f]{12}\]' \
    "whole values masked, other text left as it is"

# --redact: no file path, no approval note; the trail still verifies.
grep -qF "$TMP" "$TMP/red.bytes"
ok $((!$?)) "the redacted pack holds no file path"
grep -qF "CHG-77" "$TMP/red.bytes"
ok $((!$?)) "nor the approval's note"
like "$(mf "$TMP/red.zip" "m['input']['file']")" '^\[path:[0-9a-f]{12}\]\.csv$' \
    "the input's path masked, its extension kept"
run evidence --check "$TMP/red.zip"
is "$rc" 0 "the redacted pack verifies"
like "$out" "redacted: the chain's links verify; [0-9]+ entries with masked fields are taken on their stored hash" \
    "saying which entries are taken on their stored hash"
like "$(mf "$TMP/red.zip" "m['redaction']")" "entries with masked fields are taken on their stored hash" \
    "and the manifest says so"
cp "$TMP/red.zip" "$TMP/bad.zip"
zipx retrail "$TMP/bad.zip" 1 prev "$(printf '1%.0s' $(seq 64))"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "a masked entry's link edited: 65"
like "$err" "trail.json: the chain does not hold at entry 1" "the link is checked"
cp "$TMP/good.zip" "$TMP/bad.zip"
zipx rechain "$TMP/bad.zip" "t[0]['detail_masked'] = True; t[0]['who'] = 'x'"
run evidence --check "$TMP/bad.zip"
is "$rc" 65 "an entry said to be masked in a pack that is not redacted: 65"

done_testing
