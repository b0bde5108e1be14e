"""a Democracy Club person id may be held by more than one record

Two desks that import the same candidate list before either has synced each make their
own record of every candidate. Both records must be able to live on every desk (sync
stores what the hub holds), so the DC id is indexed but no longer unique; the pairs are
reported by ``deskapp check`` and imports update the same one of each pair everywhere.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_person_dc_person_id", "person")
    op.create_index("ix_person_dc_person_id", "person", ["dc_person_id"])


def downgrade() -> None:
    op.drop_index("ix_person_dc_person_id", "person")
    op.create_index("ix_person_dc_person_id", "person", ["dc_person_id"], unique=True)
