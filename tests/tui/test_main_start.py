"""The main screen as it opens: each list is read once, so an officer's first filter is
not queued behind reads of lists that had not changed (issue #21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import settle, unlock, wait_for


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
