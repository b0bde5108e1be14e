"""Query rows as the typed dicts the services declare for their results.

A service names the shape of what it returns with a ``TypedDict`` beside the function
(``services/people.py: PersonRow``), so its callers read ``row["name"]`` as before and the
CLI's ``--json`` output is the same dict. A typed dict is a plain dict at run time: these
helpers only tell the type checker which shape a query's mapping has, which the query's
selected columns decide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

from sqlalchemy import Connection

Row = TypeVar("Row", bound=Mapping[str, Any])


def typed_row(kind: type[Row], row: Mapping[Any, Any]) -> Row:
    """One mapping, copied to a dict, as the result type ``kind``."""
    return cast(Row, dict(row))


def typed_rows(kind: type[Row], rows: Iterable[Mapping[Any, Any]]) -> list[Row]:
    """Each mapping, copied to a dict, as the result type ``kind``."""
    return [cast(Row, dict(r)) for r in rows]


def driver_rows(
    conn: Connection, sql: str, params: Mapping[str, Any] | tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Every row of ``sql`` as the driver's own tuples, in ``conn``'s transaction: where a
    query hands back a row per record of a large desk (a return, a first push),
    SQLAlchemy's Row objects had cost more than the query."""
    driver = conn.connection.driver_connection
    assert driver is not None
    rows: list[tuple[Any, ...]] = driver.execute(sql, params).fetchall()
    return rows
