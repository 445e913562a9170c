"""The documented normalisation rules, one by one, and the field diff."""

from __future__ import annotations

import pytest

from agentdata.replay._diff import STEP_FIELDS, compare_steps, compare_values
from agentdata.replay._normalize import TEXT_RULES, is_duration_key, normalize, normalize_text
from agentdata.schemas import Failure, StepRecord


@pytest.mark.parametrize(
    ("rule", "a", "b", "normalised"),
    [
        ("duration-text", "3 passed in 0.12s", "3 passed in 1.70s", "3 passed in <duration>"),
        ("duration-text", "took 12 ms", "took 9.5 ms", "took <duration>"),
        (
            "pytest-tmp",
            "/tmp/pytest-of-root/pytest-3/test_a0/x.py",
            "/tmp/pytest-of-root/pytest-41/test_a0/x.py",
            "<pytest-tmp>/test_a0/x.py",
        ),
        ("tempfile", "wrote /tmp/tmpk3j_x9qz", "wrote /tmp/tmpab12cd34", "wrote <tmp>"),
        ("tempfile", "see tmpab12cd34.py", "see tmpzz99yy88.py", "see <tmp>"),
        (
            "container",
            "container 3f4e5a6b7c8d died",
            "container 0123456789ab died",
            "container <container> died",
        ),
        ("container", "container=eager_turing", "container=sad_hopper", "container=<container>"),
        (
            "address",
            "<Foo object at 0x7f3a2c1b9d30>",
            "<Foo object at 0x7f00aa11bb22>",
            "<Foo object at 0x<addr>>",
        ),
    ],
)
def test_each_text_rule(rule: str, a: str, b: str, normalised: str) -> None:
    (chosen,) = [r for r in TEXT_RULES if r.name == rule]
    assert chosen.apply(a) == normalised == chosen.apply(b)
    assert normalize_text(a) == normalize_text(b)


@pytest.mark.parametrize(
    "text",
    [
        "x = 5",
        "step compute: 2*x = 4",
        "answer: 12s",
        "timeout after 5 retries",
        "tmpdir",
        "the container is ready",
        "0x1F + 2",
    ],
)
def test_rules_leave_ordinary_text_alone(text: str) -> None:
    assert normalize_text(text) == text


def test_duration_keys_but_not_limits() -> None:
    for key in ("elapsed_s", "duration", "wall_ms", "test_runtime_s", "time", "latency_s"):
        assert is_duration_key(key), key
    for key in ("timeout_s", "max_steps", "times", "expression_size"):
        assert not is_duration_key(key), key
    a = {"elapsed_s": 0.31, "timeout_s": 5, "nested": [{"duration": 2}], "label": "ok"}
    b = {"elapsed_s": 7.0, "timeout_s": 5, "nested": [{"duration": 3}], "label": "ok"}
    assert normalize(a) == normalize(b)
    assert normalize({"timeout_s": 5}) != normalize({"timeout_s": 6})
    assert normalize({"elapsed_s": "not a number"}) != normalize({"elapsed_s": "other"})


def _step(**kw: object) -> StepRecord:
    base: dict[str, object] = dict(
        index=4,
        state_before="a" * 64,
        state_after="b" * 64,
        action_raw="x",
        observation="line one\nline two",
        reward=0.0,
        terminated=False,
        truncated=False,
    )
    base.update(kw)
    return StepRecord.model_validate(base)


def test_compare_steps_names_fields_in_order_with_unified_diff() -> None:
    rec = _step()
    assert compare_steps(rec, _step()) == []
    rep = _step(
        observation="line one\nline 2",
        reward=1.0,
        failure=Failure(kind="env_exception", message="boom"),
    )
    found = compare_steps(rec, rep)
    assert [d.field for d in found] == ["observation", "reward", "failure"]
    assert found[0].step == 4
    assert "-line two" in found[0].diff and "+line 2" in found[0].diff
    assert list(STEP_FIELDS).index("observation") == 0


def test_volatile_values_do_not_diverge_but_real_changes_do() -> None:
    fail_a = Failure(kind="timeout", message="killed after 5.01s", detail={"elapsed_s": 5.01})
    fail_b = Failure(kind="timeout", message="killed after 5.27s", detail={"elapsed_s": 5.27})
    assert compare_steps(_step(failure=fail_a), _step(failure=fail_b)) == []
    fail_c = Failure(kind="sandbox_error", message="killed after 5.27s")
    assert [d.field for d in compare_steps(_step(failure=fail_a), _step(failure=fail_c))] == [
        "failure"
    ]


def test_state_hashes_compare_their_snapshots() -> None:
    snaps = {
        "h1": {"log": "ran in 0.5s", "x": 1},
        "h2": {"log": "ran in 0.9s", "x": 1},
        "h3": {"log": "ran in 0.9s", "x": 2},
    }
    assert compare_values(0, "state_after", "h1", "h2", snaps.get) is None
    found = compare_values(0, "state_after", "h1", "h3", snaps.get)
    assert found is not None and '-  "x": 1' in found.diff and '+  "x": 2' in found.diff
    assert compare_values(0, "state_after", "h1", "missing", snaps.get) is not None
