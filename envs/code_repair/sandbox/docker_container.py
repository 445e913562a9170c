"""Docker containers for the sandboxes: image name, limits, PID 1, create and remove.

Containers run with no network, memory/CPU/pids limits, all but three capabilities dropped
(none of them held by the agent's processes), PID 1 under a uid of its own, commands as the
sandbox user (uid 1000) under a root wrapper, a read-only root file system, and tmpfs
mounts for `/workspace` and `/tmp` (so "filling the disk" fills a bounded tmpfs). They are
started with `auto_remove` and end on their own after `max_lifetime_s`, a last line of
defence behind close/atexit/SIGTERM/reaper.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from agentdata.envs.code_repair.sandbox import lifecycle
from agentdata.envs.code_repair.sandbox.errors import SandboxCrashedError, SandboxUnavailableError
from agentdata.envs.code_repair.sandbox.workspace import SANDBOX_ENV, SANDBOX_UID, WORKSPACE

DEFAULT_IMAGE = "agentdata-sandbox:py3"

# PID 1 is started as root (the container keeps only CAP_KILL, CAP_SETUID, CAP_SETGID) and
# ignores every catchable signal (SIGCHLD too, so the kernel reaps orphans for it). It forks
# the seeder and then drops to `INIT_UID`, losing every capability, and becomes `sleep
# LIFETIME`: a uid other than the agent's, so nothing the agent runs can signal it, ptrace
# it or open its /proc files. The seeder becomes the agent's user, waits on stdin for the
# seed tar (length-prefixed) that `_seed` sends through `docker attach` — much cheaper than
# a `docker exec` — unpacks it, says SEEDED and exits.
_INIT_PY = r"""
import io, os, signal, sys, tarfile
for s in (1, 2, 3, 10, 12, 14, 15, 17):
    signal.signal(s, signal.SIG_IGN)
agent, init = int(sys.argv[2]), int(sys.argv[3])
if os.fork() == 0:
    os.setgroups([])
    os.setresgid(agent, agent, agent)
    os.setresuid(agent, agent, agent)
    head = sys.stdin.buffer.read(8)
    if len(head) != 8:
        os._exit(0)
    n = int.from_bytes(head, "big")
    data = sys.stdin.buffer.read(n)
    if n:
        tarfile.open(fileobj=io.BytesIO(data)).extractall("/workspace")
    sys.stdout.write("SEEDED\n")
    sys.stdout.flush()
    os._exit(0)
os.setgroups([])
os.setresgid(init, init, init)
os.setresuid(init, init, init)
null = os.open("/dev/null", os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
os.execvp("sleep", ["sleep", sys.argv[1]])
"""
# The uid of PID 1 after start-up: neither root nor the agent's (`SANDBOX_UID`).
INIT_UID = 65534
# What the container may hold at all: PID 1 needs SETUID/SETGID once; the per-call wrapper
# (root) needs KILL to end the agent's processes and SETUID/SETGID to become the agent.
# Processes of the agent's user hold none of them (non-root, no-new-privileges).
CAPABILITIES = ["KILL", "SETGID", "SETUID"]


@dataclass(frozen=True)
class DockerConfig:
    """Resource limits and image of the Docker sandboxes."""

    image: str = DEFAULT_IMAGE
    mem_limit: str = "1g"
    nano_cpus: int = 1_000_000_000
    pids_limit: int = 256
    workspace_size: str = "256m"
    tmp_size: str = "128m"
    max_lifetime_s: int = 6 * 3600


def docker_client() -> Any:
    """A Docker SDK client for the local engine, or `SandboxUnavailableError`."""
    import docker

    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as err:
        raise SandboxUnavailableError(
            f"no Docker engine reachable ({err}); run .ci/docker.sh or `agentdata sandbox doctor`"
        ) from err
    return client


def create_container(client: Any, config: DockerConfig) -> Any:
    """Start one idle, locked-down, labelled sandbox container."""
    import docker

    uid = str(SANDBOX_UID)
    init_args = (config.max_lifetime_s, SANDBOX_UID, INIT_UID)
    try:
        return client.containers.run(
            config.image,
            ["python3", "-I", "-c", _INIT_PY, *map(str, init_args)],
            detach=True,
            stdin_open=True,
            auto_remove=True,
            network_mode="none",
            mem_limit=config.mem_limit,
            memswap_limit=config.mem_limit,
            nano_cpus=config.nano_cpus,
            pids_limit=config.pids_limit,
            user="0:0",
            read_only=True,
            cap_drop=["ALL"],
            cap_add=CAPABILITIES,
            security_opt=["no-new-privileges"],
            tmpfs={
                WORKSPACE: f"size={config.workspace_size},uid={uid},gid={uid},mode=0755",
                "/tmp": f"size={config.tmp_size},mode=1777",
            },
            working_dir=WORKSPACE,
            environment=dict(SANDBOX_ENV),
            hostname="sandbox",
            labels=lifecycle.owner_labels(),
        )
    except docker.errors.ImageNotFound as err:
        raise SandboxUnavailableError(
            f"sandbox image {config.image!r} missing; run `agentdata sandbox build --offline`"
        ) from err
    except docker.errors.DockerException as err:
        raise SandboxCrashedError(f"cannot start a sandbox container: {err}") from err


def remove_container(container: Any) -> None:
    """Force-remove a container; already gone is fine. Never raises."""
    import docker

    with contextlib.suppress(docker.errors.DockerException):
        container.remove(force=True)
