"""UTCDateTime on SQLite: stored exactly as SQLAlchemy's own DATETIME stores it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import DATETIME

from deskapp.db.types import UTCDateTime

DIALECT = sqlite.dialect()
OURS_IN = UTCDateTime().bind_processor(DIALECT)
OURS_OUT = UTCDateTime().result_processor(DIALECT, None)
THEIRS_IN = DATETIME().bind_processor(DIALECT)
THEIRS_OUT = DATETIME().result_processor(DIALECT, None)

aware = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
) | st.datetimes(
    min_value=datetime(1900, 1, 2),
    max_value=datetime(2199, 12, 30),
    timezones=st.just(timezone(timedelta(hours=5, minutes=30))),
)


@given(aware)
def test_stored_text_matches_sqlalchemy_and_round_trips(value: datetime) -> None:
    assert OURS_IN is not None and OURS_OUT is not None
    assert THEIRS_IN is not None and THEIRS_OUT is not None
    stored = OURS_IN(value)
    assert stored == THEIRS_IN(value.astimezone(UTC).replace(tzinfo=None))
    back = OURS_OUT(stored)
    assert back == value and back.tzinfo is UTC
    assert THEIRS_OUT(stored).replace(tzinfo=UTC) == back


def test_naive_datetime_is_refused_and_none_passes() -> None:
    assert OURS_IN is not None and OURS_OUT is not None
    with pytest.raises(ValueError, match="naive"):
        OURS_IN(datetime(2026, 1, 1))
    assert OURS_IN(None) is None and OURS_OUT(None) is None
