"""Column types shared by the tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def to_sqlite(value: datetime | None) -> str | None:
    """An aware datetime as SQLite stores it: UTC, no offset, always microseconds
    (the text SQLAlchemy's SQLite ``DATETIME`` writes, made by one C call)."""
    if value is None:
        return None
    zone = value.tzinfo
    if zone is None:
        raise ValueError("naive datetime given to a UTC column")
    if zone is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"


def from_sqlite(value: str | None) -> datetime | None:
    """Stored text back to an aware UTC datetime (the inverse of ``to_sqlite``)."""
    if value is None:
        return None
    found = datetime.fromisoformat(value)
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC without an offset and hands back timezone-aware UTC datetimes.

    SQLite has no timezone type; normalising here means no layer above ever compares a
    naive time with an aware one. On SQLite the conversion is one step each way rather
    than ours then SQLAlchemy's (its format string and regex), which counted at
    100,000 rows: a new desk's first sync converts three times that many.
    """

    impl = DateTime
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name == "sqlite":
            return to_sqlite
        return super().bind_processor(dialect)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        if dialect.name == "sqlite":
            return from_sqlite
        return super().result_processor(dialect, coltype)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)
