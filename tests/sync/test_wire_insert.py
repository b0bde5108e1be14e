"""New pulled rows inserted by SQLite from their wire JSON (``sync.wire_insert``) are
stored exactly as the Python way (``merge.insert_values``) stores them; a row that path
could not take exactly is left for the Python way, never stored differently. And the
push's mirror (``sync.wire_rows``): a row read as JSON by SQLite is what the Python way
reads, and goes back in byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Connection, Date, Integer

from deskapp.db.desk import Desk
from deskapp.db.types import UTCDateTime
from deskapp.db.writes import VERSIONED, bulk_columns
from deskapp.sync.merge import (
    _fill_times,
    _insert_layout,
    decode_value,
    encode_value,
    insert_values,
    rows_by_id,
)
from deskapp.sync.wire_insert import insert_json
from deskapp.sync.wire_rows import change, new_rows
from deskapp.sync.wire_rules import RULES

NOW = "2026-12-03 09:30:00.000000"

# What a test's data.draw is: hypothesis types it apart from a @composite's draw.
Draw = Callable[[st.SearchStrategy[Any]], Any]

times = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.just(UTC),
)  # desks hold UTC times
#: Wire values a desk would not send but a hub could hold: the Python way converts or
#: refuses each, so the SQL way must leave them to it.
odd_times = st.sampled_from(
    ["2026-12-03T10:00:00+00:00", "2026-12-03T10:00:00Z", "2026-12-03T10:00:00.5+00:00",
     "2026-12-03T11:00:00.000000+01:00", "2026-02-30T10:00:00.000000+00:00",
     "2026-12-03 10:00:00.000000+00:00", "2026-12-03T24:00:00.000000+00:00", "soon", 17,
     "2026-13-03T10:00:00.000000+00:00", "2026-00-03T10:00:00.000000+00:00",
     "2026-12-00T10:00:00.000000+00:00", "2026-04-31T10:00:00.000000+00:00",
     "2026-12-32T10:00:00.000000+00:00", "2025-02-29T10:00:00.000000+00:00"]
)  # fmt: skip
odd_dates = st.sampled_from(["20261203", "2026-02-30", "2026-13-03", "2026-12-03T00:00", "", 3])
odd_flags = st.sampled_from(["yes", "", 2, 0.5])
odd_text = st.sampled_from([{"a": 1}, [1, 2]])
#: Outside a field's vocabulary (grade 1-4, a status...): quarantined by the Python way.
odd_choice = st.sampled_from(["pwned", 99, "abc"])


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    made, _ = Desk.init(
        Path(tmp_path_factory.mktemp("wire")) / "desk.db", "W1", "Sgt W", "wire test passphrase"
    )
    yield made
    made.close()


def _wire(column: Any, draw: Draw, odd: bool, n: int) -> Any:
    kind = column.type
    allowed = RULES[column.table.name].fields[column.name].allowed
    if allowed is not None:
        return draw(odd_choice if odd else st.sampled_from(sorted(allowed, key=str)))
    if isinstance(kind, UTCDateTime):
        usual = st.one_of(st.none(), times) if column.nullable else times
        return draw(odd_times if odd else usual.map(encode_value))
    if isinstance(kind, Date):
        days = st.dates(date(1990, 1, 1), date(2100, 1, 1))
        dated = st.one_of(st.none(), days) if column.nullable else days  # surveyed_on: not null
        return draw(odd_dates if odd else dated.map(encode_value))
    if isinstance(kind, Boolean):
        return draw(odd_flags if odd else st.booleans())
    if isinstance(kind, Integer):
        return draw(st.integers(-5, 5))
    text = st.text(max_size=8).map(lambda t: f"{t}~{n}")  # unique per row (unique keys)
    return draw(odd_text if odd else st.one_of(st.none(), text) if column.nullable else text)


def _rows(table: Any, draw: Draw) -> list[tuple[str, dict[str, Any], bool]]:
    """Rows as the hub holds them: (id, wire values, whether the row holds an odd one)."""
    columns = [c for c in bulk_columns(table) if c.name != "id"]
    nullable = [c.name for c in columns if c.nullable]
    out = []
    for n in range(draw(st.integers(1, 6))):
        odd = draw(st.sets(st.sampled_from([c.name for c in columns]), max_size=1))
        missing = draw(st.sets(st.sampled_from(nullable)) if nullable else st.just(set()))
        wire = {
            c.name: _wire(c, draw, c.name in odd, n) for c in columns if c.name not in missing - odd
        }
        out.append((f"row-{n}", wire, bool(odd)))
    return out


def _stored(conn: Connection, table: Any, row_id: str) -> tuple[Any, ...]:
    names = ", ".join(c.name for c in bulk_columns(table))
    found = conn.exec_driver_sql(f"SELECT {names} FROM {table.name} WHERE id = ?", (row_id,))
    return tuple(found.one())


def _python_way(table: Any, row_id: str, wire: dict[str, Any]) -> tuple[Any, ...]:
    rows = [insert_values(table, row_id, wire)]
    _fill_times(rows, [name for name, _, _ in _insert_layout(table)], NOW)
    return rows[0]


@pytest.mark.parametrize("name", sorted(VERSIONED))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_rows_go_in_as_the_python_way_stores_them(
    desk: Desk, name: str, data: st.DataObject
) -> None:
    table = VERSIONED[name]
    rows = _rows(table, data.draw)
    with desk.engine.connect() as conn, conn.begin() as tx:
        left = insert_json(conn, table, [(i, json.dumps(w)) for i, w, _ in rows], NOW)
        for k, (row_id, wire, _) in enumerate(rows):
            if k in left:
                continue
            # Taken: stored exactly as the Python way stores it, odd values included.
            assert _stored(conn, table, row_id) == _python_way(table, row_id, wire)
        # Every row of values as desks send them is taken; the left are all odd ones.
        assert all(rows[k][2] for k in left)
        tx.rollback()


@pytest.mark.parametrize("name", sorted(VERSIONED))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_row_read_as_json_by_sqlite_is_what_the_python_way_reads(
    desk: Desk, name: str, data: st.DataObject
) -> None:
    table = VERSIONED[name]
    rows = [(i, w) for i, w, odd in _rows(table, data.draw) if not odd]
    with desk.engine.connect() as conn, conn.begin() as tx:
        insert_json(conn, table, [(i, json.dumps(w)) for i, w in rows], NOW)
        ids = [i for i, _ in rows]
        stored = {i: _stored(conn, table, i) for i in ids}
        read = rows_by_id(conn, table, list(table.c), ids)
        # Every other row has versions of its own (the rest none): they travel with it.
        versions = {
            i: {"*": [k + 1, "site-a"], "name": [k + 9, "site-b"]} for k, i in enumerate(ids[::2])
        }
        if versions:
            conn.exec_driver_sql(
                "INSERT INTO field_version(entity, row_id, field, hlc, site_id) VALUES (?,?,?,?,?)",
                [(name, i, f, h, s) for i, vs in versions.items() for f, (h, s) in vs.items()],
            )
        changes = {i: json.loads(change(head, 7)) for i, head in new_rows(conn, table, ids).items()}
        assert changes.keys() == set(ids)
        made = {}
        for i in ids:
            entity, row_id, kind, made[i], sent_versions, seen = changes[i]
            assert (entity, row_id, kind, seen) == (name, i, "insert", 7)
            assert sent_versions == versions.get(i, {})
            sent = json.loads(made[i])
            values = {k: v for k, v in read[i].items() if k != "id"}
            assert sent.keys() == values.keys()
            assert {k: decode_value(table.c[k], v) for k, v in sent.items()} == values
        conn.exec_driver_sql(
            f"DELETE FROM {table.name} WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
        # Sent to another desk, it is taken by SQLite whole and stored as it was here.
        assert insert_json(conn, table, [(i, made[i]) for i in ids], NOW) == []
        assert {i: _stored(conn, table, i) for i in ids} == stored
        tx.rollback()


def test_a_row_held_in_an_unusual_form_is_left_to_the_python_way(desk: Desk) -> None:
    table = VERSIONED["incident"]
    usual = {
        "ref": "INC-1",
        "person_id": "p1",
        "type": "threat",
        "summary": "s",
        "grade": 2,
        "reported_at": "2026-12-03T10:00:00.123456+00:00",
        "due_at": "2026-12-04T10:00:00.123456+00:00",
    }
    rows = [
        ("a", usual),
        ("b", {**usual, "due_at": "2026-12-04T11:00:00+01:00"}),  # converted by Python
        ("c", {**usual, "due_at": "2026-02-30T10:00:00.000000+00:00"}),  # refused by Python
        ("d", {**usual, "summary": {"nested": True}}),  # refused by Python
        ("e", {**usual, "review_date": "2026-12-05"}),
        ("f", {**usual, "summary": "[x] {y}", "due_at": "2024-02-29T10:00:00+00:00"}),
        ("g", {**usual, "summary": ["a list"]}),  # refused by Python
    ]
    with desk.engine.connect() as conn, conn.begin() as tx:
        left = insert_json(conn, table, [(i, json.dumps(w)) for i, w in rows], NOW)
        assert left == [1, 2, 3, 6]
        stored = _stored(conn, table, "a")
        layout = [c.name for c in bulk_columns(table)]
        assert stored[layout.index("due_at")] == "2026-12-04 10:00:00.123456"
        assert stored[layout.index("created_at")] == NOW  # the row had none: the pull's time
        assert (
            stored[layout.index("status")] == _python_way(table, "a", usual)[layout.index("status")]
        )
        assert _stored(conn, table, "e")[layout.index("review_date")] == "2026-12-05"
        # Brackets in a string, a leap day: taken.
        f = _stored(conn, table, "f")
        assert f[layout.index("summary")] == "[x] {y}"
        assert f[layout.index("due_at")] == "2024-02-29 10:00:00.000000"
        tx.rollback()


def test_a_field_named_twice_is_stored_as_the_checks_read_it(desk: Desk) -> None:
    """The checks of a pulled row (permissions, wire checks) read its parsed values, where
    a field named twice holds its last value; SQLite's JSON functions read the first. A
    row sent as ``{"summary": "checked", …, "summary": "stored"}`` stored a value no check
    had seen (an enrolled officer could make a new row look erased to other desks)."""
    table = VERSIONED["incident"]
    usual = {
        "ref": "INC-2",
        "person_id": "p1",
        "type": "threat",
        "grade": 2,
        "reported_at": "2026-12-03T10:00:00.123456+00:00",
        "due_at": "2026-12-04T10:00:00.123456+00:00",
    }
    text = '{"summary":"never checked",' + json.dumps({**usual, "summary": "checked"})[1:]
    with desk.engine.connect() as conn, conn.begin() as tx:
        assert insert_json(conn, table, [("twice", text)], NOW) == []
        stored = _stored(conn, table, "twice")
        layout = [c.name for c in bulk_columns(table)]
        assert stored[layout.index("summary")] == "checked"
        tx.rollback()
