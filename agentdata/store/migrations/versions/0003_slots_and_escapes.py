"""Slot leases for cooperating workers; flags for texts stored JSON-escaped.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slots",
        sa.Column("run_id", sa.String(200), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "slot", name="pk_slots"),
    )
    op.add_column("blobs", sa.Column("escaped", sa.Boolean(), nullable=True))
    op.add_column("episodes", sa.Column("escaped", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("episodes", "escaped")
    op.drop_column("blobs", "escaped")
    op.drop_table("slots")
