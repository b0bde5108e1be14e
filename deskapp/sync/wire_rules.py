"""The desk's synced tables described as ``protocol.wire_checks`` rules: what each field of
a pulled row may hold (from the column's type, nullability and the desk's vocabulary)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, Date, Integer, Table

from deskapp.db.types import UTCDateTime
from deskapp.db.writes import APPEND_ONLY, VERSIONED, _scalar_default
from deskapp.protocol.wire_checks import ALLOWED, FieldRule, Kind

#: Filled with the pull's time when a row has none (``merge._fill_times``).
FILLED = ("created_at", "updated_at")


@dataclass(frozen=True)
class TableRules:
    fields: dict[str, FieldRule]
    #: Fields a new row must hold: no default, not filled, not part of its key.
    required: frozenset[str]
    #: How many ids a row key joins (insert-only tables keyed by two columns: 2).
    key_parts: int


def kind_of(column: Column[Any]) -> Kind:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return Kind.TIME
    if isinstance(kind, Date):
        return Kind.DATE
    if isinstance(kind, Boolean):
        return Kind.BOOL
    if isinstance(kind, Integer):
        return Kind.INT
    return Kind.TEXT


def _rules(entity: str, table: Table) -> TableRules:
    keyed_by_id = "id" in table.c
    key = {"id"} if keyed_by_id else {c.name for c in table.columns}
    fields = {
        c.name: FieldRule(
            kind_of(c),
            nullable=bool(c.nullable) or c.name in FILLED,
            allowed=ALLOWED.get((entity, c.name)),
        )
        for c in table.columns
    }
    required = frozenset(
        c.name
        for c in table.columns
        if not c.nullable
        and c.name not in key
        and c.name not in FILLED
        and _scalar_default(c) is None
    )
    return TableRules(fields, required, 1 if keyed_by_id else len(key))


#: Per synced entity, its rules.
RULES: dict[str, TableRules] = {
    entity: _rules(entity, table) for entity, table in (VERSIONED | APPEND_ONLY).items()
}
