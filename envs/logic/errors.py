"""Typed errors of the logic environment (rooted at `agentdata.errors.AgentdataError`)."""

from __future__ import annotations

from agentdata.errors import AgentdataError


class LogicEnvError(AgentdataError):
    """Base of every error raised by `agentdata.envs.logic`."""


class FormulaError(LogicEnvError):
    """A formula does not parse or is beyond the hard limits; `column` is 1-based."""

    def __init__(
        self, message: str, *, text: str = "", column: int | None = None, limit: str | None = None
    ) -> None:
        super().__init__(message)
        self.text = text
        self.column = column
        self.limit = limit


class TaskFileError(LogicEnvError):
    """A JSONL task file cannot be read at all (missing, too large, no valid task)."""


class UnknownTaskError(LogicEnvError, KeyError):
    """A task id that the environment cannot load."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown task"


class ConfigError(LogicEnvError, ValueError):
    """Invalid environment keyword arguments."""
