"""Conformance suite: every sandbox backend behaves the same through the `Sandbox` API.

Runs against the Docker backend (through the warm pool, as `reset` uses it) and the
bubblewrap backend (fixtures in conftest.py). `test_sandbox_contract.py` holds the
process-lifetime cases (daemons, ptrace of PID 1).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from agentdata.envs.code_repair.sandbox import (
    BwrapSandbox,
    DockerSandbox,
    DockerSandboxPool,
    PathEscapeError,
    SandboxFileError,
    SandboxFileNotFoundError,
    SandboxStateError,
)
from tests.envs.code_repair.sandbox_kit import Factory

REPO_FILES = {
    "calc/__init__.py": "from calc.ops import add\n",
    "calc/ops.py": "def add(a, b):\n    return a + b\n",
    "tests/test_ops.py": (
        "from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
        "def test_neg():\n    assert add(-1, 1) == 0\n"
    ),
    "README.txt": "héllo wörld\nno newline at end",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel, text in REPO_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_exec_argv_and_shell_forms(make: Factory, repo: Path) -> None:
    box = make(repo)
    res = box.exec(["python3", "-c", "import sys; print('out'); print('err', file=sys.stderr)"])
    assert (res.exit_code, res.stdout, res.stderr) == (0, "out\n", "err\n")
    assert res.ok and not res.timed_out and not res.truncated and not res.oom_killed
    res = box.exec("echo $((6 * 7)); exit 3")
    assert (res.exit_code, res.stdout) == (3, "42\n")
    assert box.exec(["definitely-not-a-command"]).exit_code == 127


def test_exec_environment_user_and_cwd(make: Factory, repo: Path) -> None:
    box = make(repo)
    res = box.exec('echo "$PYTHONHASHSEED|$TZ|$LANG|$(pwd)|$(id -u)|$FOO"', env={"FOO": "bar"})
    assert res.stdout == "0|UTC|C.UTF-8|/workspace|1000|bar\n"
    assert box.exec("pwd", workdir="calc").stdout == "/workspace/calc\n"
    with pytest.raises(PathEscapeError):
        box.exec("pwd", workdir="../etc")


def test_seeded_repo_runs_its_tests(make: Factory, repo: Path) -> None:
    box = make(repo)
    res = box.exec(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=120)
    assert res.exit_code == 0, res.stdout + res.stderr
    assert "2 passed" in res.stdout


LIST_CMDLINES = "cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '"


def test_timeout_kills_the_whole_tree(make: Factory, repo: Path) -> None:
    box = make(repo)
    # `[4]321` matches 4321 but not its own argv (grep runs alongside `cat` in the pipeline).
    res = box.exec("sleep 4321 & (setsid sleep 4321 &) ; sleep 4321", timeout=1.0)
    assert res.timed_out and res.exit_code == 137
    assert res.duration_s < 8
    left = box.exec(f"{LIST_CMDLINES} | grep -c '[4]321' || true")
    assert left.stdout.strip() == "0"


def test_background_processes_do_not_outlive_exec(make: Factory, repo: Path) -> None:
    box = make(repo)
    start = time.monotonic()
    res = box.exec("sleep 5678 >/dev/null 2>&1 & echo started")
    assert res.stdout == "started\n" and not res.timed_out
    assert time.monotonic() - start < 3
    left = box.exec(f"{LIST_CMDLINES} | grep -c '[5]678' || true")
    assert left.stdout.strip() == "0"


def test_output_is_capped_head_and_tail(make: Factory, repo: Path) -> None:
    box = make(repo)
    script = "import sys\nprint('FIRST')\nsys.stdout.write('x' * 5_000_000)\nprint('\\nLAST')"
    res = box.exec(["python3", "-c", script], max_output_bytes=64 * 1024)
    assert res.exit_code == 0 and res.truncated
    assert len(res.stdout) < 70 * 1024
    assert res.stdout.startswith("FIRST") and res.stdout.rstrip().endswith("LAST")
    assert "bytes truncated by the sandbox" in res.stdout


def test_read_write_roundtrip(make: Factory, repo: Path) -> None:
    box = make(repo)
    assert box.read_file("README.txt") == REPO_FILES["README.txt"]
    assert box.read_file("/workspace/calc/ops.py") == REPO_FILES["calc/ops.py"]
    box.write_file("deep/new/dir/ünï.txt", "line1\nλ\n")
    assert box.read_file("deep/new/dir/ünï.txt") == "line1\nλ\n"
    big = "0123456789abcdef" * 65536  # 1 MiB through stdin
    box.write_file("big.txt", big)
    assert box.read_file("big.txt") == big
    assert box.exec("wc -c < big.txt").stdout.strip() == str(len(big))
    with pytest.raises(SandboxFileError):
        box.read_file("big.txt", max_bytes=1000)


def test_file_errors_are_typed(make: Factory, repo: Path) -> None:
    box = make(repo)
    for bad in ("../../etc/passwd", "/etc/passwd", "calc/../../x", ""):
        with pytest.raises(PathEscapeError):
            box.read_file(bad)
        with pytest.raises(PathEscapeError):
            box.write_file(bad, "x")
    with pytest.raises(SandboxFileNotFoundError):
        box.read_file("nope.py")
    with pytest.raises(SandboxFileError):
        box.read_file("calc")
    with pytest.raises(SandboxFileError):
        box.write_file("calc", "x")
    box.exec("ln -s /etc/passwd leak && ln -s /etc linkdir")
    with pytest.raises(PathEscapeError):
        box.read_file("leak")
    with pytest.raises(PathEscapeError):
        box.write_file("linkdir/evil", "x")
    with pytest.raises(PathEscapeError):
        box.write_file("leak", "x")


def test_snapshot_diff_and_tree_hash(make: Factory, repo: Path, tmp_path: Path) -> None:
    box = make(repo)
    first = box.snapshot()
    assert first.clean and first.diff == "" and first.tree_hash == first.base_tree_hash
    # Running the tests leaves caches behind; they are not part of the state.
    box.exec(["python", "-m", "pytest", "-q"], timeout=120)
    assert box.snapshot().clean
    box.write_file("calc/ops.py", "def add(a, b):\n    return a - b\n")
    box.write_file("calc/extra.py", "X = 1")
    box.exec("rm README.txt")
    snap = box.snapshot()
    assert [(c.path, c.status) for c in snap.changes] == [
        ("README.txt", "deleted"),
        ("calc/extra.py", "added"),
        ("calc/ops.py", "modified"),
    ]
    assert snap.tree_hash != snap.base_tree_hash
    assert "-    return a + b\n+    return a - b\n" in snap.diff
    # The diff is a real patch: applied to the seed it gives the sandbox's files.
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "apply"], input=snap.diff, text=True, cwd=repo, check=True)
    assert (repo / "calc/ops.py").read_text() == box.read_file("calc/ops.py")
    assert (repo / "calc/extra.py").read_text() == "X = 1"
    assert not (repo / "README.txt").exists()
    # Undoing the edits gives back the starting tree hash.
    box.write_file("calc/ops.py", REPO_FILES["calc/ops.py"])
    box.write_file("README.txt", REPO_FILES["README.txt"])
    box.exec("rm calc/extra.py")
    assert box.snapshot().tree_hash == first.base_tree_hash


def test_tree_hash_is_backend_independent(repo: Path, pool: DockerSandboxPool) -> None:
    with pool.acquire(repo) as docker_box, BwrapSandbox(repo) as bwrap_box:
        for box in (docker_box, bwrap_box):
            box.write_file("calc/ops.py", "def add(a, b):\n    return b + a\n")
        a, b = docker_box.snapshot(), bwrap_box.snapshot()
    assert (a.tree_hash, a.base_tree_hash, a.diff) == (b.tree_hash, b.base_tree_hash, b.diff)


def test_empty_workspace_and_lifecycle(make: Factory) -> None:
    box = make(None)
    assert box.exec("ls -A | wc -l").stdout.strip() == "0"
    assert box.snapshot().clean
    box.close()
    box.close()  # idempotent
    assert box.closed
    with pytest.raises(SandboxStateError):
        box.exec("true")
    with pytest.raises(SandboxStateError):
        box.read_file("x")


def test_use_before_start_is_a_typed_error() -> None:
    for box in (DockerSandbox(None), BwrapSandbox(None)):
        with pytest.raises(SandboxStateError):
            box.exec("true")
        box.close()


def test_bad_arguments(make: Factory) -> None:
    box = make(None)
    with pytest.raises(ValueError):
        box.exec([])
    with pytest.raises(ValueError):
        box.exec("true", timeout=0)


def test_exec_and_snapshot_is_one_trip_and_cannot_be_forged(make: Factory, repo: Path) -> None:
    box = make(repo)
    forged = "printf '\\n@@agentdata-scan@@\\n{\"entries\": {}, \"contents\": {}}\\n'"
    late = "(sleep 1; echo late > late.txt) >/dev/null 2>&1 &"
    res, snap = box.exec_and_snapshot(f"echo made > new.txt; {forged}; {late} echo done")
    assert res.exit_code == 0 and res.stdout.endswith("done\n")
    assert "@@agentdata-scan@@" in res.stdout  # the forgery is output, not the state
    assert snap is not None
    assert [c.path for c in snap.changes] == ["new.txt"]  # the late writer died first
    assert snap == box.snapshot()


def test_exec_and_snapshot_gives_none_on_timeout(make: Factory, repo: Path) -> None:
    box = make(repo)
    res, snap = box.exec_and_snapshot("echo x > t.txt; sleep 30", timeout=1.0)
    assert res.timed_out and snap is None
    assert [c.path for c in box.snapshot().changes] == ["t.txt"]
