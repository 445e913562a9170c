"""The sandbox contract, on every backend: between calls nothing of the agent runs.

Each case starts something built to outlive its `exec` — a double-forked `setsid` daemon,
`nohup`/`setsid -f` shell loops, a daemon that stops or traces every process it can see
(the cleaner included), and a program that ptraces PID 1 to make it `execve` the agent's
code (PID 1 survives `kill -9 -1`) — then checks, across later calls, that no such process
is left and that the files it would keep writing stop changing. PID 1 is also checked to
be out of the agent's reach: no ptrace, no /proc access, signals without effect.
"""

from __future__ import annotations

import time

import pytest

from agentdata.envs.code_repair.sandbox import Sandbox
from agentdata.envs.code_repair.sandbox.execution import with_env
from tests.envs.code_repair.sandbox_kit import Factory, attack

LIST_CMDLINES = "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '"
HIJACK_SCRIPT = "while :; do date +%s%N >> /workspace/owned; sleep 0.1; done"


def survivors(box: Sandbox, tag: str) -> int:
    """How many processes have `tag` in their command line (the probe itself excluded)."""
    pattern = f"[{tag[0]}]{tag[1:]}"  # matches the tag but not the grep's own argv
    return int(box.exec(f"{LIST_CMDLINES} | grep -c '{pattern}' || true").stdout.strip())


def assert_still(box: Sandbox, path: str) -> None:
    """`path` (absent or not) does not change over half a second: its writer is gone."""
    probe = f"cat {path} 2>/dev/null | wc -l"
    first = box.exec(probe).stdout
    time.sleep(0.5)
    assert box.exec(probe).stdout == first, f"{path} still grows between calls"


def test_daemon_with_double_fork_and_setsid_dies_with_the_call(make: Factory) -> None:
    box = make(None)
    box.write_file("daemon.py", attack("daemon"))
    res = box.exec(["python3", "daemon.py", "ticks.txt", "daemon-tag-4711"], timeout=30)
    assert res.exit_code == 0 and not res.timed_out, res
    assert survivors(box, "daemon-tag-4711") == 0
    assert_still(box, "ticks.txt")


def test_shell_background_loops_die_with_the_call(make: Factory) -> None:
    box = make(None)
    loop = "while :; do echo x >> {f}; sleep 0.05; done"
    res = box.exec(
        f"nohup sh -c '{loop.format(f='a.txt')}' >/dev/null 2>&1 & "
        f"setsid -f sh -c '{loop.format(f='b.txt')}' >/dev/null 2>&1; "
        f"( trap '' HUP TERM INT; exec sh -c '{loop.format(f='c.txt')}' ) >/dev/null 2>&1 & "
        "sleep 0.3; echo started",
        timeout=30,
    )
    assert res.stdout == "started\n" and not res.timed_out, res
    assert survivors(box, "echo x >>") == 0
    for name in ("a.txt", "b.txt", "c.txt"):
        assert_still(box, name)


def test_a_daemon_cannot_freeze_the_cleanup(make: Factory) -> None:
    box = make(None)
    box.write_file("freeze.py", attack("freeze_the_cleaner"))
    box.exec(["python3", "freeze.py", "won.txt", "freeze-tag-4712"], timeout=5)
    assert survivors(box, "freeze-tag-4712") == 0
    assert_still(box, "won.txt")
    res = box.exec("echo ok", timeout=30)
    assert (res.exit_code, res.stdout) == (0, "ok\n")


def test_ptrace_of_pid_1_is_refused_and_nothing_survives(make: Factory) -> None:
    box = make(None)
    pid1 = box.exec("tr '\\0' ' ' < /proc/1/cmdline").stdout
    box.write_file("hijack.py", attack("pid1_hijack"))
    res = box.exec(["python3", "hijack.py", "1", HIJACK_SCRIPT], timeout=30)
    assert res.stdout.startswith("ATTACH-REFUSED"), res
    assert box.exec("tr '\\0' ' ' < /proc/1/cmdline").stdout == pid1
    assert_still(box, "owned")
    assert box.exec("cat owned 2>/dev/null | wc -l").stdout.strip() == "0"


def test_pid_1_is_out_of_the_agents_reach(make: Factory) -> None:
    box = make(None)
    probe = (
        "for f in mem environ fd/0 maps; do "
        "  (head -c1 /proc/1/$f >/dev/null) 2>/dev/null && echo READ $f; done; "
        "for s in STOP TERM INT HUP USR1 ALRM CHLD SEGV KILL; do kill -$s 1 2>/dev/null; done; "
        "sleep 0.2; grep '^State' /proc/1/status"
    )
    res = box.exec(probe, timeout=30)
    assert res.exit_code == 0 and "READ" not in res.stdout, res
    assert res.stdout.startswith("State:") and "stopped" not in res.stdout, res
    res = box.exec("echo ok", timeout=30)
    assert (res.exit_code, res.stdout) == (0, "ok\n")



def test_the_callers_environment_reaches_only_the_command(make: Factory) -> None:
    box = make(None)
    # Variables that would hand the agent whatever runs under them: a preloaded library
    # (missing here, so each process started under it says so on stderr) and a PATH that
    # finds the agent's own `setpriv` first. Only the command itself may see them.
    env = {"LD_PRELOAD": "/workspace/evil.so", "PATH": "/workspace:/usr/bin:/bin", "X": "a=b"}
    box.write_file("setpriv", "#!/bin/sh\necho HIJACKED\n")
    box.exec("chmod +x setpriv")
    res = box.exec(["/bin/sh", "-c", 'echo "$X|$PATH"'], env=env, timeout=30)
    assert res.exit_code == 0 and res.stdout == "a=b|/workspace:/usr/bin:/bin\n", res
    assert res.stderr.count("LD_PRELOAD") == 1, res.stderr  # the command's shell only
    # A command whose name holds `=` is not taken for one more assignment by env(1).
    assert with_env(["./a=b", "x"], {"X": "1"})[:3] == ["env", "X=1", "/bin/sh"]
    with pytest.raises(ValueError):
        box.exec("true", env={"BAD=NAME": "x"})


def test_exec_and_snapshot_cannot_be_stalled_or_forged_by_a_daemon(make: Factory) -> None:
    box = make(None)
    box.write_file("freeze.py", attack("freeze_the_cleaner"))
    # The daemon stops or traces every process it can, the scanner-to-be included; the
    # scan runs only after the wrapper / PID 1 (out of its reach) has killed it.
    res, snap = box.exec_and_snapshot("exec python3 freeze.py won.txt", timeout=20)
    assert not res.timed_out and snap is not None, res
    assert {c.path for c in snap.changes} == {"freeze.py", "won.txt"}
    assert snap == box.snapshot()


def test_exec_then_runs_its_program_once_the_command_is_gone(make: Factory) -> None:
    box = make(None)
    late = "(sleep 1; echo late > late.txt) >/dev/null 2>&1 &"
    program = "import os, sys; print(sys.stdin.read(), os.path.exists('late.txt'))"
    res, out = box.exec_then(f"echo cmd; cat; {late} exit 3", program, 30, stdin=b"req")
    assert (res.exit_code, res.stdout, out) == (3, "cmd\n", "req False\n"), res
    res, out = box.exec_then("sleep 30", program, 1)
    assert res.timed_out and out is None
