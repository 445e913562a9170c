"""Pieces shared by every backend's `exec`: the in-sandbox wrapper and output capping.

The Docker wrapper (`WRAPPER_SH`) is a POSIX `sh` script that runs as **root** in the
container (holding only CAP_KILL, CAP_SETUID and CAP_SETGID) and runs the command as the
agent's user (uid 1000, no capabilities, `setpriv`). Being another uid, it can be neither
signalled nor ptraced by anything the command starts. It forks a watchdog *before* the
command starts, so that killing a runaway tree never needs a new process (a fork bomb may
have taken every pid by then): after `timeout` seconds the watchdog calls the shell builtin
`kill -9 -1`, which signals every process in the sandbox's pid namespace except itself and
PID 1. After the command returns the wrapper does the same, so no process outlives the
call that started it — daemons, double forks and `setsid` included (the next call starts
from a clean process table). Signals are delivered asynchronously, so the wrapper then
reaps its watchdog and waits until `kill -0 -1` finds nothing left to signal: first
spinning on the builtin (kills usually land within microseconds), then sleeping in 10 ms
steps, at most ~3 s in all.

The bubblewrap backend has no second uid; it runs the command under `BWRAP_INIT_PY` as the
PID 1 of a fresh pid namespace per call instead (see there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# $1: timeout in seconds; $2: uid:gid to run the command as; $3: a Python program to run
# as that user once every process of the command is dead ('' for none: see `SCAN_MARK`);
# the rest is the command (argv). With a program, the command's stdin is /dev/null and the
# program gets the wrapper's. `setpriv` is in util-linux (essential in Debian); images
# without it drop the ids with Python instead (127 for a missing command, as `sh` says).
WRAPPER_SH = r"""
t=$1; u=$2; then=$3; shift 3
( trap '' TERM INT HUP; sleep "$t"; for i in 1 2 3 4 5 6 7 8; do kill -9 -1; done ) \
    </dev/null >/dev/null 2>&1 &
as_agent() {
    if command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid="${u%%:*}" --regid="${u#*:}" --clear-groups --inh-caps=-all -- "$@"
    else
        python3 -I -S -c '
import os, sys
uid, _, gid = sys.argv[1].partition(":")
os.setgroups([]); os.setresgid(int(gid), int(gid), int(gid))
os.setresuid(int(uid), int(uid), int(uid))
try:
    os.execvp(sys.argv[2], sys.argv[2:])
except FileNotFoundError:
    sys.stderr.write(sys.argv[2] + ": not found\n"); os._exit(127)
except OSError as e:
    sys.stderr.write(sys.argv[2] + ": " + e.strerror + "\n"); os._exit(126)
' "$u" "$@"
    fi
}
if [ -n "$then" ]; then as_agent "$@" </dev/null; else as_agent "$@"; fi
rc=$?
kill -9 -1 2>/dev/null
wait 2>/dev/null
n=0
while kill -0 -1 2>/dev/null && [ $n -lt 500 ]; do
    kill -9 -1 2>/dev/null; n=$((n+1))
    [ $n -gt 200 ] && sleep 0.01
done
kill -0 -1 2>/dev/null && exit $rc
if [ -n "$then" ]; then
    printf '\n@@agentdata-scan@@\n'
    as_agent python3 -I -c "$then"
fi
exit $rc
"""

# PID 1 of every bubblewrap call (`bwrap --as-pid-1`: a fresh pid namespace per call).
# argv: timeout, a Python program for after the command ('' for none, as in `WRAPPER_SH`:
# it runs once PID 1 has killed and reaped every other process), then the command. It
# makes itself non-dumpable, so the command (same uid, no capabilities) can neither
# ptrace it nor open its /proc files; it installs no signal
# handler, so the kernel drops every signal sent to it from inside the namespace. It runs
# the command, reaps orphans while waiting (SIGCHLD blocked and waited for, never handled),
# and exits when the command does (137 at the timeout): the kernel then kills every process
# left in the namespace — daemons, double forks, `setsid` — before bwrap returns.
BWRAP_INIT_PY = r"""
import ctypes, os, signal, sys, time
if ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE
    os.write(2, b"sandbox init: cannot make itself non-dumpable\n")
    os._exit(125)
for s in (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):
    signal.signal(s, signal.SIG_DFL)
deadline = time.monotonic() + float(sys.argv[1])
then, argv = sys.argv[2], sys.argv[3:]
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
pid = os.fork()
if pid == 0:
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    if then:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    try:
        os.execvp(argv[0], argv)
    except FileNotFoundError:
        os.write(2, argv[0].encode(errors="replace") + b": not found\n")
        os._exit(127)
    except OSError as err:
        os.write(2, f"{argv[0]}: {err.strerror}\n".encode(errors="replace"))
        os._exit(126)
while True:
    while True:
        try:
            child, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            os._exit(125)
        if child == 0:
            break
        if child == pid:
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code
            if not then:
                os._exit(code)
            while True:  # every other process here is ours to kill, and ends up our child
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    break
            os.write(1, b"\n@@agentdata-scan@@\n")
            scan = os.fork()
            if scan == 0:
                signal.pthread_sigmask(signal.SIG_SETMASK, set())
                os.execvp(sys.executable, [sys.executable, "-I", "-c", then])
            os.waitpid(scan, 0)
            os._exit(code)
    left = deadline - time.monotonic()
    if left <= 0:
        os._exit(137)
    signal.sigtimedwait({signal.SIGCHLD}, left)
"""

def with_env(argv: Sequence[str], env: Mapping[str, str] | None) -> list[str]:
    """`argv` with `env` added to its environment by `env(1)`, run as the agent's user.

    The root wrapper never gets the caller's variables (`LD_PRELOAD` or `PATH` pointing
    into the workspace would run the agent's code as root); the command gets them after
    the uid drop. A command whose name holds `=` goes through `sh -c 'exec "$@"'`, so that
    `env` does not read it as one more assignment.
    """
    if not env:
        return list(argv)
    for name in env:
        if not _ENV_NAME.fullmatch(name):
            raise ValueError(f"invalid environment variable name: {name!r}")
    pairs = [f"{k}={v}" for k, v in sorted(env.items())]
    shim = ["/bin/sh", "-c", 'exec "$@"', "sh"] if "=" in argv[0] else []
    return ["env", *pairs, *shim, *argv]


# Exit statuses of the file helpers below; anything else is a crash of the helper.
FILE_NOT_FOUND = 3
FILE_ESCAPES = 4
FILE_NOT_REGULAR = 5
FILE_WRITE_FAILED = 6

# $1: absolute path inside the workspace, $2: byte cap. Resolves symlinks *inside* the
# sandbox, so a link pointing out of the workspace is refused, not followed.
READ_SH = r"""
r=$(realpath -e -- "$1" 2>/dev/null) || exit 3
case "$r" in /workspace/*) ;; *) exit 4;; esac
[ -f "$r" ] || exit 5
exec head -c "$2" -- "$r"
"""

# $1: absolute path inside the workspace; content on stdin.
WRITE_SH = r"""
r=$(realpath -m -- "$1" 2>/dev/null) || exit 4
case "$r" in /workspace/*) ;; *) exit 4;; esac
[ -d "$r" ] && exit 5
d=$(dirname -- "$r")
mkdir -p -- "$d" 2>/dev/null || exit 6
cat > "$r" || exit 6
"""

TRUNCATION_MARKER = "\n[... {n} bytes truncated by the sandbox ...]\n"


class CappedBuffer:
    """Keeps the first and last `cap // 2` bytes of a stream and counts the rest.

    Head and tail both matter for test output: the head shows the first error, the tail
    pytest's summary. Memory stays O(cap) however much the command prints.
    """

    def __init__(self, cap: int) -> None:
        self._half = max(cap // 2, 1)
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def feed(self, data: bytes) -> None:
        """Append `data` to the stream."""
        self.total += len(data)
        room = self._half - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if data:
            self._tail += data
            if len(self._tail) > 2 * self._half:
                # Amortised trim: keep the buffer at most twice the tail size.
                del self._tail[: len(self._tail) - self._half]

    @property
    def truncated(self) -> bool:
        """True when bytes were dropped."""
        return self.total > len(self._head) + min(len(self._tail), self._half)

    def text(self) -> str:
        """The kept bytes as text (UTF-8, undecodable bytes replaced), with a marker."""
        tail = bytes(self._tail[-self._half :]) if self._tail else b""
        dropped = self.total - len(self._head) - len(tail)
        head = self._head.decode("utf-8", "replace")
        if dropped <= 0:
            return (bytes(self._head) + tail).decode("utf-8", "replace")
        return head + TRUNCATION_MARKER.format(n=dropped) + tail.decode("utf-8", "replace")

    def data(self) -> bytes:
        """The raw kept bytes (only meaningful when not truncated)."""
        return bytes(self._head) + bytes(self._tail[-self._half :])

# Printed by the wrapper / PID 1 between the command's output and the program run after it.
# Every process the command started is dead by then, so nothing of the command can write
# after the marker: the host reads the program's output after the *last* one.
SCAN_MARK = "\n@@agentdata-scan@@\n"

