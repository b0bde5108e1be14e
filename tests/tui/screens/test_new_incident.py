"""The new-incident screen (tui/screens/new_incident.py): fast capture, and its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.services.incidents import list_incidents
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, type_text, unlock, wait_for
from tests.tui.steps import SIZES


async def test_fast_capture_under_ten_keystrokes(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        keys = ["n", "s", "i", "a", "enter", "t", "1"]  # person, type, grade
        await pilot.press(*keys[:4])
        await settle(pilot)
        await pilot.press(*keys[4:])
        await settle(pilot)
        capture = app.screen
        assert isinstance(capture, NewIncidentScreen)
        assert capture.person is not None and capture.person[1] == "Siân Evans"
        await type_text(pilot, "Brick through window")  # the summary itself
        await pilot.press("enter")
        keys.append("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert len(keys) < 10
        rows = list_incidents(app.require_desk(), filter_text="brick")
    assert len(rows) == 1
    assert rows[0]["grade"] == 1 and rows[0]["type"] == "threat"
    assert rows[0]["person_name"] == "Siân Evans"


SCREENS: dict[str, steps.Steps] = {
    "new_incident": steps.new_incident,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
