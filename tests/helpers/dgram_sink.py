#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A syslog receiver for tests: binds a unix datagram socket (e.g. a
private /dev/log), writes each datagram as one line to OUT, and creates
OUT.ready once it listens. Stops on SIGTERM."""
import os
import signal
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
with open(out, "a", buffering=1) as f:
    open(out + ".ready", "w").close()
    while True:
        data = s.recv(65536)
        f.write(data.decode("utf-8", "replace").replace("\n", "\\n") + "\n")
