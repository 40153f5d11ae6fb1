"""Case codes: a random code per case that its sender can type to check on it from anywhere
(a new browser tab, another phone), unlike the sequential case number.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration (cases opened before it have no code)."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("code", sa.String(length=16), nullable=True))
        batch.create_index("ix_cases_code", ["code"], unique=True)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_code")
        batch.drop_column("code")
