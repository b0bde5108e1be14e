"""Pilot: the sync dialog counts the pulled changes it quarantined."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select, update
from textual.widgets import Input

from deskapp.core import hlc, jsontext
from deskapp.sync import open_hub
from deskapp.sync.hub_schema import hub_counter, hub_row
from deskapp.tui.screens.sync import SyncScreen

from .conftest import make_app, make_hub
from .helpers import unlock, wait_for

pytestmark = pytest.mark.usefixtures("hub_env")


def poison_person(url: str) -> None:
    """A person row with a date that is none, written straight into the hub's table."""
    stamp = [hlc.encode(time.time_ns() // 1_000_000, 0), "intruder"]
    with open_hub(url).write() as conn:
        seq = int(conn.execute(select(hub_counter.c.value)).scalar_one()) + 1
        conn.execute(
            hub_row.insert().values(
                entity="person",
                row_id="p-poisoned",
                seq=seq,
                data=jsontext.dumps({"name": "\x1b]0;owned\x07", "created_at": "not-a-date"}),
                versions=jsontext.dumps({"*": stamp}),
            )
        )
        conn.execute(update(hub_counter).values(value=seq))


async def test_the_sync_summary_counts_what_was_quarantined(
    desk_path: Path, tmp_path: Path
) -> None:
    url = make_hub(tmp_path / "hub.db")
    poison_person(url)
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
