"""Showing one masked field (services/reveal.py): only a masked field, only of a record that
exists, and always a logged consultation naming the field, with the officer's reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.db.tables import PERSON, SENSITIVE_FIELDS
from deskapp.domain.errors import NotFound, ValidationError
from deskapp.services import people
from deskapp.services.reveal import reveal_masked
from tests.services.audit_trail import last_event


def consultations(desk: Desk) -> int:
    with desk.read() as conn:
        return len(conn.execute(select(AUDIT.c.seq).where(AUDIT.c.action == "consultation")).all())


def test_a_reveal_is_a_consultation_naming_the_field_and_the_reason(desk: Desk) -> None:
    pid = people.add_person(desk, name="Masked Person", phone="07700 900456")
    sensitive = SENSITIVE_FIELDS["person"]
    value = reveal_masked(desk, PERSON, "person", pid, "phone", sensitive, what="person")
    assert value == "07700 900456"
    event = last_event(desk)
    assert (event["action"], event["entity_id"], event["fields"], event["detail"]) == (
        "consultation",
        pid,
        "phone",
        "revealed",
    )
    reveal_masked(
        desk, PERSON, "person", pid, "phone", sensitive, what="person", reason="welfare check"
    )
    assert last_event(desk)["detail"] == "revealed: welfare check"


def test_an_unmasked_field_or_a_missing_record_is_refused_and_nothing_is_logged(
    desk: Desk,
) -> None:
    pid = people.add_person(desk, name="Masked Person", phone="07700 900456")
    sensitive = SENSITIVE_FIELDS["person"]
    before = consultations(desk)
    with pytest.raises(ValidationError, match="not a masked one"):
        reveal_masked(desk, PERSON, "person", pid, "name", sensitive, what="person")
    with pytest.raises(NotFound, match="No such person"):
        reveal_masked(desk, PERSON, "person", "p-missing", "phone", sensitive, what="person")
    assert consultations(desk) == before
