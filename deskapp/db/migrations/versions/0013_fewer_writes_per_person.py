"""fewer B-tree entries written for each imported person

An import writes, for each person, a person row, a candidacy row and a field version of
each; every B-tree entry among them is a page of the encrypted file changed. Two of them
said nothing new:

* ``ix_candidacy_person_id`` repeated the leading column of the ``UNIQUE (person_id,
  ballot_paper_id)`` index, which answers every lookup by person as well;
* ``field_version`` was a rowid table beside its primary key's own index: each version
  was written twice, once in the table and once, nearly whole, in the index. Without
  a rowid the primary key is the table, one B-tree.

And one Python call less per person: the roster's order by surname was an index on
``sort_key``, a virtual generated column ``collation_key(name)``, which SQLite computes on
every insert whether or not an index needs it, so a large import, which sets the index
aside and makes it at the end (db/bulk_load.py), paid for the key twice. The index is
now on the expression itself (SQLite reads the key from the index, as it read the
column's): computed once, by whichever writes the index entry.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_COLUMNS = "entity, row_id, field, hlc, site_id"


def _field_version(*, rowid: bool) -> None:
    op.execute(
        "CREATE TABLE field_version_new (entity VARCHAR NOT NULL, row_id VARCHAR NOT NULL, "
        "field VARCHAR NOT NULL, hlc INTEGER NOT NULL, site_id VARCHAR NOT NULL, "
        "PRIMARY KEY (entity, row_id, field))" + ("" if rowid else " WITHOUT ROWID")
    )
    op.execute(f"INSERT INTO field_version_new ({_COLUMNS}) SELECT {_COLUMNS} FROM field_version")
    op.execute("DROP TABLE field_version")
    op.execute("ALTER TABLE field_version_new RENAME TO field_version")


def upgrade() -> None:
    op.drop_index("ix_candidacy_person_id", "candidacy")
    _field_version(rowid=False)
    op.execute("DROP INDEX ix_person_sort")
    op.execute("ALTER TABLE person DROP COLUMN sort_key")
    op.execute("CREATE INDEX ix_person_sort ON person (deleted, collation_key(name), id)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_person_sort")
    op.execute(
        "ALTER TABLE person ADD COLUMN sort_key BLOB "
        "GENERATED ALWAYS AS (collation_key(name)) VIRTUAL"
    )
    op.execute("CREATE INDEX ix_person_sort ON person (deleted, sort_key, id)")
    _field_version(rowid=True)
    op.create_index("ix_candidacy_person_id", "candidacy", ["person_id"])
