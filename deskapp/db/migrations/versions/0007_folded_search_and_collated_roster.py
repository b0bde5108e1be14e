"""folded search index; the roster in collation order (surname, then forenames)

The search index holds ``fold()`` of each column (``domain.text.fold``: an ASCII look-alike
by transliteration), and queries are folded the same way, so "lukasz" finds "Łukasz":
FTS5's ``remove_diacritics`` only strips marks that decompose, and ł, ø, đ, ß, æ, œ, ð,
þ and the dotless i do not. The tables become contentless with ``contentless_delete``:
a row leaves the index by its rowid alone, so the index never has to be handed the
folded text it once stored (an external-content 'delete' must be, and a fold that
changed with a library upgrade would leave stale words behind). A rebuild is therefore
'delete-all' and a folded re-insert (``db.search_index``), not 'rebuild'.

``person.sort_key`` is ``collation_key(name)``, a virtual generated column: whatever
writes a name (the write path, a pull's bulk insert, SQL straight from JSON) gets its
key from SQLite itself. The column is not a model field, so no write path or sync
sees it. Indexed with ``deleted`` and ``id`` it serves the ranked roster's index-only
read of the whole order; it replaces the name-ordered indexes.

Both functions are registered on every desk connection (``db.engine``).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE = "WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_deferred')"
TOKENIZE = "unicode61 remove_diacritics 2"

COLUMNS = {"person": ("name", "party", "post"), "incident": ("ref", "type", "summary", "location")}
TRIGGER_NAMES = [f"{t}_fts_{k}" for t in COLUMNS for k in ("ai", "ad", "au")]


def _insert(table: str, row: str) -> str:
    columns = COLUMNS[table]
    return (
        f"INSERT INTO {table}_fts(rowid, {', '.join(columns)}) "
        f"SELECT {row}.rowid, {', '.join(f'fold({row}.{c})' for c in columns)}"
    )


def _upgrade_table(table: str) -> None:
    columns = COLUMNS[table]
    op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5({', '.join(columns)}, content='', "
        f"contentless_delete=1, tokenize='{TOKENIZE}', prefix='1 2 3')"
    )
    insert = _insert(table, "new") + ";"
    delete = f"DELETE FROM {table}_fts WHERE rowid = old.rowid;"
    triggers = {
        "ai": (f"AFTER INSERT ON {table}", insert),
        "ad": (f"AFTER DELETE ON {table}", delete),
        "au": (f"AFTER UPDATE OF {', '.join(columns)} ON {table}", delete + insert),
    }
    for kind, (event, body) in triggers.items():
        op.execute(f"CREATE TRIGGER {table}_fts_{kind} {event} {ACTIVE} BEGIN {body} END")
    op.execute(_insert(table, table) + f" FROM {table}")


def upgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in COLUMNS:
        _upgrade_table(table)
    op.execute("DELETE FROM meta WHERE key = 'search_index_deferred'")  # rebuilt just now
    op.execute(
        "ALTER TABLE person ADD COLUMN sort_key BLOB "
        "GENERATED ALWAYS AS (collation_key(name)) VIRTUAL"
    )
    op.execute("CREATE INDEX ix_person_sort ON person (deleted, sort_key, id)")
    op.execute("DROP INDEX ix_person_order")
    op.execute("DROP INDEX ix_person_name_id")


def downgrade() -> None:
    op.execute("CREATE INDEX ix_person_name_id ON person (name, id)")
    op.execute("CREATE INDEX ix_person_order ON person (deleted, name, id)")
    op.execute("DROP INDEX ix_person_sort")
    op.execute("ALTER TABLE person DROP COLUMN sort_key")
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table, columns in COLUMNS.items():
        old = ", ".join(f"old.{c}" for c in columns)
        new = ", ".join(f"new.{c}" for c in columns)
        names = ", ".join(columns)
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        op.execute(
            f"CREATE VIRTUAL TABLE {table}_fts USING fts5({names}, content='{table}', "
            f"content_rowid='rowid', tokenize='{TOKENIZE}', prefix='1 2 3')"
        )
        insert = f"INSERT INTO {table}_fts(rowid, {names}) VALUES (new.rowid, {new});"
        delete = (
            f"INSERT INTO {table}_fts({table}_fts, rowid, {names}) "
            f"VALUES ('delete', old.rowid, {old});"
        )
        triggers = {
            "ai": (f"AFTER INSERT ON {table}", insert),
            "ad": (f"AFTER DELETE ON {table}", delete),
            "au": (f"AFTER UPDATE OF {names} ON {table}", delete + insert),
        }
        for kind, (event, body) in triggers.items():
            op.execute(f"CREATE TRIGGER {table}_fts_{kind} {event} {ACTIVE} BEGIN {body} END")
        op.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
