"""Migrations: the migrated schema equals the models; older databases upgrade on open."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from deskapp.db import migrate
from deskapp.db.desk import Desk
from deskapp.db.engine import make_engine
from deskapp.db.keyslots import KeySlots, generate_data_key
from deskapp.db.tables import METADATA, PERSON
from deskapp.db.types import UTCDateTime
from deskapp.db.writes import _scalar_default
from deskapp.protocol import jsontext
from deskapp.runtime.clock import utcnow
from deskapp.runtime.paths import slots_path
from deskapp.services import people

#: The schema the tables declare, as SQLite DDL (see ``declared_schema``). A change of it
#: comes with a migration; rewrite the file from ``declared_schema(...)`` in the same commit.
SCHEMA = Path(__file__).with_name("schema.sql")


def declared_schema(metadata: MetaData) -> str:
    """Each table's and each index's CREATE statement for SQLite, then per column what
    DDL does not show: the Python-side default the write path fills in for a field a
    caller left out, and whether the column stores UTC times (``UTCDateTime``)."""
    dialect = sqlite.dialect()
    lines = []
    for table in metadata.sorted_tables:
        lines.append(str(CreateTable(table).compile(dialect=dialect)).strip() + ";")
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            lines.append(str(CreateIndex(index).compile(dialect=dialect)).strip() + ";")
        for column in table.columns:
            if isinstance(column.type, UTCDateTime):
                lines.append(f"-- {table.name}.{column.name}: UTCDateTime")
            if column.default is not None:
                assert column.default.is_scalar, column
                lines.append(f"-- {table.name}.{column.name} default {_scalar_default(column)!r}")
    return "\n".join(lines) + "\n"


def test_tables_declare_the_pinned_schema() -> None:
    assert declared_schema(METADATA) == SCHEMA.read_text()


def test_rows_read_from_the_tables_go_as_json(desk: Desk) -> None:
    """Sync sends rows read with ``select(table).mappings()`` as JSON, and orjson takes no
    str subclass (SQLAlchemy's ``quoted_name``, a Core column's name) as a key."""
    people.add_person(desk, name="Siân Evans", role="mp")
    with desk.read() as conn:
        row = dict(conn.execute(select(PERSON)).mappings().one())
    assert jsontext.loads(jsontext.dumps(row))["name"] == "Siân Evans"
    assert {type(c.key) for table in METADATA.tables.values() for c in table.c} == {str}


# The roster's index on collation_key(name) (SQL_ONLY, left out of the comparison) is
# one SQLAlchemy cannot reflect, and says so.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_schema_matches_models(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": migrate.include_object, "compare_type": True}
        )
        assert compare_metadata(ctx, METADATA) == []
        assert migrate.current_revision(conn) == migrate.head_revision()


def test_database_from_first_migration_opens_after_upgrade(tmp_path: Path) -> None:
    """A desk left at revision 0001 (before full-text search) upgrades when opened."""
    path = tmp_path / "old.db"
    key = generate_data_key()
    KeySlots.create(slots_path(path), "4521", "old passphrase", key)
    engine = make_engine(path, key)
    migrate.upgrade(engine, "0001")
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO meta VALUES ('site_id', 'abcd'), ('hlc', '0')"))
        conn.execute(
            text(
                "INSERT INTO officer (id, name, role, active, created_at) "
                "VALUES ('4521', 'Sgt Old', 'supervisor', 1, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO person (id, name, role, party, post, ballot_paper_id, phone, "
                "email, address, address_withheld, risk, briefing_status, created_at, "
                "updated_at, deleted) VALUES ('p1', 'Gwenllian Ap Rhys', 'councillor', "
                "'Plaid Cymru', 'Ward', '', '', '', '', 0, 'low', 'none', :now, :now, 0)"
            ),
            {"now": now},
        )
        assert migrate.current_revision(conn) == "0001"
    engine.dispose()
    with Desk.open(path, "4521", "old passphrase") as desk:
        with desk.read() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()
        # 0002 built the search index over rows that existed before it.
        assert [p["name"] for p in people.list_people(desk, filter_text="gwen")] == [
            "Gwenllian Ap Rhys"
        ]


def test_known_head_matches_alembic() -> None:
    assert migrate.head_revision() == migrate.HEAD
