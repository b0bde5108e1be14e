"""The command palette (tui/commands.py): each command once, run as the binding runs, keys
named as mapped."""

from __future__ import annotations

from pathlib import Path

from textual.command import Command, CommandList, CommandPalette
from textual.pilot import Pilot

from deskapp.tui.screens.main import MainScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    settle,
    type_text,
    unlock,
    wait_for,
    write_keymap,
)


async def palette_titles(pilot: Pilot[int]) -> list[str]:
    """Open the palette and read the commands it lists before anything is typed."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    listing = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: listing.option_count > 0)
    await pilot.pause(0.3)  # the providers all answer before the list settles
    await settle(pilot)
    titles = []
    for option in listing.options:
        assert isinstance(option, Command)
        titles.append(str(option.hit.text))
    await pilot.press("escape")
    return titles


async def test_palette_lists_each_command_once_and_no_generic_theme(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        titles = await palette_titles(pilot)
        assert len(titles) == len(set(titles)), sorted(titles)
        assert "Theme" not in titles
        assert titles.count("High contrast") == 1
        assert "Sync with the hub" in titles and "Sync" not in titles
        # one entry per action: the queue's keys by their palette titles, not their keys'
        assert "Grade incidents" in titles and "Grade" not in titles
        assert {"Lock", "Quit", "Keys", "New incident"} <= set(titles)


async def test_palette_runs_a_binding_and_names_keys_as_mapped(
    desk_path: Path, tmp_path: Path
) -> None:
    keymap = write_keymap(tmp_path, {"main.sync": "f6", "app.contrast": "f9"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        listing = app.screen.query_one(CommandList)
        await type_text(pilot, "sync with")
        await wait_for(pilot, lambda: listing.option_count == 1)
        option = listing.get_option_at_index(0)
        assert isinstance(option, Command)
        assert option.hit.help == "f6 · main.sync"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        before = app.theme
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "high contrast")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme != before)
