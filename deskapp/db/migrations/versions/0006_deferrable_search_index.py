"""the full-text triggers stand aside while a large pull defers the search index

A new desk's first sync stores 200,000 pulled rows; keeping FTS5 (with its prefix indexes)
in step row by row cost about as much as storing the rows. While the ``meta`` row
``search_index_deferred`` exists the triggers do nothing, and the pull rebuilds both
indexes once at its end (``db.search_index``): about a third of the cost. The flag
commits with the first deferred batch, so a pull cut short leaves it set and the next
open of the desk rebuilds.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ACTIVE = "WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_deferred')"

PERSON_INSERT = """INSERT INTO person_fts(rowid, name, party, post)
        VALUES (new.rowid, new.name, new.party, new.post);"""
PERSON_DELETE = """INSERT INTO person_fts(person_fts, rowid, name, party, post)
        VALUES ('delete', old.rowid, old.name, old.party, old.post);"""
INCIDENT_INSERT = """INSERT INTO incident_fts(rowid, ref, type, summary, location)
        VALUES (new.rowid, new.ref, new.type, new.summary, new.location);"""
INCIDENT_DELETE = """INSERT INTO incident_fts(incident_fts, rowid, ref, type, summary, location)
        VALUES ('delete', old.rowid, old.ref, old.type, old.summary, old.location);"""

TRIGGERS = {
    "person_fts_ai": ("AFTER INSERT ON person", PERSON_INSERT),
    "person_fts_ad": ("AFTER DELETE ON person", PERSON_DELETE),
    "person_fts_au": ("AFTER UPDATE OF name, party, post ON person", PERSON_DELETE + PERSON_INSERT),
    "incident_fts_ai": ("AFTER INSERT ON incident", INCIDENT_INSERT),
    "incident_fts_ad": ("AFTER DELETE ON incident", INCIDENT_DELETE),
    "incident_fts_au": (
        "AFTER UPDATE OF ref, type, summary, location ON incident",
        INCIDENT_DELETE + INCIDENT_INSERT,
    ),
}


def _create(when: str) -> None:
    for name, (event, body) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {event} {when} BEGIN {body} END")


def upgrade() -> None:
    _create(ACTIVE)


def downgrade() -> None:
    _create("")
    op.execute("INSERT INTO person_fts(person_fts) VALUES ('rebuild')")
    op.execute("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')")
    op.execute("DELETE FROM meta WHERE key = 'search_index_deferred'")
