"""The main screen (tui/screens/main.py): its panes, filters, marks and bulk actions (a bulk
regrade undone by one key), each list read once as it opens, the roster's order built in a
pause, the filter folding letters that do not decompose, and its snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from deskapp.db.desk import Desk
from deskapp.services.incidents import get_incident
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, toasts, type_text, unlock, wait_for


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

test_screen = steps.snapshot_test(SCREENS)


async def test_the_roster_filter_folds_letters_that_do_not_decompose(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        from deskapp.services import people

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


async def test_each_list_loads_once_as_the_main_screen_opens(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await settle(pilot)
        lists = list(main.query(WindowList))
        assert len(lists) == 4
        assert {w.id: w.generation for w in lists} == {w.id: 1 for w in lists}


async def test_lists_are_read_again_when_the_main_screen_comes_back(desk_path: Path) -> None:
    """The other half: back from a screen that may have written, every list reloads."""
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await pilot.press("question_mark")  # the help screen, over the main screen
        await settle(pilot)
        assert app.screen is not main
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main
        assert all(w.generation == 2 for w in main.query(WindowList))


async def test_the_coverage_line_is_read_once_as_the_main_screen_opens(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coverage (a pass over every person) was read on mount and again at each of the
    screen's first two resumes, on worker threads beside the officer's first filter."""
    from deskapp.services import assign

    reads: list[int] = []
    coverage = assign.coverage

    def counted(desk: Any) -> Any:
        reads.append(1)
        return coverage(desk)

    monkeypatch.setattr(assign, "coverage", counted)
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await settle(pilot)
        assert len(reads) == 1
        await pilot.press("question_mark")  # back from another screen: read again
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main
        assert len(reads) == 2


async def test_the_roster_order_waits_for_a_pause_and_its_first_page_does_not(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roster's ranked order (a pass over every person) is not built beside a filter
    typed in the queue the moment it shows: it waits for the officer's pause, and the
    roster's first page is read without it. Shown (3), the roster asks for it at once."""
    from deskapp.search import ranked
    from deskapp.tui import app as app_module

    monkeypatch.setattr(app_module, "PAUSE_S", 3600.0)  # no pause within this test
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        desk = app.desk
        assert desk is not None
        await pilot.press("slash", "k")
        await settle(pilot)
        roster = main.pane("roster").list
        assert roster.total and roster.row(0) is not None
        assert ranked.cached(desk, "queue") is not None
        assert ranked.cached(desk, "roster") is None and ranked.warming(desk)
        by_sql = [roster.row(i) for i in range(roster.total)]
        await pilot.press("escape", "escape", "3")
        await wait_for(pilot, lambda: ranked.cached(desk, "roster") is not None)
        roster.reload()
        await settle(pilot)
        assert [roster.row(i) for i in range(roster.total)] == by_sql  # one order


async def test_the_roster_order_is_built_in_the_first_pause(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deskapp.search import ranked
    from deskapp.tui import app as app_module

    monkeypatch.setattr(app_module, "PAUSE_S", 0.2)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        desk = app.desk
        assert desk is not None
        await wait_for(pilot, lambda: ranked.cached(desk, "roster") is not None)
        assert not ranked.warming(desk)


async def test_a_roster_filter_before_its_order_is_built_waits_for_it(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed while the build still waits for a pause: the filter asks for it and is
    answered from it, the same rows as the store's own filter."""
    from deskapp.search import ranked, windows
    from deskapp.tui import app as app_module

    monkeypatch.setattr(app_module, "PAUSE_S", 3600.0)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        main = await unlock(pilot)
        desk = app.desk
        assert desk is not None and ranked.cached(desk, "roster") is None
        main.pane("roster").list.set_filter("a")
        await wait_for(pilot, lambda: main.pane("roster").list.settled_generation > 1)
        await settle(pilot)
        roster = main.pane("roster").list
        assert ranked.cached(desk, "roster") is not None
        with desk.read() as conn:
            expected = [
                r["id"] for r in windows.page(conn, windows.roster_query("a", plan="fts"), 0, 500)
            ]
        assert roster.total == len(expected)
        assert [roster.row(i)["id"] for i in range(roster.total)] == expected  # type: ignore[index]


async def test_unlocking_does_not_restyle_the_whole_app(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main screen opens in a mode of its own; Textual took the new mode's screen for
    one that had missed a stylesheet change and parsed every stylesheet and restyled the
    app twice over (App.refresh_css) on the UI thread, as the lists were arriving."""
    from textual.app import App

    refreshed: list[int] = []
    refresh = App.refresh_css

    def counted(self: App[Any], animate: bool = True) -> None:
        refreshed.append(1)
        refresh(self, animate)

    monkeypatch.setattr(App, "refresh_css", counted)
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        before = len(refreshed)
        main = await unlock(pilot)
        assert main.has_class("-wide")
        assert len(refreshed) == before


async def test_bulk_regrade_names_the_count_and_is_undone_by_one_key(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        desk = app.require_desk()
        rows = [queue.row(i) for i in range(3)]
        before = {str(r["id"]): r["grade"] for r in rows if r is not None}
        await pilot.press("space", "space", "space", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.query_one(".dialog-text").render()
        assert "Set grade G4 on 3 marked incidents?" in str(question)
        await pilot.press("y")
        await wait_for(pilot, lambda: all(get_incident(desk, i)["grade"] == 4 for i in before))
        await wait_for(pilot, lambda: "u to undo" in toasts(app))
        assert isinstance(app.screen, MainScreen)
        await pilot.press("u")
        await wait_for(
            pilot, lambda: all(get_incident(desk, i)["grade"] == g for i, g in before.items())
        )


async def test_the_dashboard_reads_ahead_in_the_first_pause_not_while_the_officer_types(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard (a hidden pane) reads its figures ahead, so that `5` draws at once;
    at 100,000 people that read holds the machine for seconds, so it waits for the
    officer's pause instead of sharing the machine with their first filter."""
    from deskapp.services import dashboard
    from deskapp.tui import app as app_module
    from deskapp.tui.widgets import dashboard as pane_module

    reads: list[int] = []
    read = dashboard.dashboard

    def counted(*args: Any) -> Any:
        reads.append(1)
        return read(*args)

    monkeypatch.setattr(dashboard, "dashboard", counted)
    monkeypatch.setattr(pane_module, "PREFETCH_AFTER_S", 0.01)
    monkeypatch.setattr(app_module, "PAUSE_S", 3600.0)  # typing on
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        main = await unlock(pilot)
        await pilot.press("slash", "k")
        await settle(pilot)
        await pilot.pause(0.3)
        pane = main.query_one(pane_module.DashboardPane)
        assert reads == [] and pane.data is None
        monkeypatch.setattr(app_module, "PAUSE_S", 0.05)  # the officer stops
        await wait_for(pilot, lambda: pane.data is not None)
        assert len(reads) == 1
