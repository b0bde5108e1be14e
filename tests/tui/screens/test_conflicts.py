"""The conflicts screen (tui/screens/conflicts.py): resolving a conflict, and its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskapp.db.desk import Desk
from deskapp.services.incidents import get_incident
from deskapp.sync import status
from deskapp.tui.screens.conflicts import ConflictsScreen
from deskapp.tui.screens.modals import ConfirmScreen
from deskapp.tui.widgets.status_line import StatusLine
from tests.sample_desk import FIXED_NOW, OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app, make_conflict, make_hub
from tests.tui.helpers import rendered, settle, unlock, wait_for
from tests.tui.steps import SIZES


@pytest.mark.parametrize("size", SIZES)
def test_conflicts_view(
    size: tuple[int, int], snap_desk: Path, frozen_sync: None, snap_compare: Any
) -> None:
    from sqlalchemy import update

    from deskapp.db.tables import CONFLICT

    hub = make_hub(SNAP_DIR / "conflict-hub.db", snap_desk)
    make_conflict(snap_desk, hub, SNAP_DIR / "other.db")
    table = CONFLICT
    desk = Desk.open(snap_desk, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:  # the conflict's random id and detection time, fixed
            tx.conn.execute(
                update(table).values(
                    id="0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", detected_at=FIXED_NOW
                )
            )
    finally:
        desk.close()
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps.conflicts)


@pytest.mark.usefixtures("hub_env")
async def test_resolve_a_conflict_keeping_local(desk_path: Path, tmp_path: Path) -> None:
    hub = make_hub(tmp_path / "hub.db", desk_path)
    iid = make_conflict(desk_path, hub, tmp_path / "other.db")
    app = make_app(desk_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app.conflicts == 1)
        assert "1 conflict" in str(app.screen.query_one(StatusLine).render())
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        [row] = screen.rows
        assert row["field"] == "summary"
        detail = rendered(app, "#conflict-detail")
        assert "caller named the street" in detail and "caller unknown" in detail
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # destructive: it asks first, and "no" changes nothing
        await settle(pilot)
        assert len(screen.rows) == 1
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.loaded and not screen.rows)
        await wait_for(pilot, lambda: app.conflicts == 0)
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        assert status(desk).conflicts_waiting == 0
        assert get_incident(desk, iid)["summary"] == "Voicemail: caller named the street"
    finally:
        desk.close()
