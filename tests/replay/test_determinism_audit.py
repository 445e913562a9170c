"""The multi-step determinism audit passes on every registered env and catches differences."""

from __future__ import annotations

from agentdata.replay._audit import _compare, run_audit


def test_audit_every_registered_env_is_byte_identical(env_id: str) -> None:
    (audit,) = run_audit([env_id], seeds=(0, 1))
    assert audit.error is None, audit.error
    assert audit.mismatches == []
    assert audit.episodes == 6 and audit.steps > 6
    assert audit.ok


def test_audit_names_the_first_difference() -> None:
    ep = {
        "episode": {"task_id": "t", "status": "terminated"},
        "steps": [{"observation": "a", "reward": 0.0}, {"observation": "b", "reward": 1.0}],
    }
    other = {
        "episode": dict(ep["episode"]),  # type: ignore[call-overload]
        "steps": [{"observation": "a", "reward": 0.0}, {"observation": "c", "reward": 1.0}],
    }
    audit = _compare("x", {"episodes": {"k": ep}}, {"episodes": {"k": other}})
    assert not audit.ok
    assert audit.mismatches == [
        {"episode": "k", "step": 1, "field": "observation", "a": "b", "b": "c"}
    ]
    broken = _compare("x", {"error": "ImportError: docker"}, {"episodes": {}})
    assert not broken.ok and broken.error == "ImportError: docker"


def test_unknown_env_is_reported_not_passed() -> None:
    (audit,) = run_audit(["agentdata/NotInstalled-v9"], seeds=(0,))
    assert not audit.ok and audit.error is not None and "NotInstalled" in audit.error
