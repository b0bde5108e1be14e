"""Text from outside never reaches the terminal raw (issue #15, point 10): a stored name
holding ESC ] 0 ; title BEL shows as visible stand-ins in the roster and the person
view; and the roster filter folds letters that do not decompose (point 8)."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from deskapp.store.desk import Desk
from deskapp.tui.sample import OFFICER, PASSPHRASE
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import settle, type_text, unlock, wait_for

HOSTILE = "Eve\x1b]0;owned\x07 Zzhostile"
SHOWN = "Eve␛]0;owned␇ Zzhostile"


def add_raw(path: Path, name: str) -> None:
    """A name as an older desk stored it (input now refuses it)."""
    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:
            tx.insert("person", {"name": name, "party": "Bell\x07Party"})
    finally:
        desk.close()


def painted(widget: Widget) -> str:
    width, height = widget.size
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, width, height)))


def list_text(roster: WindowList) -> str:
    return "\n".join(roster.render_line(y).text for y in range(roster.size.height))


async def test_a_name_with_escape_codes_renders_escaped(desk_path: Path) -> None:
    add_raw(desk_path, HOSTILE)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "zzhostile")
        await wait_for(pilot, lambda: roster.filter_text == "zzhostile" and roster.total == 1)
        await settle(pilot)
        shown = list_text(roster)
        assert "\x1b" not in shown and "\x07" not in shown
        assert "Eve␛]0;owned␇" in shown and "Bell␇Party" in shown
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        person = app.screen
        assert isinstance(person, PersonScreen)
        await settle(pilot)
        head = painted(person.query_one("#person-head", Static))
        assert "\x1b" not in head and "\x07" not in head
        assert SHOWN in head
        assert person.data is not None and person.data["name"] == HOSTILE  # kept as stored


async def test_the_roster_filter_folds_letters_that_do_not_decompose(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        from deskapp.store import people

        people.add_person(desk, name="Łukasz Żółkiewski")
    finally:
        desk.close()
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "lukasz")
        await wait_for(pilot, lambda: roster.filter_text == "lukasz" and roster.total == 1)
        assert roster.row(0) is not None and roster.row(0)["name"] == "Łukasz Żółkiewski"  # type: ignore[index]
