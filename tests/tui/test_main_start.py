"""The main screen as it opens: each list is read once, so an officer's first filter is
not queued behind reads of lists that had not changed (issue #21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import settle, unlock


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
