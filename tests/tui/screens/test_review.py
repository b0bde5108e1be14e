"""The review screen (tui/screens/review.py) and the supervisor's views, and its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.tui.widgets.window_list import WindowList
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, unlock, wait_for
from tests.tui.steps import SIZES


async def test_supervisor_views(desk_path: Path) -> None:
    from deskapp.tui.screens.audit import AuditScreen
    from deskapp.tui.screens.review import ReviewScreen

    app = make_app(desk_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: review.total == 3)  # two people and a survey
        await pilot.press("escape", "A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: (audit.total or 0) > 10)
        await pilot.press("v")
        await settle(pilot)


SCREENS: dict[str, steps.Steps] = {
    "review": steps.review,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])
