"""Migrations: the migrated schema equals the models; older databases upgrade on open."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from deskapp.db import migrate
from deskapp.db.desk import Desk
from deskapp.db.engine import make_engine
from deskapp.db.keyslots import KeySlots, generate_data_key
from deskapp.runtime.clock import utcnow
from deskapp.runtime.paths import slots_path
from deskapp.services import people


def test_migrated_schema_matches_models(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"include_object": migrate.include_object, "compare_type": True}
        )
        assert compare_metadata(ctx, SQLModel.metadata) == []
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
