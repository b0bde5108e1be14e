"""covering indexes for the roster order, the queue and caseload totals

The ranked windows (deskapp.search.ranked) read the whole display order of the roster and
the queue at unlock; with these indexes that is an index-only scan.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_order", "person", ["deleted", "name", "id"])
    op.drop_index("ix_person_adviser", "person")
    op.create_index(
        "ix_person_adviser",
        "person",
        ["deleted", "adviser_id", "next_contact_due", "last_contact_at"],
    )
    op.drop_index("ix_incident_queue", "incident")
    op.create_index(
        "ix_incident_queue",
        "incident",
        ["grade", "due_at", "id", "status", "deleted", "person_id"],
    )
    op.drop_index("ix_incident_adviser", "incident")
    op.create_index("ix_incident_adviser", "incident", ["adviser_id", "status", "deleted"])


def downgrade() -> None:
    op.drop_index("ix_incident_adviser", "incident")
    op.create_index("ix_incident_adviser", "incident", ["adviser_id"])
    op.drop_index("ix_incident_queue", "incident")
    op.create_index("ix_incident_queue", "incident", ["grade", "due_at", "id"])
    op.drop_index("ix_person_adviser", "person")
    op.create_index("ix_person_adviser", "person", ["adviser_id"])
    op.drop_index("ix_person_order", "person")
