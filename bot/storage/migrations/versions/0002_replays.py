"""Replays: answers already given to webhook deliveries, shared by every worker.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "replays",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_replays_at", "replays", ["at"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_replays_at", table_name="replays")
    op.drop_table("replays")
