"""The agentdata exception tree: every error the library raises on purpose derives from here."""

from __future__ import annotations


class AgentdataError(Exception):
    """Base of all agentdata errors."""


class StoreError(AgentdataError):
    """The store cannot be opened, read or written."""


class NotFoundError(StoreError):
    """A run or episode id that the store does not hold."""


class SchemaVersionError(StoreError):
    """The database was written by a newer agentdata whose schema this version cannot read."""


class CorruptRecordError(StoreError):
    """A stored row does not decode into a valid record."""


class ConfigError(AgentdataError):
    """Bad command-line or API arguments (unknown env, policy, malformed k=v, ...)."""


class RunMismatchError(ConfigError):
    """Resuming a run with arguments that differ from the ones it was started with."""


class ReplayError(AgentdataError):
    """Replay, fork or the determinism audit could not do what was asked."""


class UnreplayableError(ReplayError):
    """An episode cannot be rebuilt faithfully (env missing, task or version changed, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.reason = message


class ForkDivergedError(ReplayError):
    """Re-executing a fork's prefix did not reproduce the parent episode."""


class RecordError(AgentdataError):
    """An environment returned a step that cannot be recorded (info values that are not JSON)."""
