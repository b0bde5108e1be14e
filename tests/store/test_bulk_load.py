"""An index set aside while a large load writes comes back whole, in the same
transaction; a table too large to sort in memory keeps its indexes in step."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from deskapp.db import bulk_load
from deskapp.db.desk import Desk
from deskapp.services import people


def _indexes_in(conn: Connection) -> list[tuple[str, str]]:
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    ).all()
    return [(str(name), str(sql)) for name, sql in found]


def _indexes(desk: Desk) -> list[tuple[str, str]]:
    with desk.read() as conn:
        return _indexes_in(conn)


def test_an_index_set_aside_is_made_again_and_rolls_back_whole(desk: Desk) -> None:
    before = _indexes(desk)
    with desk.write() as tx:
        made = bulk_load.set_aside(tx.conn, ("ix_person_sort", "no_such_index"))
        assert len(made) == 1 and "ix_person_sort" not in dict(_indexes_in(tx.conn))
        bulk_load.restore(tx.conn, made)
    assert _indexes(desk) == before
    with pytest.raises(RuntimeError), desk.write() as tx:
        bulk_load.set_aside(tx.conn, ("ix_person_sort",))
        raise RuntimeError("the load fails")
    assert _indexes(desk) == before


def test_set_aside_only_for_a_large_load_into_a_table_small_enough_to_sort(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    people.add_person(desk, name="Held Hywel")
    with desk.read() as conn:
        assert not bulk_load.worth_setting_aside(conn, "person", 9_999)
        assert bulk_load.worth_setting_aside(conn, "person", 10_000)
        assert not bulk_load.worth_setting_aside(conn, "person", bulk_load.MAX_ROWS)
    monkeypatch.setattr(bulk_load, "MAX_ROWS", 10_000)
    with desk.read() as conn:
        assert not bulk_load.worth_setting_aside(conn, "person", 10_000)  # 10,001 to sort
