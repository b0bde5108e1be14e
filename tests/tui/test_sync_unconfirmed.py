"""Pilot: the sync dialog says when the hub did not take what the desk sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Input

from deskapp.db.desk import Desk
from deskapp.services import people
from deskapp.sync import open_hub, status
from deskapp.tui.sample import OFFICER, PASSPHRASE
from deskapp.tui.screens.sync import SyncScreen

from .conftest import make_app, make_hub
from .helpers import unlock, wait_for

pytestmark = pytest.mark.usefixtures("hub_env")


async def test_the_sync_summary_says_what_the_hub_did_not_take(
    desk_path: Path, tmp_path: Path
) -> None:
    url = make_hub(tmp_path / "hub.db", desk_path)
    with open_hub(url).write() as conn:  # a hub whose storage silently drops batches
        conn.execute(
            text(
                "CREATE TRIGGER drop_batches BEFORE INSERT ON hub_batch "
                "BEGIN SELECT RAISE(IGNORE); END"
            )
        )
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        people.add_person(desk, name="Not Taken")
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        await wait_for(pilot, lambda: screen.state == "hub")
        field = app.focused
        assert isinstance(field, Input)
        field.value = str(tmp_path / "hub.db")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.state in ("done", "failed"))
        assert screen.state == "done", screen.error
        assert screen.result is not None and screen.result.unconfirmed >= 1
        summary = str(screen.query_one("#sync-summary").render())
        assert "Not taken" in summary and "sent again at the next sync" in summary
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        assert status(desk).pending >= 1
