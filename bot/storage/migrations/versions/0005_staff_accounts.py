"""Staff accounts: an account can be disabled, can cover further schools than its first one
(school_id stays the first school; staff_schools holds the others), and its sign-ins are kept
server-side (staff_sessions) so signing out, disabling or a new password ends them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration (existing accounts stay enabled, with their one school)."""
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(
            sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "staff_schools",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "school_id"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_sessions") as batch:
        batch.create_index("ix_staff_sessions_user_id", ["user_id"])
        batch.create_index("ix_staff_sessions_created_at", ["created_at"])


def downgrade() -> None:
    """Revert this migration: everyone is signed out, accounts keep only their first school,
    and disabled accounts are deleted (without the column they could sign in again)."""
    op.drop_table("staff_sessions")
    op.drop_table("staff_schools")
    op.execute(sa.text("DELETE FROM staff_users WHERE NOT enabled"))
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("enabled")
