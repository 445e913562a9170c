"""The sandbox error tree: every failure of the sandbox layer is a `SandboxError`."""

from __future__ import annotations

from agentdata.errors import SandboxError as SandboxError  # the root, re-exported


class SandboxUnavailableError(SandboxError):
    """The backend cannot run here: no Docker engine, no image, no `bwrap` binary."""


class SandboxStateError(SandboxError):
    """The sandbox was used before `start()` or after `close()`."""


class SandboxCrashedError(SandboxError):
    """The sandbox died under us (container gone, backend call failed); discard it."""


class PathEscapeError(SandboxError):
    """A path names something outside the workspace (`../../etc/passwd`, a symlink out)."""


class SandboxFileError(SandboxError):
    """A workspace file cannot be read or written (a directory, too large, ...)."""


class SandboxFileNotFoundError(SandboxFileError):
    """The workspace file does not exist."""
