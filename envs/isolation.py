"""Run verification functions in a separate worker process with a hard timeout.

Verifiers built on symbolic libraries can hang (sympy on an adversarial expression, Math-Verify
on many inputs) and signal-based timeouts only work in the main thread. `IsolatedWorker` keeps
one child process (a fresh interpreter started lazily with `subprocess`, so it never inherits
the parent's threads or locks and never re-imports the caller's `__main__` as multiprocessing's
spawn does) and sends it one call at a time over a pipe. A call that does not answer in
time gets the child killed (SIGKILL) and raises `VerifierTimeout`; the next call starts a fresh
child. Calls from several threads are serialised by a lock, so the worker is thread-safe.

The function must be importable by reference (a module-level function) and its arguments and
result picklable. No module-level state: each owner (e.g. one environment) holds its worker and
closes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from agentdata.errors import VerifierError

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_START_TIMEOUT_S = 60.0
DEFAULT_MEMORY_BYTES = 2 * 1024**3


class IsolationError(VerifierError):
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


_BOOT = "import sys; from agentdata.envs.isolation import _serve; _serve(sys.argv[1])"


def _serve(config: str) -> None:
    """Entry point of the child interpreter (see `_BOOT`)."""
    cfg = json.loads(config)
    reader = Connection(int(cfg["read_fd"]), writable=False)
    writer = Connection(int(cfg["write_fd"]), readable=False)
    _worker_main(reader, writer, cfg["memory_bytes"], tuple(cfg["preload"]), cfg.get("warmup"))


def _worker_main(
    conn: Connection,
    out: Connection,
    memory_bytes: int | None,
    preload: tuple[str, ...],
    warmup: str | None = None,
) -> None:
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
    if warmup:  # "module:function": run once so the first real call finds warm caches
        module, _, function = warmup.partition(":")
        getattr(importlib.import_module(module), function)()
    out.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        try:
            out.send(("ok", fn(*args)))
        except BaseException as exc:  # report everything, including MemoryError
            out.send(("err", type(exc).__name__, str(exc)[:2000], traceback.format_exc()[-4000:]))


class IsolatedWorker:
    """A restartable worker process that runs one function call at a time with a timeout."""

    def __init__(
        self,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        start_timeout_s: float = DEFAULT_START_TIMEOUT_S,
        memory_bytes: int | None = DEFAULT_MEMORY_BYTES,
        preload: tuple[str, ...] = (),
        warmup: str | None = None,
    ) -> None:
        """`preload`: modules the worker imports before it is ready; `warmup`: a
        `"module:function"` it calls once before it is ready (e.g. to fill sympy's caches)."""
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.memory_bytes = memory_bytes
        self.preload = preload
        self.warmup = warmup
        self.restarts = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None  # child -> parent
        self._send: Connection | None = None  # parent -> child
        self._ready = False
        self._background = False  # started in the background after a kill
        self._spawned_at = 0.0

    @property
    def alive(self) -> bool:
        """True while a worker process is running."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the running worker, if any."""
        return self._process.pid if self.alive and self._process is not None else None

    def _spawn(self) -> None:
        """Start the child without waiting for it to be ready (see `_await_ready`)."""
        to_child_r, to_child_w = os.pipe()
        to_parent_r, to_parent_w = os.pipe()
        config = json.dumps(
            {
                "read_fd": to_child_r,
                "write_fd": to_parent_w,
                "memory_bytes": self.memory_bytes,
                "preload": list(self.preload),
                "warmup": self.warmup,
            }
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, config],
                pass_fds=(to_child_r, to_parent_w),
                stdin=subprocess.DEVNULL,
                env=env,
            )
        except OSError as exc:
            for fd in (to_child_r, to_child_w, to_parent_r, to_parent_w):
                os.close(fd)
            raise WorkerCrashed(f"cannot start the worker: {exc}") from exc
        os.close(to_child_r)
        os.close(to_parent_w)
        self._process = process
        self._send = Connection(to_child_w, readable=False)
        self._conn = Connection(to_parent_r, writable=False)
        self._ready = False
        self._background = False
        self._spawned_at = time.monotonic()

    def _await_ready(self, limit: float | None) -> Connection:
        """Wait for the started child's handshake. With a `limit` shorter than what is left of
        `start_timeout_s`, running out raises VerifierTimeout and leaves the child starting."""
        conn = self._conn
        assert conn is not None
        if self._ready:
            return conn
        left = self.start_timeout_s - (time.monotonic() - self._spawned_at)
        wait = left if limit is None else min(limit, left)
        if not conn.poll(max(0.0, wait)):
            if limit is not None and wait < left:
                raise VerifierTimeout(
                    f"the worker is still starting after {limit:.3g}s", timeout_s=limit
                )
            self._kill()
            raise WorkerCrashed(f"worker did not start within {self.start_timeout_s}s")
        try:
            conn.recv()
        except (EOFError, OSError) as exc:
            self._kill()
            raise WorkerCrashed(f"worker died while starting: {exc}") from exc
        self._ready = True
        return conn

    def _start(self) -> Connection:
        self._spawn()
        return self._await_ready(None)

    def _kill(self) -> None:
        process, conn, send = self._process, self._conn, self._send
        self._process, self._conn, self._send = None, None, None
        for c in (conn, send):
            if c is not None:
                c.close()
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        timeout_s: float | None = None,
        budgeted_start: bool = False,
    ) -> Any:
        """Run `fn(*args)` in the worker; raise VerifierTimeout, WorkerCrashed or RemoteError.

        `budgeted_start`: a worker killed on timeout is replaced at once in the background, and
        waiting for that replacement counts against `timeout_s`, so after a hang no call
        (e.g. one environment step with a total budget) waits past its limit. The first start
        is waited for as usual."""
        limit = self.timeout_s if timeout_s is None else timeout_s
        with self._lock:
            started = time.monotonic()
            if not self.alive or self._conn is None:
                self._spawn()
            waited = budgeted_start and self._background
            conn = self._await_ready(limit if waited else None)
            if waited:
                limit = max(0.0, limit - (time.monotonic() - started))
            try:
                assert self._send is not None
                self._send.send((fn, args))
                ready = conn.poll(limit)
            except (OSError, EOFError) as exc:
                self._kill()
                self.restarts += 1
                raise WorkerCrashed(f"lost the worker: {exc}") from exc
            if not ready:
                self._kill()
                self.restarts += 1
                if budgeted_start:
                    self._spawn()
                    self._background = True
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

    def ensure_started(self) -> None:
        """Start the worker now (blocking, up to `start_timeout_s`) unless one is running."""
        with self._lock:
            if not self.alive or self._conn is None:
                self._spawn()
            self._await_ready(None)

    def close(self) -> None:
        """Stop the worker (politely, then by force); the object can start a new one later."""
        with self._lock:
            if self._send is not None and self._process is not None and self.alive:
                try:
                    self._send.send(None)
                    self._process.wait(timeout=2)
                except (OSError, EOFError, subprocess.TimeoutExpired):
                    pass
            self._kill()

    def __enter__(self) -> IsolatedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
