"""Issue #20 in the app: the dashboard pane at 80x24, s.62 logging of unlock, lock,
opening an incident and copying to the clipboard, the oversight screen, writing a
return, and the auditor's desk (oversight and the log, nothing else)."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import select, text
from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.services import officers
from deskapp.tui.screens.audit import AuditScreen
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.oversight import OversightScreen
from deskapp.tui.screens.return_form import ReturnScreen
from deskapp.tui.screens.unlock import UnlockScreen
from deskapp.tui.widgets.dashboard import DashboardPane
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, type_text, unlock, wait_for

AUDITOR = "DPO-1"
AUDITOR_PASS = "quiet ledger of lanterns"


def details(
    path: Path, officer: str = OFFICER, passphrase: str = PASSPHRASE
) -> list[tuple[str, str, str]]:
    with Desk.open(path, officer, passphrase) as desk, desk.read() as conn:
        rows = conn.execute(
            select(AUDIT.c.action, AUDIT.c.entity, AUDIT.c.detail).order_by(AUDIT.c.seq)
        )
        return [tuple(r) for r in rows]


async def test_dashboard_paints_at_80x24_and_shows_its_numbers(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("5")
        pane = app.screen.query_one(DashboardPane)
        await wait_for(pilot, lambda: pane.data is not None and not pane.border_subtitle)
        await wait_for(pilot, lambda: pane.painted_after is not None)
        assert pane.display and pane.has_focus
        assert pane.data is not None and sum(map(sum, pane.data.by_grade.values())) > 0
        plots = list(pane.query(PlotextPlot))
        assert len(plots) == 4 and all(p.size.width >= 30 and p.size.height >= 8 for p in plots)
        titles = [str(p.render()) for p in plots]
        assert "Incidents a week" in titles[0] and "Open by adviser" in titles[3]
        await pilot.press("t")  # the numbers, one key away
        await settle(pilot)
        assert pane.has_class("-numbers")
        table = str(pane.query_one("#dashboard-table").render())
        assert table  # a rich Table renders through the Static
        await pilot.press("t", "2")
        assert app.screen.query_one("#queue").display and not pane.display


async def test_dashboard_paints_at_once_and_never_waits_for_a_read(desk_path: Path) -> None:
    """Shown before its figures are read, the pane draws its charts as counting; shown
    straight after a write, it draws the figures it holds, marked as updating, and the
    fresh ones replace them when read (a pane that waited for the read would first draw
    the fresh ones)."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        pane = app.screen.query_one(DashboardPane)
        assert pane.data is None  # the read-ahead waits 3 s for the lists
        await pilot.press("5")
        assert pane.first_painted == "counting"
        await wait_for(pilot, lambda: pane.data is not None and not pane.border_subtitle)
        assert "Incidents a week" in str(pane.query(PlotextPlot).first().render())
        await pilot.press("2")
        held = pane.data
        assert held is not None
        desk = app.require_desk()
        with desk.read() as conn:
            person = conn.execute(
                text("SELECT id FROM person WHERE briefing_status != 'done' LIMIT 1")
            ).scalar_one()
        with desk.write() as tx:
            assert tx.update("person", person, {"briefing_status": "done"})
        await pilot.press("5")
        assert pane.first_painted == "held"  # at once, marked "updating" till the read
        await wait_for(pilot, lambda: pane.painted_after is not None)
        await wait_for(pilot, lambda: pane.data is not held and not pane.border_subtitle)
        assert pane.data is not None and pane.data.generation > held.generation


async def test_unlock_lock_incident_and_clipboard_are_logged(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await settle(pilot)
        incident = app.screen
        assert isinstance(incident, IncidentScreen)
        app.copy_to_clipboard("Lowri Jenkins 07700")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
    events = details(desk_path)
    assert ("access", "desk", "unlocked (the app)") in events
    assert ("consultation", "incident", "opened") in events
    assert ("consultation", "clipboard", "copied 19 characters from IncidentScreen") in events
    assert events[-1] == ("access", "desk", "locked (on demand)")
    assert not any("Lowri" in d for _, _, d in events)


async def test_failed_unlocks_are_written_at_the_next_good_one(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(2):
            await type_text(pilot, "not the passphrase")
            await pilot.press("enter")
            await wait_for(pilot, lambda: not app.screen.busy)  # type: ignore[attr-defined]
        await unlock(pilot)
    events = details(desk_path)
    at = events.index(("access", "desk", "unlocked (the app)"))
    assert events[at - 1] == (
        "access",
        "desk",
        "failed unlocks: 2 before this unlock (any officer)",
    )


async def test_a_supervisor_sees_oversight_and_writes_a_return(
    desk_path: Path, tmp_path: Path
) -> None:
    app = make_app(desk_path)
    out = tmp_path / "return.csv"
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, OversightScreen))
        await settle(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, ReturnScreen))
        form = app.screen
        form.query_one("#return-from").value = "2026-01-01"  # type: ignore[attr-defined]
        form.query_one("#return-to").value = "2026-05-01"  # type: ignore[attr-defined]
        form.query_one("#return-path").value = str(out)  # type: ignore[attr-defined]
        await pilot.press("tab", "tab", "v")  # CSV
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OversightScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
    body = out.read_text()
    assert "Incidents by grade" in body and "Lowri" not in body
    assert any(e[1] == "return" for e in details(desk_path))


def _add_auditor(path: Path) -> None:
    with Desk.open(path, OFFICER, PASSPHRASE) as desk:
        officers.add_officer(desk, AUDITOR, "Dee Pio", AUDITOR_PASS, role="auditor")  # type: ignore[arg-type]


async def test_the_auditor_gets_oversight_and_the_log_and_nothing_else(desk_path: Path) -> None:
    _add_auditor(desk_path)
    app = make_app(desk_path, officer=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await type_text(pilot, AUDITOR_PASS)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OversightScreen))
        await settle(pilot)
        base = app.screen
        for key in ("escape", "1", "2", "3", "4", "5", "n", "X", "S", "R"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is base, key
        assert not app.screen.query(WindowList)  # no roster, no queue
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: audit.loaded and bool(audit.visible_rows()))
        await pilot.press("enter")  # the record an event names: not for an auditor
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        assert any("not the records" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is base)
        assert isinstance(app.screen.query_one(DataTable), DataTable)


def test_count_axes_have_whole_round_ticks_covering_the_largest_count() -> None:
    # Counts read at a glance: never an axis labelled 12.8 or 55.8 (plotext's own ticks).
    from deskapp.tui.widgets.dashboard import count_ticks

    for top in (0, 1, 3, 4, 5, 9, 38, 67, 100, 1200, 1234, 99_999):
        ticks = count_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= max(top, 1) and len(ticks) <= 5
        steps = {b - a for a, b in itertools.pairwise(ticks)}
        assert len(steps) == 1 and str(steps.pop()).strip("0") in ("1", "2", "5")


SCREENS: dict[str, steps.Steps] = {
    "oversight": steps.oversight,
}

test_screen = steps.snapshot_test(SCREENS)
