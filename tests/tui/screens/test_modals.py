"""The modal screens (tui/screens/modals.py): the help screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import HelpScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, unlock
from tests.tui.steps import SIZES


async def test_help_lists_keys_with_ids(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        assert {"main.new_incident", "queue.assign", "app.lock", "list.filter"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


SCREENS: dict[str, steps.Steps] = {
    "help": steps.help_screen,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
