"""Events travel between desks with all their fields, links and unlinks; a hostile value
in any of the new columns is quarantined on the pulling desk, the rest still merges."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.services import events, people
from deskapp.sync import run_sync, status

from .conftest import make_desk
from .test_quarantine import hub_data, now_hlc, poison, quarantined

HOSTILE = {
    "organiser": 12,
    "organiser_contact": "call \x1b[2J now",
    "notice_received_at": "2026-05-07T19:00:00",
    "risk_reason": ["x"],
    "patrol_minutes": "150",
    "patrol_additional_pence": 1.5,
    "patrol_opportunity_pence": "lots",
    "outcome": {"a": 1},
}


@pytest.fixture(params=["file", "pg"])
def hub(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("file_hub" if request.param == "file" else "pg_hub"))


def test_an_event_travels_and_hostile_new_fields_are_held_back(tmp_path: Path, hub: str) -> None:
    a, b = make_desk(tmp_path, "a", hub=hub), make_desk(tmp_path, "b", hub=hub)
    try:
        sian = people.add_person(a, name="Siân Evans")
        tom = people.add_person(a, name="Tom Jones")
        event_id = events.add_event(
            a, title="Count", kind="count", starts_at="2026-05-07 22:00",
            place="Leisure centre", organiser="Returning officer",
            notice_received_at="2026-05-01 09:00", risk="medium", risk_reason="Late night",
        )  # fmt: skip
        events.update_event(a, event_id, patrol_minutes="6", outcome="Quiet.")
        events.link_people(a, event_id, [sian, tom])
        events.unlink_people(a, event_id, [tom])
        run_sync(a, hub)
        run_sync(b, hub)
        got = events.get_event(b, event_id, reveal=True)
        assert (got["place"], got["organiser"], got["risk_reason"]) == (
            "Leisure centre", "Returning officer", "Late night",
        )  # fmt: skip
        assert (got["patrol_minutes"], got["outcome"]) == (360, "Quiet.")
        assert [p["id"] for p in got["people"]] == [sian]

        # Taken off, then linked again: each desk ends as the last act left it.
        events.unlink_people(a, event_id, [sian])
        run_sync(a, hub)
        run_sync(b, hub)
        assert events.get_event(b, event_id)["people"] == []
        events.link_people(a, event_id, [sian])
        events.unlink_people(a, event_id, [sian])  # and once more, before any sync
        events.link_people(a, event_id, [sian])
        run_sync(a, hub)
        run_sync(b, hub)
        assert [p["id"] for p in events.get_event(b, event_id)["people"]] == [sian]
        assert [p["id"] for p in events.get_event(a, event_id)["people"]] == [sian]
        assert status(a).pending == 0  # the hub took all of it: nothing is sent again

        data, versions = hub_data(hub, "event", event_id)
        stamp = [now_hlc(), "intruder"]
        data.update(HOSTILE, title="Count (moved)")
        versions.update({name: stamp for name in [*HOSTILE, "title"]})
        poison(hub, "event", event_id, data, versions)
        result = run_sync(b, hub)
        assert result.quarantined == 1
        [held] = quarantined(b)
        assert set(held["fields"].split(",")) == set(HOSTILE)
        after = events.get_event(b, event_id, reveal=True)
        assert after["title"] == "Count (moved)"  # the honest field still merged
        assert (after["organiser"], after["patrol_minutes"]) == ("Returning officer", 360)
    finally:
        a.close()
        b.close()
