#!/usr/bin/env python3
"""tests/faultproxy.py: a scripted fault-injecting proxy in front of the
sandbox, for tests that need one answer to be wrong in one exact way.

usage: faultproxy.py --upstream PORT --port-file F --rules FILE --log FILE
                     [--token T] [--pid-file F]

The rules (JSON): a list of {"method": "GET" | "PUT" | "*", "customer": a
GUID or "*", "nth": the 0-based count of that method for that customer, or
null for every one, "action": ...}; the first rule that matches a request
acts on it. Actions:

  "status:CODE[:ERR[:TEXT]]"  answer CODE with an ApiFault body (its
                     code ERR, default CODE; its description TEXT), send
                     nothing on
  "retry:CODE:SECS"  answer CODE (429, 503) with Retry-After: SECS
  "empty:CODE"       send it on, then answer CODE without a body
  "noetag"           send it on; the reply loses its etag (header and body)
  "longetag"         every etag the client sees is 300 characters long;
                     If-Match is mapped back before it is sent on
  "edit:JSON"        another user's change (the sandbox's admin API), then
                     send it on
  "addrname:VALUE"   send it on; the reply's defaultAddress.firstName is
                     VALUE (someone changed the address's contact name)
  "kill"             SIGKILL the process in --pid-file, answer nothing
  "delay:MS"         wait, then send it on
  "pass"             send it on

Every request is logged as one JSON line: method, customer, nth, the
If-Match received, the status answered, the action.
"""

import argparse
import http.client
import http.server
import json
import os
import signal
import socket
import threading
import sys
import time
import traceback

PAD = "-" + "0123456789" * 30


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--token", default="")
    ap.add_argument("--pid-file")
    args = ap.parse_args()
    rules = json.load(open(args.rules))
    lock = threading.Lock()
    counts = {}
    logf = open(args.log, "a")

    def upstream(method, path, body, headers):
        c = http.client.HTTPConnection("127.0.0.1", args.upstream,
                                       timeout=60)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        hdrs = r.getheaders()
        c.close()
        return r.status, hdrs, data

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)

        def reply(self, status, headers, data):
            self.send_response(status)
            for k, v in headers:
                if k.lower() not in ("content-length", "connection",
                                     "transfer-encoding", "date", "server"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return status

        def act(self, method):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else None
            parts = self.path.split("/")
            cid = parts[3] if len(parts) > 3 and parts[1] == "v1" else ""
            with lock:
                nth = counts.get((cid, method), 0)
                counts[(cid, method)] = nth + 1
            action = "pass"
            for r in rules:
                if r.get("method", "*") in ("*", method) and \
                        r.get("customer", "*") in ("*", cid) and \
                        r.get("nth") in (None, nth):
                    action = r["action"]
                    break
            if_match = self.headers.get("If-Match")
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "connection",
                                            "content-length")}
            long_etags = any(r["action"] == "longetag" for r in rules)
            if long_etags and if_match:
                headers["If-Match"] = if_match.replace(PAD, "")
            if long_etags and body:
                body = body.replace(PAD.encode(), b"")
            status = None
            kind, _, arg = action.partition(":")
            if kind == "kill":
                with open(args.pid_file) as f:
                    os.kill(int(f.read().strip()), signal.SIGKILL)
                self.close_connection = True
            elif kind == "status":
                code, _, rest = arg.partition(":")
                err, _, text = rest.partition(":")
                b = json.dumps({"code": err or code,
                                "description": text or "injected",
                                "data": [], "source": "faultproxy"})
                status = self.reply(int(code), [("Content-Type",
                                                 "application/json")],
                                    b.encode())
            elif kind == "retry":
                code, _, secs = arg.partition(":")
                status = self.reply(int(code), [("Retry-After", secs)],
                                    b'{"statusCode": %s, "message": '
                                    b'"Try again later."}' % code.encode())
            else:
                if kind == "delay":
                    time.sleep(int(arg) / 1000.0)
                if kind == "edit":
                    upstream("POST", "/_admin/accounts/" + cid, arg,
                             {"Authorization": "Bearer " + args.token,
                              "Content-Type": "application/json"})
                st, hdrs, data = upstream(method, self.path, body, headers)
                if kind == "empty":
                    status = self.reply(int(arg), [], b"")
                else:
                    if st == 200 and (kind in ("noetag", "addrname") or
                                      long_etags):
                        o = json.loads(data.decode("utf-8-sig"))
                        attrs = o.get("attributes", {})
                        if kind == "noetag":
                            attrs.pop("etag", None)
                            hdrs = [(h, v) for h, v in hdrs
                                    if h.lower() != "etag"]
                        if kind == "addrname":
                            o.setdefault("defaultAddress", {})[
                                "firstName"] = arg
                        if long_etags and "etag" in attrs:
                            attrs["etag"] += PAD
                            hdrs = [(h, v.replace('"', "").rstrip() + PAD
                                     if h.lower() == "etag" else v)
                                    for h, v in hdrs]
                        data = json.dumps(o).encode()
                    status = self.reply(st, hdrs, data)
            with lock:
                logf.write(json.dumps({"method": method, "customer": cid,
                                       "nth": nth, "if_match": if_match,
                                       "status": status,
                                       "action": action}) + "\n")
                logf.flush()

        def do_GET(self):
            self.act("GET")

        def do_PUT(self):
            self.act("PUT")

        def do_POST(self):
            self.act("POST")

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            # A client killed mid-reply is expected; anything else is a
            # fault of the proxy's own, for the test's log.
            if not isinstance(sys.exc_info()[1], (BrokenPipeError,
                                                  ConnectionResetError)):
                traceback.print_exc()

    srv = Server(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
