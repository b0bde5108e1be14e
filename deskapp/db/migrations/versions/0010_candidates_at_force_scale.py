"""candidates at force scale: constituencies (GSS code, acting council), advisers' areas,
unconfirmed candidacies, office holders' dates

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("gss", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("council_id", sa.String(), nullable=True))
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("elected_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("merged_into", sa.String(), nullable=True))
    with op.batch_alter_table("candidacy") as batch:
        batch.add_column(
            sa.Column("unconfirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("adviser") as batch:
        batch.add_column(sa.Column("areas", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("candidacy") as batch:
        batch.drop_column("unconfirmed")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("merged_into")
        batch.drop_column("elected_on")
    with op.batch_alter_table("adviser") as batch:
        batch.drop_column("areas")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("council_id")
        batch.drop_column("gss")
