"""JSON Schema export of every record model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from schemas.episodes import EpisodeRecord, PolicySpec, RunRecord
from schemas.failures import Failure
from schemas.steps import Latency, PolicyOutput, StepRecord
from schemas.tasks import TaskSpec
from schemas.verdicts import Verdict

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
