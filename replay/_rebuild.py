"""Rebuild an environment from an `EpisodeRecord` alone, or say precisely why it cannot be.

The record names the env id and kwargs, the task id and content hash, the reset seed and the
package version. Rebuilding makes the env, resets it with the recorded seed (passing the task
id as reset option when the environment has a finite task list, as the runner does), and
checks that the task it loaded is the recorded one, byte for byte (hash). Anything that
would make a replay meaningless raises `UnreplayableError` with a code from
`UNREPLAYABLE_CODES`, so callers report it instead of silently replaying something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import gymnasium

from agentdata._version import package_version
from agentdata.envs.contract import ReportingEnv, task_ids_of
from agentdata.envs.registry import installed_env_ids, make
from agentdata.errors import ConfigError, UnknownEnvError, UnreplayableError
from agentdata.schemas import EpisodeRecord, JsonValue, TaskSpec
from agentdata.schemas.hashing import canonical_json

UnreplayableCode = Literal[
    "not_found",
    "corrupt_record",
    "env_not_installed",
    "env_unavailable",
    "version_mismatch",
    "task_unavailable",
    "task_hash_mismatch",
    "crashed_at_reset",
]
UNREPLAYABLE_CODES: tuple[UnreplayableCode, ...] = UnreplayableCode.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Unreplayable:
    """Why an episode cannot be replayed: a typed code and a message for a human."""

    code: UnreplayableCode
    message: str

    @classmethod
    def from_error(cls, error: UnreplayableError) -> Unreplayable:
        """The value form of an `UnreplayableError`."""
        code = error.code if error.code in UNREPLAYABLE_CODES else "env_unavailable"
        return cls(code, error.reason)

    def as_report(self, episode_id: str) -> dict[str, JsonValue]:
        """The `unreplayable` entry of the JSON report."""
        return {"episode": episode_id, "reason": f"{self.code}: {self.message}", "code": self.code}


def unreplayable(code: UnreplayableCode, message: str) -> UnreplayableError:
    """The typed error for `code` (raise it)."""
    return UnreplayableError(code, message)


@dataclass
class Rebuilt:
    """An environment reset into the recorded episode's initial state."""

    env: gymnasium.Env[str, str]
    observation: str
    info: dict[str, Any]
    options: dict[str, Any] | None
    task: TaskSpec


@dataclass
class EnvCache:
    """Environments reused across episodes with the same id and kwargs.

    `reset(seed, options)` fully determines an agentdata environment, so one instance can
    replay many episodes; this keeps costly setup (verifier workers, sandbox pools) to once.
    """

    envs: dict[str, gymnasium.Env[str, str]] = field(default_factory=dict)

    def get(self, env_id: str, env_kwargs: dict[str, JsonValue]) -> gymnasium.Env[str, str]:
        """A cached env, made on first use (raises UnreplayableError when it cannot be)."""
        key = canonical_json({"id": env_id, "kwargs": env_kwargs})
        if key not in self.envs:
            self.envs[key] = make_env_for(env_id, env_kwargs)
        return self.envs[key]

    def close(self) -> None:
        """Close every cached env."""
        for env in self.envs.values():
            env.close()
        self.envs.clear()


def check_version(episode: EpisodeRecord, current: str | None = None) -> None:
    """Raise `version_mismatch` when the episode was recorded by another agentdata version."""
    current = current or package_version()
    if episode.package_version != current:
        raise unreplayable(
            "version_mismatch",
            f"recorded with agentdata {episode.package_version}, this is {current} "
            "(pass --allow-version-mismatch to replay anyway)",
        )


def make_env_for(env_id: str, env_kwargs: dict[str, JsonValue]) -> gymnasium.Env[str, str]:
    """Make the environment; an unknown id or one whose code cannot load is typed."""
    try:
        return make(env_id, **env_kwargs)
    except UnknownEnvError as exc:
        installed = installed_env_ids() or "none"
        raise unreplayable(
            "env_not_installed", f"environment {env_id!r} is not installed (installed: {installed})"
        ) from exc
    except ConfigError as exc:
        raise unreplayable("env_unavailable", str(exc)) from exc
    except ImportError as exc:
        raise unreplayable(
            "env_not_installed", f"environment {env_id!r} cannot be imported: {exc}"
        ) from exc
    except Exception as exc:  # the env's constructor failed (sandbox backend missing, ...)
        raise unreplayable(
            "env_unavailable", f"cannot create {env_id}: {type(exc).__name__}: {exc}"
        ) from exc


def reset_to(env: gymnasium.Env[str, str], episode: EpisodeRecord) -> Rebuilt:
    """Reset `env` into the episode's initial state and check its task id and hash."""
    if not episode.task_hash and episode.status == "crashed":
        raise unreplayable("crashed_at_reset", episode.error or "the recording never reset")
    by_id: dict[str, Any] = {"task_id": episode.task_id}
    attempts: list[dict[str, Any] | None]
    if episode.reset_options is not None:  # recorded: reset exactly as the recording did
        attempts = [dict(episode.reset_options) or None]
    elif episode.seed is None:
        attempts = [by_id]
    else:  # recorded before reset options were: the runner passed a task id only for finite
        # task lists, procedural envs draw the task from the seed; try both, likelier first
        finite = task_ids_of(env) is not None
        attempts = [by_id, None] if finite else [None, by_id]
    last_error = ""
    for options in attempts:
        try:
            obs, info = env.reset(seed=episode.seed, options=options)
        except Exception as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            continue
        report = env.unwrapped.last_reset if isinstance(env.unwrapped, ReportingEnv) else None
        if report is None:
            raise unreplayable("env_unavailable", f"{episode.env_id} reset reported no task")
        task = report.task
        if task.id != episode.task_id:
            last_error = f"reset with seed {episode.seed} loaded task {task.id!r}"
            continue
        if task.hash != episode.task_hash:
            raise unreplayable(
                "task_hash_mismatch",
                f"task {task.id!r} changed since recording: hash {task.hash[:12]} now, "
                f"{episode.task_hash[:12]} recorded",
            )
        return Rebuilt(env, obs, info, options, task)
    raise unreplayable(
        "task_unavailable",
        f"cannot load task {episode.task_id!r} of {episode.env_id}: {last_error}",
    )


def rebuild(
    episode: EpisodeRecord, *, cache: EnvCache | None = None, allow_version_mismatch: bool = False
) -> Rebuilt:
    """Make (or reuse) and reset the episode's environment; raise UnreplayableError."""
    if not allow_version_mismatch:
        check_version(episode)
    if cache is not None:
        env = cache.get(episode.env_id, episode.env_kwargs)
    else:
        env = make_env_for(episode.env_id, episode.env_kwargs)
    try:
        return reset_to(env, episode)
    except BaseException:
        if cache is None:
            env.close()
        raise
