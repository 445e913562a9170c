"""A classic daemon: double fork, `setsid`, stdio closed, SIGHUP/SIGTERM ignored.

argv: a workspace file to keep counting into, and a tag that appears in argv.
The daemon appends a line every 50 ms for a minute, long after the call that started it.
"""

import os
import signal
import sys
import time

if os.fork():
    sys.exit(0)
os.setsid()
if os.fork():
    os._exit(0)
for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, signal.SIG_IGN)
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    with open(sys.argv[1], "a") as fh:
        fh.write("tick\n")
    time.sleep(0.05)
