"""The one shape of the record services' updates (``services/updates.update_record``), through
each service that uses it: a change is written with its audit event and outbox entry;
the same values again write nothing; a refused change writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent, Outbox
from deskapp.domain.errors import ValidationError
from deskapp.services import advisers, events, organisations, people

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]


def _organisation(desk: Desk) -> str:
    with desk.write() as tx:
        return tx.insert("organisation", {"slug": "leeds", "name": "Leeds City Council"})


def _event(desk: Desk) -> str:
    return events.add_event(
        desk, title="Street stall", kind="canvassing", starts_at="2026-05-09 10:00"
    )


#: (service's update, make a record, a change, a change its check refuses)
CASES: list[tuple[Callable[..., Any], Callable[[Desk], str], dict[str, Any], dict[str, Any]]] = [
    (
        people.update_person,
        lambda d: people.add_person(d, name="Shape Test"),
        {"party": "Green"},
        {"risk": "high"},  # a new risk level needs its reason
    ),
    (
        advisers.update_adviser,
        lambda d: advisers.add_adviser(d, name="Shape Adviser"),
        {"area": "Leeds"},
        {"capacity": "lots"},
    ),
    (
        organisations.update_organisation,
        _organisation,
        {"ro_name": "A. Officer"},
        {"ro_email": "not an address"},
    ),
    (
        events.update_event,
        _event,
        {"place": "Market square"},
        {"ends_at": "2026-05-09 09:00"},  # before it starts
    ),
]


def counts(desk: Desk) -> tuple[int, int]:
    with desk.read() as conn:
        audit = conn.execute(select(func.count()).select_from(AUDIT)).scalar_one()
        outbox = conn.execute(select(func.count()).select_from(OUTBOX)).scalar_one()
    return audit, outbox


@pytest.mark.parametrize(("update", "make", "change", "refused"), CASES)
def test_every_record_update_has_one_shape(
    desk: Desk,
    update: Callable[..., Any],
    make: Callable[[Desk], str],
    change: dict[str, Any],
    refused: dict[str, Any],
) -> None:
    record = make(desk)
    before = counts(desk)
    changed = update(desk, record, **change)
    assert set(changed) == set(change)
    audit, outbox = counts(desk)
    assert audit == before[0] + 1 and outbox == before[1] + 1
    assert update(desk, record, **change) == {}  # nothing changes: nothing is written
    assert counts(desk) == (audit, outbox)
    with pytest.raises(ValidationError):
        update(desk, record, **refused)
    assert counts(desk) == (audit, outbox)
