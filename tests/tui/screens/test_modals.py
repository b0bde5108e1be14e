"""The modal screens (tui/screens/modals.py): the help screen (every key, named as remapped,
binding ids on request) and the dialogs' key hints, and their snapshots."""

from __future__ import annotations

import re
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from deskapp.tui.screens.assign import AutoAssignScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, HelpScreen
from deskapp.tui.screens.sync import SyncScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import screen_lines, settle, type_text, unlock, wait_for, write_keymap


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

test_screen = steps.snapshot_test(SCREENS)


async def open_help(pilot: Pilot[int]) -> HelpScreen:
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    return screen


async def test_help_on_the_main_screen_shows_every_key_at_80x24(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_help(pilot)
        drawn = "\n".join(screen_lines(app))
        for key, description in [
            ("f2", "High contrast"),
            ("r", "Grade"),
            ("a", "Assign"),
            ("s", "Status"),
            ("o", "Show closed"),
            ("space", "Mark"),
            ("S", "Sync"),
            ("^q", "Quit"),
            ("^p", "Palette"),
            ("?", "Keys"),
        ]:
            assert re.search(rf"{re.escape(key)} +{description}\b", drawn), (key, drawn)


async def test_help_names_keys_as_remapped(desk_path: Path, tmp_path: Path) -> None:
    remapped = {"queue.grade": "x", "app.contrast": "f9", "main.sync": "f6", "list.mark": "m"}
    app = make_app(desk_path, keymap_file=write_keymap(tmp_path, remapped))
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        help_screen = await open_help(pilot)
        keys = {binding_id: key for key, _, binding_id in help_screen.rows}
        assert keys["queue.grade"] == "x"
        assert keys["app.contrast"] == "f9"
        assert keys["list.mark"] == "m"
        drawn = "\n".join(screen_lines(app))
        assert re.search(r"\bx +Grade", drawn) and not re.search(r"\br +Grade", drawn)
        assert re.search(r"\bf9 +High contrast", drawn) and "f2" not in drawn
        # the screen's own help text names the keys as mapped too
        assert "f6" in help_screen.intro and "S syncs" not in help_screen.intro
        assert "space" not in help_screen.intro


async def test_help_shows_binding_ids_on_request(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_help(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert "queue.grade" in "\n".join(screen_lines(app))


async def test_a_dialogs_key_hint_names_the_key_as_remapped(
    desk_path: Path, tmp_path: Path
) -> None:
    keymap = write_keymap(tmp_path, {"confirm.yes": "j", "confirm.no": "x"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await type_text(pilot, "ow")  # a form with input: quitting asks first
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        hint = str(app.screen.query_one(".dialog-keys", Static).render())
        assert "j Quit" in hint and "x Stay" in hint
        assert "y Quit" not in hint and "n Stay" not in hint
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))


async def test_dialog_key_lines_follow_the_keymap(desk_path: Path, tmp_path: Path) -> None:
    remapped = {"assign.apply": "f7", "assign.close": "f8", "sync.escape": "f10"}
    app = make_app(desk_path, keymap_file=write_keymap(tmp_path, remapped))
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+a")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AutoAssignScreen) and app.screen.plan is not None
        )
        keys = str(app.screen.query_one("#assign-keys", Static).render())
        assert "f7 assign 3 people" in keys and "f8 close" in keys
        assert "esc" not in keys and "y assign" not in keys
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("S")  # no hub yet: the dialog asks for one
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        await wait_for(
            pilot, lambda: isinstance(app.screen, SyncScreen) and app.screen.state == "hub"
        )
        keys = str(app.screen.query_one("#sync-keys", Static).render())
        assert "f10 cancel" in keys and "esc" not in keys
