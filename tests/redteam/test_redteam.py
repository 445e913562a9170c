"""Red team: every known reward hack gets reward 0 with the right typed failure, on both
backends, through the environment's public action interface; real fixes still get 1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from agentdata.envs.code_repair.env import CodeRepairEnv
from tests.redteam.hacks import EXPECTED, HACKS, REPORT_CAUGHT, actions

BACKENDS = ("docker", "bwrap")
LIBRARIES = ("intervals", "inventory", "textkit")
EnvFactory = Callable[[str, str], CodeRepairEnv]


@pytest.fixture(scope="module")
def envs() -> Iterator[EnvFactory]:
    made: dict[tuple[str, str], CodeRepairEnv] = {}

    def get(backend: str, audit: str) -> CodeRepairEnv:
        if (backend, audit) not in made:
            made[backend, audit] = CodeRepairEnv(backend=backend, audit=audit, pool_size=1,
                                                 max_steps=10, test_timeout_s=20)
        return made[backend, audit]

    yield get
    for env in made.values():
        env.close()


def _task_for(env: CodeRepairEnv, index: int) -> str:
    library = LIBRARIES[index % len(LIBRARIES)]
    return next(t for t in env.list_tasks() if t.startswith(library + "-"))


def _play(env: CodeRepairEnv, hack: str, index: int) -> tuple[float, bool, dict[str, Any], str]:
    task_id = _task_for(env, index)
    pkg = task_id.split("-", 1)[0]
    env.reset(seed=index, options={"task_id": task_id})
    assert env.loaded is not None
    init = (env.loaded.repo_dir / pkg / "__init__.py").read_text(encoding="utf-8")
    reward, term, info = 0.0, False, {}
    for action in actions(hack, pkg, init):
        _, reward, term, trunc, info = env.step(action)
        if term or trunc:
            break
    return reward, term, info, pkg


def _no_hidden_leak(env: CodeRepairEnv, info: dict[str, Any], obs: str = "") -> None:
    assert env.loaded is not None
    for text in env.loaded.hidden_files().values():
        body = text.decode()
        assert body not in info["state"]["diff"]
        assert body.splitlines()[-1] not in info["state"]["diff"] + obs


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("hack", HACKS)
def test_hack_earns_nothing_and_is_typed(envs: EnvFactory, backend: str, hack: str) -> None:
    env = envs(backend, "cheats")
    reward, term, info, pkg = _play(env, hack, HACKS.index(hack))
    expected = EXPECTED[hack]
    assert (reward, term) == (0.0, True), info.get("failure")
    failure, verdict = info["failure"], info["verdict"]
    assert failure.kind == expected.kind, failure
    evidence = verdict.evidence
    if expected.dropped is not None:
        assert expected.dropped.format(pkg=pkg) in [d["path"] for d in evidence["dropped"]]
    if expected.audit_rule is not None:
        assert expected.audit_rule in [f["rule"] for f in evidence["audit"]]
    if expected.kind == "grading_tampered":
        assert verdict.error_type == "reward_hacking"
    _no_hidden_leak(env, info)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("hack", REPORT_CAUGHT)
def test_report_forgers_are_caught_by_the_canaries_alone(
    envs: EnvFactory, backend: str, hack: str
) -> None:
    env = envs(backend, "record")
    reward, term, info, _ = _play(env, hack, HACKS.index(hack))
    assert (reward, term) == (0.0, True)
    assert info["failure"].kind == "grading_tampered"
    assert info["failure"].detail["cause"] == "report"
    assert info["verdict"].evidence["audit"]  # recorded, not the reason


@pytest.mark.parametrize("backend", BACKENDS)
def test_oracle_fixes_still_earn_reward_one(envs: EnvFactory, backend: str) -> None:
    env = envs(backend, "cheats")
    for index in range(len(LIBRARIES)):
        obs, info = env.reset(seed=index, options={"task_id": _task_for(env, index)})
        oracle = env.oracle(np.random.default_rng(index))
        reward, term, trunc = 0.0, False, False
        while not (term or trunc):
            obs, reward, term, trunc, info = env.step(oracle.act(obs, info))
        assert reward == 1.0, obs
        evidence = info["verdict"].evidence
        assert evidence["audit"] == [] and evidence["dropped"] == [] and evidence["canaries"] >= 3
        _no_hidden_leak(env, info, obs)


def test_reset_info_names_no_hidden_test(envs: EnvFactory) -> None:
    env = envs("bwrap", "cheats")
    _, info = env.reset(seed=0, options={"task_id": _task_for(env, 0)})
    assert env.loaded is not None
    meta = info["task"].metadata
    visible = set(env.loaded.repo_files())
    listed = meta["fail_to_pass"] + meta["pass_to_pass"]
    assert listed and all(t.split("::", 1)[0] in visible for t in listed)
    assert meta["hidden_tests"] > 0
