"""Answer deliveries: a chat reply the Bot API refused for a passing reason (network, 429,
5xx) waits in the outbox like an alert. It belongs to no case (case_id nullable), and a 429's
retry_after sets the earliest next attempt (not_before).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration (batch mode: SQLite rebuilds the table, PostgreSQL alters it)."""
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("not_before", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Revert this migration; answers still in the outbox, having no case, are dropped."""
    op.execute(sa.text("DELETE FROM deliveries WHERE case_id IS NULL"))
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("not_before")
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
