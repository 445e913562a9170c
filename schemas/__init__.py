"""Record schemas: the one definition of every agentdata record (pydantic v2)."""

from schemas.episodes import (
    FINISHED_STATUSES,
    EpisodeRecord,
    EpisodeStatus,
    PolicySpec,
    RunRecord,
)
from schemas.failures import FAILURE_KINDS, Failure, FailureKind
from schemas.json_types import JsonValue
from schemas.steps import Latency, PolicyOutput, StepRecord
from schemas.tasks import TaskSpec
from schemas.verdicts import ERROR_TYPES, ErrorType, Verdict, VerdictLabel

__all__ = [
    "ERROR_TYPES",
    "FAILURE_KINDS",
    "FINISHED_STATUSES",
    "EpisodeRecord",
    "EpisodeStatus",
    "ErrorType",
    "Failure",
    "FailureKind",
    "JsonValue",
    "Latency",
    "PolicyOutput",
    "PolicySpec",
    "RunRecord",
    "StepRecord",
    "TaskSpec",
    "Verdict",
    "VerdictLabel",
]
