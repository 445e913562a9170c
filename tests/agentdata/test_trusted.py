"""`schemas.trusted`: the recorder's unvalidated records are exactly pydantic's own."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from agentdata.schemas import EpisodeRecord, Latency, StepRecord
from agentdata.schemas.trusted import trusted
from agentdata.store import Store
from tests.agentdata.records import record_linear_episode

BUILT_TRUSTED = (StepRecord, Latency, EpisodeRecord)


@pytest.mark.parametrize("cls", BUILT_TRUSTED)
def test_records_built_trusted_are_plain(cls: type[BaseModel]) -> None:
    # what `trusted` does not set up: private attributes, post-init hooks, extra fields
    assert not cls.__private_attributes__
    assert not cls.__pydantic_post_init__
    assert cls.model_config.get("extra") != "allow"
    assert not cls.__pydantic_root_model__


def test_trusted_equals_model_construct() -> None:
    values = {"policy_s": 0.5, "env_s": 0.25, "verifier_s": 0.125}
    built, constructed = trusted(Latency, **values), Latency.model_construct(**values)
    assert built == constructed
    assert built.model_fields_set == constructed.model_fields_set
    assert built.model_dump_json() == constructed.model_dump_json()
    assert hash(built) == hash(constructed)
    assert built.__pydantic_extra__ is None and built.__pydantic_private__ is None


def test_recorded_records_validate_to_themselves(sqlite_store: Store) -> None:
    rec = record_linear_episode(sqlite_store, seed=5, oracle_seed=1)
    assert rec.episode is not None and rec.steps
    for step in rec.steps:  # every field set, each of the type validation gives it
        assert set(step.__dict__) == set(StepRecord.model_fields)
        assert StepRecord.model_validate(step.model_dump()) == step
    assert set(rec.episode.__dict__) == set(EpisodeRecord.model_fields)
    assert EpisodeRecord.model_validate(rec.episode.model_dump()) == rec.episode
    assert sqlite_store.get_episode(rec.episode.id) == rec.episode
