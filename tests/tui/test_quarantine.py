"""Pilot: the sync dialog counts the pulled changes it quarantined."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import Input

from deskapp.db.desk import Desk
from deskapp.protocol import hlc, jsontext
from deskapp.sync import enrolment, open_hub
from deskapp.tui.sample import OFFICER, PASSPHRASE
from deskapp.tui.screens.sync import SyncScreen
from tests.sync.conftest import rogue_batch

from .conftest import make_app, make_hub
from .helpers import unlock, wait_for

pytestmark = pytest.mark.usefixtures("hub_env")


def poison_person(url: str, desk_path: Path) -> None:
    """A person with a date that is none and an escape code for a name, in a batch an
    approved officer signed (the hub's root: the sample desk's supervisor) as another
    site: it passes every check but the row's own."""
    stamp = [hlc.encode(time.time_ns() // 1_000_000, 0), "intruder"]
    data = jsontext.dumps({"name": "\x1b]0;owned\x07", "created_at": "not-a-date"})
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        trust = enrolment.admit(open_hub(url), desk)
        rogue_batch(
            url,
            site="intruder",
            signer=desk.officer.id,
            changes=[["person", "p-poisoned", "insert", data, {"*": stamp}, 0]],
            key=trust.current_key[1],
            sign=desk.sign,
        )


async def test_the_sync_summary_counts_what_was_quarantined(
    desk_path: Path, tmp_path: Path
) -> None:
    url = make_hub(tmp_path / "hub.db", desk_path)
    poison_person(url, desk_path)
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
        assert screen.result is not None and screen.result.quarantined == 1
        summary = str(screen.query_one("#sync-summary").render())
        assert "1 quarantined" in summary and "deskapp sync quarantine" in summary
        assert "\x1b" not in summary and "not-a-date" not in summary
