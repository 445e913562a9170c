"""`agentdata/CodeRepair-v0`: fix a bug in a small repository with tools, judged by its tests.

Kwargs: `tasks` (a suite directory in the TASKS.md format; default: the built-in suite, see
builtin.py), `backend` ("docker", default, or "bwrap"), `pool_size` (warm Docker containers,
default 1), `max_steps` (default 30), `test_timeout_s` (wall clock per test run, default 60),
`audit` (which patch-audit findings zero the reward: "cheats", default, "all" or "record"),
`reveal_hidden_messages` (submit feedback shows hidden tests' assertion messages, default
False: ids only). `submit` grades in a fresh sandbox (grader.py).
Actions are JSON tool calls (tools.py); see README.md for the tools, verdicts and rewards.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agentdata.envs.base import OracleAgent, Outcome, TextEnv
from agentdata.envs.code_repair import handlers, judge
from agentdata.envs.code_repair.audit import AUDIT_POLICIES, AuditPolicy
from agentdata.envs.code_repair.grader import grade_fresh
from agentdata.envs.code_repair.grading import run_tests
from agentdata.envs.code_repair.protection import PathPolicy
from agentdata.envs.code_repair.sandbox import (
    BwrapSandbox,
    DockerConfig,
    DockerSandboxPool,
    Sandbox,
    SandboxError,
    WorkspaceSnapshot,
)
from agentdata.envs.code_repair.submit_verdict import judge_fresh_submit
from agentdata.envs.code_repair.taskformat import LoadedTask, load_suite
from agentdata.envs.code_repair.tools import (
    SYSTEM_PROMPT,
    ToolCall,
    ToolCallError,
    openai_tools,
    parse_tool_call,
)
from agentdata.errors import ConfigError
from agentdata.schemas import Failure, JsonValue, TaskSpec

BACKENDS = ("docker", "bwrap")
_FILE_TOOLS = {
    "list_dir": handlers.list_dir, "read_file": handlers.read_file, "search": handlers.search,
    "edit": handlers.edit, "write_file": handlers.write_file,
}  # fmt: skip
_WRITING_TOOLS = frozenset({"edit", "write_file", "run_tests", "submit"})


class CodeRepairConfigError(ConfigError):
    """Bad environment kwargs, or a task id that is not in the suite."""


class CodeRepairEnv(TextEnv):
    """Code-repair environment over Docker (or bubblewrap) sandboxes (see README.md)."""

    def __init__(
        self,
        *,
        tasks: str | None = None,
        backend: str = "docker",
        pool_size: int = 1,
        max_steps: int = 30,
        test_timeout_s: float = 60.0,
        audit: str = "cheats",
        reveal_hidden_messages: bool = False,
        render_mode: str | None = None,
    ) -> None:
        super().__init__(max_steps=int(max_steps), render_mode=render_mode)
        if backend not in BACKENDS:
            raise CodeRepairConfigError(f"backend must be one of {BACKENDS}, got {backend!r}")
        if int(pool_size) < 0 or not float(test_timeout_s) > 0:
            raise CodeRepairConfigError("pool_size must be >= 0 and test_timeout_s > 0")
        if audit not in AUDIT_POLICIES:
            raise CodeRepairConfigError(f"audit must be one of {AUDIT_POLICIES}, got {audit!r}")
        self.audit: AuditPolicy = audit
        self.reveal_hidden_messages = bool(reveal_hidden_messages)
        self._canary_seed = 0
        if tasks is None:
            from agentdata.envs.code_repair.builtin import builtin_suite_dir

            suite_dir = builtin_suite_dir()
        else:
            suite_dir = Path(tasks)
        self.backend = backend
        self.pool_size = int(pool_size)
        self.test_timeout_s = float(test_timeout_s)
        self._suite = {t.task.id: t for t in load_suite(suite_dir)}
        self._ids = sorted(self._suite)
        self._pools: dict[str, DockerSandboxPool] = {}
        self._box: Sandbox | None = None
        self._box_error: str | None = None
        self.loaded: LoadedTask | None = None
        self._snapshot: JsonValue | None = None
        self._tests_failed_at: int | None = None  # first failing test run not yet fixed

    # -- tasks --------------------------------------------------------------------------
    def list_tasks(self) -> Sequence[str]:
        """Ids of the suite's tasks, sorted."""
        return list(self._ids)

    def _load_task(self, task_id: str | None, rng: np.random.Generator) -> TaskSpec:
        if task_id is None:
            task_id = self._ids[int(rng.integers(0, len(self._ids)))]
        if task_id not in self._suite:
            raise CodeRepairConfigError(f"unknown task id {task_id!r}")
        loaded = self._suite[task_id]
        t = loaded.task
        # Hidden test ids stay hidden: the policy sees this spec (reset info).
        visible = set(loaded.repo_files())
        f2p = [i for i in t.fail_to_pass if i.split("::", 1)[0] in visible]
        p2p = [i for i in t.pass_to_pass if i.split("::", 1)[0] in visible]
        hidden = len(t.fail_to_pass) + len(t.pass_to_pass) - len(f2p) - len(p2p)
        return TaskSpec(
            id=t.id, hash=loaded.hash, prompt=t.problem_statement,
            family=t.id.split("-", 1)[0], difficulty=t.difficulty,
            metadata={"image": t.image, "fail_to_pass": list[JsonValue](f2p),
                      "pass_to_pass": list[JsonValue](p2p),
                      "hidden_tests": hidden},
        )  # fmt: skip

    # -- sandboxes ----------------------------------------------------------------------
    def _acquire(self, loaded: LoadedTask, seed_dir: Path | None = None) -> Sandbox:
        """A started sandbox for `loaded`'s image holding `seed_dir` (default: its repo)."""
        seed = loaded.repo_dir if seed_dir is None else seed_dir
        if self.backend == "bwrap":
            box: Sandbox = BwrapSandbox(seed)
            box.start()
            return box
        image = loaded.task.image
        pool = self._pools.get(image)
        if pool is None:
            pool = self._pools[image] = DockerSandboxPool(self.pool_size, DockerConfig(image=image))
        return pool.acquire(seed)

    def _release(self) -> None:
        if self._box is not None:
            self._box.close()
            self._box = None

    def _start(self, task: TaskSpec) -> str:
        self._release()
        self.loaded = self._suite[task.id]
        self._snapshot = None
        self._box_error = None
        self._tests_failed_at = None
        self._box = self._acquire(self.loaded)  # sandbox errors here are real errors: raise
        self._canary_seed = int(self.np_random.integers(0, 2**31))
        # A fresh workspace equals the repo: its state is known without scanning the sandbox.
        self._snapshot = {
            "task_id": task.id,
            "tree_hash": self._box.base_tree_hash,
            "diff": "",
        }
        return judge.intro(self.loaded, self.max_steps)

    # -- steps --------------------------------------------------------------------------
    def _apply(self, action: str) -> Outcome:
        assert self.loaded is not None
        started = time.perf_counter()
        try:
            call = parse_tool_call(action)
        except ToolCallError as exc:
            return Outcome(
                observation=f"Error: {exc.message}",
                failure=Failure(kind=exc.kind, message=exc.message),
            )
        parsed = call.to_json()
        if self._box is None:
            return judge.sandbox_lost(parsed, self._box_error or "no sandbox")
        if call.tool in _WRITING_TOOLS:
            self._snapshot = None  # the workspace may change: recompute the state lazily
        try:
            outcome = self._dispatch(call, self._box)
        except handlers.ToolError as exc:
            outcome = Outcome(
                observation=f"Error: {exc}",
                failure=Failure(
                    kind="invalid_action", message=str(exc), detail={"tool": call.tool}
                ),
            )
        except SandboxError as exc:
            # The sandbox itself failed: discard it; later steps report it until reset.
            self._box_error = f"{type(exc).__name__}: {exc}"
            self._release()
            return judge.sandbox_lost(parsed, self._box_error)
        outcome.parsed_action = parsed
        outcome.verifier_s = (
            time.perf_counter() - started if call.tool in ("run_tests", "submit") else 0.0
        )
        return outcome

    def _dispatch(self, call: ToolCall, box: Sandbox) -> Outcome:
        assert self.loaded is not None
        if call.tool in _FILE_TOOLS:
            return Outcome(observation=_FILE_TOOLS[call.tool](box, call))
        if call.tool == "run_tests":
            raw = call.args.get("tests")
            tests = [str(t) for t in raw] if isinstance(raw, list) else []
            run = run_tests(box, self.loaded, tests, timeout=self.test_timeout_s)
            snap = run.snapshot
            if snap is None and run.report is not None:
                snap = box.snapshot()
            if snap is not None:
                self._snapshot = self._state_of(snap)
            t = self.loaded.task
            policy = PathPolicy.of(t.editable, t.protected)
            modified = [c.path for c in snap.changes if policy.is_test_path(c.path)] if snap else []
            return judge.judge_run(self.loaded, run, tests, self.test_timeout_s, modified)
        loaded = self.loaded
        graded = grade_fresh(box, loaded, lambda root: self._acquire(loaded, root),
                             timeout=self.test_timeout_s, seed=self._canary_seed)
        return judge_fresh_submit(loaded, graded, self.test_timeout_s, audit=self.audit,
                                  reveal_hidden_messages=self.reveal_hidden_messages)

    def _link_retry(self, state_key: str, index: int, outcome: Outcome) -> int | None:
        """Sub-goal of a test run: its failing tests now passing (see README, "Retries").

        A `run_tests`/`submit` step re-attempts the first test run that failed since the tests
        last passed; other steps (a malformed call, a bad edit) link by state as in TextEnv.
        """
        tool = (outcome.parsed_action or {}).get("tool")
        if tool not in ("run_tests", "submit"):
            return super()._link_retry(state_key, index, outcome)
        retry_of = self._tests_failed_at
        if outcome.failure is not None and outcome.failure.kind == "test_failure":
            if self._tests_failed_at is None:
                self._tests_failed_at = index
        elif outcome.verdict is not None and outcome.verdict.label == "correct":
            self._tests_failed_at = None
        return retry_of

    # -- state --------------------------------------------------------------------------
    def snapshot(self) -> JsonValue:
        """{"task_id", "tree_hash", "diff"}: the workspace against the task's repo (cached)."""
        if self.task is None or self.loaded is None:
            return {"task_id": None, "tree_hash": None, "diff": ""}
        if self._snapshot is None:
            self._snapshot = self._compute_snapshot()
        # A fresh dict per call: callers keep and may mutate what they get (values are str).
        return dict(self._snapshot)  # type: ignore[arg-type]

    def _compute_snapshot(self) -> JsonValue:
        assert self.loaded is not None
        if self._box is not None:
            try:
                return self._state_of(self._box.snapshot())
            except SandboxError as exc:
                self._box_error = f"{type(exc).__name__}: {exc}"
                self._release()
        return {"task_id": self.loaded.task.id, "tree_hash": None, "diff": "", "sandbox": "lost"}

    def _state_of(self, snap: WorkspaceSnapshot) -> JsonValue:
        assert self.loaded is not None
        return {"task_id": self.loaded.task.id, "tree_hash": snap.tree_hash, "diff": snap.diff}

    def oracle(self, rng: np.random.Generator, error_rate: float = 0.0) -> OracleAgent:
        """Reference-fix agent for the current task (see oracle.py)."""
        from agentdata.envs.code_repair.oracle import CodeRepairOracle

        if self.loaded is None:
            raise CodeRepairConfigError("call reset() before oracle()")
        return CodeRepairOracle(self.loaded, rng, error_rate=error_rate, max_steps=self.max_steps)

    def system_prompt(self) -> str:
        """The tools and the one-call-per-step syntax for a model (tools.py)."""
        return SYSTEM_PROMPT

    def tools(self) -> list[dict[str, JsonValue]]:
        """The tools as function schemas, for chat APIs that take `tools=`."""
        return openai_tools()

    def close(self) -> None:
        """Release the sandbox and every warm container."""
        self._release()
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()
        super().close()

    def __del__(self) -> None:  # pools also close at exit; this frees them earlier
        with contextlib.suppress(Exception):  # interpreter shutdown: nobody to report to
            self.close()
