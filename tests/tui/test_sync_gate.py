"""The app's sync (Pilot) passes the same gate as `deskapp sync`: a desk whose officer is
not approved on the hub is told why and what to do, and nothing moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.db.desk import Desk
from deskapp.domain.vocabulary import OfficerRole
from deskapp.sync import enrolment, open_hub
from deskapp.tui.screens.main import MainScreen
from tests.sample_desk import PASSPHRASE
from tests.tui.helpers import fill, rendered, sync_screen

from .conftest import make_app
from .helpers import settle, unlock, wait_for

pytestmark = pytest.mark.usefixtures("hub_env")


async def test_the_app_waits_for_approval_then_syncs(desk_path: Path, tmp_path: Path) -> None:
    # Another supervisor's desk set the hub up; the sample desk has asked to join.
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    hub = open_hub(url)
    hub.initialise()
    root, _ = Desk.init(tmp_path / "root.db", "SGT-1", "Insp Root", PASSPHRASE)
    enrolment.init_root(hub, root)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        pending = app.pending_changes
        assert app.desk is not None
        enrolment.join(hub, app.desk)
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        await fill(pilot, url)
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "failed")
        shown = " ".join(rendered(app, "#sync-summary").split())
        assert "Waiting for a supervisor to approve PC-4521 on this hub" in shown
        assert "deskapp hub approve PC-4521" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert app.pending_changes == pending  # nothing pushed
        enrolment.approve(hub, root, "PC-4521", OfficerRole.OFFICER, lambda _f: True)
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state in ("hub", "done", "failed"))
        if sync_screen(app).state == "hub":
            await fill(pilot, url)
            await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state in ("done", "failed"), timeout=30)
        assert sync_screen(app).state == "done"
    root.close()
