"""SVG snapshots of every screen at 80x24 and 200x50 (deterministic sample desk, fixed clock).

Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from deskapp.tui.sample import FIXED_NOW, OFFICER, PASSPHRASE
from deskapp.tui.screens.importing import ImportScreen
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.widgets.window_list import WindowList

from .conftest import SNAP_DIR, make_app, make_conflict, make_hub
from .helpers import settle, type_text, unlock, wait_for

DATA = Path(__file__).resolve().parent.parent / "io" / "data"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")]

Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def _main(pilot: Pilot[Any]) -> None:
    await unlock(pilot)


async def _unlock_screen(pilot: Pilot[Any]) -> None:
    await pilot.pause()


async def _incident(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, IncidentScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def _new_incident(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("n")
    await type_text(pilot, "sia")
    await settle(pilot)
    await pilot.press("enter", "o", "2")
    await type_text(pilot, "Abusive replies to campaign video")
    await settle(pilot)


async def _person(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("3", "slash")
    await type_text(pilot, "sian")
    await settle(pilot)
    await pilot.press("enter", "enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, PersonScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def _events(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("4")
    await settle(pilot)


async def _dashboard(pilot: Pilot[Any]) -> None:
    from deskapp.tui.widgets.dashboard import DashboardPane

    await unlock(pilot)
    await pilot.press("5")
    pane = pilot.app.screen.query_one(DashboardPane)
    await wait_for(pilot, lambda: pane.data is not None and not pane.border_subtitle)
    await wait_for(pilot, lambda: pane.painted_after is not None)
    await settle(pilot)


async def _oversight(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.oversight import OversightScreen

    await unlock(pilot)
    await pilot.press("M")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, OversightScreen))
    await settle(pilot)


async def _event(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.event import EventScreen

    await unlock(pilot)
    await pilot.press("4", "enter")  # the first by start: the Bangor surgery, short notice
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, EventScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def _new_event(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("4", "a")
    await type_text(pilot, "Roath hustings")
    await pilot.press("tab", "h")
    await type_text(pilot, "2026-05-09 18:30")
    await settle(pilot)


async def _edit_event(pilot: Pilot[Any]) -> None:
    await _event(pilot)
    await pilot.press("e")
    await settle(pilot)


async def _event_risk(pilot: Pilot[Any]) -> None:
    await _event(pilot)
    await pilot.press("R", "h")
    await type_text(pilot, "Crowd of 200")
    await settle(pilot)


async def _filtered_roster(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("3", "slash")
    await type_text(pilot, "labour")
    await settle(pilot)
    await pilot.press("enter", "space", "j")
    await settle(pilot)


async def _review(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("R")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def _audit(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, "collection")  # the events written when the sample was built
    await settle(pilot)
    await pilot.press("enter")


async def _form_loaded(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await settle(pilot)


async def _person_form(pilot: Pilot[Any]) -> None:
    await _person(pilot)
    await pilot.press("e")
    await _form_loaded(pilot)


async def _adviser_form(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("1", "e")
    await _form_loaded(pilot)


async def _councils(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("O")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def _council_form(pilot: Pilot[Any]) -> None:
    await _councils(pilot)
    await pilot.press("enter")
    await _form_loaded(pilot)


async def _review_extend(pilot: Pilot[Any]) -> None:
    await _review(pilot)
    await pilot.press("x")
    await _form_loaded(pilot)


async def _audit_filter(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("f")
    await _form_loaded(pilot)
    await type_text(pilot, "PC-4521")


async def _lock(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("ctrl+l")
    await settle(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


async def _wrong_passphrase(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await type_text(pilot, "wrong")
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Wrong" in str(pilot.app.screen.query_one("#message").render()))
    await settle(pilot)


async def _subjects(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("V")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def _subject(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.subject import SubjectScreen

    await _subjects(pilot)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, SubjectScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def _person_security(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.security import PersonSecurityScreen

    await _person(pilot)
    await pilot.press("S")
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, PersonSecurityScreen) and pilot.app.screen.data is not None
        ),
    )
    await settle(pilot)


async def _measure_form(pilot: Pilot[Any]) -> None:
    await _person_security(pilot)
    await pilot.press("m")
    await _form_loaded(pilot)
    await pilot.press("2", "r")


SCREENS: dict[str, Steps] = {
    "unlock": _unlock_screen,
    "unlock_wrong": _wrong_passphrase,
    "main": _main,
    "incident": _incident,
    "new_incident": _new_incident,
    "person": _person,
    "events": _events,
    "dashboard": _dashboard,
    "oversight": _oversight,
    "event": _event,
    "new_event": _new_event,
    "edit_event": _edit_event,
    "event_risk": _event_risk,
    "roster_filtered_marked": _filtered_roster,
    "review": _review,
    "audit": _audit,
    "lock": _lock,
    "help": _help,
    "person_form": _person_form,
    "adviser_form": _adviser_form,
    "councils": _councils,
    "council_form": _council_form,
    "review_extend": _review_extend,
    "audit_filter": _audit_filter,
    "subjects": _subjects,
    "subject": _subject,
    "person_security": _person_security,
    "measure_form": _measure_form,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])


async def _fill(pilot: Pilot[Any], value: str) -> None:
    field = pilot.app.focused
    assert isinstance(field, Input)
    field.value = value
    await pilot.pause()


async def _sync_summary(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("S")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "state", "") == "hub")
    await _fill(pilot, str(SNAP_DIR / "hub.db"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "state", "") == "done")
    # The status line behind the dialog refreshes from a worker after the sync: wait for
    # it, or a loaded machine snapshots the old "pending … · sync never".
    await wait_for(pilot, lambda: pilot.app.pending_changes == 0 and pilot.app.last_sync_at)
    await settle(pilot)


async def _conflicts(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("C")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await settle(pilot)


async def _import_preview(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))
    await _fill(pilot, str(SNAP_DIR / "candidates.csv"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "plan", None) is not None)
    await settle(pilot)


@pytest.fixture
def frozen_sync(hub_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last-sync time in the status line is the sample's fixed clock, and how long
    the sync took is not measured (a loaded machine must not change the picture)."""
    monkeypatch.setattr("deskapp.sync.service.utcnow", lambda: FIXED_NOW)
    monkeypatch.setattr("deskapp.tui.screens.sync.describe_duration", lambda _: "under a second")


@pytest.mark.parametrize("size", SIZES)
def test_sync_summary(
    size: tuple[int, int], snap_desk: Path, frozen_sync: None, snap_compare: Any
) -> None:
    make_hub(SNAP_DIR / "hub.db", snap_desk)
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=_sync_summary)


@pytest.mark.parametrize("size", SIZES)
def test_conflicts_view(
    size: tuple[int, int], snap_desk: Path, frozen_sync: None, snap_compare: Any
) -> None:
    from sqlalchemy import update

    from deskapp.db.desk import Desk
    from deskapp.db.tables import Conflict

    hub = make_hub(SNAP_DIR / "conflict-hub.db", snap_desk)
    make_conflict(snap_desk, hub, SNAP_DIR / "other.db")
    table = Conflict.__table__  # type: ignore[attr-defined]
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
    assert snap_compare(app, terminal_size=size, run_before=_conflicts)


@pytest.mark.parametrize("size", SIZES)
def test_import_preview(size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    shutil.copy(DATA / "dc_problems.csv", SNAP_DIR / "candidates.csv")
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=_import_preview)


@pytest.mark.parametrize("size", SIZES)
def test_setup_screen(size: tuple[int, int], snap_compare: Any) -> None:
    app = make_app(SNAP_DIR / "new" / "desk.db", officer="")
    assert snap_compare(app, terminal_size=size, run_before=_unlock_screen)


async def _export(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("X")
    await settle(pilot)


async def _briefing(pilot: Pilot[Any]) -> None:
    await _event(pilot)
    await pilot.press("b")
    await settle(pilot)


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
    steps = _export if name == "export" else _briefing
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=steps)
