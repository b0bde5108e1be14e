"""quarantine: pulled changes that failed their checks, kept aside for supervisors

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hub_seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("data", sa.String(), nullable=True),
        sa.Column("versions", sa.String(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hub_seq", "entity", "row_id", "fields"),
    )


def downgrade() -> None:
    op.drop_table("quarantine")
