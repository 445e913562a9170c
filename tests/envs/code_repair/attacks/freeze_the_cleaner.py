"""A daemon that tries to stop or trace every other process it can see, PID 1 included.

Whatever cleans up after the call (a wrapper, a watchdog, PID 1) is one of them: if any
of these succeed, the cleanup cannot run and the daemon outlives the call. argv: a
workspace file to count into; it logs how many stops/attaches did not fail.
"""

import ctypes
import os
import signal
import sys
import time

PTRACE_ATTACH = 16
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]

if os.fork():
    time.sleep(1.0)  # let the daemon get to work before the command returns
    sys.exit(0)
parent = os.getppid()  # left alone, so that the command itself returns
os.setsid()
signal.signal(signal.SIGHUP, signal.SIG_IGN)
me = os.getpid()
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    won = 0
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (me, parent):
            continue
        pid = int(name)
        if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
            won += 1
        try:
            os.kill(pid, signal.SIGSTOP)
            won += 1
        except OSError:
            pass
    with open(sys.argv[1], "a") as fh:
        fh.write(f"won {won}\n")
    time.sleep(0.05)
