"""The main screen (tui/screens/main.py): its panes, filters, marks and bulk actions, and its
snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from deskapp.services.incidents import get_incident
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen
from deskapp.tui.widgets.window_list import WindowList
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, type_text, unlock, wait_for
from tests.tui.steps import SIZES


async def test_filter_and_escape(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "far")
        await wait_for(pilot, lambda: roster.filter_text == "far" and roster.total == 1)
        assert roster.row(0) is not None and roster.row(0)["name"] == "Farah Hussain"  # type: ignore[index]
        await pilot.press("escape")
        await wait_for(pilot, lambda: roster.filter_text == "" and roster.total == 12)
        # the queue filter reaches the person's name too
        queue = screen.pane("queue").list
        await pilot.press("2", "slash")
        await type_text(pilot, "bethan")
        await wait_for(pilot, lambda: queue.total == 1)
        await pilot.press("enter")  # keeps the filter, back to the list
        assert app.focused is queue
        await pilot.press("escape")
        await wait_for(pilot, lambda: queue.total == 8)


async def test_filter_opened_while_a_list_reloads_keeps_focus(desk_path: Path) -> None:
    """`/` just as the list's own answer arrives (as straight after unlock): the filter box
    stays open and focused, so the keys typed next filter instead of acting on rows."""
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        pane = screen.pane("queue")
        pane.open_filter()  # focus moves on the next turn of the event loop...
        pane.on_window_list_changed(WindowList.Changed(pane.list))  # ...a load lands first
        await pilot.pause()
        assert app.focused is pane.filter_input and pane.has_class("-filtering")
        await type_text(pilot, "bethan")
        await wait_for(pilot, lambda: pane.list.filter_text == "bethan" and pane.list.total == 1)


async def test_keys_typed_straight_after_slash_reach_the_filter(desk_path: Path) -> None:
    """A fast typist's `/bethan` arrives as one burst of key events, all queued before the
    app turns to anything else: every letter after the slash must land in the filter box,
    none on the list (where "a" would open the assign picker)."""
    from textual import events

    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        for key, char in [("slash", "/"), *[(c, c) for c in "bethan"]]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        queue = screen.pane("queue")
        assert isinstance(app.screen, MainScreen), "a key went to the list and opened a screen"
        assert queue.filter_input.value == "bethan" and app.focused is queue.filter_input
        await wait_for(pilot, lambda: queue.list.total == 1)


async def test_a_burst_of_keys_moving_between_panes_and_filters(desk_path: Path) -> None:
    """Each key of "esc 3 / sian" (typed as one burst) acts where the one before it left
    the focus: the queue's filter is cleared, the roster is filtered; "enter j" keeps the
    filter and moves down the list. Digits typed in a filter box stay in it."""
    from textual import events

    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        queue, roster = screen.pane("queue"), screen.pane("roster")
        await pilot.press("slash")
        await type_text(pilot, "hara")
        await wait_for(pilot, lambda: queue.list.filter_text == "hara")
        keys = [("escape", None), ("3", "3"), ("slash", "/"), *[(c, c) for c in "sian"]]
        for key, char in keys:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert queue.list.filter_text == "" and not queue.has_class("-filtering")
        assert screen.active == "roster" and roster.filter_input.value == "sian"
        await wait_for(pilot, lambda: roster.list.filter_text == "sian")
        await pilot.press(*["backspace"] * 4, "4", "2")  # digits in a box are text
        assert roster.filter_input.value == "42" and screen.active == "roster"
        await pilot.press(*["backspace"] * 2, "a")
        await wait_for(
            pilot, lambda: roster.list.filter_text == "a" and (roster.list.total or 0) >= 2
        )
        for key, char in [("enter", None), ("j", "j")]:  # keep the filter, one row down
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.focused is roster.list and roster.list.cursor == 1
        assert roster.has_class("-filtering") and roster.list.filter_text == "a"


async def test_mark_and_bulk_assign(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await unlock(pilot)
        queue = screen.pane("queue").list
        ids = [str(queue.row(i)["id"]) for i in range(2)]  # type: ignore[index]
        await pilot.press("space", "space")
        assert set(queue.marked) == set(ids)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await type_text(pilot, "tom")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not queue.marked)
        await settle(pilot)
        desk = app.require_desk()
        for incident_id in ids:
            incident = get_incident(desk, incident_id)
            assert incident["adviser_name"] == "Tom Whitaker"
            assert incident["status"] == "assigned"


async def test_bulk_grade_marked(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await unlock(pilot)
        queue = screen.pane("queue").list
        await pilot.press("G")
        ids = [str(queue.row(queue.total - 1)["id"])]  # type: ignore[index, operator]
        await pilot.press("space", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("1")
        # A marked set, even of one, is confirmed with its count and the action named.
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert get_incident(app.require_desk(), ids[0])["grade"] == 1


async def test_panes_at_both_widths(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await unlock(pilot)
        shown = [p.id for p in screen.query(".pane") if p.display]
        assert shown == ["queue"]
        await pilot.press("3")
        assert [p.id for p in screen.query(".pane") if p.display] == ["roster"]
        await pilot.press("4")
        assert [p.id for p in screen.query(".pane") if p.display] == ["events"]
    app = make_app(desk_path)
    async with app.run_test(size=(180, 40)) as pilot:
        screen = await unlock(pilot)
        shown = [p.id for p in screen.query(".pane") if p.display]
        assert shown == ["caseload", "queue", "roster"]
        await pilot.press("1")
        assert app.focused is screen.pane("caseload").list


async def test_caseload_opens_an_advisers_people(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        await pilot.press("1", "enter")
        roster = screen.pane("roster").list
        await wait_for(pilot, lambda: screen.active == "roster" and roster.total == 3)
        await pilot.press("escape")
        await wait_for(pilot, lambda: roster.total == 12)


async def test_roster_listing_is_logged(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.pause(1.0)
        await settle(pilot)
        with app.require_desk().read() as conn:
            n = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE detail LIKE 'roster listed%'")
            ).scalar_one()
        assert n >= 1


SCREENS: dict[str, steps.Steps] = {
    "main": steps.main_screen,
    "events": steps.events,
    "dashboard": steps.dashboard,
    "roster_filtered_marked": steps.filtered_roster,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
