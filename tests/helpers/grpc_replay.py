#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A real HTTP/2 gRPC server on a unix socket that answers with recorded
messages, for the CRI client's tests: grpc_replay.py SOCKET SCRIPT LOG.

SCRIPT is a JSON file, read again for every request, mapping
"PATH" or "PATH@NAMESPACE" (the containerd-namespace header) to an answer:
  {"file": F}          the message in file F, framed, grpc-status 0
  {"status": N, "message": M}   grpc-status N in the trailers
  {"status": N, "trailers_only": true}   the status in the only HEADERS
  {"raw": HEX}         these body bytes as they are (bad frames), status 0
  {"big": N}           a frame whose message is N bytes of zeros
  {"content_type": T}  with another content-type
  {"hang": true}       never answer
"*" is the answer to anything else (default: UNIMPLEMENTED). Each request
is logged to LOG as "PATH NAMESPACE". Uses python3-h2 (hyper-h2).
"""
import json
import os
import socket
import socketserver
import struct
import sys

import h2.config
import h2.connection
import h2.events

SOCK, SCRIPT, LOG = sys.argv[1:4]
BASE = os.path.dirname(os.path.abspath(SCRIPT))


def answer_for(path, ns):
    with open(SCRIPT) as f:
        script = json.load(f)
    with open(LOG, "a") as f:
        f.write("%s %s\n" % (path, ns or "-"))
    return script.get("%s@%s" % (path, ns), script.get(path, script.get("*", {"status": 12})))


class Conn(socketserver.BaseRequestHandler):
    def handle(self):
        conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        conn.initiate_connection()
        self.request.sendall(conn.data_to_send())
        heads, pending = {}, []  # pending: [stream, bytes left, trailers]
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.RequestReceived):
                    heads[ev.stream_id] = dict(ev.headers)
                elif isinstance(ev, h2.events.DataReceived):
                    conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                elif isinstance(ev, h2.events.StreamEnded):
                    h = heads.pop(ev.stream_id, {})
                    a = answer_for(h.get(":path"), h.get("containerd-namespace"))
                    self.respond(conn, ev.stream_id, a, pending)
            self.flush(conn, pending)
            try:
                self.request.sendall(conn.data_to_send())
            except OSError:  # the client gave up (a timeout, a message too large)
                return

    @staticmethod
    def respond(conn, sid, a, pending):
        if a.get("hang"):
            return
        status = str(a.get("status", 0))
        ctype = a.get("content_type", "application/grpc")
        if a.get("trailers_only"):
            conn.send_headers(sid, [(":status", "200"), ("content-type", ctype),
                                    ("grpc-status", status)], end_stream=True)
            return
        conn.send_headers(sid, [(":status", "200"), ("content-type", ctype)])
        body = b""
        if "file" in a:
            with open(os.path.join(BASE, a["file"]), "rb") as f:
                msg = f.read()
            body = struct.pack(">BI", 0, len(msg)) + msg
        elif "raw" in a:
            body = bytes.fromhex(a["raw"])
        elif "big" in a:
            body = struct.pack(">BI", 0, a["big"]) + bytes(a["big"])
        trailers = [("grpc-status", status)]
        if a.get("message"):
            trailers.append(("grpc-message", a["message"]))
        pending.append([sid, body, trailers])

    @staticmethod
    def flush(conn, pending):
        """Sends what flow control allows; trailers once a body is out."""
        for p in list(pending):
            sid, body, trailers = p
            try:
                while body:
                    n = min(len(body), conn.local_flow_control_window(sid),
                            conn.max_outbound_frame_size)
                    if n <= 0:
                        break
                    conn.send_data(sid, body[:n])
                    body = body[n:]
                p[1] = body
                if not body:
                    conn.send_headers(sid, trailers, end_stream=True)
                    pending.remove(p)
            except Exception:  # the client reset the stream (it gave up)
                pending.remove(p)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if os.path.exists(SOCK):
    os.unlink(SOCK)
Server(SOCK, Conn).serve_forever()
