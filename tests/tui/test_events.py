"""Pilot tests: campaign events end to end, by keyboard alone (issue #17): create an
event, link two people, change its risk with a reason, export its briefing pack (redacted,
disclosed by a supervisor, refused to an officer), and exports from the main screen."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.domain.events import event_ref
from deskapp.domain.vocabulary import AuditAction, OfficerRole
from deskapp.services import events, officers
from deskapp.tui.screens.event import EventScreen
from deskapp.tui.screens.event_form import EventFormScreen
from deskapp.tui.screens.export import ExportScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from tests.sample_desk import OFFICER, PASSPHRASE

from .conftest import make_app
from .helpers import burst, settle, type_text, unlock, wait_for

CLERK = "PC-7001"
CLERK_PASS = "clerk passphrase for tests"


def shown(widget: Any) -> str:
    """What a Static shows, as plain text (its content may be a Rich table)."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def open_desk(path: Path, officer: str = OFFICER, passphrase: str = PASSPHRASE) -> Desk:
    return Desk.open(path, officer, passphrase)


def event_by_title(path: Path, title: str) -> events.EventDetail:
    with open_desk(path) as desk:
        [row] = [e for e in events.list_events(desk) if e["title"] == title]
        return events.get_event(desk, row["id"], reveal=True)


def disclosures(path: Path) -> list[tuple[str, str, str]]:
    with open_desk(path) as desk, desk.read() as conn:
        rows = conn.execute(
            select(AUDIT.c.entity, AUDIT.c.recipient, AUDIT.c.officer_id).where(
                AUDIT.c.action == AuditAction.DISCLOSURE
            )
        ).all()
    return [(r.entity, r.recipient, r.officer_id) for r in rows]


async def open_event(pilot: Any, title: str) -> EventScreen:
    """From the main screen: the events pane, filtered to ``title``, opened."""
    await pilot.press("4", "slash")
    await type_text(pilot, title)
    await settle(pilot)
    await pilot.press("enter", "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, EventScreen) and app.screen.data)
    screen = app.screen
    assert isinstance(screen, EventScreen)
    return screen


async def test_create_an_event_link_two_people_and_change_its_risk(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        await pilot.press("4")
        # One burst, as a fast typist's keys arrive: the form takes them in turn.
        await burst(
            pilot, "a", *"Roath hustings", "tab", "h", *"2026-05-09 18:30", "tab",
            *"2026-05-09 20:30", "tab", *"St Margaret's Church", "ctrl+s",
        )  # fmt: skip
        await wait_for(pilot, lambda: isinstance(app.screen, EventScreen) and app.screen.data)
        screen = app.screen
        assert isinstance(screen, EventScreen)
        head = shown(screen.query_one("#event-head"))
        assert "Roath hustings" in head and "St Margaret" not in head  # the place is masked
        # Typed and shown on the force's clock: a May evening is BST.
        assert "Sat 09 May 2026 18:30 BST to 20:30" in head
        for name in ("sian", "aled"):
            await pilot.press("p")
            await type_text(pilot, name)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
        await burst(pilot, "R", "h", *"Protest group expected", "enter")
        await wait_for(pilot, lambda: screen.data and screen.data["risk"] == "high")
        assert isinstance(app.screen, EventScreen)
    saved = event_by_title(desk_path, "Roath hustings")
    assert (saved["kind"], saved["place"]) == ("hustings", "St Margaret's Church")
    assert saved["starts_at"] == datetime(2026, 5, 9, 17, 30, tzinfo=UTC)  # kept in UTC
    assert (saved["risk"], saved["risk_reason"]) == ("high", "Protest group expected")
    assert [p["name"] for p in saved["people"]] == ["Aled Roberts", "Siân Evans"]


async def test_the_form_refuses_beside_the_field_and_asks_before_discarding(
    desk_path: Path,
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        await pilot.press("4")
        await burst(pilot, "a", *"Street stall", "tab", "x", *"next tuesday", "ctrl+s")
        form = app.screen
        assert isinstance(form, EventFormScreen)
        message = form.query_one("#error-starts_at")
        assert message.display and "Give the start as a time" in str(message.render())
        assert app.focused is form.query_one("#starts_at")
        # Risk above low without its reason: refused beside the reason.
        field = form.query_one("#starts_at")
        field.value = "2026-05-10 10:00"  # type: ignore[attr-defined]
        form.query_one("#risk").value = "medium"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EventFormScreen)
        assert "needs its reason" in str(form.query_one("#error-risk_reason").render())
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert app.screen is form
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    with open_desk(desk_path) as desk:
        assert "Street stall" not in [e["title"] for e in events.list_events(desk)]


async def test_unsaved_input_survives_a_lock(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        await open_event(pilot, "Bangor")
        await pilot.press("e", "end")
        await type_text(pilot, " (moved)")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.desk is None
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventFormScreen))
        form = app.screen
        assert form.query_one("#title").value == "Bangor surgery (moved)"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, EventScreen))
    assert event_by_title(desk_path, "Bangor surgery (moved)")["place"] == "Bangor library"


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


async def test_event_references_show_in_the_pane_and_the_person_view(desk_path: Path) -> None:
    with open_desk(desk_path) as desk:
        short = [e for e in events.list_events(desk) if e["short_notice"]]
        ref = event_ref(str(short[0]["id"]))
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await unlock(pilot)
        await pilot.press("4")
        await settle(pilot)
        pane = app.screen.query_one("#events-list")
        lines = "\n".join(str(pane.render_line(y).text) for y in range(6))
        assert ref in lines and "short" in lines
        screen = await open_event(pilot, "Bangor")
        assert "short" in shown(screen.query_one("#event-head"))


async def test_each_choice_bar_keeps_its_own_keys(desk_path: Path) -> None:
    """The event form's kind bar (h: hustings) and risk bar (h: high) once shared one list
    of bindings per key with every other bar: after the form had been open, fast
    capture's "h" chose "hustings" as the incident's type."""
    from deskapp.tui.screens.new_incident import NewIncidentScreen

    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        await pilot.press("4", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, EventFormScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("2", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewIncidentScreen))
        await type_text(pilot, "sian")
        await settle(pilot)
        await pilot.press("enter", "h")
        await settle(pilot)
        assert app.screen.query_one("#type").value == "harassment"  # type: ignore[attr-defined]


async def test_the_incident_view_names_its_event(desk_path: Path) -> None:
    from deskapp.services import incidents
    from deskapp.tui.screens.incident import IncidentScreen

    with open_desk(desk_path) as desk:
        [event] = [e for e in events.list_events(desk) if e["title"] == "Cathays hustings"]
        sian = events.get_event(desk, event["id"])["people"][0]["id"]
        iid = incidents.add_incident(
            desk, person=sian, type="threat", grade=2, summary="Heckled", event=event["id"]
        )
    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        app.push_screen(IncidentScreen(iid))
        await wait_for(pilot, lambda: getattr(app.screen, "data", None) is not None)
        head = shown(app.screen.query_one("#incident-head"))
        assert f"{event['ref']}  Cathays hustings" in head


async def test_a_failure_shows_its_kind_never_its_text(desk_path: Path, monkeypatch: Any) -> None:
    """An exception's text can quote personal data: the event view says what kind of
    failure it was, nothing more."""

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("Cathays Community Centre, 12 Example Street")

    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        monkeypatch.setattr(events, "get_event", broken)
        app.push_screen(EventScreen("any"))
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "Unexpected error (RuntimeError)." in messages
        assert not any("Example Street" in m for m in messages)


async def test_an_event_opens_from_the_person_view(desk_path: Path) -> None:
    """A person's events were a printed table: now tab reaches them and enter opens one."""
    from deskapp.db.tables import EVENT_PERSON
    from deskapp.tui.screens.person import PersonScreen

    with open_desk(desk_path) as desk, desk.read() as conn:
        linked = conn.execute(select(EVENT_PERSON)).mappings().first()
        assert linked is not None
        person_id, event_id = str(linked["person_id"]), str(linked["event_id"])
    app = make_app(desk_path)
    async with app.run_test(size=(100, 34)) as pilot:
        await unlock(pilot)
        app.push_screen(PersonScreen(person_id))
        await wait_for(pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data)
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventScreen) and app.screen.data)
        assert isinstance(app.screen, EventScreen) and app.screen.event_id == event_id
