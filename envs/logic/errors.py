"""Typed errors of the logic environment: `LogicEnvError` and branches of `agentdata.errors`."""

from __future__ import annotations

from agentdata.errors import AgentdataError, ConfigError, TaskError, VerifierError


class LogicEnvError(AgentdataError):
    """Base of every error raised by `agentdata.envs.logic`."""


class FormulaError(LogicEnvError, VerifierError):
    """A formula does not parse or is beyond the hard limits; `column` is 1-based."""

    def __init__(
        self, message: str, *, text: str = "", column: int | None = None, limit: str | None = None
    ) -> None:
        super().__init__(message)
        self.text = text
        self.column = column
        self.limit = limit


class TaskFileError(LogicEnvError, TaskError):
    """A JSONL task file cannot be read at all (missing, too large, no valid task)."""


class UnknownTaskError(LogicEnvError, TaskError, KeyError):
    """A task id that the environment cannot load."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown task"


__all__ = [
    "ConfigError",  # the one `agentdata.errors.ConfigError` (a ValueError), re-exported
    "FormulaError",
    "LogicEnvError",
    "TaskFileError",
    "UnknownTaskError",
]
