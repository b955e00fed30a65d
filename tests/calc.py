# tests/calc.py: t_calc.sh's Python side (Debian's python3 with openpyxl).
# The workbook as a person makes it, with typed cells; the sandbox's seed;
# the person's edits to the fix-up, opened in Calc, round by round; and
# the check that every field the sandbox holds is what the workbook showed.
#
#   calc.py workbook OUT.xlsx SHOWN.json SEED.csv PREFIX
#   calc.py edit IN.xlsx OUT.xlsx ROUND SHOWN.json
#   calc.py verify SHOWN.json SEED.csv ACCOUNTS.json DB
#   calc.py states DB
#   calc.py report FILE.xlsx PREFIX     (Calc's PREFIX-<sheet>.csv files)
import csv
import json
import sqlite3
import sys
import unicodedata

import openpyxl

HEAD = ["Customer ID", "Company Name", "First Name", "Last Name", "Email",
        "Phone", "Address Line 1", "City", "State", "ZIP", "Country",
        "Culture", "Language"]
COLS = ["customer_id", "company_name", "first_name", "last_name", "email",
        "phone_number", "address_line1", "city", "state", "postal_code",
        "country", "culture", "language"]
# Where the sandbox keeps each column (profile, or its defaultAddress).
WHERE = {"company_name": ("companyName",), "first_name": ("firstName",),
         "last_name": ("lastName",), "email": ("email",),
         "culture": ("culture",), "language": ("language",),
         "phone_number": ("defaultAddress", "phoneNumber"),
         "address_line1": ("defaultAddress", "addressLine1"),
         "city": ("defaultAddress", "city"),
         "state": ("defaultAddress", "state"),
         "postal_code": ("defaultAddress", "postalCode"),
         "country": ("defaultAddress", "country")}
SEED_HEAD = ("customer_id,company_name,first_name,last_name,email,"
             "phone_number,address_line1,address_line2,address_line3,city,"
             "state,region,postal_code,country,culture,language").split(",")


def guid(prefix, n):
    return "%s-%012d" % (prefix, n)


def workbook(out, shown_path, seed_path, prefix):
    """Rows as typed: numbers where Calc or Excel make numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(HEAD)
    g = lambda n: guid(prefix, n)
    rows = [
        # 2: a ZIP typed as a number, formatted 00000; a phone typed as a
        # number; a no-break space in the name
        [g(1), "Contoso\u00a0Ltd", "Ann", "Lee", "ann@contoso.com",
         4255550123, "1 Main St", "Boston", "MA", 2134, "US", "en-US", "en"],
        # 3: German
        [g(2), "Müller & Söhne GmbH", "Jürgen", "Groß", "j@mueller.de",
         "+49 30 1234567", "Königstraße 5", "München", "", "80331", "DE",
         "de-DE", "de"],
        # 4: French
        [g(3), "Société Générale d'Électricité", "Élodie", "Lefèvre",
         "e@sge.fr", "+33 1 23 45 67 89", "12 rue de l'Église", "Paris", "",
         "75008", "FR", "fr-FR", "fr"],
        # 5: Japanese, with a wave dash
        [g(4), "テスト〜サービス株式会社", "太郎", "山田", "t@test.co.jp",
         "+81 3-1234-5678", "丸の内1-1", "千代田区", "", "100-0001", "JP",
         "ja-JP", "ja"],
        # 6: Chinese
        [g(5), "北京测试有限公司", "伟", "王", "w@test.cn",
         "+86 10 1234 5678", "建国路1号", "北京", "", "100020", "CN",
         "zh-CN", "zh"],
        # 7: padded cells
        [g(6), "  Fabrikam Inc  ", " Bob ", "Smith", "b@fabrikam.com",
         2065550100, " 2 Pine St ", "Seattle", "WA", 98101, "US", "en-US",
         "en"],
        # 8: an empty row
        [None] * 13,
        # 9: a formula giving #N/A
        [g(7), "=NA()", "Cy", "Doe", "c@northwind.com", "", "", "", "", "",
         "", "", ""],
        # 10: a phone in scientific format: its digits are lost
        [g(8), "Tailspin Toys", "Dee", "Park", "d@tailspin.com",
         14255550123, "", "", "", "", "", "", ""],
        # 11: a British phone typed as a number: + lost
        [g(9), "Wingtip Ltd", "Eve", "Hall", "e@wingtip.co.uk",
         442079460000, "", "", "", "", "GB", "", ""],
        # 12: Alt+Enter inside a cell
        [g(10), "Litware", "Fay", "Ng", "f@litware.com", "",
         "Suite 100\nBuilding 2", "", "", "", "", "", ""],
        # 13: a Total row
        ["Total", "=COUNTA(A2:A12)", "", "", "", "", "", "", "", "", "", "",
         ""],
    ]
    for r in rows:
        ws.append(r)
    ws["J2"].number_format = "00000"
    ws["J7"].number_format = "00000"
    ws["F10"].number_format = "0.00E+00"
    wb.save(out)

    # What the workbook shows, and what the service is to hold then.
    shown = {}
    for r in rows:
        if r[0] is None or not r[0].startswith(prefix):
            continue
        v = {}
        for c, x in zip(COLS, r):
            if x is None or x == "":
                continue
            v[c] = str(x)
        v["postal_code"] = {g(1): "02134", g(6): "98101"}.get(
            r[0], v.get("postal_code"))
        if r[0] == g(7):
            v["company_name"] = "#N/A"
        if r[0] == g(8):
            v["phone_number"] = "1.43E+10"
        shown[r[0]] = {k: x for k, x in v.items() if x is not None}
    json.dump(shown, open(shown_path, "w"), ensure_ascii=False, indent=1)

    # The service's accounts before: other names and addresses, the same
    # emails (an email and an address changed together wait for review).
    with open(seed_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(SEED_HEAD)
        for cid, v in shown.items():
            cc = v.get("country", "US")
            n = int(cid[-3:])
            w.writerow([cid, "Old %d" % n, "Old", "Name", v["email"],
                        {"US": "4255550100", "GB": "+44 20 7946 0999"}.get(
                            cc, "+1 425 555 0100"),
                        "%d Old Rd" % n, "", "", "Oldtown",
                        "WA" if cc == "US" else "", "",
                        {"US": "98052", "DE": "10115", "FR": "75001",
                         "JP": "100-0005", "CN": "100000",
                         "GB": "SW1A 1AA"}.get(cc, "98052"), cc,
                        v.get("culture", "en-US"), v.get("language", "en")])


def edit(src, dst, rnd, shown_path):
    """The person's edits to the fix-up opened in Calc, round by round."""
    shown = json.load(open(shown_path, encoding="utf-8"))
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    head = [c.value for c in ws[1]]
    edits = {
        1: {  # the formula's row gets a name, the Alt+Enter one line
            "7": ("Company Name", "Northwind Traders"),
            "10": ("Address Line 1", "Suite 100, Building 2")},
        2: {  # the phone whose digits were lost, typed in again
            "8": ("Phone", 14255550123)},
    }[rnd]
    drop = []
    for row in ws.iter_rows(min_row=2):
        cid = str(row[0].value or "")
        if cid == "Total":
            drop.append(row[0].row)
            continue
        key = str(int(cid[-12:])) if cid[-12:].isdigit() else None
        if key in edits:
            col, val = edits[key]
            row[head.index(col)].value = val
            if cid in shown:
                shown[cid][COLS[HEAD.index(col)]] = str(val)
    for r in reversed(drop):
        ws.delete_rows(r)
    wb.save(dst)
    json.dump(shown, open(shown_path, "w"), ensure_ascii=False, indent=1)


def norm(s):
    """What staging makes of a value: NFC, no-break spaces, trimmed. The
    wave dash and the fullwidth tilde are one character in Shift_JIS
    (0x8160): which one comes back depends on the decoder, both are what
    the workbook showed."""
    s = unicodedata.normalize("NFC", s).replace("\u00a0", " ")
    return s.strip(" \t").replace("\uff5e", "\u301c")


def field(acct, col):
    d = acct["profile"]
    for k in WHERE[col]:
        d = (d or {}).get(k)
    return d


def verify(shown_path, seed_path, accounts_path, db):
    """One line per field that is neither the workbook's nor (row not
    sent) the seed's, and per row not sent without a reason."""
    shown = json.load(open(shown_path, encoding="utf-8"))
    seed = {r["customer_id"]: r for r in
            csv.DictReader(open(seed_path, encoding="utf-8"))}
    accts = {a["customerId"]: a for a in
             json.load(open(accounts_path, encoding="utf-8"))}
    con = sqlite3.connect(db)
    sent = {c for (c,) in con.execute(
        "select distinct r.customer_id from run_row r join outcome o"
        " on o.row = r.id where o.state in ('applied', 'unchanged')")}
    bad = []
    for cid, v in shown.items():
        a = accts[cid]
        for col in WHERE:
            got = field(a, col)
            if cid in sent and col in v:
                want, why = norm(v[col]), "the workbook showed"
            else:
                want, why = seed[cid][col], "not sent: the seed has"
            if norm(got or "") != norm(want):
                bad.append("%s %s: the sandbox holds %r, %s %r" %
                           (cid[-2:], col, got, why, want))
    # Every row of the latest run not applied says why.
    run = con.execute("select max(id) from run").fetchone()[0]
    for line, cid, state, probs, msg, review in con.execute(
            "select r.line, r.customer_id, coalesce(o.state, r.state),"
            " (select count(*) from row_problem p where p.row = r.id"
            "  and p.message <> ''), o.message, o.review"
            " from run_row r left join outcome o on o.row = r.id"
            " where r.run = ?", (run,)):
        if state in ("applied", "unchanged"):
            continue
        if probs == 0 and not msg and not review:
            bad.append("line %d (%s): %s and no reason" % (line, cid, state))
    print("\n".join(bad))


def states(db):
    """Each customer's state in the latest run: 'N:state', by N."""
    con = sqlite3.connect(db)
    run = con.execute("select max(id) from run").fetchone()[0]
    out = []
    for cid, state, review in con.execute(
            "select r.customer_id, coalesce(o.state, r.state),"
            " coalesce(o.review, 0) from run_row r left join outcome o"
            " on o.row = r.id where r.run = ? order by r.line", (run,)):
        n = str(int(cid[-12:])) if cid and cid[-12:].isdigit() else "-"
        out.append("%s:%s%s" % (n, state, "/review" if review else ""))
    print(" ".join(out))


def shown_as(v, fmt):
    """A percentage as Calc shows it (0.0% -> 63.6%); else the value."""
    if isinstance(v, (int, float)) and fmt.endswith("%"):
        d = len(fmt[:-1].split(".")[1]) if "." in fmt else 0
        return "%.*f%%" % (d, v * 100)
    return v


def report(path, prefix):
    """Every sheet as Calc saved it against what openpyxl reads: one line
    per difference (dates and times aside: Calc shows them formatted)."""
    import datetime
    wb = openpyxl.load_workbook(path)
    bad = []
    for ws in wb.worksheets:
        try:
            f = open("%s-%s.csv" % (prefix, ws.title), newline="",
                     encoding="utf-8")
        except OSError as e:
            bad.append("%s: no CSV from Calc (%s)" % (ws.title, e))
            continue
        got = list(csv.reader(f))
        want = [["" if c.value is None else shown_as(c.value,
                                                    c.number_format)
                 for c in r] for r in ws.iter_rows()]
        while want and not any(str(v) for v in want[-1]):
            want.pop()
        if len(got) != len(want):
            bad.append("%s: %d rows in Calc's CSV, %d in openpyxl" %
                       (ws.title, len(got), len(want)))
        for i, (g, w) in enumerate(zip(got, want)):
            for j, v in enumerate(w):
                if isinstance(v, (datetime.date, datetime.time)):
                    continue
                if isinstance(v, float) and v == int(v):
                    v = int(v)
                c = g[j] if j < len(g) else ""
                if c != str(v):
                    bad.append("%s!%s%d: Calc %r, openpyxl %r" % (
                        ws.title, chr(65 + j) if j < 26 else j, i + 1, c, v))
    print("\n".join(bad[:10]))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"workbook": workbook, "edit": lambda a, b, r, s: edit(a, b, int(r), s),
     "verify": verify, "states": states, "report": report}[cmd](*args)
