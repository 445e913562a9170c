"""Small hand-written code-repair tasks for the env tests (a clean one and a hostile one)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from agentdata.envs.code_repair.patches import make_diff
from agentdata.envs.code_repair.taskformat import (
    DEFAULT_IMAGE,
    DEFAULT_TEST_COMMAND,
    Task,
    write_task,
)

CALC_BUGGY = "def add(a, b):\n    return a - b\n\n\ndef double(x):\n    return 2 * x\n"
CALC_FIXED = CALC_BUGGY.replace("a - b", "a + b")
TESTS = textwrap.dedent("""\
    from calc import add, double


    def test_add():
        assert add(2, 1) == 3


    def test_double():
        assert double(3) == 6
""")
HIDDEN = "from calc import add\n\n\ndef test_add_more():\n    assert add(2, 3) == 5\n"
# Each test attacks the sandbox; they are only ever run one at a time (selected by id).
HOSTILE = textwrap.dedent("""\
    import os, socket, subprocess, sys, time

    def test_fork_bomb():
        while True:
            os.fork()

    def test_memory_bomb():
        blocks = []
        while True:
            blocks.append(bytearray(64 << 20))

    def test_infinite_loop():
        while True:
            pass

    def test_sleep_forever():
        time.sleep(10**6)

    def test_network():
        socket.create_connection(("1.1.1.1", 80), timeout=3)

    def test_write_outside():
        with open("/etc/agentdata-pwned", "w") as f:
            f.write("x")

    def test_fill_disk():
        with open("big.bin", "wb") as f:
            while True:
                f.write(b"x" * (8 << 20))

    def test_print_gigabytes():
        chunk = "y" * (1 << 20)
        for _ in range(4096):
            sys.__stdout__.write(chunk)

    def test_kill_pid1():
        os.kill(1, 9)
        subprocess.run(["kill", "-9", "-1"])
""")
HOSTILE_IDS = [f"tests/test_hostile.py::test_{n}" for n in (
    "fork_bomb", "memory_bomb", "infinite_loop", "sleep_forever", "network", "write_outside",
    "fill_disk", "print_gigabytes", "kill_pid1")]


def make_suite(root: Path, *, hostile: bool = False) -> Path:
    """A suite with task `calc` (hidden test `test_add_more`) and optionally `hostile`."""
    tasks: dict[str, dict[str, str]] = {"calc": {}}
    if hostile:
        tasks["hostile"] = {"tests/test_hostile.py": HOSTILE}
    for name, extra in tasks.items():
        repo = {"calc.py": CALC_BUGGY, "tests/test_calc.py": TESTS, **extra}
        task = Task(
            id=name, problem_statement="add() subtracts instead of adding.", image=DEFAULT_IMAGE,
            test_command=DEFAULT_TEST_COMMAND,
            fail_to_pass=["tests/test_calc.py::test_add", "tests/test_hidden.py::test_add_more"],
            pass_to_pass=["tests/test_calc.py::test_double"], difficulty=1,
            reference_patch="fix.patch",
        )
        write_task(root / name, task, {k: v.encode() for k, v in repo.items()},
                   {"tests/test_hidden.py": HIDDEN.encode()},
                   make_diff(CALC_BUGGY, CALC_FIXED, "calc.py"))
    return root
