"""The sync screen (tui/screens/sync.py): a file hub, cancel and sync again, the hub
passphrase, hub errors shown, the approval gate, what the hub did not take or quarantined,
memory handed back after a large sync, and its summary's snapshot."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool
from textual.pilot import Pilot
from textual.widgets import Input

from deskapp.db.desk import Desk
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import hlc, jsontext
from deskapp.services import people
from deskapp.sync import enrolment, open_hub, status
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.sync import SyncScreen
from deskapp.tui.widgets.status_line import StatusLine
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.sync.conftest import rogue_batch
from tests.tui import steps
from tests.tui.conftest import HUB_PASS, SNAP_DIR, approve_on_hub, make_app, make_hub
from tests.tui.helpers import count_people, fill, rendered, settle, sync_screen, unlock, wait_for
from tests.tui.steps import SIZES


@pytest.mark.parametrize("size", SIZES)
def test_sync_summary(
    size: tuple[int, int], snap_desk: Path, frozen_sync: None, snap_compare: Any
) -> None:
    make_hub(SNAP_DIR / "hub.db", snap_desk)
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps.sync_summary)


@pytest.mark.usefixtures("hub_env")
async def test_sync_with_a_file_hub(desk_path: Path, tmp_path: Path) -> None:
    hub = make_hub(tmp_path / "hub.db", desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: (app.pending_changes or 0) > 0)
        assert app.last_sync == "never"
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        # No hub remembered: the dialog asks for one (a path or a postgresql:// URL).
        await fill(pilot, str(tmp_path / "hub.db"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "done")
        screen = sync_screen(app)
        assert screen.result is not None and screen.result.pushed > 0
        summary = rendered(app, "#sync-summary")
        assert f"Pushed    {screen.result.pushed} changes" in summary
        assert "Pulled    0 changes" in summary
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_for(pilot, lambda: app.pending_changes == 0)
        assert app.last_sync != "never"
        assert "pending 0" in str(app.screen.query_one(StatusLine).render())
        # The hub is remembered: the next sync goes straight through and moves nothing.
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state == "done")
        result = sync_screen(app).result
        assert result is not None and result.pushed == 0 and result.pulled == 0
        assert result.hub_url == hub
        await pilot.press("escape")
        await settle(pilot)


@pytest.mark.usefixtures("hub_env")
async def test_cancel_mid_sync_keeps_what_was_sent_and_sync_again_finishes(
    desk_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc while the push is between batches: the sync stops after the batch at the hub,
    the summary says so, and `r` (sync again) sends the rest: nothing lost, nothing twice."""
    from deskapp.protocol.sealed_batch import SealedBatch
    from deskapp.sync import service
    from deskapp.sync.hub import Hub
    from deskapp.sync.hub_push import PushReceipt

    hub = make_hub(tmp_path / "hub.db", desk_path)
    monkeypatch.setattr(service, "BATCH", 5)  # the sample desk's changes take many batches
    first_batch_done = threading.Event()
    let_go = threading.Event()
    real_push = Hub.push

    def slow_push(self: Hub, batch: SealedBatch, **kwargs: Any) -> PushReceipt:
        receipt = real_push(self, batch, **kwargs)
        first_batch_done.set()
        let_go.wait(10)  # hold the sync between batches until the test has pressed Esc
        return receipt

    monkeypatch.setattr(Hub, "push", slow_push)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: (app.pending_changes or 0) > 0)
        pending = app.pending_changes or 0
        assert pending > 3 * service.BATCH
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        await fill(pilot, hub)
        await pilot.press("enter")
        await wait_for(pilot, first_batch_done.is_set)
        await wait_for(pilot, lambda: sync_screen(app).state != "secret")
        assert sync_screen(app).state == "running", sync_screen(app).error
        await pilot.press("escape")
        assert sync_screen(app).state == "cancelling"
        let_go.set()
        await wait_for(pilot, lambda: sync_screen(app).state == "done")
        first = sync_screen(app).result
        assert first is not None and first.cancelled
        assert 0 < first.pushed < pending
        assert "Sync cancelled" in rendered(app, "#sync-phase")
        monkeypatch.setattr(Hub, "push", real_push)
        await pilot.press("r")  # sync again: the rest goes
        await wait_for(pilot, lambda: sync_screen(app).state == "done")
        second = sync_screen(app).result
        assert second is not None and not second.cancelled
        assert first.pushed + second.pushed == pending
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.pending_changes == 0)
    # Every record reached the hub once: a second desk pulls exactly the sample desk's rows.
    other = Desk.init(tmp_path / "other.db", "PC-2", "Sgt Other", PASSPHRASE)[0]
    try:
        from deskapp.sync import run_sync

        with Desk.open(desk_path, OFFICER, PASSPHRASE) as supervisor:
            approve_on_hub(hub, supervisor, other)

        run_sync(other, hub)
        with other.read() as conn:
            pulled = int(conn.execute(text("SELECT count(*) FROM person")).scalar_one())
        assert pulled == count_people(desk_path)
    finally:
        other.close()


@pytest.mark.usefixtures("hub_env")
async def test_sync_asks_for_the_hub_passphrase(
    desk_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_hub(tmp_path / "hub.db", desk_path)
    monkeypatch.delenv("DESKAPP_HUB_PASSPHRASE")
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        await fill(pilot, str(tmp_path / "hub.db"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "secret")
        await fill(pilot, "not the passphrase")
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "failed")
        assert "passphrase does not open" in rendered(app, "#sync-summary")
        await pilot.press("r")  # the hub is filled in; enter asks for the passphrase again
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "secret")
        await fill(pilot, HUB_PASS)
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "done")
        assert sync_screen(app).result is not None
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.pending_changes == 0)


@pytest.mark.usefixtures("hub_env")
async def test_hub_errors_are_shown_not_raised(desk_path: Path, tmp_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        pending = app.pending_changes
        await pilot.press("S")
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        await fill(pilot, str(tmp_path / "nowhere" / "hub.db"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "failed")
        assert "There is no deskapp hub" in rendered(app, "#sync-summary")
        # An unreachable PostgreSQL hub: a clear message, and the desk carries on.
        await pilot.press("r")
        await wait_for(pilot, lambda: sync_screen(app).state == "hub")
        await fill(pilot, "postgresql://deskapp@127.0.0.1:1/hub")
        await pilot.press("enter")
        await wait_for(pilot, lambda: sync_screen(app).state == "failed", timeout=20)
        assert "could not be reached" in rendered(app, "#sync-summary")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert app.pending_changes == pending
        assert app.last_sync == "never"


@pytest.mark.usefixtures("hub_env")
def test_a_large_sync_hands_memory_back_and_the_desk_still_works(desk_path: Path) -> None:
    """After a sync that pulled many rows the app closes the desk's pooled connections
    (their page caches filled up) and trims the heap; the desk reopens them on next use."""
    from deskapp.tui import heap

    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        with desk.read() as conn:
            before = int(conn.execute(text("SELECT count(*) FROM person")).scalar_one())
        pool = desk.engine.pool
        assert isinstance(pool, QueuePool) and pool.checkedin() >= 1
        heap.after_large_sync(desk, heap.LARGE_SYNC_ROWS - 1)
        assert desk.engine.pool is pool  # a small sync leaves the pool alone
        heap.after_large_sync(desk, heap.LARGE_SYNC_ROWS)
        fresh = desk.engine.pool
        assert fresh is not pool and isinstance(fresh, QueuePool) and fresh.checkedin() == 0
        with desk.read() as conn:
            assert int(conn.execute(text("SELECT count(*) FROM person")).scalar_one()) == before
    finally:
        desk.close()


@pytest.mark.usefixtures("hub_env")
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


async def sync_with(pilot: Pilot[int], hub: Path) -> SyncScreen:
    """Unlock, sync with the file hub at ``hub`` and return the sync screen once it is done."""
    app = pilot.app
    await unlock(pilot)
    await pilot.press("S")
    await wait_for(pilot, lambda: isinstance(app.screen, SyncScreen))
    screen = app.screen
    assert isinstance(screen, SyncScreen)
    await wait_for(pilot, lambda: screen.state == "hub")
    field = app.focused
    assert isinstance(field, Input)
    field.value = str(hub)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.state in ("done", "failed"))
    assert screen.state == "done", screen.error
    return screen


@pytest.mark.usefixtures("hub_env")
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
        screen = await sync_with(pilot, tmp_path / "hub.db")
        assert screen.result is not None and screen.result.unconfirmed >= 1
        summary = str(screen.query_one("#sync-summary").render())
        assert "Not taken" in summary and "sent again at the next sync" in summary
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        assert status(desk).pending >= 1


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


@pytest.mark.usefixtures("hub_env")
async def test_the_sync_summary_counts_what_was_quarantined(
    desk_path: Path, tmp_path: Path
) -> None:
    url = make_hub(tmp_path / "hub.db", desk_path)
    poison_person(url, desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sync_with(pilot, tmp_path / "hub.db")
        assert screen.result is not None and screen.result.quarantined == 1
        summary = str(screen.query_one("#sync-summary").render())
        assert "1 quarantined" in summary and "deskapp sync quarantine" in summary
        assert "\x1b" not in summary and "not-a-date" not in summary
