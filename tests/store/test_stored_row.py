"""Pulled rows go into the desk in stored form in one step (``merge.stored_row``): the
same text and numbers as decoding each value and binding it through SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Boolean, Date
from sqlalchemy.dialects import sqlite

from deskapp.db.types import UTCDateTime
from deskapp.db.writes import APPEND_ONLY, VERSIONED, _scalar_default, bulk_columns
from deskapp.sync.merge import decode_value, encode_value, insert_values, stored_row

DIALECT = sqlite.dialect()
TABLES = {**VERSIONED, **APPEND_ONLY}

times = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=1))]),
)


def _value_for(kind: Any, draw: st.DrawFn) -> Any:
    if isinstance(kind, UTCDateTime):
        return draw(st.one_of(st.none(), times))
    if isinstance(kind, Date):
        return draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2100, 1, 1))))
    if isinstance(kind, Boolean):
        return draw(st.booleans())
    return draw(st.one_of(st.none(), st.text(max_size=8)))


def _expected(column: Any, wire: Any) -> Any:
    """Decode, then bind as the desk's usual write path does (dates by the driver)."""
    value = decode_value(column, wire)
    if value is None:
        return None
    if isinstance(column.type, Date):
        return value.isoformat()
    proc = column.type.dialect_impl(DIALECT).bind_processor(DIALECT)
    return proc(value) if proc is not None else value


@pytest.mark.parametrize("name", sorted(TABLES))
@given(data=st.data())
def test_stored_row_matches_decode_then_bind(name: str, data: st.DataObject) -> None:
    table = TABLES[name]
    row = {c.name: _value_for(c.type, data.draw) for c in table.columns}
    wire = {k: encode_value(v) for k, v in row.items()}
    got = stored_row(table, wire)
    assert got == {c.name: _expected(c, wire[c.name]) for c in table.columns}


def test_a_malformed_time_is_refused() -> None:
    table = VERSIONED["incident"]
    with pytest.raises(ValueError):
        stored_row(table, {"due_at": "2026-13-40T99:00:00.000000+00:00"})


@pytest.mark.parametrize("name", sorted(VERSIONED))
@given(data=st.data())
def test_insert_values_are_stored_row_in_bulk_order(name: str, data: st.DataObject) -> None:
    """The tuple a new pulled row is inserted as: ``stored_row`` laid out in the bulk
    insert's column order, the row id in place, every column the row lacks at its default."""
    table = VERSIONED[name]
    row = {c.name: _value_for(c.type, data.draw) for c in table.columns}
    missing = data.draw(st.sets(st.sampled_from([c.name for c in table.columns])))
    wire = {k: encode_value(v) for k, v in row.items() if k not in missing}
    got = insert_values(table, "row-id", wire)
    stored = {**stored_row(table, wire), "id": "row-id"}
    columns = bulk_columns(table)
    assert got == tuple(stored.get(c.name, _scalar_default(c)) for c in columns)
