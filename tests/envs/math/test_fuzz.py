"""Hostile agent input: every action becomes a typed verdict or failure, never an exception."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentdata.envs.math.env import MathEnv
from agentdata.schemas import FAILURE_KINDS, Verdict

HOSTILE = [
    "",
    "\x00\x01\xff",
    "step compute: 10**10**10 = 1",
    "step compute: 9**9**9**9 = 1",
    "answer: 10**10**10",
    "answer: " + "(" * 10_000 + "1" + ")" * 10_000,
    "step compute: " + "(" * 40 + "1" + ")" * 40 + " = 1",
    "<<9**9**9**9=1>>",
    "step compute: " + "9" * 5000 + " = 1",
    "x = " * 5000,
    "\\boxed{" * 1000,
    "step compute: 1/0 = 1",
    "step substitute: x^(1/2) = 2",
    "step factor: x^100 - 1 = 0",
    "step factor: (x - 1)^16 = 0",
    "answer: nan",
    "=" * 1000,
    "step : =",
    "\ud800 surrogate",
]


@pytest.fixture(scope="module")
def quad_env() -> Iterator[MathEnv]:
    env = MathEnv(verifier_timeout_s=5.0)
    yield env
    env.close()


def _check_step(env: MathEnv, action: str) -> None:
    obs, reward, term, trunc, info = env.step(action)
    assert isinstance(obs, str) and obs
    assert isinstance(reward, float)
    verdict = info["verdict"]
    assert isinstance(verdict, Verdict)
    failure = info["failure"]
    assert failure is None or failure.kind in FAILURE_KINDS
    assert failure is None or failure.kind != "env_exception", failure
    if term or trunc:
        env.reset(seed=1, options={"task_id": "quadratic-d2-s3"})


@pytest.mark.parametrize("action", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_actions(quad_env: MathEnv, action: str) -> None:
    quad_env.reset(seed=1, options={"task_id": "quadratic-d2-s3"})
    started = time.perf_counter()
    _check_step(quad_env, action)
    assert time.perf_counter() - started < 15  # the verifier limit (5 s) plus a restart


def test_huge_numbers_are_typed_failures(quad_env: MathEnv) -> None:
    quad_env.reset(seed=1, options={"task_id": "arithmetic-d1-s1"})
    for action in ("step compute: 10**10**10 = 5", "step compute: 9**9**9**9 = 1"):
        info = quad_env.step(action)[4]
        assert info["failure"].kind == "invalid_action"
        assert info["failure"].detail["limit"] == "exponent"
    info = quad_env.step("\x00\x01")[4]
    assert info["failure"].kind == "parse_error"
    assert info["verdict"].error_type == "format_error"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300) | st.binary(max_size=100).map(lambda b: b.decode("latin-1")))
def test_fuzz_text(quad_env: MathEnv, text: str) -> None:
    quad_env.reset(seed=2, options={"task_id": "system-d2-s5"})
    _check_step(quad_env, text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "step compute:",
                "step factor:",
                "answer:",
                "x",
                "y",
                "=",
                "<<",
                ">>",
                "^",
                "**",
                "(",
                ")",
                "/",
                "1",
                "0",
                "9",
                "-",
                "\\boxed{",
                "}",
                "\n",
                " ",
                "%",
                "1,000",
                ".5",
                "step magic:",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_fuzz_grammar(quad_env: MathEnv, text: str) -> None:
    quad_env.reset(seed=2, options={"task_id": "quadratic-d4-s5"})
    _check_step(quad_env, text)


def test_action_space_samples(quad_env: MathEnv) -> None:
    quad_env.action_space.seed(0)
    quad_env.reset(seed=0)
    for _ in range(200):
        sample = quad_env.action_space.sample()[:2000]
        _check_step(quad_env, sample)
