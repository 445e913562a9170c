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


class PolicyError(AgentdataError):
    """A policy failed to produce an action."""
