"""The workspace every sandbox backend provides, and what one command in it returns.

Shared by the `Sandbox` interface (`base.py`), its backends and the container set-up: the
in-sandbox workspace path and user, the fixed environment commands run with, output and
time limits, `ExecResult`, the lexical path check, the seed tar, and the typed errors of
the in-sandbox file helpers' exit statuses.
"""

from __future__ import annotations

import io
import posixpath
import shlex
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agentdata.envs.code_repair.sandbox import execution as ex
from agentdata.envs.code_repair.sandbox.errors import (
    PathEscapeError,
    SandboxCrashedError,
    SandboxFileError,
    SandboxFileNotFoundError,
)

WORKSPACE = "/workspace"
SANDBOX_UID = 1000
SANDBOX_ENV: Mapping[str, str] = {
    "PYTHONHASHSEED": "0",
    "TZ": "UTC",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_OUTPUT_BYTES = 1 << 20
MAX_READ_BYTES = 16 << 20
# A command killed by the wrapper's watchdog exits with 128 + SIGKILL.
KILLED_EXIT = 137


@dataclass(frozen=True)
class ExecResult:
    """What one command did. Never raised: hostile or broken code is data, not an error."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    truncated: bool = False
    duration_s: float = 0.0
    oom_killed: bool = False

    @property
    def ok(self) -> bool:
        """Exit status 0, within time and memory."""
        return self.exit_code == 0 and not self.timed_out and not self.oom_killed

    @classmethod
    def captured(
        cls,
        exit_code: int,
        out: ex.CappedBuffer,
        err: ex.CappedBuffer,
        *,
        timed_out: bool,
        duration_s: float,
        oom_killed: bool = False,
    ) -> ExecResult:
        """The result of a command whose output a backend captured in capped buffers."""
        truncated = out.truncated or err.truncated
        return cls(exit_code, out.text(), err.text(), timed_out, truncated, duration_s, oom_killed)


@dataclass(frozen=True)
class RunRequest:
    """One command for a backend to run as the sandbox user (`Sandbox._execute`)."""

    argv: Sequence[str]
    timeout: float
    stdin: bytes | None = None
    """Fed to the command (None: it reads an empty stream)."""
    env: Mapping[str, str] | None = None
    """Extra variables for the command only (never for the sandbox's own processes)."""
    workdir: str = WORKSPACE
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES
    then: str = ""
    """A Python program run after the command and all it started are dead (see `_run`)."""


def resolve_path(path: str) -> str:
    """The absolute in-sandbox path of a workspace path, or `PathEscapeError`.

    Accepts paths relative to the workspace and absolute ones under it. This is the lexical
    check; symlinks are resolved again inside the sandbox by the file helpers.
    """
    if not isinstance(path, str) or not path or "\0" in path:
        raise PathEscapeError(f"invalid workspace path: {path!r}")
    joined = posixpath.normpath(posixpath.join(WORKSPACE, path))
    if joined != WORKSPACE and not joined.startswith(WORKSPACE + "/"):
        raise PathEscapeError(f"path escapes the workspace: {path!r}")
    return joined


def seed_tar(seed_dir: Path | None) -> bytes:
    """A tar of `seed_dir`'s contents, in sorted order, owned by the sandbox user."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if seed_dir is not None:
            for p in sorted(seed_dir.rglob("*")):
                info = tar.gettarinfo(str(p), arcname=p.relative_to(seed_dir).as_posix())
                info.uid = info.gid = SANDBOX_UID
                info.uname = info.gname = ""
                info.mode |= 0o600 if info.isfile() else 0o700
                if info.isfile():
                    with p.open("rb") as fh:
                        tar.addfile(info, fh)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def raise_for_file_status(res: ExecResult, path: str) -> None:
    """Raise the typed error a file helper's exit status stands for (0: nothing)."""
    code = res.exit_code
    if code == 0:
        return
    if code == ex.FILE_NOT_FOUND:
        raise SandboxFileNotFoundError(f"no such file in the workspace: {path!r}")
    if code == ex.FILE_ESCAPES:
        raise PathEscapeError(f"path escapes the workspace: {path!r}")
    if code == ex.FILE_NOT_REGULAR:
        raise SandboxFileError(f"not a regular file: {path!r}")
    if code == ex.FILE_WRITE_FAILED:
        raise SandboxFileError(f"cannot write {path!r}: {res.stderr.strip()[-500:]}")
    raise SandboxCrashedError(
        f"file helper failed on {shlex.quote(path)} (exit {code}): {res.stderr[-500:]}"
    )
