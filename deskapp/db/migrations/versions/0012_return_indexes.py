"""covering indexes for the statistics return

The return (deskapp.services.returns) reads every incident of a period, every person and
every status move once. Through these indexes each is an index-only pass: the incident's
and person's rows (descriptions, addresses) are never decrypted, and the status moves
are a partial index of their own. Measured in bench/returns.py.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_incident_return",
        "incident",
        [
            "reported_at",
            "deleted",
            "type",
            "grade",
            "status",
            "operation",
            "person_id",
            "due_at",
            "crime_ref",
            "id",
        ],
    )
    op.create_index(
        "ix_person_return",
        "person",
        [
            "id",
            "role",
            "party",
            "deleted",
            "merged_into",
            "created_at",
            "adviser_id",
            "briefing_status",
        ],
    )
    op.create_index(
        "ix_timeline_status",
        "timeline_entry",
        ["incident_id", "at", "text"],
        sqlite_where=sa.text("kind = 'status'"),
    )


def downgrade() -> None:
    op.drop_index("ix_timeline_status", "timeline_entry")
    op.drop_index("ix_person_return", "person")
    op.drop_index("ix_incident_return", "incident")
