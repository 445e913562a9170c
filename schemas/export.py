"""JSON Schema export of every record model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agentdata.schemas.episodes import EpisodeRecord, PolicySpec, RunRecord
from agentdata.schemas.failures import Failure
from agentdata.schemas.steps import Latency, PolicyOutput, StepRecord
from agentdata.schemas.tasks import TaskSpec
from agentdata.schemas.verdicts import Verdict

RECORD_MODELS: tuple[type[BaseModel], ...] = (
    TaskSpec,
    Verdict,
    Failure,
    Latency,
    PolicyOutput,
    StepRecord,
    PolicySpec,
    EpisodeRecord,
    RunRecord,
)


def json_schemas() -> dict[str, dict[str, Any]]:
    """Record name -> JSON Schema."""
    return {model.__name__: model.model_json_schema() for model in RECORD_MODELS}
