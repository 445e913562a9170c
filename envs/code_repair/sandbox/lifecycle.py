"""Container ownership labels, the start-up reaper, and the SIGTERM hook.

Every container carries `LABEL_SANDBOX=1` plus its owner's host name, pid and process
start time. A container whose owner is gone (on this host: no such pid, or a pid reused
by a later process) is a leftover of a killed run, and `reap_orphans` removes it.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from types import FrameType
from typing import Any

LABEL_SANDBOX = "agentdata.sandbox"
LABEL_HOST = "agentdata.owner.host"
LABEL_PID = "agentdata.owner.pid"
LABEL_START = "agentdata.owner.start"


def process_start_time(pid: int) -> str | None:
    """The kernel start time of `pid` (clock ticks since boot), or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    # Field 22, counted after the parenthesised command name (which may contain spaces).
    return stat.rsplit(")", 1)[1].split()[19]


def owner_labels() -> dict[str, str]:
    """Labels that tie a container to this process."""
    pid = os.getpid()
    return {
        LABEL_SANDBOX: "1",
        LABEL_HOST: socket.gethostname(),
        LABEL_PID: str(pid),
        LABEL_START: process_start_time(pid) or "",
    }


def owner_alive(labels: dict[str, str]) -> bool:
    """Whether the process named by a container's labels still runs (False if not ours)."""
    try:
        pid = int(labels.get(LABEL_PID, ""))
    except ValueError:
        return False
    start = process_start_time(pid)
    if start is None:
        return False
    recorded = labels.get(LABEL_START, "")
    return not recorded or recorded == start


def reap_orphans(client: Any) -> list[str]:
    """Remove our containers whose owner process on this host has died; return their ids.

    Containers owned by other hosts sharing the engine are left alone: their pids mean
    nothing here.
    """
    import docker.errors

    host = socket.gethostname()
    removed: list[str] = []
    try:
        found = client.containers.list(all=True, filters={"label": f"{LABEL_SANDBOX}=1"})
    except docker.errors.DockerException:
        return removed
    for container in found:
        labels = container.labels or {}
        if labels.get(LABEL_HOST) != host or owner_alive(labels):
            continue
        try:
            container.remove(force=True)
            removed.append(container.id)
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as err:
            # 409: removal already in progress (auto_remove); the engine finishes it.
            if getattr(err, "status_code", None) != 409:
                raise
    return removed


def _sigterm_to_exit(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into SystemExit so that `atexit` hooks (which remove our containers) run.
    sys.exit(128 + signum)


def install_sigterm_cleanup() -> bool:
    """Make SIGTERM exit through `atexit` when nobody handles it yet; True if installed.

    A handler the program set itself is kept (it is then the program's job to exit
    cleanly); outside the main thread nothing can be installed.
    """
    if threading.current_thread() is not threading.main_thread():
        return False
    current = signal.getsignal(signal.SIGTERM)
    if current is _sigterm_to_exit:
        return True
    if current not in (signal.SIG_DFL, None):
        return False
    signal.signal(signal.SIGTERM, _sigterm_to_exit)
    return True
