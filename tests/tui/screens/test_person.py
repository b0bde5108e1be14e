"""The person screen (tui/screens/person.py): revealing fields, logging a contact (of several
lines), opening their first incident, and its snapshot."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.person import PersonScreen
from tests.sample_desk import OFFICER
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    open_person,
    settle,
    type_text,
    unlock,
    until,
    wait_for,
)


async def test_reveal_is_audited(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        screen = await open_person(pilot, "bethan")
        assert screen.data is not None
        assert screen.data["phone"] == "[masked]"
        person_id = screen.data["id"]
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(screen.revealed))
        assert screen.revealed["phone"].startswith("07700")
        with app.require_desk().read() as conn:
            rows = conn.execute(
                select(AUDIT.c.action, AUDIT.c.fields, AUDIT.c.officer_id).where(
                    AUDIT.c.entity_id == person_id, AUDIT.c.action == "consultation"
                )
            ).all()
        revealed = {r.fields for r in rows}
        assert {"phone", "email", "address"} <= revealed
        assert all(r.officer_id == OFFICER for r in rows)
        # For this view only: leaving it forgets the revealed values.
        await pilot.press("escape")
        await settle(pilot)
        assert screen.revealed == {}


async def test_log_a_contact(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("3", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, PersonScreen)
        await pilot.press("l", "e", "5")
        await type_text(pilot, "Checked in after hustings")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.data is not None and len(screen.data["contacts"]) == 1)
        assert screen.data is not None
        contact = screen.data["contacts"][0]
        assert (contact["channel"], contact["kind"]) == ("email", "welfare-check")


SCREENS: dict[str, steps.Steps] = {
    "person": steps.person,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_a_contact_summary_of_several_lines(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_person(pilot, "bethan")
        await pilot.press("l", "e", "5")
        await type_text(pilot, "Checked in after hustings")
        await pilot.press("enter")
        await type_text(pilot, "Will call again on Friday")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.data is not None and len(screen.data["contacts"]) == 1)
        assert screen.data is not None
        summary = screen.data["contacts"][0]["summary"]
    assert summary == "Checked in after hustings\nWill call again on Friday"


async def test_enter_in_the_person_view_opens_their_first_incident(desk_path: Path) -> None:
    # The incidents list has the focus when the view opens: enter acts without a cursor move.

    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        person = await open_person(pilot, "sian")
        assert person.data is not None and person.data["incidents"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        assert app.screen.incident_id == person.data["incidents"][0]["id"]  # type: ignore[attr-defined]
