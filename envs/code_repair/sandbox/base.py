"""The sandbox interface every backend implements.

A `Sandbox` is one isolated workspace (`/workspace` inside) seeded from a host directory.
Backends implement three primitives (`_start_backend`, `_execute`, `_close_backend`); file
access, seeding and snapshots are built here on top of `_run`, so every backend resolves
paths, symlinks and diffs the same way — inside the sandbox, never on the host.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Self

from agentdata.envs.code_repair.sandbox import execution as ex
from agentdata.envs.code_repair.sandbox.errors import (
    SandboxCrashedError,
    SandboxFileError,
    SandboxStateError,
)
from agentdata.envs.code_repair.sandbox.snapshot import (
    SCAN_PY,
    Baseline,
    WorkspaceSnapshot,
    build_snapshot,
    read_baseline,
    scan_request,
)
from agentdata.envs.code_repair.sandbox.workspace import (
    DEFAULT_MAX_OUTPUT_BYTES,
    DEFAULT_TIMEOUT_S,
    MAX_READ_BYTES,
    WORKSPACE,
    ExecResult,
    RunRequest,
    raise_for_file_status,
    resolve_path,
    seed_tar,
)


class Sandbox(abc.ABC):
    """One isolated workspace. Use as a context manager, or call `start()` and `close()`.

    Calls on one sandbox are serialised (a lock): a sandbox runs one command at a time.
    """

    def __init__(self, seed_dir: Path | str | None = None) -> None:
        self._seed_dir = Path(seed_dir) if seed_dir is not None else None
        self._baseline: Baseline | None = None
        self._lock = threading.RLock()
        self._started = False
        self._closed = False

    # -- backend primitives ----------------------------------------------------------------
    @abc.abstractmethod
    def _start_backend(self) -> None:
        """Make the (empty, writable) workspace and whatever runs commands in it."""

    @abc.abstractmethod
    def _execute(self, req: RunRequest) -> ExecResult:
        """Run `req.argv` as the sandbox user; never raise for its failures.

        With `req.then` (a Python program), once `argv` has ended and every process it
        started is dead, print `SCAN_MARK` and run `then` as the sandbox user on the
        request's stdin (`argv` then gets /dev/null); the exit status stays `argv`'s.
        """

    def _run(
        self,
        argv: Sequence[str],
        timeout: float,
        *,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        workdir: str = WORKSPACE,
        max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
        then: str = "",
    ) -> ExecResult:
        """`_execute` of one `RunRequest` (the backends' one primitive for commands)."""
        return self._execute(RunRequest(argv, timeout, stdin, env, workdir, max_output_bytes, then))

    @abc.abstractmethod
    def _close_backend(self) -> None:
        """Release everything; must be idempotent and never raise."""

    def _seed(self, tar: bytes) -> None:
        """Unpack the seed tar into the (empty) workspace; backends may do it faster."""
        if not tar:
            return
        res = self._run(
            ["tar", "-x", "-f", "-", "-C", WORKSPACE, "--no-same-owner"], timeout=60.0, stdin=tar
        )
        if res.exit_code != 0:
            raise SandboxCrashedError(f"seeding the workspace failed: {res.stderr}")

    # -- public API ------------------------------------------------------------------------
    def start(self) -> None:
        """Create the sandbox and copy the seed directory into the workspace."""
        with self._lock:
            if self._closed:
                raise SandboxStateError("sandbox is closed")
            if self._started:
                return
            self._start_backend()
            self._started = True
            try:
                self._baseline = read_baseline(self._seed_dir)
                self._seed(seed_tar(self._seed_dir) if self._seed_dir is not None else b"")
            except BaseException:
                self.close()
                raise

    def exec(
        self,
        cmd: Sequence[str] | str,
        timeout: float = DEFAULT_TIMEOUT_S,
        *,
        env: Mapping[str, str] | None = None,
        workdir: str = ".",
        max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES,
        stdin: bytes | None = None,
    ) -> ExecResult:
        """Run `cmd` (argv list, or a string for `sh -c`) in the workspace.

        After `timeout` seconds of wall clock every process the command started is killed
        and the result has `timed_out=True`; stdout and stderr each keep their first and
        last `max_output_bytes // 2` bytes (`truncated=True` when more was printed). Processes
        the command leaves in the background are killed when it returns. `stdin`, when
        given, is fed to the command (else it reads an empty stream).
        """
        argv = ["sh", "-c", cmd] if isinstance(cmd, str) else [str(a) for a in cmd]
        if not argv:
            raise ValueError("empty command")
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout!r}")
        with self._lock:
            self._check_live()
            return self._run(
                argv,
                timeout,
                env=env,
                stdin=stdin,
                workdir=resolve_path(workdir),
                max_output_bytes=max_output_bytes,
            )

    def read_file(self, path: str, max_bytes: int = MAX_READ_BYTES) -> str:
        """The text of a workspace file (UTF-8; undecodable bytes replaced)."""
        target = resolve_path(path)
        with self._lock:
            self._check_live()
            res = self._run(
                ["sh", "-c", ex.READ_SH, "sh", target, str(max_bytes + 1)],
                timeout=30.0,
                max_output_bytes=2 * max_bytes + 4,
            )
        raise_for_file_status(res, path)
        if len(res.stdout.encode("utf-8", "surrogatepass")) > max_bytes:
            raise SandboxFileError(f"{path!r} is larger than {max_bytes} bytes")
        return res.stdout

    def write_file(self, path: str, text: str | bytes) -> None:
        """Create or overwrite a workspace file (parent directories are created)."""
        target = resolve_path(path)
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        with self._lock:
            self._check_live()
            res = self._run(["sh", "-c", ex.WRITE_SH, "sh", target], timeout=30.0, stdin=data)
        raise_for_file_status(res, path)

    @property
    def base_tree_hash(self) -> str:
        """Tree hash of the workspace as seeded (known on the host, no exec needed)."""
        if self._baseline is None:
            raise SandboxStateError("sandbox not started")
        return self._baseline.tree_hash

    def exec_then(
        self,
        cmd: str,
        then: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        *,
        stdin: bytes | None = None,
        max_output_bytes: int = 64 << 20,
    ) -> tuple[ExecResult, str | None]:
        """Run `cmd` (`sh -c`, stdin /dev/null), then the Python program `then`, in one call.

        `then` runs as the sandbox user on `stdin` only once every process `cmd` started is
        dead — killed by the wrapper (Docker) or PID 1 (bwrap), which `cmd` cannot stop or
        trace — so nothing of `cmd` can alter what it reads or prints. Returns `cmd`'s result
        (its exit status and output) and `then`'s stdout, or None when `then` did not run
        (timeout, a process that would not die) or its output was cut (truncated).
        """
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, got {timeout!r}")
        with self._lock:
            self._check_live()
            res = self._run(
                ["sh", "-c", cmd],
                timeout,
                stdin=stdin,
                max_output_bytes=max_output_bytes,
                then=then,
            )
        head, marker, tail = res.stdout.rpartition(ex.SCAN_MARK)
        if not marker:
            return res, None
        res = replace(res, stdout=head)
        if res.timed_out or res.truncated:
            return res, None
        return res, tail

    def exec_and_snapshot(
        self,
        cmd: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        *,
        max_output_bytes: int = 64 << 20,
    ) -> tuple[ExecResult, WorkspaceSnapshot | None]:
        """`exec(cmd)` and then `snapshot()` in one round trip (e.g. after a test run).

        Built on `exec_then`: the scan cannot be stalled or forged by the command. The
        snapshot is None when it could not be taken that way (timeout, truncated output, a
        process that would not die): call `snapshot()` then. The command's stdin is /dev/null.
        """
        with self._lock:
            self._check_live()
            assert self._baseline is not None
            request = scan_request(self._baseline, WORKSPACE)
            res, scan = self.exec_then(
                cmd, SCAN_PY, timeout, stdin=request, max_output_bytes=max_output_bytes
            )
            if scan is None:
                return res, None
            try:
                return res, build_snapshot(self._baseline, scan)
            except (ValueError, KeyError, TypeError):
                return res, None

    def snapshot(self) -> WorkspaceSnapshot:
        """The workspace diff against the seeded state, and the current tree hash."""
        with self._lock:
            self._check_live()
            assert self._baseline is not None
            res = self._run(
                ["python3", "-I", "-c", SCAN_PY],
                timeout=60.0,
                stdin=scan_request(self._baseline, WORKSPACE),
                max_output_bytes=1 << 30,
            )
            if res.exit_code != 0:
                raise SandboxCrashedError(f"workspace scan failed: {res.stderr[-2000:]}")
            return build_snapshot(self._baseline, res.stdout)

    def close(self) -> None:
        """Destroy the sandbox. Idempotent; never raises."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._close_backend()

    @property
    def closed(self) -> bool:
        """True once `close()` ran."""
        return self._closed

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- helpers ---------------------------------------------------------------------------
    def _check_live(self) -> None:
        if self._closed:
            raise SandboxStateError("sandbox is closed")
        if not self._started:
            raise SandboxStateError("sandbox not started: call start() or use `with`")
