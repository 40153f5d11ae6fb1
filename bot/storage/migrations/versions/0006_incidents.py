"""Incidents: URGENT cases about one school within a window join the first one (its lead), so
the office gets one alert and then digests instead of one alert per report.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.create_index("ix_cases_incident_id", ["incident_id"])
        batch.create_foreign_key("fk_cases_incident", "cases", ["incident_id"], ["id"])


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("fk_cases_incident", type_="foreignkey")
        batch.drop_index("ix_cases_incident_id")
        batch.drop_column("incident_id")
