"""Pilot tests: sync with a real file hub, conflicts, roster import and auto-assign."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from deskapp.db.desk import Desk
from deskapp.importing.roster import stage_text
from deskapp.services.incidents import get_incident
from deskapp.sync import status
from deskapp.tui.bindings import all_binding_ids
from deskapp.tui.screens.assign import AutoAssignScreen
from deskapp.tui.screens.conflicts import ConflictsScreen
from deskapp.tui.screens.importing import ImportScreen
from deskapp.tui.screens.main import CoverageLine, MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from deskapp.tui.widgets.status_line import StatusLine
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui.helpers import fill, rendered, sync_screen

from .conftest import HUB_PASS, approve_on_hub, make_app, make_conflict, make_hub
from .helpers import settle, unlock, wait_for

DATA = Path(__file__).resolve().parent.parent / "data"

pytestmark = pytest.mark.usefixtures("hub_env")


def count_people(path: Path) -> int:
    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.read() as conn:
            return int(conn.execute(text("SELECT count(*) FROM person")).scalar_one())
    finally:
        desk.close()


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


async def preview_import(pilot: Pilot[int], source: Path) -> ImportScreen:
    """Unlock, open the import screen (`I`), give it ``source`` and wait for the preview."""
    app = pilot.app
    await unlock(pilot)
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(app.screen, ImportScreen))
    screen = app.screen
    assert isinstance(screen, ImportScreen)
    await fill(pilot, str(source))
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.plan is not None)
    return screen


async def test_import_preview_and_apply(desk_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "candidates.csv"
    shutil.copy(DATA / "dc_minimal.csv", source)
    before = count_people(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        plan = screen.plan
        assert plan is not None and plan.ok
        new = plan.summary.people.new
        assert new == 4  # five rows, one person standing twice
        counts = rendered(app, "#import-counts")
        assert "People" in counts and "democracyclub" in counts
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.applied is not None)
        assert "Imported" in rendered(app, "#import-counts")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
    assert count_people(desk_path) == before + new


async def test_import_shows_progress_in_words_then_repeats_and_area(
    desk_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The officer reads what the import is doing (never the importer's stage names),
    with a bar that moves, then how many rows were merged as repeats and how many were
    outside the desk's area, before and after importing."""
    from tests.importing.test_importer import row, write_dc

    settings = tmp_path / "settings.toml"
    settings.write_text('[area]\ncouncils = ["cardiff"]\n', encoding="utf-8")
    monkeypatch.setenv("DESKAPP_CONFIG", str(settings))
    first = row("930001", "Elin Tudur", "local.cardiff.pentyrch.2026-05-07")
    source = write_dc(
        tmp_path / "dc.csv",
        [
            first,
            row("930002", "Gethin Rowlands", "local.cardiff.radyr.2026-05-07"),
            {**first, "email": "elin@example.org"},  # a repeat that agrees: merged
            row("930003", "Siobhán Nic Ruairí", "local.glasgow.calton.2026-05-07"),
        ],
    )
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        reported: list[tuple[str, int, int]] = []
        show = screen._progress

        def record(progress: tuple[str, int, int]) -> None:
            reported.append(progress)
            show(progress)

        monkeypatch.setattr(screen, "_progress", record)
        await pilot.press("e")  # back to the path, and preview again
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.plan is not None and not screen.busy)
        assert {"reading", "matching"} <= {stage for stage, _, _ in reported}
        # Each stage as the screen shows it: words, and a bar with a real total.
        screen.busy = True
        for stage in ("reading", "matching"):
            _, done, total = [p for p in reported if p[0] == stage][-1]
            show((stage, done, total))
            await settle(pilot)
            phase = rendered(app, "#import-phase")
            assert stage not in phase
            bar = screen.query_one("#import-bar", ProgressBar)
            assert bar.total == max(1, total) and bar.progress == done
            size = source.stat().st_size / 1000
            label = {
                "reading": "Reading and checking the file",
                "matching": "Comparing with the desk",
            }[stage]
            assert phase == f"{label}: {size:.0f} of {size:.0f} KB"
        screen.busy = False
        # A large file in MB; the stage of an import that writes.
        assert stage_text("writing", 3_200_000, 14_500_000) == "Saving to the desk: 3.2 of 14.5 MB"
        counts = rendered(app, "#import-counts")
        assert "Merged 1 repeated row" in counts
        assert "Left out 1 candidacy outside the desk's area" in counts
        assert screen.plan is not None and screen.plan.summary.people.new == 2
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.applied is not None)
        applied = rendered(app, "#import-counts")
        assert "Imported" in applied and "Merged 1 repeated row" in applied
        assert "Left out 1 candidacy" in applied


async def test_import_refuses_a_bad_file_whole(desk_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "problems.csv"
    shutil.copy(DATA / "dc_problems.csv", source)
    before = count_people(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        assert screen.plan is not None and not screen.plan.ok
        problems = rendered(app, "#import-problems")
        for problem in screen.plan.problems:
            assert f"row {problem.row}" in problems
        assert "Refused whole" in rendered(app, "#import-phase")
        await pilot.press("y")  # refused: nothing to confirm, nothing written
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen) and screen.applied is None
        assert not (tmp_path / "problems.rejects.csv").exists()
    assert count_people(desk_path) == before


async def test_import_skip_bad_rows_writes_a_reject_file(desk_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "problems.csv"
    shutil.copy(DATA / "dc_problems.csv", source)
    before = count_people(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await preview_import(pilot, source)
        plan = screen.plan
        assert plan is not None
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "personal data" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.applied is not None)
        new = plan.summary.people.new
    rejects = tmp_path / "problems.rejects.csv"
    assert rejects.exists() and rejects.stat().st_mode & 0o077 == 0
    assert count_people(desk_path) == before + new


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


async def test_new_actions_have_ids_and_palette_entries(desk_path: Path) -> None:
    ids = all_binding_ids()
    for binding_id in (
        "main.sync",
        "main.conflicts",
        "main.import",
        "main.auto_assign",
        "sync.escape",
        "conflicts.keep_local",
        "conflicts.keep_remote",
        "import.apply",
        "import.skip_bad",
        "assign.apply",
    ):
        assert binding_id in ids
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        titles = [title for title, _, _ in screen.palette_commands()]
        for title in ("Sync with the hub", "Sync conflicts", "Auto-assign named contacts"):
            assert title in titles
        await pilot.press("question_mark")
        await settle(pilot)
        body = str(app.screen.query_one("#help-body").render())
        for binding_id in ("main.sync", "main.conflicts", "main.import", "main.auto_assign"):
            assert binding_id in body


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
