"""People (services/people.py): an error names its field; a reason for a change goes in the audit
event."""

from __future__ import annotations

from typing import Any

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.services import people
from tests.services.audit_trail import last_event


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"risk": "extreme"}, "risk"),
        ({"next_contact_due": "soon"}, "next_contact_due"),
        ({"name": " "}, "name"),
    ],
)
def test_a_person_error_names_its_field(desk: Desk, fields: dict[str, Any], field: str) -> None:
    pid = people.add_person(desk, name="Field Test")
    with pytest.raises(ValidationError) as caught:
        people.update_person(desk, pid, **fields)
    assert caught.value.field == field


def test_a_reason_for_a_change_goes_in_the_audit_event(desk: Desk) -> None:
    pid = people.add_person(desk, name="Risk Test")
    people.update_person(desk, pid, reason="Threat received", risk="high")
    event = last_event(desk)
    assert (event["action"], event["fields"], event["detail"]) == (
        "alteration",
        "risk",
        "Threat received",
    )
