"""Record schemas: the one definition of every agentdata record (pydantic v2)."""

from agentdata.schemas.episodes import (
    FINISHED_STATUSES,
    EpisodeRecord,
    EpisodeStatus,
    PolicySpec,
    RunRecord,
)
from agentdata.schemas.failures import FAILURE_KINDS, Failure, FailureKind
from agentdata.schemas.json_types import JsonValue
from agentdata.schemas.steps import Latency, PolicyOutput, StepRecord
from agentdata.schemas.tasks import TaskSpec
from agentdata.schemas.verdicts import ERROR_TYPES, ErrorType, Verdict, VerdictLabel

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
