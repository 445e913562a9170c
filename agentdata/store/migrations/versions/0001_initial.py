"""Initial schema: runs, episodes, steps, blobs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name="pk_blobs"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("env_id", sa.String(200), nullable=False),
        sa.Column("env_kwargs", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("episodes", sa.Integer(), nullable=False),
        sa.Column("samples_per_task", sa.Integer(), nullable=False),
        sa.Column("package_version", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "episodes",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("run_id", sa.String(200), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("sample_index", sa.Integer(), nullable=False),
        sa.Column("env_id", sa.String(200), nullable=False),
        sa.Column("env_kwargs", sa.JSON(), nullable=False),
        sa.Column("task_id", sa.String(500), nullable=False),
        sa.Column("task_hash", sa.String(64), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("package_version", sa.String(50), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.String(200), nullable=True),
        sa.Column("fork_step", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("num_steps", sa.Integer(), nullable=False),
        sa.Column("total_reward", sa.Float(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("initial_observation", sa.Text(), nullable=False),
        sa.Column("initial_state", sa.String(64), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_episodes"),
    )
    op.create_index("ix_episodes_run_slot", "episodes", ["run_id", "slot"])
    op.create_index(
        "ix_episodes_parent_id",
        "episodes",
        ["parent_id"],
        sqlite_where=sa.text("parent_id IS NOT NULL"),
        postgresql_where=sa.text("parent_id IS NOT NULL"),
    )
    op.create_table(
        "steps",
        sa.Column("episode_id", sa.String(200), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("state_before", sa.String(64), nullable=False),
        sa.Column("state_after", sa.String(64), nullable=False),
        sa.Column("action_raw", sa.Text(), nullable=True),
        sa.Column("action_ref", sa.String(64), nullable=True),
        sa.Column("observation", sa.Text(), nullable=True),
        sa.Column("observation_ref", sa.String(64), nullable=True),
        sa.Column("reward", sa.Float(), nullable=False),
        sa.Column("terminated", sa.Boolean(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("verdict_label", sa.String(20), nullable=True),
        sa.Column("error_type", sa.String(40), nullable=True),
        sa.Column("failure_kind", sa.String(40), nullable=True),
        sa.Column("retry_of", sa.Integer(), nullable=True),
        sa.Column("infra_retries", sa.Integer(), nullable=False),
        sa.Column("policy_s", sa.Float(), nullable=False),
        sa.Column("env_s", sa.Float(), nullable=False),
        sa.Column("verifier_s", sa.Float(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name="fk_steps_episode_id_episodes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("episode_id", "idx", name="pk_steps"),
    )
    for column in ("error_type", "failure_kind"):
        op.create_index(
            f"ix_steps_{column}",
            "steps",
            [column],
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )


def downgrade() -> None:
    op.drop_table("steps")
    op.drop_table("episodes")
    op.drop_table("runs")
    op.drop_table("blobs")
