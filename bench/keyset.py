"""Keyset paging: the next window of an ordered query starts after the last row seen.

OFFSET makes SQLite step over every skipped row, so page 400 of the queue costs 400
times page 1; a keyset condition on the ORDER BY columns walks the index straight to
the window. The query must be ordered by columns that end in a unique one (``id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, tuple_


def _order_columns(query: Select[Any]) -> list[ColumnElement[Any]]:
    columns = list(query._order_by_clauses)
    if not columns:
        raise ValueError("keyset paging needs an ordered query")
    return columns


def _key(column: ColumnElement[Any]) -> str:
    key = getattr(column, "key", None)
    if not isinstance(key, str):
        raise ValueError("keyset paging needs plain columns in ORDER BY")
    return key


def after(query: Select[Any], last: Mapping[str, Any] | None) -> Select[Any]:
    """``query`` restricted to rows after ``last`` (a row of it), in its own order."""
    if last is None:
        return query
    columns = _order_columns(query)
    values = [last[_key(c)] for c in columns]
    return query.where(tuple_(*columns) > tuple_(*values))


def before(query: Select[Any], first: Mapping[str, Any]) -> Select[Any]:
    """The rows just before ``first``, nearest first (reverse the result to display)."""
    columns = _order_columns(query)
    values = [first[_key(c)] for c in columns]
    return (
        query.where(tuple_(*columns) < tuple_(*values))
        .order_by(None)
        .order_by(*(c.desc() for c in columns))
    )


def window(
    conn: Connection, query: Select[Any], last: Mapping[str, Any] | None, limit: int
) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(after(query, last).limit(limit)).mappings()]
