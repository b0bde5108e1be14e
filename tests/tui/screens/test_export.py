"""The export dialog (tui/screens/export.py), for a table and for an event's briefing pack:
redacted or disclosed by a supervisor only, and its snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.services import officers
from deskapp.tui.screens.event import EventScreen
from deskapp.tui.screens.export import ExportScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from tests.sample_desk import OFFICER
from tests.tui import steps
from tests.tui.conftest import SNAP_DIR, make_app
from tests.tui.helpers import open_desk, open_event, settle, unlock, wait_for
from tests.tui.steps import SIZES


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["export", "briefing"])
def test_export_dialog(
    name: str,
    size: tuple[int, int],
    snap_desk: Path,
    snap_compare: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(SNAP_DIR)  # the suggested file is in the folder the app runs in
    run = steps.export if name == "export" else steps.briefing
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=run)


CLERK = "PC-7001"


CLERK_PASS = "clerk passphrase for tests"


def disclosures(path: Path) -> list[tuple[str, str, str]]:
    with open_desk(path) as desk, desk.read() as conn:
        rows = conn.execute(
            select(AUDIT.c.entity, AUDIT.c.recipient, AUDIT.c.officer_id).where(
                AUDIT.c.action == AuditAction.DISCLOSURE
            )
        ).all()
    return [(r.entity, r.recipient, r.officer_id) for r in rows]


async def export_briefing(pilot: Any, path: Path, recipient: str = "") -> None:
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    screen = pilot.app.screen
    screen.query_one("#export-path").value = str(path)
    screen.query_one("#export-recipient").value = recipient
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_briefing_pack_redacted_then_disclosed_by_a_supervisor(
    desk_path: Path, tmp_path: Path
) -> None:
    app = make_app(desk_path)
    redacted, disclosed = tmp_path / "pack.md", tmp_path / "pack-disclosed.md"
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        await open_event(pilot, "Cathays")
        await export_briefing(pilot, redacted)
        assert isinstance(app.screen, EventScreen)
        body = redacted.read_text(encoding="utf-8")
        assert "Siân Evans" in body and "Cathays Community Centre" not in body
        assert "07700 900000" not in body
        await export_briefing(pilot, disclosed, "Cardiff Council events team")
        assert isinstance(app.screen, EventScreen)
        # The same name again: asked before anything is replaced.
        await export_briefing(pilot, disclosed)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n", "escape")
        await settle(pilot)
    body = disclosed.read_text(encoding="utf-8")
    assert "Cathays Community Centre" in body and "07700 900000" in body
    assert ("event", "Cardiff Council events team", OFFICER) in disclosures(desk_path)


async def test_an_officer_may_not_disclose(desk_path: Path, tmp_path: Path) -> None:
    with open_desk(desk_path) as desk:
        officers.add_officer(desk, CLERK, "PC Clerk", CLERK_PASS, role=OfficerRole.OFFICER)
    app = make_app(desk_path, officer=CLERK)
    target = tmp_path / "pack.md"
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot, CLERK_PASS)
        await open_event(pilot, "Cathays")
        await export_briefing(pilot, target, "A journalist")
        screen = app.screen
        assert isinstance(screen, ExportScreen)  # still open, saying why
        assert "supervisor" in str(screen.query_one("#export-message").render())
        assert not target.exists()
        screen.query_one("#export-recipient").value = ""  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EventScreen)
    assert "Cathays Community Centre" not in target.read_text(encoding="utf-8")
    assert disclosures(desk_path) == []


async def test_exports_from_the_main_screen(desk_path: Path, tmp_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        for key, name in (("r", "roster.csv"), ("c", "caseload.csv"), ("i", "incidents.csv")):
            await pilot.press("X")
            await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.press(key)
            app.screen.query_one("#export-path").value = str(tmp_path / name)  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    roster = (tmp_path / "roster.csv").read_text(encoding="utf-8")
    assert "Siân Evans" in roster and "07700" not in roster
    assert (tmp_path / "caseload.csv").exists() and (tmp_path / "incidents.csv").exists()
