"""The incident screen (tui/screens/incident.py): triage and moving through the queue, and its
snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from deskapp.domain.status import allowed_next
from deskapp.services.incidents import get_incident, list_incidents
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, type_text, unlock, wait_for
from tests.tui.steps import SIZES


async def _choose_status(pilot: object, app: object, current: str, target: str) -> None:

    assert isinstance(pilot, Pilot)
    options = [str(s) for s in allowed_next(current)]
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
    await pilot.press(str(options.index(target) + 1))
    if target == "closed":
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
    await settle(pilot)


async def test_triage_an_incident_from_new_to_closed(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("2", "G")  # the queue, its last row: a G4 still 'new'
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        assert screen.data is not None and screen.data["status"] == "new"
        incident_id = screen.incident_id
        await pilot.press("2")  # re-grade to G2
        await settle(pilot)
        await pilot.press("t", "h", "m", "m", "l", "h", "m", "enter")  # THRIVE -> triaged
        await settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await type_text(pilot, "dawn")
        await settle(pilot)
        await pilot.press("enter")  # assigned
        await settle(pilot)
        await pilot.press("c")
        await type_text(pilot, "CR-2026-0001")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Spoke to the councillor")
        await pilot.press("ctrl+s")  # a note may have several lines: enter starts one
        await settle(pilot)
        await _choose_status(pilot, app, "assigned", "in-progress")
        await _choose_status(pilot, app, "in-progress", "resolved")
        await _choose_status(pilot, app, "resolved", "closed")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["status"] == "closed")
        desk = app.require_desk()
        incident = get_incident(desk, incident_id)
    assert incident["status"] == "closed"
    assert incident["grade"] == 2
    assert incident["crime_ref"] == "CR-2026-0001"
    assert incident["adviser_name"] == "Dawn Hughes"
    kinds = [e["kind"] for e in incident["timeline"]]
    for kind in ("grade", "thrive", "assign", "crime-ref", "note", "status"):
        assert kind in kinds
    texts = " | ".join(e["text"] for e in incident["timeline"])
    assert "-> closed" in texts


async def test_next_and_previous_incident_in_queue_order(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
        )
        screen = app.screen
        assert isinstance(screen, IncidentScreen) and screen.data is not None
        first = screen.data["ref"]
        await pilot.press("J")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["ref"] != first)
        second = screen.data["ref"]
        queue = [r["ref"] for r in list_incidents(app.require_desk())]
        assert queue[:2] == [first, second]
        await pilot.press("K")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["ref"] == first)


SCREENS: dict[str, steps.Steps] = {
    "incident": steps.incident,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
