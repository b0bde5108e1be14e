"""The event screen (tui/screens/event.py): linking people, changing the risk, references in
the pane and the person view, failures named by kind, and its snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from deskapp.domain.events import event_ref
from deskapp.services import events
from deskapp.tui.screens.event import EventScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    burst,
    event_by_title,
    open_desk,
    open_event,
    settle,
    shown,
    type_text,
    unlock,
    wait_for,
)

SCREENS: dict[str, steps.Steps] = {
    "event": steps.event,
}

test_screen = steps.snapshot_test(SCREENS)


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
