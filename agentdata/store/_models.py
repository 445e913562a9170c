"""SQLAlchemy 2.0 tables of the audit store: runs, episodes, steps and content-addressed blobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SCHEMA_REVISIONS = ("0001", "0002", "0003")
"""Every Alembic revision in migrations/versions, oldest first."""
SCHEMA_VERSION = SCHEMA_REVISIONS[-1]
"""Alembic head revision this code reads and writes."""


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=False)}  # noqa: RUF012


class Blob(Base):
    """A large text stored once, keyed by its sha256."""

    __tablename__ = "blobs"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)
    escaped: Mapped[bool | None]
    """True when `data` holds the JSON-escaped text (it had lone surrogates or NUL)."""


class Run(Base):
    """A rollout run: environment, policy, seed and plan."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    env_id: Mapped[str] = mapped_column(String(200))
    env_kwargs: Mapped[dict[str, Any]]
    policy: Mapped[dict[str, Any]]
    seed: Mapped[int] = mapped_column(Integer)
    episodes: Mapped[int] = mapped_column(Integer)
    samples_per_task: Mapped[int] = mapped_column(Integer)
    package_version: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime | None]


class Episode(Base):
    """One episode and everything needed to rebuild it."""

    __tablename__ = "episodes"
    # Few indexes: every one is another page written by each commit of the rollout loop.
    __table_args__ = (
        Index("ix_episodes_run_slot", "run_id", "slot"),
        Index(
            "ix_episodes_parent_id",
            "parent_id",
            sqlite_where=text("parent_id IS NOT NULL"),
            postgresql_where=text("parent_id IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(200))
    slot: Mapped[int] = mapped_column(Integer)
    sample_index: Mapped[int] = mapped_column(Integer)
    env_id: Mapped[str] = mapped_column(String(200))
    env_kwargs: Mapped[dict[str, Any]]
    task_id: Mapped[str] = mapped_column(String(500))
    task_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int | None] = mapped_column(Integer)
    reset_options: Mapped[dict[str, Any] | None]
    package_version: Mapped[str] = mapped_column(String(50))
    policy: Mapped[dict[str, Any]]
    parent_id: Mapped[str | None] = mapped_column(String(200))
    fork_step: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    num_steps: Mapped[int] = mapped_column(Integer)
    total_reward: Mapped[float] = mapped_column(Float)
    success: Mapped[bool | None]
    outcome: Mapped[dict[str, Any]]
    initial_observation: Mapped[str] = mapped_column(Text)
    initial_state: Mapped[str] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    escaped: Mapped[str | None] = mapped_column(String(200))
    """Comma-separated text columns stored JSON-escaped (lone surrogates or NUL)."""


class Step(Base):
    """One step. Queried fields are columns; the nested records are one JSON `payload`.

    Short texts are inline; long ones live in `blobs` and are referenced by hash.
    """

    __tablename__ = "steps"
    # Partial: most steps have neither, and full indexes cost a quarter of ingest speed.
    __table_args__ = (
        Index(
            "ix_steps_error_type",
            "error_type",
            sqlite_where=text("error_type IS NOT NULL"),
            postgresql_where=text("error_type IS NOT NULL"),
        ),
        Index(
            "ix_steps_failure_kind",
            "failure_kind",
            sqlite_where=text("failure_kind IS NOT NULL"),
            postgresql_where=text("failure_kind IS NOT NULL"),
        ),
    )

    episode_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("episodes.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_before: Mapped[str] = mapped_column(String(64))
    state_after: Mapped[str] = mapped_column(String(64))
    action_raw: Mapped[str | None] = mapped_column(Text)
    action_ref: Mapped[str | None] = mapped_column(String(64))
    observation: Mapped[str | None] = mapped_column(Text)
    observation_ref: Mapped[str | None] = mapped_column(String(64))
    reward: Mapped[float] = mapped_column(Float)
    terminated: Mapped[bool]
    truncated: Mapped[bool]
    verdict_label: Mapped[str | None] = mapped_column(String(20))
    error_type: Mapped[str | None] = mapped_column(String(40))
    failure_kind: Mapped[str | None] = mapped_column(String(40))
    retry_of: Mapped[int | None] = mapped_column(Integer)
    infra_retries: Mapped[int] = mapped_column(Integer)
    policy_s: Mapped[float] = mapped_column(Float)
    env_s: Mapped[float] = mapped_column(Float)
    verifier_s: Mapped[float] = mapped_column(Float)
    payload: Mapped[str] = mapped_column(Text)
    """JSON of verdict, failure, action_parsed, policy_output and info."""


class Slot(Base):
    """A planned episode slot of a run and its lease: how cooperating workers share a run.

    A worker claims unstarted slots atomically (`SKIP LOCKED` on PostgreSQL, a write
    transaction on SQLite) and renews its lease while it works; a slot whose lease ran
    out (its worker died) is claimed again. A slot is done when a finished episode of it
    exists, so finishing an episode and completing its slot are one commit.
    """

    __tablename__ = "slots"

    run_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    """Times the slot was claimed; the next episode id derives from it."""
    owner: Mapped[str | None] = mapped_column(String(200))
    """`host:pid:token` of the worker holding the lease (None: free)."""
    lease_until: Mapped[float | None] = mapped_column(Float)
    """Unix time at which the lease runs out unless renewed."""
