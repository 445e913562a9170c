"""Sandboxes for running untrusted repository code: Docker (default) and bubblewrap.

from agentdata.envs.code_repair.sandbox import DockerSandboxPool

with DockerSandboxPool(size=2) as pool:
    with pool.acquire("task/repo") as box:
        res = box.exec(["python", "-m", "pytest", "-q"], timeout=60)
        box.write_file("pkg/mod.py", "...")
        snap = box.snapshot()          # diff against the seeded repo + tree hash
"""

from agentdata.envs.code_repair.sandbox.base import Sandbox
from agentdata.envs.code_repair.sandbox.bwrap_backend import BwrapConfig, BwrapSandbox
from agentdata.envs.code_repair.sandbox.docker_backend import (
    DEFAULT_IMAGE,
    DockerConfig,
    DockerSandbox,
    docker_client,
)
from agentdata.envs.code_repair.sandbox.errors import (
    PathEscapeError,
    SandboxCrashedError,
    SandboxError,
    SandboxFileError,
    SandboxFileNotFoundError,
    SandboxStateError,
    SandboxUnavailableError,
)
from agentdata.envs.code_repair.sandbox.lifecycle import LABEL_SANDBOX, reap_orphans
from agentdata.envs.code_repair.sandbox.pool import DockerSandboxPool
from agentdata.envs.code_repair.sandbox.snapshot import FileChange, WorkspaceSnapshot
from agentdata.envs.code_repair.sandbox.workspace import (
    SANDBOX_ENV,
    WORKSPACE,
    ExecResult,
    resolve_path,
)

__all__ = [
    "DEFAULT_IMAGE",
    "LABEL_SANDBOX",
    "SANDBOX_ENV",
    "WORKSPACE",
    "BwrapConfig",
    "BwrapSandbox",
    "DockerConfig",
    "DockerSandbox",
    "DockerSandboxPool",
    "ExecResult",
    "FileChange",
    "PathEscapeError",
    "Sandbox",
    "SandboxCrashedError",
    "SandboxError",
    "SandboxFileError",
    "SandboxFileNotFoundError",
    "SandboxStateError",
    "SandboxUnavailableError",
    "WorkspaceSnapshot",
    "docker_client",
    "reap_orphans",
    "resolve_path",
]
