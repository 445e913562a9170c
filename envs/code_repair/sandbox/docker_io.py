"""Talking to a hijacked Docker exec/attach socket: stdin in, framed stdout/stderr out."""

from __future__ import annotations

import select
import socket
import time

from agentdata.envs.code_repair.sandbox.execution import CappedBuffer


def pump(
    sock: socket.socket,
    stdin: bytes | None,
    out: CappedBuffer,
    err: CappedBuffer,
    deadline: float,
    *,
    until: bytes | None = None,
    eof: bool = True,
) -> bool:
    """Feed stdin and demultiplex Docker's framed output until EOF; False at `deadline`.

    With `until`, also stop once stdout holds it; `eof=False` keeps stdin open after
    sending (closing it would end an attached PID 1's stdin for good).
    """
    pending = memoryview(stdin) if stdin is not None else None
    if pending is not None and not pending:
        if eof:
            sock.shutdown(socket.SHUT_WR)
        pending = None
    buf = bytearray()
    sock.setblocking(False)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        readable, writable, _ = select.select([sock], [sock] if pending else [], [], left)
        if writable and pending is not None:
            try:
                n = sock.send(pending[: 1 << 16])
            except (BlockingIOError, InterruptedError):
                n = 0
            except OSError:
                n, pending = 0, memoryview(b"")  # the command closed its stdin early
            pending = pending[n:]
            if not pending:
                if eof:
                    sock.shutdown(socket.SHUT_WR)
                pending = None
        if readable:
            try:
                chunk = sock.recv(1 << 16)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:
                return True
            buf += chunk
            while len(buf) >= 8:
                size = int.from_bytes(buf[4:8], "big")
                if len(buf) < 8 + size:
                    break
                (err if buf[0] == 2 else out).feed(bytes(buf[8 : 8 + size]))
                del buf[: 8 + size]
            if until is not None and until in out.data():
                return True
