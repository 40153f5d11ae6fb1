"""Alert mobiles, staff reply codes and delivery claims: a school's mobile for SMS alerts
(its main line may be a landline) and the staff mobiles allowed to answer cases by SMS; a
random per-case code staff reply with; the worker that claimed a delivery, so a crashed
worker's claims can be taken over before its lease ends.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("alert_phone", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("staff_mobiles", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("staff_code", sa.String(16), nullable=True))
        batch.create_index("ix_cases_staff_code", ["staff_code"], unique=True)
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    """Revert this migration. Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ has it): a batch
    copy of `schools` would have to drop a table other tables' foreign keys point at."""
    op.drop_column("deliveries", "claimed_by")
    op.drop_index("ix_cases_staff_code", table_name="cases")
    op.drop_column("cases", "staff_code")
    op.drop_column("schools", "staff_mobiles")
    op.drop_column("schools", "alert_phone")
