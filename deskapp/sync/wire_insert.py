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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, Table
from sqlalchemy.exc import OperationalError

from deskapp.db.types import UTCDateTime, to_sqlite
from deskapp.db.writes import _scalar_default, bulk_columns
from deskapp.protocol import jsontext, wire_checks
from deskapp.protocol.wire_checks import MAX_TEXT, FieldRule, Kind
from deskapp.sync.wire_rules import FILLED, RULES

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


def _real_day(v: str) -> str:
    """Whether ``v``, which starts with digits in the form ``YYYY-MM-DD``, names a real day:
    no 13th month, no 30 February. Only a day past the 28th is put to SQLite's calendar:
    date() costs more than the rest of the check together (and gives null for no date,
    hence IS)."""
    day = f"substr({v}, 1, 10)"
    return (
        f"substr({v}, 6, 2) BETWEEN '01' AND '12' AND (substr({v}, 9, 2) BETWEEN '01' AND '28'"
        f" OR date({day}) IS {day})"
    )


def _literal(value: Any) -> str:
    """One of the desk's own allowed values as an SQL literal."""
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _column(column: Column[Any], rule: FieldRule, v: str, path: str) -> tuple[str, str, Any]:
    """SQL for one column whose wire value is ``v`` (read from ``path`` of the row's
    JSON ``d``): the value as stored, the condition under which this path takes it
    exactly as the Python way does (and ``protocol.wire_checks`` lets it through), and the
    stored default."""
    default = _scalar_default(column)
    if isinstance(column.type, UTCDateTime):
        default = to_sqlite(default)
        day_time = f"substr({v}, 1, 10) || ' ' || substr({v}, 12, 8)"
        stored = (
            f"{day_time} || CASE WHEN length({v}) = 32 THEN substr({v}, 20, 7) ELSE '.000000' END"
        )
        # The pattern, and a real time of a real day: no 24:00 (SQLite takes it, Python
        # does not).
        kind = (
            f"({v} GLOB '{TIME}{MICRO}+00:00' OR {v} GLOB '{TIME}+00:00')"
            f" AND substr({v}, 12, 2) < '24' AND {_real_day(v)}"
        )
    elif isinstance(column.type, Date):
        default = None if default is None else default.isoformat()
        stored = v
        kind = f"{v} GLOB '{DATE}' AND {_real_day(v)}"
    elif isinstance(column.type, Boolean):
        default = None if default is None else int(default)
        stored = v  # JSON true/false come out as 1/0
        kind = f"typeof({v}) = 'integer' AND {v} IN (0, 1)"
    elif rule.kind is Kind.INT:
        stored = v
        kind = f"json_type(d, {path}) IS 'integer'"
    else:  # text is stored as sent; JSON objects and arrays are refused
        stored = v
        # (->> gives an object or array as its JSON text: told apart from a string only
        # when it could be one, in a row whose text could hold one at all.)
        kind = (
            f"typeof({v}) = 'text' AND length({v}) <= {MAX_TEXT} AND (flat"
            f" OR substr({v}, 1, 1) NOT IN ('{{', '[') OR json_type(d, {path}) = 'text')"
        )
    if rule.allowed is not None:
        kind += f" AND {v} IN ({', '.join(sorted(map(_literal, rule.allowed)))})"
    # Null: where the field may be empty; else only a field the row lacks, when the
    # column has a default to take.
    if rule.nullable:
        empty = f"{v} IS NULL"
    elif default is not None:
        empty = f"({v} IS NULL AND json_type(d, {path}) IS NULL)"
    else:
        empty = "0"
    # (Each check is true or false, never null: a null one would leave its row neither
    # inserted nor handed back.)
    return stored, f"({empty} OR ({v} IS NOT NULL AND {kind}))", default


_cache: dict[str, _Statements] = {}


def _statements(table: Table) -> _Statements:
    found = _cache.get(table.name)
    if found is not None:
        return found
    rules = RULES[table.name].fields
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
        stored, taken, default = _column(column, rules[column.name], v, path)
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
    # expression that uses it. ``flat``: the row's text holds no nested object or array.
    # The rows' texts are spliced into one array unparsed, so a text holding more than
    # one value would shift the rest: only an element whose position and id are those
    # sent (the second parameter), with nothing after its values (an object), is read.
    source = (
        "WITH src AS MATERIALIZED (SELECT key AS k, value ->> 0 AS i, "
        "jsonb_extract(value, '$[1]') AS d, value ->> 2 AS flat FROM jsonb_each(?) "
        "WHERE key || ' ' || (value ->> 0) IN (SELECT value FROM json_each(?)) "
        "AND json_array_length(value) = 3 AND json_type(value, '$[1]') = 'object'), "
        f"vals AS MATERIALIZED (SELECT k, i, d, flat, {', '.join(fields)} FROM src) "
    )
    every = " AND ".join(checks)
    found = _cache[table.name] = _Statements(
        insert=(
            f"{source}INSERT INTO {table.name} ({', '.join(names)}) "
            f"SELECT {', '.join(values)} FROM vals WHERE {every}"
        ),
        left=(
            f"{source}SELECT key FROM json_each(?) "
            f"WHERE key NOT IN (SELECT k FROM vals WHERE {every}) ORDER BY key"
        ),
        params=tuple(params),
    )
    return found


def _flat(raw: str) -> int:
    """1 if the JSON object ``raw`` can hold no object or array (no bracket in its text
    but its own braces): its fields' checks then need not ask. A string holding a
    bracket only costs its row the longer check."""
    return int("[" not in raw and raw.count("{") == 1)


def insert_json(
    conn: Connection,
    table: Table,
    rows: Sequence[tuple[str, str]],
    now: str,
    parsed: Sequence[Any] | None = None,
) -> list[int]:
    """Insert ``rows`` (row id, the row's data as JSON text) into ``table``; ``now``:
    the pull's time in stored form; ``parsed``: the same texts already parsed, as
    ``protocol.wire_checks.parse_each`` gives them (parsed here if not). Returns the
    positions of the rows left out, in order, for the caller to insert the Python way
    (which checks each row alone).

    Only rows that pass ``protocol.wire_checks`` (the column conditions above) go in here;
    when the texts do not even parse together, none does."""
    if not rows:
        return []
    values = wire_checks.parse_each([raw for _, raw in rows]) if parsed is None else parsed
    # A row that is no map of fields, or holds a field the table does not have, is left
    # for the Python way to refuse. Told from the parsed values: asking SQLite (json_each
    # over every row's keys) cost a fifth of the insert.
    names = _names(table)
    taken = [k for k, v in enumerate(values) if type(v) is dict and v.keys() <= names]
    left = sorted(set(range(len(rows))).difference(taken))
    if not taken:
        return left
    # SQLite is given the values the checks read, written out again, not the text as
    # sent: in a text that names a field twice, the checks' parse keeps the last value
    # and SQLite's JSON functions the first, so a row could store a value no check saw.
    checked = [(rows[k][0], jsontext.dumps(values[k])) for k in taken]
    return sorted([*left, *(taken[p] for p in _insert(conn, table, checked, now))])


def _names(table: Table) -> frozenset[str]:
    found = _names_cache.get(table.name)
    if found is None:
        found = _names_cache[table.name] = frozenset(c.name for c in table.columns)
    return found


_names_cache: dict[str, frozenset[str]] = {}


def _insert(conn: Connection, table: Table, rows: Sequence[tuple[str, str]], now: str) -> list[int]:
    """``insert_json`` of rows whose fields are all the table's."""
    made = _statements(table)
    batch = (
        "["
        + ",".join(f"[{jsontext.dumps(row_id)},{raw},{_flat(raw)}]" for row_id, raw in rows)
        + "]"
    )
    sent = jsontext.dumps([f"{k} {row_id}" for k, (row_id, _) in enumerate(rows)])
    params = [batch, sent, *(now if p is NOW else p for p in made.params)]
    try:
        inserted = conn.exec_driver_sql(made.insert, tuple(params)).rowcount
    except OperationalError as exc:
        if "malformed JSON" not in str(exc.orig):
            raise
        return list(range(len(rows)))
    if inserted == len(rows):
        return []
    positions = jsontext.dumps(list(range(len(rows))))
    return [int(k) for (k,) in conn.exec_driver_sql(made.left, (batch, sent, positions))]
