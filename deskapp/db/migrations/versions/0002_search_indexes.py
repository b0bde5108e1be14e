"""full-text search over people and incidents (FTS5, inside the encrypted file)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# External-content FTS5 tables kept in step by triggers. remove_diacritics lets
# "sian" find "Siân"; prefix indexes make type-ahead queries ("sia*") cheap.
TOKENIZE = "unicode61 remove_diacritics 2"

STATEMENTS = [
    f"""CREATE VIRTUAL TABLE person_fts USING fts5(
        name, party, post, content='person', content_rowid='rowid',
        tokenize='{TOKENIZE}', prefix='1 2 3')""",
    """CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN
        INSERT INTO person_fts(rowid, name, party, post)
        VALUES (new.rowid, new.name, new.party, new.post); END""",
    """CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, name, party, post)
        VALUES ('delete', old.rowid, old.name, old.party, old.post); END""",
    """CREATE TRIGGER person_fts_au AFTER UPDATE OF name, party, post ON person BEGIN
        INSERT INTO person_fts(person_fts, rowid, name, party, post)
        VALUES ('delete', old.rowid, old.name, old.party, old.post);
        INSERT INTO person_fts(rowid, name, party, post)
        VALUES (new.rowid, new.name, new.party, new.post); END""",
    f"""CREATE VIRTUAL TABLE incident_fts USING fts5(
        ref, type, summary, location, content='incident', content_rowid='rowid',
        tokenize='{TOKENIZE}', prefix='1 2 3')""",
    """CREATE TRIGGER incident_fts_ai AFTER INSERT ON incident BEGIN
        INSERT INTO incident_fts(rowid, ref, type, summary, location)
        VALUES (new.rowid, new.ref, new.type, new.summary, new.location); END""",
    """CREATE TRIGGER incident_fts_ad AFTER DELETE ON incident BEGIN
        INSERT INTO incident_fts(incident_fts, rowid, ref, type, summary, location)
        VALUES ('delete', old.rowid, old.ref, old.type, old.summary, old.location); END""",
    """CREATE TRIGGER incident_fts_au AFTER UPDATE OF ref, type, summary, location ON incident
        BEGIN
        INSERT INTO incident_fts(incident_fts, rowid, ref, type, summary, location)
        VALUES ('delete', old.rowid, old.ref, old.type, old.summary, old.location);
        INSERT INTO incident_fts(rowid, ref, type, summary, location)
        VALUES (new.rowid, new.ref, new.type, new.summary, new.location); END""",
    "INSERT INTO person_fts(person_fts) VALUES ('rebuild')",
    "INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for name in (
        "person_fts_ai",
        "person_fts_ad",
        "person_fts_au",
        "incident_fts_ai",
        "incident_fts_ad",
        "incident_fts_au",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS person_fts")
    op.execute("DROP TABLE IF EXISTS incident_fts")
