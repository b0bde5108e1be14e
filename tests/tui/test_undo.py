"""One-key undo (tui/undo.py): a regrade, a status, an assignment and a flag put back as
logged corrections, and the offer lapses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.domain.status import allowed_next
from deskapp.services.incidents import get_incident
from deskapp.tui.screens.modals import PickerScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    choose_status,
    open_row,
    settle,
    toasts,
    type_text,
    unlock,
    wait_for,
)


def audit_count(desk: Desk, incident_id: str) -> int:
    with desk.read() as conn:
        return len(conn.execute(select(AUDIT).where(AUDIT.c.entity_id == incident_id)).all())


async def test_regrade_then_u_puts_the_grade_back_as_a_logged_change(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 2)
        assert screen.data is not None
        grade, due = screen.data["grade"], screen.data["due_at"]
        await pilot.press("4")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["grade"] == 4)
        assert "u to undo" in toasts(app)
        desk = app.require_desk()
        events_before = audit_count(desk, screen.incident_id)
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["grade"] == grade)
        incident = get_incident(desk, screen.incident_id)
        assert incident["due_at"] == due
        assert audit_count(desk, screen.incident_id) > events_before
        assert "undo" in incident["timeline"][-1]["text"].lower()
        await pilot.press("u")  # nothing more to undo: the grade stays
        await settle(pilot)
        assert get_incident(desk, screen.incident_id)["grade"] == grade


async def test_undo_of_resolved_restores_the_status_as_a_correction(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 2)
        assert screen.data is not None and screen.data["status"] == "triaged"
        await choose_status(pilot, screen, "resolved")
        assert "triaged" not in [str(s) for s in allowed_next("resolved")]
        await pilot.press("u")
        await wait_for(
            pilot, lambda: screen.data is not None and screen.data["status"] == "triaged"
        )
        texts = [e["text"] for e in screen.data["timeline"]]
    assert any("corrected" in t and "resolved -> triaged" in t for t in texts)


async def test_undo_of_assign_and_operation_flag(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 7)  # a G4 still 'new', nobody assigned
        assert screen.data is not None
        assert screen.data["status"] == "new" and screen.data["adviser_id"] is None
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await type_text(pilot, "dawn")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["adviser_id"])
        assert screen.data["status"] == "assigned"
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.data is not None and not screen.data["adviser_id"])
        assert screen.data["status"] == "new"
        await pilot.press("o", "3")  # Operation Bridger
        await wait_for(
            pilot, lambda: screen.data is not None and screen.data["operation"] != "none"
        )
        await pilot.press("u")
        await wait_for(
            pilot, lambda: screen.data is not None and screen.data["operation"] == "none"
        )


async def test_undo_offer_lapses(desk_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deskapp.tui import undo

    monkeypatch.setattr(undo, "UNDO_SECONDS", 0.05)
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 2)
        await pilot.press("4")
        await wait_for(pilot, lambda: screen.data is not None and screen.data["grade"] == 4)
        await wait_for(pilot, lambda: screen.undo.pending is None)
        await pilot.press("u")
        await settle(pilot)
        assert get_incident(app.require_desk(), screen.incident_id)["grade"] == 4
        assert "Nothing to undo" in toasts(app)
