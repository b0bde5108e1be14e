"""Quitting the app (tui/app.py): it asks only when a form holds input."""

from __future__ import annotations

from pathlib import Path

from deskapp.tui.screens.modals import ConfirmScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, type_text, unlock, wait_for


async def test_quit_asks_when_a_form_holds_input(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await type_text(pilot, "ow")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewIncidentScreen)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0


async def test_quit_without_input_does_not_ask(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        desk = app.desk
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value == 0
    assert desk is not None and desk.closed
