#!/usr/bin/env python3
"""tests/model.py: a model-based test of submit and retry.

Each schedule, drawn from one seed, makes a run (rows changing random
fields of random accounts, a few already holding their values, a few of
customers the service does not know), a plan of service faults (429 with
Retry-After, 503, 500 after the write, connections dropped before or after
the write, 2xx answers without a body, replies without an etag), edits by
"someone else" just before one of our writes (to a field the row changes,
or to another one, the address's contact names included) and kill -9 of the
importer at a request. It runs check, then submit until the run is done,
then retry; then it checks what happened against a model:

  - every row ends in exactly one outcome, and rows in = sum of outcomes;
  - applied: the service holds the planned values, and the other user's
    changes to other fields; conflict: the account is untouched by us, the
    other user's value kept; unchanged rows and not-found rows: no write;
  - one effective write (a PUT the service took) per applied row, none for
    unchanged, conflict or not_found;
  - every PUT carried If-Match.

The faults are drawn per customer and per request of that customer, and the
kill at the schedule's n-th request, so a schedule replays exactly with
--concurrency 1 (the default); a failing seed is printed with the command
that replays it.

usage: model.py --importer PATH [--schedules N] [--seed S] [--rows R]
                [--only SEED] [--concurrency C] [-v]
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

FIELDS = ["company_name", "first_name", "last_name", "phone_number",
          "address_line1", "address_line2", "city", "region",
          "postal_code"]
HEAD = ["customer_id", "company_name", "first_name", "last_name", "email",
        "phone_number", "address_line1", "address_line2", "address_line3",
        "city", "state", "region", "postal_code", "country", "culture",
        "language"]
PROP = {"company_name": ("companyName",), "first_name": ("firstName",),
        "last_name": ("lastName",), "email": ("email",),
        "phone_number": ("defaultAddress", "phoneNumber"),
        "address_line1": ("defaultAddress", "addressLine1"),
        "address_line2": ("defaultAddress", "addressLine2"),
        "city": ("defaultAddress", "city"),
        "region": ("defaultAddress", "region"),
        "postal_code": ("defaultAddress", "postalCode")}
TOKEN = "model-token"


def guid(schedule, n):
    return "77777777-%04x-4000-8000-%012d" % (schedule % 0x10000, n)


def value(rng, field, tag):
    if field == "phone_number":
        return "+1 425 555 %04d" % rng.randrange(10000)
    if field == "postal_code":
        return "%05d" % rng.randrange(100000)
    return "%s %s %d" % (field.split("_")[0].capitalize(), tag,
                         rng.randrange(100000))


def account(rng, cid, n):
    return {"customer_id": cid, "company_name": "Company %d" % n,
            "first_name": "First%d" % n, "last_name": "Last%d" % n,
            "email": "billing%d@example.com" % n,
            "phone_number": "+1 425 555 %04d" % n,
            "address_line1": "%d Main St" % n, "city": "Redmond",
            "state": "WA", "postal_code": "98052", "country": "US",
            "culture": "en-US", "language": "en"}


def get(acct, field):
    """A field of an account as the sandbox's admin API returns it."""
    v = acct["profile"]
    for k in PROP[field]:
        v = v.get(k) if isinstance(v, dict) else None
    return v or ""


class Schedule:
    """One run: accounts, rows, faults, the other user's edits, a kill."""

    def __init__(self, seed, nrows, p):
        self.seed = seed
        rng = random.Random(seed)
        self.rng = rng
        self.accounts = {}
        self.rows = []
        for i in range(nrows):
            cid = guid(seed, i)
            acct = account(rng, cid, i)
            self.accounts[cid] = acct
            kind = rng.random()
            if kind < 0.08:
                # A customer the service does not have.
                self.accounts.pop(cid)
                self.rows.append({"customer_id": cid,
                                  "city": "Nowhere %d" % i})
                continue
            row = {"customer_id": cid}
            if kind < 0.18:
                # Already holds the values: unchanged.
                for f in rng.sample(FIELDS, 2):
                    if acct.get(f):
                        row[f] = acct[f]
                if len(row) == 1:
                    row["city"] = acct["city"]
            else:
                for f in rng.sample(FIELDS, rng.randint(1, 3)):
                    row[f] = value(rng, f, "new")
            self.rows.append(row)
        # The other user's edits: before our first PUT of some customers.
        self.edits = {}
        for row in self.rows:
            cid = row["customer_id"]
            if cid not in self.accounts or rng.random() >= p["edit"]:
                continue
            ours = [f for f in row if f != "customer_id"]
            if rng.random() < 0.5 and ours:
                f = rng.choice(ours)		# a field we change: conflict
            else:
                f = rng.choice([x for x in FIELDS + ["first_name"]
                                if x not in ours] or ["email"])
            self.edits[cid] = {f: value(rng, f, "other")}
        self.p = p
        # Kill -9 of the importer at the n-th request of a submit.
        self.kill_at = [rng.randint(1, 3 * nrows)
                        for _ in range(rng.choice([0, 0, 1, 2, 3]))]
        self.kill_after = [rng.random() < 0.5 for _ in self.kill_at]

    def fault(self, cid, method, n):
        """The fault of the n-th request of method for cid (replayable)."""
        h = hashlib.sha256(("%d/%s/%s/%d" % (self.seed, cid, method, n))
                           .encode()).digest()
        x = int.from_bytes(h[:8], "big") / 2.0 ** 64
        p = self.p
        for name in ("429", "503", "drop_before", "noetag") + (
                ("500_after", "drop_after", "empty2xx") if method == "PUT"
                else ()):
            if x < p[name]:
                return name
            x -= p[name]
        return None


class Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass	# the importer killed mid-reply: expected


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            # Headers and body go out in two writes: without this, the
            # second waits for a delayed ACK (40 ms a request).
            self.connection.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)

        def forward(self, method, body):
            c = http.client.HTTPConnection("127.0.0.1", state["port"],
                                           timeout=30)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "connection")}
            c.request(method, self.path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            hdrs = r.getheaders()
            c.close()
            return r.status, hdrs, data

        def reply(self, status, headers, data):
            self.send_response(status)
            for k, v in headers:
                if k.lower() in ("content-length", "connection",
                                 "transfer-encoding", "date", "server"):
                    continue
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def kill(self):
            pid = state.get("pid")
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
                state["killed"] += 1

        def handle_one(self, method):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else None
            sch = state["schedule"]
            parts = self.path.split("/")
            cid = parts[3] if len(parts) > 3 else ""
            with state["lock"]:
                key = (cid, method)
                k = state["count"].get(key, 0)
                state["count"][key] = k + 1
                state["requests"] += 1
                req_no = state["requests"]
                kill = None
                if state["faults"] and req_no in sch.kill_at:
                    kill = sch.kill_after[sch.kill_at.index(req_no)]
                if method == "PUT":
                    state["puts"].append((cid, self.headers.get("If-Match")))
            fault = sch.fault(cid, method, k) if state["faults"] else None
            if state["trace"]:
                print("#   %3d %-4s %s #%d fault=%s kill=%s if-match=%s" %
                      (req_no, method, cid[-4:], k, fault, kill,
                       self.headers.get("If-Match")))
            if kill is False:
                self.kill()
                return self.drop()
            if fault == "429":
                b = json.dumps({"statusCode": 429, "message": "Rate limit "
                                "is exceeded. Try again in 1 seconds."})
                # Short waits keep a schedule short; the client reads
                # fractions as it reads whole seconds.
                return self.reply(429, [("Retry-After", "0.1"),
                                        ("Content-Type", "application/json")],
                                  b.encode())
            if fault == "503":
                b = json.dumps({"code": "503", "description": "busy",
                                "data": [], "source": "model"})
                return self.reply(503, [("Retry-After", "0.05"),
                                        ("Content-Type",
                                         "application/json")], b.encode())
            if fault == "drop_before":
                return self.drop()
            if method == "PUT" and state["faults"]:
                edit = sch.edits.get(cid)
                with state["lock"]:
                    do_edit = edit is not None and cid not in state["edited"]
                    if do_edit:
                        state["edited"].add(cid)
                if do_edit:
                    c = http.client.HTTPConnection("127.0.0.1",
                                                   state["port"], timeout=30)
                    c.request("POST", "/_admin/accounts/" + cid,
                              body=json.dumps(edit),
                              headers={"Authorization": "Bearer " + TOKEN,
                                       "Content-Type": "application/json"})
                    r = c.getresponse()
                    r.read()
                    c.close()
                    if r.status != 200:
                        state["errors"].append("admin edit: HTTP %d"
                                               % r.status)
            status, headers, data = self.forward(method, body)
            if kill is True:
                self.kill()
                return self.drop()
            if fault in ("500_after",) and 200 <= status < 300:
                b = json.dumps({"code": "500", "description": "oops",
                                "data": [], "source": "model"})
                return self.reply(500, [("Content-Type",
                                         "application/json")], b.encode())
            if fault == "drop_after":
                return self.drop()
            if fault == "empty2xx" and status == 200:
                return self.reply([200, 202, 204][k % 3], [], b"")
            if fault == "noetag" and status == 200:
                headers = [(h, v) for h, v in headers
                           if h.lower() != "etag"]
                try:
                    o = json.loads(data.decode("utf-8-sig"))
                    o.get("attributes", {}).pop("etag", None)
                    data = json.dumps(o).encode()
                except ValueError:
                    pass
            return self.reply(status, headers, data)

        def do_GET(self):
            self.handle_one("GET")

        def do_PUT(self):
            self.handle_one("PUT")

        def do_POST(self):
            self.handle_one("POST")

    return Handler


def write_csv(path, header, rows):
    def q(v):
        v = v or ""
        if any(c in v for c in ',"\n'):
            return '"' + v.replace('"', '""') + '"'
        return v
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(q(r.get(h, "")) for h in header) + "\n")


class Runner:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.valgrind = os.environ.get("VALGRIND", "").split()

    def importer(self, db, *argv, state=None, timeout=300):
        env = dict(os.environ, IMPORTER_TOKEN=TOKEN, IMPORTER_DB=db)
        p = subprocess.Popen(self.valgrind + [self.args.importer] +
                             list(argv), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        if state is not None:
            state["pid"] = p.pid
        out, err = p.communicate(timeout=timeout)
        if state is not None:
            state["pid"] = None
        return p.returncode, out.decode(errors="replace"), \
            err.decode(errors="replace")


def sandbox_get(port, cid):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/_admin/accounts/" + cid,
              headers={"Authorization": "Bearer " + TOKEN})
    r = c.getresponse()
    data = r.read()
    c.close()
    if r.status != 200:
        return None
    return json.loads(data.decode("utf-8-sig"))


def run_schedule(runner, seed, args, sandbox_port, accounts_all):
    """Runs one schedule; returns a list of violations (empty: it held)."""
    p = {"429": 0.01, "503": 0.06, "drop_before": 0.04, "noetag": 0.05,
         "500_after": 0.06, "drop_after": 0.05, "empty2xx": 0.08,
         "edit": 0.25}
    sch = Schedule(seed, args.rows, p)
    tmp = os.path.join(runner.tmp, "s%d" % seed)
    os.makedirs(tmp, exist_ok=True)
    db = os.path.join(tmp, "run.db")
    csv_path = os.path.join(tmp, "update.csv")
    write_csv(csv_path, HEAD, sch.rows)
    # The service's accounts for this schedule, fresh.
    for cid, acct in sch.accounts.items():
        accounts_all[cid] = acct
    state = {"port": sandbox_port, "schedule": sch, "lock": threading.Lock(),
             "count": {}, "requests": 0, "puts": [],
             "edited": set(), "killed": 0, "errors": [], "faults": False,
             "pid": None, "trace": args.verbose and args.only is not None}
    proxy = Proxy(("127.0.0.1", 0), make_handler(state))
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % proxy.server_address[1]
    bad = []
    opts = ["--endpoint", base, "--concurrency", str(args.concurrency),
            "--retries", "3"]
    try:
        rc, out, err = runner.importer(db, "stage", csv_path)
        if rc not in (0, 1):
            return ["stage exited %d: %s" % (rc, err.strip())]
        rc, out, err = runner.importer(db, "check", *opts)
        if rc not in (0, 1):
            return ["check exited %d: %s" % (rc, err.strip())]
        before = {cid: sandbox_get(sandbox_port, cid)
                  for cid in sch.accounts}
        state["faults"] = True
        for attempt in range(12):
            rc, out, err = runner.importer(db, "submit", "--yes",
                                           "--allow-flagged", *opts,
                                           state=state)
            if rc in (0, 1):
                con = sqlite3.connect(db)
                left = con.execute("SELECT count(*) FROM outcome WHERE state "
                                   "IN ('pending', 'sending')").fetchone()[0]
                con.close()
                if left == 0:
                    break
            elif rc not in (-9, 69, 75):
                bad.append("submit exited %d: %s" % (rc, err.strip()[-300:]))
                break
        for attempt in range(4):
            rc, out, err = runner.importer(db, "retry", "--yes", *opts,
                                           state=state)
            if rc in (0, 1):
                break
        state["faults"] = False
        bad += state["errors"]
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT r.line, r.customer_id, r.state, o.state FROM run_row r "
            "LEFT JOIN outcome o ON o.row = r.id ORDER BY r.line").fetchall()
        planned = {}
        for line, col, new in con.execute(
                "SELECT r.line, c.col, c.new FROM plan_change c "
                "JOIN run_row r ON r.id = c.row"):
            planned.setdefault(line, {})[HEAD[col]] = new
        con.close()
        if len(rows) != len(sch.rows):
            bad.append("%d rows staged of %d" % (len(rows), len(sch.rows)))
        outcomes = {}
        for line, cid, rstate, ostate in rows:
            final = ostate if ostate is not None else rstate
            outcomes[final] = outcomes.get(final, 0) + 1
            row = sch.rows[line - 2]
            now = sandbox_get(sandbox_port, cid)
            edit = sch.edits.get(cid, {}) if cid in state["edited"] else {}
            # Effective writes: the account's versions, less the edit's.
            writes = 0 if now is None else \
                now["version"] - before[cid]["version"] - len(edit and [1])
            mine = planned.get(line, {})
            if final in ("pending", "sending"):
                bad.append("line %d: left %s" % (line, final))
            elif final == "applied":
                if writes != 1:
                    bad.append("line %d applied with %d writes" %
                               (line, writes))
                for f, v in mine.items():
                    if get(now, f) != v:
                        bad.append("line %d applied but %s is %r, not %r" %
                                   (line, f, get(now, f), v))
                for f, v in edit.items():
                    if f not in mine and get(now, f) != v:
                        bad.append("line %d: the other user's %s lost" %
                                   (line, f))
            elif final == "conflict":
                if writes != 0:
                    bad.append("line %d conflict with %d writes" %
                               (line, writes))
                if not any(f in mine for f in edit):
                    bad.append("line %d conflict without an edit of its "
                               "fields" % line)
                for f, v in edit.items():
                    if get(now, f) != v:
                        bad.append("line %d conflict: the other user's %s "
                                   "overwritten" % (line, f))
            elif final in ("unchanged", "not_found"):
                if writes != 0:
                    bad.append("line %d %s with %d writes" % (line, final,
                                                               writes))
                if final == "not_found" and cid in sch.accounts:
                    bad.append("line %d not_found, but the account exists"
                               % line)
            elif final == "failed":
                if writes > 1:
                    bad.append("line %d failed after %d writes" %
                               (line, writes))
            if final == "unchanged" and before.get(cid) is not None:
                for f in row:
                    if f != "customer_id" and \
                            get(before[cid], f) != row[f] and \
                            f not in edit:
                        bad.append("line %d unchanged, but %s differed" %
                                   (line, f))
            if cid not in sch.accounts and final != "not_found":
                bad.append("line %d: unknown customer ended %s" %
                           (line, final))
        if sum(outcomes.values()) != len(sch.rows):
            bad.append("outcomes %r do not add up to %d rows" %
                       (outcomes, len(sch.rows)))
        for cid, im in state["puts"]:
            if not im:
                bad.append("a PUT for %s without If-Match" % cid)
                break
        if args.verbose:
            print("# seed %d: %r, %d requests, %d kills" %
                  (seed, outcomes, state["requests"], state["killed"]))
    finally:
        proxy.shutdown()
        proxy.server_close()
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--importer", required=True)
    ap.add_argument("--schedules", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", type=int)
    ap.add_argument("--rows", type=int, default=8)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    seeds = [args.only] if args.only is not None else \
        list(range(args.seed, args.seed + args.schedules))
    with tempfile.TemporaryDirectory(prefix="importer-model.") as tmp:
        runner = Runner(args, tmp)
        # One sandbox holds every schedule's accounts (distinct GUIDs).
        accounts_all = {}
        for s in seeds:
            sch = Schedule(s, args.rows, {"edit": 0, "429": 0, "503": 0,
                                          "drop_before": 0, "noetag": 0,
                                          "500_after": 0, "drop_after": 0,
                                          "empty2xx": 0})
            accounts_all.update(sch.accounts)
        seed_csv = os.path.join(tmp, "accounts.csv")
        write_csv(seed_csv, HEAD, list(accounts_all.values()))
        port_file = os.path.join(tmp, "port")
        sb = subprocess.Popen(runner.valgrind + [
            args.importer, "sandbox", "--port", "0", "--port-file",
            port_file, "--token", TOKEN, "--accounts", seed_csv],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                if os.path.exists(port_file) and os.path.getsize(port_file):
                    break
                time.sleep(0.1)
            port = int(open(port_file).read())
            failed = 0
            for s in seeds:
                bad = run_schedule(runner, s, args, port, accounts_all)
                if bad:
                    failed += 1
                    print("# seed %d FAILED (replay: tests/model.py "
                          "--importer IMPORTER --rows %d --only %d -v):"
                          % (s, args.rows, s))
                    for b in bad[:10]:
                        print("#   " + b)
            print("# %d schedules, %d failed" % (len(seeds), failed))
            return 1 if failed else 0
        finally:
            sb.kill()
            sb.wait()


if __name__ == "__main__":
    sys.exit(main())
