"""The test desks' template (tests/desk_template.py) makes what the migrations make."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from deskapp.db import migrate
from deskapp.db.desk import Desk
from deskapp.db.engine import check_key, connect_raw, make_engine
from tests.conftest import PASS
from tests.desk_template import _TEMPLATE_KEY, DeskTemplate


def contents(path: Path, key: bytes) -> dict[str, Any]:
    """Every schema object's SQL and every stored table's rows."""
    conn = connect_raw(path, key)
    try:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0"
            )
        ]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
        version = conn.execute("PRAGMA user_version").fetchone()
    finally:
        conn.close()
    return {"schema": schema, "rows": rows, "user_version": version}


def test_a_seeded_file_holds_what_the_migrations_make_under_its_own_key(
    tmp_path: Path,
) -> None:
    migrated, seeded = tmp_path / "migrated.db", tmp_path / "seeded.db"
    key = os.urandom(32)
    engine = make_engine(migrated, key)
    migrate.upgrade(engine)
    engine.dispose()
    DeskTemplate(tmp_path).seed(seeded, key)
    assert contents(seeded, key) == contents(migrated, key)
    assert contents(seeded, key)["rows"]["alembic_version"] == [(migrate.HEAD,)]
    assert not check_key(seeded, _TEMPLATE_KEY)  # re-encrypted, not a copy under the old key


def test_desks_made_in_tests_are_seeded_and_each_their_own(tmp_path: Path) -> None:
    first, _ = Desk.init(tmp_path / "a.db", "4521", "Sgt Ada Example", PASS)
    second, _ = Desk.init(tmp_path / "b.db", "4521", "Sgt Ada Example", PASS)
    try:
        assert first.data_key != second.data_key
        assert first.site_id != second.site_id
        assert check_key(first.path, first.data_key)
        assert not check_key(first.path, second.data_key)
        assert not check_key(first.path, _TEMPLATE_KEY)
    finally:
        first.close()
        second.close()
