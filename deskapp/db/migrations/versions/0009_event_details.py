"""event details: organiser and contact, notice, risk reason, patrol hours and costs, outcome

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TEXTS = ("organiser", "organiser_contact", "risk_reason", "outcome")
NUMBERS = ("patrol_minutes", "patrol_additional_pence", "patrol_opportunity_pence")


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        for name in TEXTS:
            batch_op.add_column(sa.Column(name, sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("notice_received_at", sa.DateTime(), nullable=True))
        for name in NUMBERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        for name in (*TEXTS, "notice_received_at", *NUMBERS):
            batch_op.drop_column(name)
