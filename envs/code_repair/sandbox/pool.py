"""A warm pool of started Docker sandbox containers.

`acquire()` takes an idle container that a background thread started earlier and only
copies the repository in, so a `reset` does not pay the ~0.4 s cold `docker run`; closed
sandboxes hand their container back to the same thread, which removes it off the critical
path and starts a replacement. The pool is an ordinary object (no module state): close it,
or let its `atexit` hook do it (SIGTERM exits through it too, unless the program handles it).
"""

from __future__ import annotations

import atexit
import collections
import threading
from pathlib import Path
from typing import Any

from agentdata.envs.code_repair.sandbox import lifecycle
from agentdata.envs.code_repair.sandbox.docker_backend import DockerSandbox
from agentdata.envs.code_repair.sandbox.docker_container import (
    DockerConfig,
    create_container,
    docker_client,
    remove_container,
)
from agentdata.envs.code_repair.sandbox.errors import SandboxCrashedError, SandboxStateError


class DockerSandboxPool:
    """Keeps `size` idle containers ready; `acquire()` returns a started `DockerSandbox`."""

    def __init__(
        self,
        size: int = 2,
        config: DockerConfig | None = None,
        *,
        client: Any = None,
    ) -> None:
        """Reap leftovers of killed runs, then start filling the pool in the background.

        Side effects, on purpose: an `atexit` hook closes the pool, and when the program has
        no SIGTERM handler of its own one is installed that exits through `atexit`
        (`lifecycle.install_sigterm_cleanup`), so a terminated run leaves no containers.
        """
        if size < 0:
            raise ValueError("pool size must be >= 0")
        self.size = size
        self.config = config or DockerConfig()
        self._client = client or docker_client()
        self._cond = threading.Condition()
        self._warm: collections.deque[Any] = collections.deque()
        self._to_remove: list[Any] = []
        self._live: dict[str, Any] = {}  # every container this pool started and not removed
        self._creating = 0
        self._stopped = False
        self._error: BaseException | None = None
        lifecycle.reap_orphans(self._client)
        lifecycle.install_sigterm_cleanup()
        atexit.register(self.close)
        self._thread = threading.Thread(target=self._work, name="sandbox-pool", daemon=True)
        self._thread.start()

    def acquire(self, seed_dir: Path | str | None = None) -> DockerSandbox:
        """A started sandbox whose workspace holds a copy of `seed_dir`."""
        for attempt in range(2):
            container = self._take()
            box = DockerSandbox(
                seed_dir, self.config, client=self._client, container=container,
                release=self._release,
            )  # fmt: skip
            try:
                box.start()
            except SandboxCrashedError:
                # A warm container that died while idle (lifetime, engine restart): retry.
                if attempt == 1:
                    raise
                continue
            return box
        raise AssertionError("unreachable")

    def _take(self) -> Any:
        with self._cond:
            if self._stopped:
                raise SandboxStateError("pool is closed")
            if self._warm:
                container = self._warm.popleft()
                self._cond.notify_all()
                return container
        # Pool ran dry (or size 0): pay the cold start here.
        container = create_container(self._client, self.config)
        with self._cond:
            self._live[container.id] = container
            self._cond.notify_all()
        return container

    def _release(self, container: Any) -> None:
        with self._cond:
            if self._stopped:
                remove = True
            else:
                self._to_remove.append(container)
                self._cond.notify_all()
                remove = False
        if remove:
            self._remove(container)

    def _remove(self, container: Any) -> None:
        remove_container(container)
        with self._cond:
            self._live.pop(container.id, None)

    def _work(self) -> None:
        while True:
            with self._cond:
                while (
                    not self._stopped
                    and not self._to_remove
                    and (len(self._warm) + self._creating >= self.size or self._error is not None)
                ):
                    self._cond.wait()
                if self._to_remove:
                    doomed = self._to_remove.pop()
                elif self._stopped:
                    return
                else:
                    doomed = None
                    self._creating += 1
            if doomed is not None:
                self._remove(doomed)
                continue
            try:
                container = create_container(self._client, self.config)
            except BaseException as err:  # e.g. image missing: stop refilling, acquire goes cold
                with self._cond:
                    self._creating -= 1
                    self._error = err
                continue
            with self._cond:
                self._creating -= 1
                self._live[container.id] = container
                if self._stopped:
                    self._to_remove.append(container)
                else:
                    self._warm.append(container)
                self._cond.notify_all()

    def warm_count(self) -> int:
        """How many idle containers are ready now."""
        with self._cond:
            return len(self._warm)

    def wait_warm(self, timeout: float = 30.0) -> bool:
        """Block until the pool is full (or `timeout`); True when full."""
        with self._cond:
            return self._cond.wait_for(
                lambda: len(self._warm) >= self.size or self._error is not None, timeout
            )

    def close(self) -> None:
        """Remove every container this pool started, in use or idle. Idempotent."""
        with self._cond:
            already = self._stopped
            self._stopped = True
            self._cond.notify_all()
        if already:
            return
        atexit.unregister(self.close)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=60)
        with self._cond:
            leftovers = list(self._live.values())
            self._warm.clear()
        for container in leftovers:
            self._remove(container)

    def __enter__(self) -> DockerSandboxPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
