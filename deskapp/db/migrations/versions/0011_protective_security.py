"""protective security: surveys, measures, private-security referrals, subjects of
concern, categorised incident links, and incidents' command-and-control log reference

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("incident") as batch:
        batch.add_column(sa.Column("cad_ref", sa.String(), nullable=False, server_default=""))
    op.create_table(
        "security_survey",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("surveyed_by", sa.String(), nullable=False),
        sa.Column("findings", sa.String(), nullable=False),
        sa.Column("risk", sa.String(), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        *_record_columns(),
    )
    op.create_table(
        "security_measure",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("recommended_on", sa.Date(), nullable=True),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("fitted_on", sa.Date(), nullable=True),
        sa.Column("declined_on", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(), nullable=False),
        *_record_columns(),
    )
    op.create_table(
        "security_referral",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(), nullable=False),
        *_record_columns(),
    )
    op.create_table(
        "subject",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("aliases", sa.String(), nullable=False),
        sa.Column("identifiers", sa.String(), nullable=False),
        sa.Column("risk", sa.String(), nullable=False),
        sa.Column("ftac", sa.String(), nullable=False),
        sa.Column("plait", sa.String(), nullable=False),
        sa.Column("facts", sa.String(), nullable=False),
        sa.Column("assessment", sa.String(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        *_record_columns(),
    )
    op.create_table(
        "incident_link",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("incident_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=True),
        sa.Column("subject_id", sa.String(), nullable=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for table, column in (
        ("security_survey", "person_id"),
        ("security_survey", "next_review"),
        ("security_measure", "person_id"),
        ("security_measure", "next_review"),
        ("security_referral", "person_id"),
        ("subject", "review_date"),
        ("incident_link", "incident_id"),
        ("incident_link", "person_id"),
        ("incident_link", "subject_id"),
    ):
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade() -> None:
    for table in (
        "incident_link", "subject", "security_referral", "security_measure", "security_survey",
    ):  # fmt: skip
        op.drop_table(table)
    with op.batch_alter_table("incident") as batch:
        batch.drop_column("cad_ref")
