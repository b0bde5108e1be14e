"""The note dialog (tui/screens/note.py): notes of several lines."""

from __future__ import annotations

from pathlib import Path

from deskapp.services.incidents import get_incident
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    open_incident,
    type_text,
    unlock,
    until,
)


async def test_a_note_of_several_lines(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_incident(pilot)
        await pilot.press("n")
        await type_text(pilot, "Spoke to the caller")
        await pilot.press("enter")
        await type_text(pilot, "Patrol asked for tonight")
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: (
                screen.data is not None
                and any(e["kind"] == "note" for e in screen.data["timeline"])
            ),
        )
        notes = [
            e["text"]
            for e in get_incident(app.require_desk(), screen.incident_id)["timeline"]
            if e["kind"] == "note"
        ]
    assert notes == ["Spoke to the caller\nPatrol asked for tonight"]
