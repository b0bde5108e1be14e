"""The auto-assign dialog (tui/screens/assign.py): preview, then apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.tui.screens.assign import AutoAssignScreen
from deskapp.tui.screens.main import CoverageLine, MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import rendered, unlock, wait_for


@pytest.mark.usefixtures("hub_env")
async def test_auto_assign_preview_and_apply(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("1")
        line = app.screen.query_one(CoverageLine)
        await wait_for(pilot, lambda: "3 without a named contact" in str(line.render()))
        await pilot.press("ctrl+a")
        await wait_for(
            pilot, lambda: isinstance(app.screen, AutoAssignScreen) and app.screen.plan is not None
        )
        screen = app.screen
        assert isinstance(screen, AutoAssignScreen) and screen.plan is not None
        assert len(screen.plan.assignments) == 3
        shown = rendered(app, "#assign-plan")
        assert "3 people have no named contact" in shown
        # As the CLI's plan: who is outside every adviser's area, and to whom they go.
        outside = screen.plan.outside_area
        assert len(outside) == 2
        assert "2 are outside every adviser's area" in shown
        for a in outside:
            assert f"{a.person_name} (no organisation) → {a.adviser_name}" in shown
        inside = [a for a in screen.plan.assignments if a.in_area]
        assert inside and all(a.person_name not in shown for a in inside)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.assigned is not None)
        assert screen.assigned == 3
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_for(pilot, lambda: "everyone has a named contact" in str(line.render()))
        assert (app.pending_changes or 0) > 0
