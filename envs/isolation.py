"""Run verification functions in a separate worker process with a hard timeout.

Verifiers built on symbolic libraries can hang (sympy on an adversarial expression, Math-Verify
on many inputs) and signal-based timeouts only work in the main thread. `IsolatedWorker` keeps
one child process (started lazily with the `spawn` method, so it never inherits the parent's
threads or locks) and sends it one call at a time over a pipe. A call that does not answer in
time gets the child killed (SIGKILL) and raises `VerifierTimeout`; the next call starts a fresh
child. Calls from several threads are serialised by a lock, so the worker is thread-safe.

The function must be importable by reference (a module-level function) and its arguments and
result picklable. No module-level state: each owner (e.g. one environment) holds its worker and
closes it.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_START_TIMEOUT_S = 60.0
DEFAULT_MEMORY_BYTES = 2 * 1024**3


class IsolationError(Exception):
    """Base of the errors raised by `IsolatedWorker`."""


class VerifierTimeout(IsolationError):
    """The call did not finish within its time limit; the worker was killed."""

    def __init__(self, message: str, *, timeout_s: float) -> None:
        super().__init__(message)
        self.timeout_s = timeout_s


class WorkerCrashed(IsolationError):
    """The worker died (killed, out of memory, failed to start) before answering."""


class RemoteError(IsolationError):
    """The function raised inside the worker; `remote_type` names the exception class."""

    def __init__(self, remote_type: str, message: str, remote_traceback: str) -> None:
        super().__init__(f"{remote_type}: {message}")
        self.remote_type = remote_type
        self.remote_traceback = remote_traceback


def _worker_main(conn: Connection, memory_bytes: int | None, preload: tuple[str, ...]) -> None:
    """Child loop: receive (fn, args), reply ("ok", result) or ("err", type, msg, tb)."""
    if memory_bytes is not None:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        except (ImportError, ValueError, OSError):  # best effort: not every OS allows it
            pass
    import importlib

    for name in preload:
        importlib.import_module(name)
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        try:
            conn.send(("ok", fn(*args)))
        except BaseException as exc:  # report everything, including MemoryError
            conn.send(("err", type(exc).__name__, str(exc)[:2000], traceback.format_exc()[-4000:]))


class IsolatedWorker:
    """A restartable worker process that runs one function call at a time with a timeout."""

    def __init__(
        self,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        start_timeout_s: float = DEFAULT_START_TIMEOUT_S,
        memory_bytes: int | None = DEFAULT_MEMORY_BYTES,
        preload: tuple[str, ...] = (),
    ) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.memory_bytes = memory_bytes
        self.preload = preload
        self.restarts = 0
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    @property
    def alive(self) -> bool:
        """True while a worker process is running."""
        return self._process is not None and self._process.is_alive()

    def _start(self) -> Connection:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(
            target=_worker_main,
            args=(child, self.memory_bytes, self.preload),
            daemon=True,
            name="agentdata-verifier",
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        if not parent.poll(self.start_timeout_s):
            self._kill()
            raise WorkerCrashed(f"worker did not start within {self.start_timeout_s}s")
        try:
            parent.recv()
        except (EOFError, OSError) as exc:
            self._kill()
            raise WorkerCrashed(f"worker died while starting: {exc}") from exc
        return parent

    def _kill(self) -> None:
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=5)

    def call(self, fn: Callable[..., Any], *args: Any, timeout_s: float | None = None) -> Any:
        """Run `fn(*args)` in the worker; raise VerifierTimeout, WorkerCrashed or RemoteError."""
        limit = self.timeout_s if timeout_s is None else timeout_s
        with self._lock:
            conn = self._conn if self.alive and self._conn is not None else self._start()
            try:
                conn.send((fn, args))
                ready = conn.poll(limit)
            except (OSError, EOFError) as exc:
                self._kill()
                self.restarts += 1
                raise WorkerCrashed(f"lost the worker: {exc}") from exc
            if not ready:
                self._kill()
                self.restarts += 1
                raise VerifierTimeout(f"verifier exceeded {limit}s; worker killed", timeout_s=limit)
            try:
                reply = conn.recv()
            except (EOFError, OSError) as exc:
                self._kill()
                self.restarts += 1
                raise WorkerCrashed(f"worker died during the call: {exc}") from exc
        if reply[0] == "ok":
            return reply[1]
        raise RemoteError(reply[1], reply[2], reply[3])

    def close(self) -> None:
        """Stop the worker (politely, then by force); the object can start a new one later."""
        with self._lock:
            if self._conn is not None and self.alive:
                try:
                    self._conn.send(None)
                except (OSError, EOFError):
                    pass
                if self._process is not None:
                    self._process.join(timeout=2)
            self._kill()

    def __enter__(self) -> IsolatedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
