"""Typed errors of the math environment: `MathEnvError` and branches of `agentdata.errors`."""

from __future__ import annotations

from agentdata.errors import AgentdataError, ConfigError, TaskError, VerifierError


class MathEnvError(AgentdataError):
    """Base of every error raised by `agentdata.envs.math`."""


class ExactError(MathEnvError, VerifierError):
    """The exact evaluator refused an expression."""


class ExactSyntaxError(ExactError):
    """The expression does not parse."""


class ExactLimitError(ExactError):
    """The expression exceeds a hard size limit (length, depth, digits, exponent, bits)."""

    def __init__(self, message: str, *, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class ExactDomainError(ExactError):
    """The expression has no exact rational value (division by zero, x^(1/2), unbound name)."""


class AnswerParseError(MathEnvError, VerifierError):
    """A final answer could not be read as numbers."""


class TaskFileError(MathEnvError, TaskError):
    """A JSONL task file is malformed; the message names the file and line."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class UnknownTaskError(MathEnvError, TaskError, KeyError):
    """A task id that the environment cannot load."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown task"


__all__ = [
    "AnswerParseError",
    "ConfigError",  # the one `agentdata.errors.ConfigError` (a ValueError), re-exported
    "ExactDomainError",
    "ExactError",
    "ExactLimitError",
    "ExactSyntaxError",
    "MathEnvError",
    "TaskFileError",
    "UnknownTaskError",
]
