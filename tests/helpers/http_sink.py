#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""An HTTP(S) endpoint for the http_output tests, checking each POST the way
falcosidekick's input handler does: the body must decode as JSON, with a
known priority (case-insensitive, "info" allowed), a non-empty rule, a
time that parses as RFC 3339, and a non-empty output_fields object.

    http_sink.py DIR [--cert CERT --key KEY [--client-ca CA]]

Writes the port it listens on to DIR/port. Reads DIR/mode before each
request: "ok" (default), "500", or "slow SECONDS". Appends accepted bodies
to DIR/accepted.jsonl, rejected ones (with the reason) to DIR/rejected.txt,
and one line per request (mode, user agent, content type) to DIR/requests.txt.
"""
import datetime
import http.server
import json
import os
import re
import ssl
import sys
import threading
import time

PRIORITIES = {"emergency", "alert", "critical", "error", "warning", "notice",
              "informational", "info", "debug"}
RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
lock = threading.Lock()


def reject_reason(body):
    try:
        o = json.loads(body)
    except ValueError as e:
        return "not JSON: %s" % e
    if not isinstance(o, dict):
        return "not an object"
    if str(o.get("priority", "")).lower() not in PRIORITIES:
        return "unknown priority %r" % o.get("priority")
    if not o.get("rule"):
        return "empty rule"
    m = RFC3339.match(str(o.get("time", "")))
    if not m:
        return "time %r is not RFC 3339" % o.get("time")
    datetime.datetime(*(int(m.group(i)) for i in range(1, 7)))  # a real date
    if not isinstance(o.get("output_fields"), dict) or not o["output_fields"]:
        return "empty output_fields"
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        d = self.server.dir
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            mode = open(os.path.join(d, "mode")).read().split()
        except FileNotFoundError:
            mode = ["ok"]
        with lock, open(os.path.join(d, "requests.txt"), "a") as f:
            f.write("%s ua=%s ct=%s\n" % (" ".join(mode) or "ok", self.headers.get("User-Agent"),
                                          self.headers.get("Content-Type")))
        if mode and mode[0] == "500":
            return self.reply(500, "failing on purpose\n")
        if mode and mode[0] == "slow":
            time.sleep(float(mode[1]))
        why = reject_reason(body)
        if why is None and self.headers.get("Content-Type") != "application/json":
            why = "content type %r" % self.headers.get("Content-Type")
        with lock:
            if why:
                with open(os.path.join(d, "rejected.txt"), "a") as f:
                    f.write(why + "\n")
            else:
                with open(os.path.join(d, "accepted.jsonl"), "a") as f:
                    f.write(body.decode() + "\n")
        if why:
            return self.reply(400, "Please send a valid request body\n")
        self.reply(200, "")


def main():
    d = sys.argv[1]
    args = sys.argv[2:]
    opt = {args[i]: args[i + 1] for i in range(0, len(args), 2)}
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.dir = d
    if "--cert" in opt:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opt["--cert"], opt["--key"])
        if "--client-ca" in opt:
            ctx.load_verify_locations(opt["--client-ca"])
            ctx.verify_mode = ssl.CERT_REQUIRED
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
