"""Rate windows: message counts per hashed key in a one-minute window that starts with its
first message, shared by every worker and machine (the web chat's limits).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "rate_windows",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_rate_windows_started", "rate_windows", ["started"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_rate_windows_started", table_name="rate_windows")
    op.drop_table("rate_windows")
