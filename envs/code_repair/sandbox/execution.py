"""Pieces shared by every backend's `exec`: the in-sandbox wrapper and output capping.

The wrapper is a POSIX `sh` script run as the sandbox user in front of every command. It
forks a watchdog *before* the command starts, so that killing a runaway tree never needs a
new process (a fork bomb may have taken every pid by then): after `timeout` seconds the
watchdog calls the shell builtin `kill -9 -1`, which signals every process of the sandbox
user in the sandbox's pid namespace except itself and PID 1. After a normal exit the
wrapper does the same, so no background process outlives the call that started it (and
the next call starts from a clean process table). Signals are delivered asynchronously,
so the wrapper then reaps its watchdog and waits until `kill -0 -1` finds nothing left to
signal: first spinning on the builtin (kills usually land within microseconds), then
sleeping in 10 ms steps, at most ~3 s in all.
"""

from __future__ import annotations

# $1: timeout in seconds; the rest is the command (argv).
WRAPPER_SH = r"""
t=$1; shift
( trap '' TERM INT HUP; sleep "$t"; for i in 1 2 3 4 5 6 7 8; do kill -9 -1; done ) \
    </dev/null >/dev/null 2>&1 &
"$@"
rc=$?
kill -9 -1 2>/dev/null
wait 2>/dev/null
n=0
while kill -0 -1 2>/dev/null && [ $n -lt 500 ]; do
    kill -9 -1 2>/dev/null; n=$((n+1))
    [ $n -gt 200 ] && sleep 0.01
done
exit $rc
"""

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

SCAN_MARK = "\n@@agentdata-scan@@\n"

# $1: a command for `sh -c`; $2: the scan program (snapshot.SCAN_PY). stdin: the scan
# request (the command gets /dev/null). After the command, every process but this shell,
# its parent (the wrapper) and PID 1 is killed until none is left; only then is the marker
# printed and the workspace scanned, so nothing the command started can write after the
# marker: the host reads the scan from the text after the *last* marker. If something
# will not die, there is no marker and the caller takes a separate snapshot.
SCAN_AFTER_SH = r"""
sh -c "$1" </dev/null
rc=$?
n=0
while :; do
    left=0
    for d in /proc/[0-9]*; do
        p=${d#/proc/}
        case "$p" in 1|$$|$PPID) continue;; esac
        { read -r stat < "$d/stat"; } 2>/dev/null || continue
        case "$stat" in *") Z "*) continue;; esac
        kill -9 "$p" 2>/dev/null && left=$((left+1))
    done
    [ $left -eq 0 ] && break
    n=$((n+1))
    [ $n -gt 300 ] && exit $rc
    [ $n -gt 50 ] && sleep 0.01
done
printf '\n@@agentdata-scan@@\n'
python3 -I -c "$2"
exit $rc
"""
