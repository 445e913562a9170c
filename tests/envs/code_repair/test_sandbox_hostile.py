"""Hostile code in the Docker sandbox: each attack is contained and reported as data.

Every test runs an attack in a fresh sandbox from a shared warm pool, checks the typed
result, then checks that the same sandbox (where it survives) and a new one still work.
The last tests check that no container of ours is left, also after a SIGKILLed owner.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from agentdata.envs.code_repair.sandbox import (
    DEFAULT_IMAGE,
    LABEL_SANDBOX,
    DockerSandbox,
    DockerSandboxPool,
    PathEscapeError,
    reap_orphans,
)
from agentdata.envs.code_repair.sandbox.image import ensure_image
from agentdata.envs.code_repair.sandbox.lifecycle import LABEL_PID

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def client() -> docker.DockerClient:
    ensure_image(DEFAULT_IMAGE)
    return docker.from_env()


@pytest.fixture(scope="module")
def pool(client: docker.DockerClient) -> Iterator[DockerSandboxPool]:
    with DockerSandboxPool(size=2, client=client) as p:
        yield p


@pytest.fixture
def box(pool: DockerSandboxPool) -> Iterator[DockerSandbox]:
    with pool.acquire(None) as b:
        yield b
    # The next sandbox is unaffected by whatever this one went through.
    with pool.acquire(None) as nxt:
        res = nxt.exec("echo fresh > f && cat f && ls /proc | grep -c '^[0-9]'")
        assert res.exit_code == 0 and res.stdout.startswith("fresh\n"), res


def ours(client: docker.DockerClient, pid: int) -> list[str]:
    found = client.containers.list(
        all=True, filters={"label": [f"{LABEL_SANDBOX}=1", f"{LABEL_PID}={pid}"]}
    )
    return sorted(c.id for c in found)


def assert_alive(box: DockerSandbox) -> None:
    res = box.exec("echo ok", timeout=30)
    assert (res.exit_code, res.stdout) == (0, "ok\n"), res


def test_fork_bomb_is_contained(box: DockerSandbox) -> None:
    bomb = textwrap.dedent("""
        import os, time
        while True:
            try:
                os.fork()
            except OSError:
                time.sleep(0.01)
    """)
    res = box.exec(["python3", "-c", bomb], timeout=4)
    assert res.timed_out and res.exit_code == 137
    assert_alive(box)
    left = box.exec("ls /proc | grep -c '^[0-9]'")
    assert int(left.stdout) < 10  # init, the wrapper and `ls`: the bomb is gone


def test_memory_bomb_is_oom_killed(box: DockerSandbox) -> None:
    res = box.exec(["python3", "-c", "x = []\nwhile True: x.append(bytearray(50 << 20))"], 60)
    assert res.oom_killed and res.exit_code == 137 and not res.timed_out
    assert_alive(box)


def test_infinite_loop_times_out(box: DockerSandbox) -> None:
    res = box.exec(["python3", "-c", "while True: pass"], timeout=1.5)
    assert res.timed_out and not res.oom_killed and 1.5 <= res.duration_s < 10
    assert_alive(box)


def test_sleeping_forever_times_out(box: DockerSandbox) -> None:
    res = box.exec("sleep infinity", timeout=1)
    assert res.timed_out and res.exit_code == 137
    assert_alive(box)


def test_no_network(box: DockerSandbox) -> None:
    probe = textwrap.dedent("""
        import socket
        for host in ("1.1.1.1", "10.0.0.1", "172.17.0.1"):
            try:
                socket.create_connection((host, 80), timeout=2)
                print("CONNECTED", host)
            except OSError as e:
                print("refused", host, e.errno)
        print(sorted(__import__("os").listdir("/sys/class/net")))
    """)
    res = box.exec(["python3", "-c", probe], timeout=30)
    assert res.exit_code == 0 and "CONNECTED" not in res.stdout
    assert res.stdout.count("refused") == 3
    assert res.stdout.strip().endswith("['lo']")


def test_writes_outside_the_workspace_fail(box: DockerSandbox) -> None:
    res = box.exec(
        "for p in /etc/passwd /usr/bin/evil /evil /root/x; do "
        "  (echo pwned > $p) 2>/dev/null && echo WROTE $p; done; echo done"
    )
    assert res.stdout == "done\n"
    assert box.exec("grep -c pwned /etc/passwd || true").stdout.strip() == "0"
    with pytest.raises(PathEscapeError):
        box.write_file("../etc/passwd", "pwned")
    assert "pwned" not in Path("/etc/passwd").read_text()  # the host is untouched


def test_filling_the_disk_hits_the_tmpfs_limit(box: DockerSandbox) -> None:
    before = os.statvfs("/").f_bavail
    res = box.exec("dd if=/dev/zero of=big bs=1M count=4096", timeout=60)
    assert res.exit_code != 0 and "No space left" in res.stderr
    assert abs(os.statvfs("/").f_bavail - before) * os.statvfs("/").f_frsize < 200 << 20
    box.exec("rm -f big")
    assert_alive(box)


def test_printing_gigabytes_is_capped(box: DockerSandbox) -> None:
    spew = "import sys\nb = b'y' * (1 << 16)\nwhile True: sys.stdout.buffer.write(b)"
    res = box.exec(["python3", "-c", spew], timeout=3, max_output_bytes=1 << 20)
    assert res.timed_out and res.truncated
    assert len(res.stdout) < (1 << 20) + 200
    assert_alive(box)


def test_killing_pid_1_does_not_kill_the_sandbox(box: DockerSandbox) -> None:
    res = box.exec("kill -9 1; kill -TERM 1; kill -INT 1; kill -HUP 1; sleep 0.3; echo after")
    assert res.stdout == "after\n"
    # The agent's `kill -9 -1` reaches only the agent's own processes: not the wrapper
    # (another uid), not the calling shell (the kernel spares the caller).
    res = box.exec("sleep 100 & kill -9 -1; wait; echo still here")
    assert (res.exit_code, res.stdout) == (0, "still here\n") and not res.timed_out
    assert_alive(box)


def test_standalone_sandbox_is_removed_on_close(client: docker.DockerClient) -> None:
    box = DockerSandbox(None, client=client)
    box.start()
    cid = box.container_id
    attrs = client.api.inspect_container(cid)["HostConfig"]
    assert attrs["NetworkMode"] == "none" and attrs["ReadonlyRootfs"]
    assert attrs["PidsLimit"] > 0 and attrs["Memory"] > 0 and attrs["NanoCpus"] > 0
    box.close()
    with pytest.raises(docker.errors.NotFound):
        client.containers.get(cid)


HOLDER = """
import sys, time
from agentdata.envs.code_repair.sandbox import DockerSandboxPool
pool = DockerSandboxPool(size=1)
boxes = [pool.acquire(None), pool.acquire(None)]
pool.wait_warm(60)
print("READY", flush=True)
time.sleep(600)
"""


def _holder(client: docker.DockerClient) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    held = ours(client, proc.pid)
    assert len(held) == 3  # two in use, one warm
    return proc, held


def test_sigterm_removes_the_containers(client: docker.DockerClient) -> None:
    proc, _ = _holder(client)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert ours(client, proc.pid) == []


def test_reaper_removes_leftovers_of_a_sigkilled_owner(client: docker.DockerClient) -> None:
    proc, held = _holder(client)
    proc.kill()
    proc.wait(timeout=30)
    time.sleep(0.2)
    assert ours(client, proc.pid) == held  # nobody cleaned up: the owner died at once
    with DockerSandboxPool(size=0, client=client):  # the next start reaps them
        assert ours(client, proc.pid) == []
    assert reap_orphans(client) == []


def test_no_container_of_ours_is_left(client: docker.DockerClient, pool: DockerSandboxPool) -> None:
    pool.close()
    assert ours(client, os.getpid()) == []
