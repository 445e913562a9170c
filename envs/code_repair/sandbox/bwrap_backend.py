"""The bubblewrap backend, for machines with no Docker engine (see README.md for limits).

Each command runs in a fresh `bwrap` with new user, pid, network, IPC, UTS and cgroup
namespaces: only the workspace (a host temporary directory bound at `/workspace`) and a
private tmpfs `/tmp` are writable; `/usr`, `/etc` and the Python installation are bound
read-only; there are no network interfaces but loopback. Memory and file sizes are bounded
per process with rlimits (there is no cgroup). PID 1 of each call's pid namespace is
`execution.BWRAP_INIT_PY` (non-dumpable, no signal handlers: the command cannot take it
over); when the command ends or times out it exits, and the kernel kills every process
left in the namespace, so nothing outlives the call.
"""

from __future__ import annotations

import os
import resource
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from agentdata.envs.code_repair.sandbox.base import Sandbox
from agentdata.envs.code_repair.sandbox.errors import SandboxCrashedError, SandboxUnavailableError
from agentdata.envs.code_repair.sandbox.execution import BWRAP_INIT_PY, CappedBuffer, with_env
from agentdata.envs.code_repair.sandbox.workspace import (
    KILLED_EXIT,
    SANDBOX_ENV,
    SANDBOX_UID,
    WORKSPACE,
    ExecResult,
    RunRequest,
)

HOST_GRACE_S = 5.0


@dataclass(frozen=True)
class BwrapConfig:
    """Per-process limits of the bubblewrap sandboxes."""

    address_space_bytes: int = 4 << 30
    file_size_bytes: int = 256 << 20
    max_processes: int = 256
    tmp_size_bytes: int = 128 << 20


def _python_roots() -> list[str]:
    """Directories holding the running interpreter and its packages, outside /usr."""
    roots = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    return sorted(r for r in roots if not r.startswith("/usr/"))


def _limits(config: BwrapConfig) -> None:
    # Runs in the child between fork and exec: only async-signal-safe-ish work.
    resource.setrlimit(resource.RLIMIT_AS, (config.address_space_bytes,) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (config.file_size_bytes,) * 2)
    resource.setrlimit(resource.RLIMIT_NPROC, (config.max_processes,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class BwrapSandbox(Sandbox):
    """A sandbox made of bubblewrap namespaces around a host temporary directory."""

    def __init__(
        self, seed_dir: Path | str | None = None, config: BwrapConfig | None = None
    ) -> None:
        """`seed_dir` is copied into the workspace at `start()`."""
        super().__init__(seed_dir)
        self.config = config or BwrapConfig()
        self._bwrap = shutil.which("bwrap")
        self._host_ws: Path | None = None

    def _start_backend(self) -> None:
        if self._bwrap is None:
            raise SandboxUnavailableError("bwrap not found: apt-get install -y bubblewrap")
        self._host_ws = Path(tempfile.mkdtemp(prefix="agentdata-bwrap-"))
        probe = self._run(["true"], timeout=30.0)
        if probe.exit_code != 0:
            self._close_backend()
            raise SandboxUnavailableError(f"bwrap cannot create namespaces: {probe.stderr}")

    def _close_backend(self) -> None:
        if self._host_ws is not None:
            shutil.rmtree(self._host_ws, ignore_errors=True)
            self._host_ws = None

    def _argv(self, workdir: str) -> list[str]:
        assert self._bwrap is not None and self._host_ws is not None
        args = [self._bwrap, "--unshare-all", "--as-pid-1", "--die-with-parent", "--new-session"]
        args += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--cap-drop", "ALL"]
        args += ["--hostname", "sandbox", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for top in ("bin", "lib", "lib32", "lib64", "sbin"):
            host = Path("/", top)
            if host.is_symlink():
                args += ["--symlink", os.readlink(host), f"/{top}"]
            elif host.is_dir():
                args += ["--ro-bind", str(host), f"/{top}"]
        python_bins: list[str] = []
        for root in _python_roots():
            args += ["--ro-bind", root, root]
            python_bins.append(f"{root}/bin")
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--size", str(self.config.tmp_size_bytes), "--tmpfs", "/tmp"]
        args += ["--bind", str(self._host_ws), WORKSPACE, "--chdir", workdir, "--clearenv"]
        merged = dict(SANDBOX_ENV)
        merged["PATH"] = ":".join([*python_bins, merged["PATH"]])
        for key in sorted(merged):
            args += ["--setenv", key, merged[key]]
        return args

    def _execute(self, req: RunRequest) -> ExecResult:
        init = [os.path.realpath(sys.executable), "-I", "-S", "-c", BWRAP_INIT_PY]
        # The caller's variables reach the command only, never PID 1 (think LD_PRELOAD).
        cmd = [*self._argv(req.workdir), "--", *init, f"{req.timeout:.3f}", req.then]
        cmd += with_env(req.argv, req.env)
        start = time.monotonic()
        config = self.config
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE if req.stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=lambda: _limits(config),
                env={},
            )
        except OSError as err:
            raise SandboxCrashedError(f"cannot run bwrap: {err}") from err
        out, err_buf = CappedBuffer(req.max_output_bytes), CappedBuffer(req.max_output_bytes)
        finished = _pump(proc, req.stdin, out, err_buf, start + req.timeout + HOST_GRACE_S)
        if not finished:
            # Killing bwrap kills its child, our PID 1 (--die-with-parent, which the command
            # cannot undo: it cannot ptrace PID 1), and so every process in the namespace.
            os.killpg(proc.pid, 9)
        code = proc.wait()
        duration = time.monotonic() - start
        exit_code = 128 - code if code < 0 else code
        timed_out = not finished or (exit_code == KILLED_EXIT and duration >= req.timeout)
        return ExecResult.captured(
            exit_code, out, err_buf, timed_out=timed_out, duration_s=duration
        )


def _pump(
    proc: subprocess.Popen[bytes],
    stdin: bytes | None,
    out: CappedBuffer,
    err: CappedBuffer,
    deadline: float,
) -> bool:
    """Feed stdin, drain stdout/stderr until both close; False at `deadline`."""
    sel = selectors.DefaultSelector()
    assert proc.stdout is not None and proc.stderr is not None
    sel.register(proc.stdout, selectors.EVENT_READ, out)
    sel.register(proc.stderr, selectors.EVENT_READ, err)
    pending = memoryview(stdin or b"")
    if proc.stdin is not None:
        os.set_blocking(proc.stdin.fileno(), False)
        if pending:
            sel.register(proc.stdin, selectors.EVENT_WRITE, None)
        else:
            proc.stdin.close()
    open_readers = 2
    try:
        while open_readers:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            for key, _ in sel.select(left):
                if key.data is None:
                    assert proc.stdin is not None
                    try:
                        n = os.write(proc.stdin.fileno(), pending[: 1 << 16])
                    except BlockingIOError:
                        continue
                    except OSError:  # the command closed its stdin early
                        n = len(pending)
                    pending = pending[n:]
                    if not pending:
                        sel.unregister(proc.stdin)
                        proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 1 << 16)
                if chunk:
                    key.data.feed(chunk)
                else:
                    sel.unregister(key.fileobj)
                    open_readers -= 1
        return True
    finally:
        sel.close()
        for f in (proc.stdin, proc.stdout, proc.stderr):
            if f is not None and not f.closed:
                f.close()
