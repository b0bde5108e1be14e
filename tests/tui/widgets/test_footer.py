"""The footer (tui/widgets/footer.py): whole keys, help always shown, keys named as
remapped, laid out again when the terminal narrows, composed once per change."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets._footer import FooterKey

from deskapp.tui.app import DeskApp
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    screen_lines,
    settle,
    type_text,
    unlock,
    wait_for,
    write_keymap,
)


def footer_leftovers(app: DeskApp) -> tuple[str, str]:
    """The footer line, and what is left of it once every whole key it shows is taken out."""
    line = screen_lines(app)[-1]
    items = sorted(
        (f"{key.key_display} {key.description}".strip() for key in app.screen.query(FooterKey)),
        key=len,
        reverse=True,
    )
    rest = line
    for item in items:
        rest = rest.replace(item, " ")
    return line, rest.replace("▏", " ").strip()


@pytest.mark.parametrize("width", [80, 60, 40])
async def test_footer_shows_whole_keys_and_always_help(desk_path: Path, width: int) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await unlock(pilot)
        line, rest = footer_leftovers(app)
        assert rest == "", f"a cut key in the footer: {line!r}"
        assert "? Keys" in line and "^p Palette" in line
        assert len(line) == width
        await pilot.press("enter")  # an incident: a screen with keys of its own
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await settle(pilot)
        line, rest = footer_leftovers(app)
        assert rest == "", f"a cut key in the footer: {line!r}"
        assert "? Keys" in line


async def test_footer_names_remapped_help_and_palette_keys(desk_path: Path, tmp_path: Path) -> None:
    keymap = write_keymap(tmp_path, {"app.help": "f1", "app.palette": "ctrl+o"})
    app = make_app(desk_path, keymap_file=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        line, rest = footer_leftovers(app)
        assert rest == ""
        assert line.rstrip().endswith("f1 Keys ^o Palette")  # in place, though remapped
        assert "^p" not in line and "?" not in line
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))


async def test_footer_lays_out_again_when_the_terminal_narrows(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.resize_terminal(40, 24)
        await settle(pilot)
        line, rest = footer_leftovers(app)
        assert rest == "", f"a cut key in the footer: {line!r}"
        assert "? Keys" in line and len(line) == 40


async def test_the_footer_is_composed_once_per_change_of_its_keys(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual queued a recompose of the footer (a widget per key, styled and laid out on
    the UI thread) for every update of the bindings: several for one `/`, and more as a
    filter was typed, just as its answers arrived (issue #21)."""
    from deskapp.tui.widgets.footer import DeskFooter

    composed: list[str] = []
    compose = DeskFooter.compose

    def counted(self: DeskFooter) -> object:
        composed.append(type(self.screen).__name__)
        return compose(self)

    monkeypatch.setattr(DeskFooter, "compose", counted)
    app = make_app(desk_path)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await unlock(pilot)
        composed.clear()
        await pilot.press("2", "slash")  # the queue, then its filter box: new keys
        await settle(pilot)
        line, _rest = footer_leftovers(app)
        assert len(composed) == 1, composed
        await type_text(pilot, "sian")  # the same keys all along
        await settle(pilot)
        assert len(composed) == 1, composed
        assert footer_leftovers(app)[0] == line
        await pilot.press("escape")  # back to the list's keys
        await settle(pilot)
        assert len(composed) == 2, composed
        assert isinstance(screen, MainScreen)
