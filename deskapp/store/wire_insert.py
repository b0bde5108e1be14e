"""New pulled rows inserted by SQLite straight from their JSON on the wire.

A new desk's first sync brings 200,000 rows, none of them here yet. Decoding each row's
JSON into Python objects and binding every value back cost more than the inserts
themselves. Here SQLite's own JSON functions turn the text into the stored values: one
statement for a batch, no Python object per field, the GIL released throughout.

The values are exactly those of ``merge.insert_values`` (the Python way): text and
numbers as sent, flags as 0/1, dates as sent, times re-punctuated from the canonical
``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, a column the row lacks at its default, a missing
created/updated time at the pull's. A row holding anything else (a time in another
form, a flag given as text...) is not inserted here: its position is handed back for the
caller to insert the Python way, which converts or refuses it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, Table

from deskapp.store.types import UTCDateTime, to_sqlite
from deskapp.store.writes import _scalar_default, bulk_columns

#: Filled with the pull's time when a row has none (as ``merge._fill_times``).
FILLED = ("created_at", "updated_at")
#: Stands in the bound values for the pull's time.
NOW = object()


@dataclass(frozen=True)
class _Statements:
    insert: str  # inserts the rows every value of which this path takes exactly
    left: str  # the positions of the others
    params: tuple[Any, ...]  # the values it binds after the batch: defaults, and NOW


#: Times as ``encode_value`` writes them (UTC; microseconds unless there are none);
#: anything else is left to the Python way, which parses it (or refuses what is no time).
TIME = "[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]"
MICRO = ".[0-9][0-9][0-9][0-9][0-9][0-9]"
DATE = "[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]"


def _column(column: Column[Any], v: str, path: str) -> tuple[str, str, Any]:
    """SQL for one column whose wire value is ``v`` (read from ``path`` of the row's
    JSON ``d``): the value as stored, the condition under which this path takes it
    exactly as the Python way does, and the stored default."""
    default = _scalar_default(column)
    if isinstance(column.type, UTCDateTime):
        default = to_sqlite(default)
        day_time = f"substr({v}, 1, 10) || ' ' || substr({v}, 12, 8)"
        stored = (
            f"{day_time} || CASE WHEN length({v}) = 32 THEN substr({v}, 20, 7) ELSE '.000000' END"
        )
        # The pattern, and SQLite reading it as the same time: no 30 February (SQLite
        # takes 24:00 as a time of the day, Python does not).
        taken = (
            f"{v} IS NULL OR (({v} GLOB '{TIME}{MICRO}+00:00' OR {v} GLOB '{TIME}+00:00')"
            f" AND substr({v}, 12, 2) < '24' AND datetime({day_time}) = {day_time})"
        )
    elif isinstance(column.type, Date):
        default = None if default is None else default.isoformat()
        stored = v
        taken = f"{v} IS NULL OR ({v} GLOB '{DATE}' AND date({v}) = {v})"
    elif isinstance(column.type, Boolean):
        default = None if default is None else int(default)
        stored = v  # JSON true/false come out as 1/0
        taken = f"{v} IS NULL OR (typeof({v}) = 'integer' AND {v} IN (0, 1))"
    else:  # text and numbers are stored as sent; JSON objects and arrays are refused
        stored = v
        # (->> gives an object or array as its JSON text: told apart from a string only
        # when it could be one.)
        taken = (
            f"typeof({v}) != 'text' OR substr({v}, 1, 1) NOT IN ('{{', '[')"
            f" OR json_type(d, {path}) = 'text'"
        )
    return stored, f"({taken})", default


_cache: dict[str, _Statements] = {}


def _statements(table: Table) -> _Statements:
    found = _cache.get(table.name)
    if found is not None:
        return found
    names: list[str] = []
    fields: list[str] = []
    values: list[str] = []
    checks: list[str] = []
    params: list[Any] = []
    for column in bulk_columns(table):
        names.append(column.name)
        if column.name == "id":
            values.append("i")
            continue
        v = f"v{len(fields)}"
        path = f"'$.{column.name}'"
        fields.append(f"d ->> {path} AS {v}")
        stored, taken, default = _column(column, v, path)
        # A column the row lacks takes its default; one it holds as null stays null
        # (which is the same when the default is null: no lookup of the key then).
        if default is not None:
            stored = (
                f"CASE WHEN {v} IS NULL AND json_type(d, {path}) IS NULL THEN ? ELSE {stored} END"
            )
            params.append(default)
        if column.name in FILLED:
            stored = f"coalesce({stored}, ?)"
            params.append(NOW)
        values.append(stored)
        checks.append(taken)
    # jsonb_each hands each row over as JSONB (json_each gave it as text, to be parsed
    # again). MATERIALIZED: each field is read once, rather than once for every
    # expression that uses it.
    source = (
        "WITH src AS MATERIALIZED (SELECT key AS k, value ->> 0 AS i, "
        "jsonb_extract(value, '$[1]') AS d FROM jsonb_each(?)), "
        f"vals AS MATERIALIZED (SELECT k, i, d, {', '.join(fields)} FROM src) "
    )
    every = " AND ".join(checks)
    found = _cache[table.name] = _Statements(
        insert=(
            f"{source}INSERT INTO {table.name} ({', '.join(names)}) "
            f"SELECT {', '.join(values)} FROM vals WHERE {every}"
        ),
        left=f"{source}SELECT k FROM vals WHERE NOT ({every}) ORDER BY k",
        params=tuple(params),
    )
    return found


def insert_json(
    conn: Connection, table: Table, rows: Sequence[tuple[str, str]], now: str
) -> list[int]:
    """Insert ``rows`` (row id, the row's data as JSON text) into ``table``; ``now``:
    the pull's time in stored form. Returns the positions of the rows left out, in
    order, for the caller to insert the Python way."""
    if not rows:
        return []
    made = _statements(table)
    batch = "[" + ",".join(f"[{json.dumps(row_id)},{raw}]" for row_id, raw in rows) + "]"
    params = [batch, *(now if p is NOW else p for p in made.params)]
    inserted = conn.exec_driver_sql(made.insert, tuple(params)).rowcount
    if inserted == len(rows):
        return []
    return [int(k) for (k,) in conn.exec_driver_sql(made.left, (batch,)).fetchall()]
