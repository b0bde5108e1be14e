"""Pilot tests: triage in the incident view and the queue — J/K after a move, THRIVE
notes, keys sent in one burst, and one-key undo (issue #15 points 1, 2, 4 and 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.domain.status import allowed_next
from deskapp.domain.thrive import Score, from_json, parse_spec
from deskapp.services.incidents import get_incident, list_incidents, update_incident
from deskapp.tui.app import DeskApp
from deskapp.tui.sample import OFFICER, PASSPHRASE
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen, ThriveScreen

from .conftest import make_app
from .helpers import burst, settle, type_text, unlock, wait_for

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]


async def open_row(pilot: Pilot[int], index: int) -> IncidentScreen:
    """Open the queue's row ``index`` (0-based) by keyboard and wait for it to show."""
    app = pilot.app
    await pilot.press("2", *["j"] * index, "enter")
    await wait_for(
        pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
    )
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    return screen


async def choose_status(pilot: Pilot[int], screen: IncidentScreen, target: str) -> None:
    assert screen.data is not None
    options = [str(s) for s in allowed_next(str(screen.data["status"]))]
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
    await pilot.press(str(options.index(target) + 1))
    await wait_for(pilot, lambda: screen.data is not None and screen.data["status"] == target)


def showing(screen: IncidentScreen, ref: str) -> bool:
    return screen.data is not None and screen.data["ref"] == ref


def toasts(app: DeskApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


# -- point 1: J/K follow the order the officer was looking at -----------------------------
@pytest.mark.parametrize("action", ["resolve", "regrade"])
async def test_j_after_moving_the_third_incident_opens_the_fourth(
    desk_path: Path, action: str
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        order = [r["ref"] for r in list_incidents(app.require_desk())]
        screen = await open_row(pilot, 2)
        assert showing(screen, order[2])
        if action == "resolve":
            await choose_status(pilot, screen, "resolved")  # out of the queue
        else:
            await pilot.press("4")  # G2 -> G4: to the far end of the queue
            await wait_for(pilot, lambda: screen.data is not None and screen.data["grade"] == 4)
        await pilot.press("J")
        await wait_for(pilot, lambda: showing(screen, order[3]))
        await pilot.press("K")
        await wait_for(pilot, lambda: showing(screen, order[2]))
        await pilot.press("K")
        await wait_for(pilot, lambda: showing(screen, order[1]))
        await pilot.press("J", "J", "J")
        await wait_for(pilot, lambda: showing(screen, order[4]))


async def test_keys_after_j_in_a_burst_act_on_the_next_incident(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        order = list_incidents(app.require_desk())
        screen = await open_row(pilot, 0)
        await burst(pilot, "J", "3")
        await wait_for(pilot, lambda: showing(screen, order[1]["ref"]))
        await settle(pilot)
        desk = app.require_desk()
        assert get_incident(desk, order[0]["id"])["grade"] == order[0]["grade"]
        assert get_incident(desk, order[1]["id"])["grade"] == 3


# -- point 2: re-THRIVE keeps (and edits) the factor notes ----------------------------------
async def test_rethrive_shows_and_keeps_factor_notes(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        first = list_incidents(desk)[0]
        update_incident(
            desk,
            first["id"],
            thrive=parse_spec(
                "threat=high:caller named the street,harm=medium:family at home,risk=low:no history"
            ),
        )
    finally:
        desk.close()
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 0)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ThriveScreen))
        form = app.screen
        assert isinstance(form, ThriveScreen)
        await settle(pilot)
        grid = str(form.query_one("#thrive-grid").render())
        assert "caller named the street" in grid and "family at home" in grid
        # Harm: score it high and rewrite its note; leave threat and risk alone.
        await pilot.press("down", "h", "up", "n")
        await pilot.press(*["backspace"] * 30)
        await type_text(pilot, "partner threatened too")
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ThriveScreen))
        await settle(pilot)
        incident = get_incident(app.require_desk(), screen.incident_id)
    thrive = from_json(incident["thrive"])
    assert thrive["threat"].level == "high" and thrive["threat"].note == "caller named the street"
    assert thrive["harm"].level == "high" and thrive["harm"].note == "partner threatened too"
    assert thrive["risk"].level == "low" and thrive["risk"].note == "no history"
    last = [e for e in incident["timeline"] if e["kind"] == "thrive"][-1]["text"]
    # Old and new, notes included: the earlier assessment can be read back.
    assert "family at home" in last and "partner threatened too" in last
    assert "medium" in last and "high" in last


async def test_thrive_keys_in_one_burst_act_on_the_row_they_reach(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 0)
        before = from_json(screen.data["thrive"] if screen.data else "")
        await burst(pilot, "t", "down", "down", "down", "l", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ThriveScreen))
        await settle(pilot)
        thrive = from_json(get_incident(app.require_desk(), screen.incident_id)["thrive"])
    assert thrive["investigation"].level == "low"
    assert thrive["threat"] == before["threat"]


async def test_a_note_typed_in_one_burst_lands_in_the_note(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        screen = await open_row(pilot, 0)
        await burst(pilot, "t", "down", "down", "m", "up", "n", *"spoke", "enter", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ThriveScreen))
        await settle(pilot)
        thrive = from_json(get_incident(app.require_desk(), screen.incident_id)["thrive"])
    assert thrive["risk"] == Score("medium", "spoke")


# -- point 6: one key undoes a one-key triage action --------------------------------------
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


async def test_bulk_regrade_names_the_count_and_is_undone_by_one_key(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        queue = main.pane("queue").list
        desk = app.require_desk()
        rows = [queue.row(i) for i in range(3)]
        before = {str(r["id"]): r["grade"] for r in rows if r is not None}
        await pilot.press("space", "space", "space", "r")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.query_one(".dialog-text").render()
        assert "Set grade G4 on 3 marked incidents?" in str(question)
        await pilot.press("y")
        await wait_for(pilot, lambda: all(get_incident(desk, i)["grade"] == 4 for i in before))
        await wait_for(pilot, lambda: "u to undo" in toasts(app))
        assert isinstance(app.screen, MainScreen)
        await pilot.press("u")
        await wait_for(
            pilot, lambda: all(get_incident(desk, i)["grade"] == g for i, g in before.items())
        )


def test_navigator_past_its_snapshot_continues_after_the_edge_row() -> None:
    """Past the rows seen at open time, J fetches the live queue from beyond the last
    row seen — even when rows before it have left the queue meanwhile — and K before
    the first, never repeating a row already walked."""
    from deskapp.tui.screens.incident import Navigator
    from deskapp.tui.widgets.window_list import ListSource, Row

    live = [f"i{n:03}" for n in range(300)]

    def load(text: str, offset: int, limit: int, total: bool) -> tuple[None, list[Row], bool]:
        return None, [{"id": i} for i in live[offset : offset + limit]], True

    nav = Navigator(ListSource("queue", [], load), "", live[100:200], 100, 99)
    del live[150:180]  # thirty rows resolved while the officer worked
    assert nav.step(1) is None
    nav.add(nav.more(True), True)
    assert nav.step(1) == "i200"
    nav.index = 0
    live.insert(0, "new")  # a new incident at the top
    nav.add(nav.more(False), False)
    assert nav.step(-1) == "i099"
    assert len(nav.ids) == len(set(nav.ids))
