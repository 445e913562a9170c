"""Sandbox benchmark: reset latency (warm pool vs cold start) and exec overhead.

    python bench/bench_sandbox.py [--n 30]

Prints, on this machine and in the same run:
  * reset latency p50/p95: `pool.acquire(repo)` (a warm container + copying the repo in)
    against a cold `DockerSandbox(repo).start()` and a bare cold `docker run` (SDK);
  * the Docker sandbox's `exec` of a pytest command against a bare SDK `docker exec` of
    the same command in the same container (same user, directory and environment): the
    difference is the wrapper that runs it as the agent's user and kills its leftovers;
  * the fixed cost of one call (`exec("true")`) on both backends, and the bubblewrap
    sandbox's `exec` of the same pytest (a fresh pid namespace and init per call).
Each reset is followed by a pytest run in the new sandbox, as in an episode, so the pool
refills at a realistic pace. Needs the engine and the image (`.ci/docker.sh`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from agentdata.envs.code_repair.sandbox import (
    DEFAULT_IMAGE,
    SANDBOX_ENV,
    BwrapSandbox,
    DockerSandbox,
    DockerSandboxPool,
    ExecResult,
    docker_client,
)

PYTEST = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def make_repo(root: Path, modules: int = 6) -> Path:
    """A small package with `modules` modules and a test file each (~12 files)."""
    pkg = root / "pkg"
    (pkg).mkdir(parents=True)
    (root / "tests").mkdir()
    (pkg / "__init__.py").write_text("")
    for i in range(modules):
        body = "".join(f"def f{j}(x):\n    return x * {j} + {i}\n\n\n" for j in range(20))
        (pkg / f"mod{i}.py").write_text(body)
        tests = "".join(
            f"def test_f{j}():\n    assert mod{i}.f{j}(2) == {2 * j + i}\n\n\n" for j in range(20)
        )
        (root / "tests" / f"test_mod{i}.py").write_text(f"from pkg import mod{i}\n\n\n" + tests)
    return root


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call: Callable[[], ExecResult], n: int) -> list[float]:
    """Wall-clock seconds of `n` calls, each checked to succeed."""
    out: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        res = call()
        out.append(time.perf_counter() - t0)
        assert res.exit_code == 0, res
    return out


def line(name: str, values: list[float]) -> str:
    return f"{name:<44} p50 {pct(values, 0.5):8.1f} ms   p95 {pct(values, 0.95):8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="repetitions per measurement")
    parser.add_argument("--pool", type=int, default=2, help="warm pool size")
    args = parser.parse_args()
    client = docker_client()
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp) / "repo")
        files = sum(1 for p in repo.rglob("*") if p.is_file())

        cold_run: list[float] = []
        for _ in range(max(args.n // 3, 5)):
            t0 = time.perf_counter()
            c = client.containers.run(DEFAULT_IMAGE, ["sleep", "60"], detach=True)
            cold_run.append(time.perf_counter() - t0)
            c.remove(force=True)

        cold_reset: list[float] = []
        for _ in range(max(args.n // 3, 5)):
            t0 = time.perf_counter()
            box = DockerSandbox(repo, client=client)
            box.start()
            cold_reset.append(time.perf_counter() - t0)
            box.close()

        warm_reset: list[float] = []
        with DockerSandboxPool(size=args.pool, client=client) as pool:
            pool.wait_warm(60)
            for _ in range(args.n):
                t0 = time.perf_counter()
                box = pool.acquire(repo)
                warm_reset.append(time.perf_counter() - t0)
                res = box.exec(PYTEST, timeout=120)
                assert res.exit_code == 0, res.stdout + res.stderr
                box.close()

            sandbox_exec: list[float] = []
            bare_exec: list[float] = []
            with pool.acquire(repo) as box:
                cid = box.container_id
                for _ in range(args.n):
                    t0 = time.perf_counter()
                    res = box.exec(PYTEST, timeout=120)
                    sandbox_exec.append(time.perf_counter() - t0)
                    assert res.exit_code == 0
                    t0 = time.perf_counter()
                    out = client.api.exec_start(
                        client.api.exec_create(
                            cid, PYTEST, user="1000:1000", workdir="/workspace",
                            environment=dict(SANDBOX_ENV),
                        )["Id"]
                    )  # fmt: skip
                    bare_exec.append(time.perf_counter() - t0)
                    assert b"passed" in out
                docker_true = timed(lambda: box.exec(["true"]), args.n)

        with BwrapSandbox(repo) as bbox:
            bwrap_true = timed(lambda: bbox.exec(["true"]), args.n)
            bwrap_exec = timed(lambda: bbox.exec(PYTEST, timeout=120), args.n)

    print(f"sandbox image {DEFAULT_IMAGE}; repo of {files} files; n={args.n}")
    print(line("cold `docker run` (SDK, no repo)", cold_run))
    print(line("cold reset: DockerSandbox.start() + repo", cold_reset))
    print(line(f"warm reset: pool.acquire(repo), pool={args.pool}", warm_reset))
    ratio = pct(warm_reset, 0.5) / pct(cold_reset, 0.5)
    print(f"warm/cold reset p50 ratio: {ratio:.2f} (target warm p50 <= 150 ms)")
    print(line("bare `docker exec` of pytest (SDK)", bare_exec))
    print(line("sandbox.exec of the same pytest", sandbox_exec))
    over = statistics.median(sandbox_exec) / statistics.median(bare_exec) - 1
    print(f"exec overhead (median): {100 * over:+.1f}% (target <= 10%)")
    print(line("docker: sandbox.exec(['true'])", docker_true))
    print(line("bwrap: sandbox.exec(['true'])", bwrap_true))
    print(line("bwrap: sandbox.exec of the same pytest", bwrap_exec))


if __name__ == "__main__":
    main()
