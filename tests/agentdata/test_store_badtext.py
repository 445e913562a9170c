"""One bad string never poisons the store: lossless escapes, and a refused row is dropped
alone (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.errors import StoreError
from agentdata.schemas import (
    EpisodeRecord,
    Latency,
    PolicyOutput,
    StepRecord,
    Verdict,
)
from agentdata.store import Store
from agentdata.store._audit import audit_store
from agentdata.store._codec import INLINE_LIMIT
from agentdata.store._textsafe import escape, needs_escape, unescape
from tests.agentdata.records import STATE, minimal_episode

BAD = "byte-level \udc80 output \ud800 with NUL \x00 and ∀x"


def _episode(eid: str) -> EpisodeRecord:
    return minimal_episode(eid, observation=f"obs {BAD}")


def _step(i: int, action: str = "ok", observation: str = "ok") -> StepRecord:
    return StepRecord(
        index=i,
        state_before=STATE,
        state_after=STATE,
        action_raw=action,
        action_parsed={"claim": action},
        observation=observation,
        reward=0.0,
        terminated=False,
        truncated=False,
        verdict=Verdict(label="incorrect", verifier="v", verifier_version="1", message=action),
        latency=Latency(policy_s=0.0, env_s=0.0, verifier_s=0.0),
        policy_output=PolicyOutput(finish_reason=action, extra={"text": action}),
        info={"echo": action},
    )


def test_escape_is_lossless() -> None:
    for value in (BAD, "\udfff", "\x00", '"\\u0000"', "plain ∀"):
        assert unescape(escape(value)) == value
    assert needs_escape(BAD) and not needs_escape("plain ∀ \n")


def test_any_str_round_trips_and_neighbours_are_kept(store: Store) -> None:
    store.begin_episode(_episode("e1"))
    steps = [
        _step(0),
        _step(1, action=BAD, observation=BAD),
        _step(2, action=BAD * 200, observation=BAD * 200),  # long: stored as blobs
        _step(3),
    ]
    assert len(steps[2].observation) > INLINE_LIMIT
    store.add_steps("e1", steps)
    store.update_episode("e1", status="crashed", num_steps=4, error=f"policy_error: {BAD}")
    store.add_blobs({STATE: "{}"})
    store.flush()
    assert store.load_steps("e1") == steps
    episode = store.get_episode("e1")
    assert episode.initial_observation == f"obs {BAD}" and episode.error == f"policy_error: {BAD}"
    assert store.dropped == []
    with store.engine.connect() as conn:
        flags = conn.execute(text("select payload from steps where idx = 1")).scalar_one()
    assert '"escaped":["action_raw","observation"]' in flags.replace(" ", "")  # says so
    assert audit_store(store) == []


def test_a_refused_row_is_dropped_alone(store: Store) -> None:
    store.begin_episode(_episode("e1"))
    store.add_steps("e1", [_step(0), _step(1)])
    store.add_step("ghost", _step(0))  # no such episode: the database refuses this row
    store.add_steps("e1", [_step(2), _step(3)])
    store.flush()
    assert [s.index for s in store.load_steps("e1")] == [0, 1, 2, 3]
    assert len(store.dropped) == 1 and "step 0 of episode ghost" in store.dropped[0]
    store.add_step("e1", _step(4))  # the store is not poisoned: later writes land
    store.flush()
    assert len(store.load_steps("e1")) == 5


def test_a_batch_the_database_cannot_write_raises_and_is_not_kept(store: Store) -> None:
    store.add_step("ghost", _step(0))
    with pytest.raises(StoreError, match=r"ghost|foreign|FOREIGN"):
        store.flush()  # every row refused: an error, not a silent drop
    store.begin_episode(_episode("e1"))
    store.flush()  # nothing of the failed batch was kept to fail again
    assert store.get_episode("e1").id == "e1"


def test_rollout_with_lone_surrogates_in_actions(store: Store) -> None:
    actions = "answer: \udc80||step compute: 1 + \ud800 = 2||answer: 7\x00"
    cfg = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="scripted",
        episodes=3,
        run_id="bytes",
        env_kwargs={"max_steps": 3},
        policy_kwargs={"actions": actions},
    )
    run_rollouts(store, cfg)
    episodes = store.episodes("bytes")
    assert [e.status for e in episodes] == ["truncated"] * 3
    for ep in episodes:
        steps = store.load_steps(ep.id)
        assert [s.action_raw for s in steps] == actions.split("||")
        assert ep.num_steps == 3
    assert store.dropped == []
    assert audit_store(store, "bytes") == []
    run_rollouts(store, RolloutConfig(**{**cfg.__dict__, "episodes": 4}))  # resumable
    assert len(store.episodes("bytes")) == 4
