"""sync: conflicts kept for a supervisor, and the pull marks of the outbox

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
        "conflict",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("local_value", sa.String(), nullable=False),
        sa.Column("local_hlc", sa.Integer(), nullable=False),
        sa.Column("local_site", sa.String(), nullable=False),
        sa.Column("remote_value", sa.String(), nullable=False),
        sa.Column("remote_hlc", sa.Integer(), nullable=False),
        sa.Column("remote_site", sa.String(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conflict_row", "conflict", ["entity", "row_id"], unique=False)
    op.create_table(
        "sync_mark",
        sa.Column("outbox_seq", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("outbox_seq"),
    )


def downgrade() -> None:
    op.drop_table("sync_mark")
    op.drop_index("ix_conflict_row", table_name="conflict")
    op.drop_table("conflict")
