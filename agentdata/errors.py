"""The agentdata exception tree: every error the project raises on purpose derives from here.

One root, a few branches; catch the branch that matches what you can handle::

    AgentdataError
    ├── ConfigError (also ValueError)  bad arguments: unknown env/policy, bad env kwargs, k=v
    ├── TaskError                      a task cannot be found, read, generated or validated
    ├── ActionError                    an agent action cannot be carried out (envs turn it
    │                                  into a typed failure; `step` never raises it)
    ├── VerifierError                  a verifier cannot judge: input beyond its limits,
    │                                  timeout, crashed worker
    ├── SandboxError                   the sandbox cannot start, run or be used as asked
    ├── StoreError                     the store cannot be opened, read or written
    ├── RecordError                    an env returned a step that cannot be recorded
    └── ReplayError                    replay, fork or the determinism audit failed

Environment-specific classes (e.g. `agentdata.envs.math.errors.ExactLimitError`) subclass a
branch. This module imports nothing, so any layer can import it cheaply.
"""

from __future__ import annotations


class AgentdataError(Exception):
    """Base of all agentdata errors."""


# -- configuration ------------------------------------------------------------------------
class ConfigError(AgentdataError, ValueError):
    """Bad command-line or API arguments (unknown env, policy, malformed k=v, env kwargs)."""


class MissingExtraError(ConfigError):
    """A feature needs an optional dependency (an extra such as `agentdata[vllm]`)."""


class UnknownEnvError(ConfigError):
    """An environment id that is not registered."""


class RunMismatchError(ConfigError):
    """Resuming a run with arguments that differ from the ones it was started with."""


# -- tasks, actions, verifiers, sandboxes (raised by environments) --------------------------
class TaskError(AgentdataError):
    """A task cannot be found, read, generated or validated (the message names which)."""


class ActionError(AgentdataError):
    """An agent action cannot be carried out; environments record it as a typed failure."""


class VerifierError(AgentdataError):
    """A verifier cannot judge its input (beyond hard limits, timed out, worker crashed)."""


class SandboxError(AgentdataError):
    """Base class of every error raised by the sandbox layer."""


# -- store and records --------------------------------------------------------------------
class StoreError(AgentdataError):
    """The store cannot be opened, read or written."""


class NotFoundError(StoreError):
    """A run or episode id that the store does not hold."""


class SchemaVersionError(StoreError):
    """The database was written by a newer agentdata whose schema this version cannot read."""


class CorruptRecordError(StoreError):
    """A stored row does not decode into a valid record."""


class RecordError(AgentdataError):
    """An environment returned a step that cannot be recorded (info values that are not JSON)."""


# -- replay -------------------------------------------------------------------------------
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
