"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 03:58:13.935884
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adviser",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("officer_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "candidacy",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("ballot_paper_id", sa.String(), nullable=False),
        sa.Column("election_id", sa.String(), nullable=False),
        sa.Column("election_date", sa.Date(), nullable=True),
        sa.Column("party", sa.String(), nullable=False),
        sa.Column("post", sa.String(), nullable=False),
        sa.Column("organisation_id", sa.String(), nullable=True),
        sa.Column("cancelled_poll", sa.Boolean(), nullable=False),
        sa.Column("elected", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "ballot_paper_id"),
    )
    with op.batch_alter_table("candidacy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidacy_person_id"), ["person_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("adviser_id", sa.String(), nullable=True),
        sa.Column("officer_id", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_person_id"), ["person_id"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("risk", sa.String(), nullable=False),
        sa.Column("patrol_requested", sa.Boolean(), nullable=False),
        sa.Column("attendance", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "event_person",
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "person_id"),
    )
    with op.batch_alter_table("event_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_person_person_id"), ["person_id"], unique=False)

    op.create_table(
        "field_version",
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "row_id", "field"),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=True),
        sa.Column("location", sa.String(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("thrive", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("adviser_id", sa.String(), nullable=True),
        sa.Column("crime_ref", sa.String(), nullable=False),
        sa.Column("operation", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_adviser", ["adviser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_incident_queue", ["grade", "due_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_ref"), ["ref"], unique=False)

    op.create_table(
        "incident_person",
        sa.Column("incident_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "person_id"),
    )
    with op.batch_alter_table("incident_person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_person_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "officer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("ro_name", sa.String(), nullable=False),
        sa.Column("ro_phone", sa.String(), nullable=False),
        sa.Column("ro_email", sa.String(), nullable=False),
        sa.Column("share_request_status", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_slug"), ["slug"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("row_id", sa.String(), nullable=False),
        sa.Column("op", sa.String(), nullable=False),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("hlc", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("party", sa.String(), nullable=False),
        sa.Column("organisation_id", sa.String(), nullable=True),
        sa.Column("post", sa.String(), nullable=False),
        sa.Column("ballot_paper_id", sa.String(), nullable=False),
        sa.Column("election_date", sa.Date(), nullable=True),
        sa.Column("dc_person_id", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("address_withheld", sa.Boolean(), nullable=False),
        sa.Column("risk", sa.String(), nullable=False),
        sa.Column("adviser_id", sa.String(), nullable=True),
        sa.Column("briefing_status", sa.String(), nullable=False),
        sa.Column("last_contact_at", sa.DateTime(), nullable=True),
        sa.Column("next_contact_due", sa.DateTime(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_adviser", ["adviser_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_dc_person_id"), ["dc_person_id"], unique=True)
        batch_op.create_index("ix_person_name_id", ["name", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_person_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_person_review", ["review_date"], unique=False)

    op.create_table(
        "timeline_entry",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("incident_id", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("officer_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_entry_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_entry_incident_id"))

    op.drop_table("timeline_entry")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_review")
        batch_op.drop_index(batch_op.f("ix_person_organisation_id"))
        batch_op.drop_index("ix_person_name_id")
        batch_op.drop_index(batch_op.f("ix_person_dc_person_id"))
        batch_op.drop_index("ix_person_adviser")

    op.drop_table("person")
    op.drop_table("outbox")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_slug"))

    op.drop_table("organisation")
    op.drop_table("officer")
    op.drop_table("meta")
    with op.batch_alter_table("incident_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_person_person_id"))

    op.drop_table("incident_person")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_ref"))
        batch_op.drop_index("ix_incident_queue")
        batch_op.drop_index(batch_op.f("ix_incident_person_id"))
        batch_op.drop_index("ix_incident_adviser")

    op.drop_table("incident")
    op.drop_table("field_version")
    with op.batch_alter_table("event_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_person_person_id"))

    op.drop_table("event_person")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_starts_at"))

    op.drop_table("event")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_person_id"))

    op.drop_table("contact")
    with op.batch_alter_table("candidacy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidacy_person_id"))

    op.drop_table("candidacy")
    op.drop_table("audit_event")
    op.drop_table("adviser")
