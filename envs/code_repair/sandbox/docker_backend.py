"""The Docker backend: one locked-down container per sandbox, driven by the Docker SDK.

See `docker_container` for the container's limits and PID 1, `pool` for the warm pool,
`lifecycle` for labels and the reaper. Commands run through `docker exec` under the
in-sandbox wrapper (`execution.WRAPPER_SH`); the seed repo goes in through `docker attach`
to PID 1, which is cheaper than an exec.
"""

from __future__ import annotations

import atexit
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentdata.envs.code_repair.sandbox import lifecycle
from agentdata.envs.code_repair.sandbox.base import Sandbox
from agentdata.envs.code_repair.sandbox.docker_container import (
    DEFAULT_IMAGE,
    DockerConfig,
    create_container,
    docker_client,
    remove_container,
)
from agentdata.envs.code_repair.sandbox.docker_io import pump
from agentdata.envs.code_repair.sandbox.errors import SandboxCrashedError
from agentdata.envs.code_repair.sandbox.execution import WRAPPER_SH, CappedBuffer, with_env
from agentdata.envs.code_repair.sandbox.workspace import (
    KILLED_EXIT,
    SANDBOX_UID,
    ExecResult,
    RunRequest,
)

__all__ = ["DEFAULT_IMAGE", "DockerConfig", "DockerSandbox", "docker_client"]

# If the wrapper's watchdog cannot end a command, the host steps in after this grace.
HOST_GRACE_S = 10.0


class DockerSandbox(Sandbox):
    """A sandbox in a Docker container (see the module docstring for the isolation)."""

    def __init__(
        self,
        seed_dir: Path | str | None = None,
        config: DockerConfig | None = None,
        *,
        client: Any = None,
        container: Any = None,
        release: Callable[[Any], None] | None = None,
    ) -> None:
        """`container`/`release` are for the pool: a pre-started container and the
        callback that takes it back on close (instead of removing it synchronously)."""
        super().__init__(seed_dir)
        self.config = config or DockerConfig()
        self._client = client
        self._container = container
        self._release = release
        self._created_at = time.time()
        self._oom_seen = 0

    @property
    def container_id(self) -> str | None:
        """The container's id once started."""
        return None if self._container is None else str(self._container.id)

    def _start_backend(self) -> None:
        if self._client is None:
            self._client = docker_client()
        if self._container is None:
            lifecycle.reap_orphans(self._client)
            lifecycle.install_sigterm_cleanup()
            atexit.register(self.close)
            self._container = create_container(self._client, self.config)

    def _close_backend(self) -> None:
        if self._container is None:
            return
        if self._release is not None:
            self._release(self._container)
        else:
            atexit.unregister(self.close)
            remove_container(self._container)

    def _seed(self, tar: bytes) -> None:
        import docker

        try:
            sock = self._client.api.attach_socket(
                self._container.id, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
            )
        except docker.errors.DockerException as err:
            raise SandboxCrashedError(f"sandbox container unusable: {err}") from err
        out, err_buf = CappedBuffer(1 << 16), CappedBuffer(1 << 16)
        raw: socket.socket = getattr(sock, "_sock", sock)
        try:
            payload = len(tar).to_bytes(8, "big") + tar
            pump(raw, payload, out, err_buf, time.monotonic() + 60, until=b"SEEDED\n", eof=False)
        finally:
            sock.close()
        if b"SEEDED\n" not in out.data():
            raise SandboxCrashedError(f"seeding the workspace failed: {err_buf.text()[-2000:]}")

    def _execute(self, req: RunRequest) -> ExecResult:
        import docker

        api = self._client.api
        agent = f"{SANDBOX_UID}:{SANDBOX_UID}"
        cmd = ["sh", "-c", WRAPPER_SH, "wrapper", f"{req.timeout:.3f}", agent, req.then]
        cmd += with_env(req.argv, req.env)
        start = time.monotonic()
        try:
            exec_id = api.exec_create(
                self._container.id,
                cmd,
                stdin=req.stdin is not None,
                user="0:0",  # the wrapper; it runs the command as the agent's user
                workdir=req.workdir,
            )["Id"]
            sock = api.exec_start(exec_id, socket=True)
        except docker.errors.DockerException as err:
            raise SandboxCrashedError(f"sandbox container unusable: {err}") from err
        out, err_buf = CappedBuffer(req.max_output_bytes), CappedBuffer(req.max_output_bytes)
        raw: socket.socket = getattr(sock, "_sock", sock)
        try:
            finished = pump(raw, req.stdin, out, err_buf, start + req.timeout + HOST_GRACE_S)
        finally:
            sock.close()
        duration = time.monotonic() - start
        if not finished:
            self._force_kill()
            return ExecResult.captured(
                KILLED_EXIT, out, err_buf, timed_out=True, duration_s=duration
            )
        exit_code = self._exit_code(exec_id)
        killed = exit_code == KILLED_EXIT
        timed_out = killed and duration >= req.timeout
        oom = killed and not timed_out and self._new_oom_event()
        return ExecResult.captured(
            exit_code, out, err_buf, timed_out=timed_out, duration_s=duration, oom_killed=oom
        )

    def _exit_code(self, exec_id: str) -> int:
        import docker

        deadline = time.monotonic() + 5.0
        try:
            while True:
                info = self._client.api.exec_inspect(exec_id)
                if not info.get("Running") and info.get("ExitCode") is not None:
                    return int(info["ExitCode"])
                if time.monotonic() > deadline:
                    raise SandboxCrashedError("command output ended but it never exited")
                time.sleep(0.005)
        except docker.errors.DockerException as err:
            raise SandboxCrashedError(f"sandbox container unusable: {err}") from err

    def _new_oom_event(self) -> bool:
        """Whether the engine reported an OOM kill in this container since the last one."""
        import docker

        try:
            events = list(
                self._client.api.events(
                    since=f"{self._created_at - 5:.9f}",
                    until=f"{time.time():.9f}",
                    filters={"container": self._container.id, "event": "oom"},
                    decode=True,
                )
            )
        except docker.errors.DockerException:
            return False
        fresh = len(events) > self._oom_seen
        self._oom_seen = len(events)
        return fresh

    def _force_kill(self) -> None:
        """Last resort when the watchdog failed: kill as root (CAP_KILL), else drop it."""
        import docker

        try:
            self._container.exec_run(["kill", "-9", "-1"], user="0:0")
        except docker.errors.DockerException:
            remove_container(self._container)
