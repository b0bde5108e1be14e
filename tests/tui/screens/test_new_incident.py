"""The new-incident screen (tui/screens/new_incident.py): fast capture typed at speed or in
one burst, the adviser it goes to, a caller not on the roster, a long summary, and its
snapshot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from textual import events
from textual.widgets import Input, OptionList, Static

from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.services.incidents import QueueRow, get_incident, list_incidents
from deskapp.services.people import get_person
from deskapp.tui.app import DeskApp
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import PickerScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person_form import PersonFormScreen
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.lookup import Lookup
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    capture,
    capture_for,
    settle,
    type_text,
    unlock,
    until,
    wait_for,
)


async def test_fast_capture_under_ten_keystrokes(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        keys = ["n", "s", "i", "a", "enter", "t", "1"]  # person, type, grade
        await pilot.press(*keys[:4])
        await settle(pilot)
        await pilot.press(*keys[4:])
        await settle(pilot)
        capture = app.screen
        assert isinstance(capture, NewIncidentScreen)
        assert capture.person is not None and capture.person[1] == "Siân Evans"
        await type_text(pilot, "Brick through window")  # the summary itself
        await pilot.press("enter")
        keys.append("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert len(keys) < 10
        rows = list_incidents(app.require_desk(), filter_text="brick")
    assert len(rows) == 1
    assert rows[0]["grade"] == 1 and rows[0]["type"] == "threat"
    assert rows[0]["person_name"] == "Siân Evans"


SCREENS: dict[str, steps.Steps] = {
    "new_incident": steps.new_incident,
}

test_screen = steps.snapshot_test(SCREENS)


KEY_NAMES = {" ": "space", "\r": "enter", "\t": "tab"}


def burst(app: DeskApp, text: str) -> None:
    """Queue every key of ``text`` at once, as a remote-desktop or SSH link delivers
    them: the app reads them all before any widget handles the first."""
    for char in text:
        key = KEY_NAMES.get(char, char)
        app.post_message(events.Key(key, char if char != "\r" else None))


def saved(app: DeskApp, word: str) -> list[QueueRow]:
    return list_incidents(app.require_desk(), filter_text=word)


def notices(app: DeskApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def test_type_grade_and_summary_in_one_burst(desk_path: Path) -> None:
    """ "h2Quick summary" arriving at once: h picks the type, 2 the grade, the rest is
    the summary — each key acts where the key before it left the focus."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "bethan")
        burst(app, "h2Quick summary")
        await settle(pilot)
        assert form.query_one("#type", ChoiceBar).value == "harassment"
        assert form.query_one("#grade", ChoiceBar).value == "2"
        assert form.query_one("#summary").value == "Quick summary"  # type: ignore[attr-defined]


async def test_type_grade_and_summary_pressed_without_a_pause(desk_path: Path) -> None:
    """Pilot's own presses, one after the other with no pause."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "bethan")
        await pilot.press("o", "3", *["space" if c == " " else c for c in "Posts online"])
        await settle(pilot)
        assert form.query_one("#type", ChoiceBar).value == "online-abuse"
        assert form.query_one("#grade", ChoiceBar).value == "3"
        assert form.query_one("#summary").value == "Posts online"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("gap", "word"), [(0.01, "tenms"), (0.02, "twentyms")])
async def test_whole_capture_typed_10_to_20_ms_a_key(
    desk_path: Path, gap: float, word: str
) -> None:
    """From the queue: n, the name, enter, type, grade, summary, enter, a key every
    10-20 ms (quicker than the name search answers)."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        for char in f"nsian\rh2Paced {word}\r":
            burst(app, char)
            await asyncio.sleep(gap)
        await until(pilot, lambda: saved(app, word))
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        rows = saved(app, word)
    assert len(rows) == 1
    assert (rows[0]["type"], rows[0]["grade"]) == ("harassment", 2)
    assert rows[0]["person_name"] == "Siân Evans"


async def test_whole_capture_typed_in_one_burst_from_the_queue(desk_path: Path) -> None:
    """n, a few letters of the name, enter, type, grade, summary, enter — all at once,
    before the form has even mounted or the name search has answered."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        burst(app, "nsian\rt1Brick through window\r")
        await until(pilot, lambda: saved(app, "brick"))
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        rows = saved(app, "brick")
    assert len(rows) == 1
    assert (rows[0]["type"], rows[0]["grade"]) == ("threat", 1)
    assert rows[0]["person_name"] == "Siân Evans"


async def test_new_incident_goes_to_the_persons_named_adviser(desk_path: Path) -> None:
    """Siân Evans's named adviser is Dawn Hughes: the form says so and the incident is
    assigned to her; the reference of the new incident is in the confirmation."""
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "sian")
        adviser = form.query_one("#adviser", Static)
        await until(pilot, lambda: "Dawn Hughes" in str(adviser.render()))
        burst(app, "h2Named contact check\r")
        await until(pilot, lambda: saved(app, "named contact check"))
        rows = saved(app, "named contact check")
        assert len(rows) == 1
        assert rows[0]["adviser_name"] == "Dawn Hughes"
        assert rows[0]["status"] == "assigned"
        await until(pilot, lambda: rows[0]["ref"] in notices(app))
        assert rows[0]["ref"].startswith("I-") and len(rows[0]["ref"]) == 10


async def test_the_officer_can_give_the_incident_to_another_adviser(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "sian")
        await pilot.press("h", "2")
        await type_text(pilot, "Another adviser")
        await pilot.press("tab", "tab")  # past THRIVE to the adviser
        assert app.focused is form.query_one("#adviser")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await type_text(pilot, "tom")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form)
        assert "Tom Whitaker" in str(form.query_one("#adviser", Static).render())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: saved(app, "another adviser"))
        assert saved(app, "another adviser")[0]["adviser_name"] == "Tom Whitaker"


async def test_a_caller_not_on_the_roster_is_added_and_capture_carries_on(
    desk_path: Path,
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await type_text(pilot, "Jo Bloggs")
        form = capture(app)
        listing = form.query_one("#matches", OptionList)
        await until(pilot, lambda: form.matches_for == "Jo Bloggs")
        offer = listing.get_option_at_index(listing.highlighted or 0)
        assert "Add" in str(offer.prompt) and "Jo Bloggs" in str(offer.prompt)
        await pilot.press("enter")  # nobody matches: enter offers to add them
        await until(pilot, lambda: isinstance(app.screen, PersonFormScreen))
        adding = app.screen
        assert adding.query_one("#name", Input).value == "Jo Bloggs"
        await pilot.press("enter", "2")  # councillor
        await type_text(pilot, "cardiff")
        await until(pilot, lambda: adding.query_one("#organisation", Lookup).found_for == "cardiff")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is form and form.person is not None)
        assert form.person is not None and form.person[1] == "Jo Bloggs"
        assert app.focused is form.query_one("#type")
        burst(app, "h3Caller not on the roster\r")
        await until(pilot, lambda: saved(app, "roster caller"))
        row = saved(app, "roster caller")[0]
        assert row["person_name"] == "Jo Bloggs"
        desk = app.require_desk()
        person = get_person(desk, row["person_id"])
        assert person["role"] == "councillor" and person["organisation_id"]
        with desk.read() as conn:
            events = conn.execute(
                select(AUDIT.c.action).where(
                    AUDIT.c.entity == "person", AUDIT.c.entity_id == row["person_id"]
                )
            ).scalars()
            assert "collection" in set(events)


async def test_a_long_summary_counts_its_characters_and_keeps_the_text(
    desk_path: Path,
) -> None:
    from deskapp.services.incidents import SUMMARY_MAX

    words = ["Caller", "described", "a", "long", "sequence", "of", "events"] * 8
    text = " ".join(words)
    assert len(text) > SUMMARY_MAX
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        form = await capture_for(pilot, "bethan")
        burst(app, "t2" + text[:20])
        await until(pilot, lambda: len(form.query_one("#summary", Input).value) == 20)
        counter = form.query_one("#summary-count", Static)
        assert str(counter.render()).startswith(f"20/{SUMMARY_MAX}")
        burst(app, text[20:])
        await until(pilot, lambda: form.query_one("#summary", Input).value == text)
        await until(pilot, lambda: counter.has_class("-over"))
        assert str(counter.render()).startswith(f"{len(text)}/{SUMMARY_MAX}")
        await pilot.press("enter")
        await until(pilot, lambda: saved(app, "sequence"))
        incident = get_incident(app.require_desk(), saved(app, "sequence")[0]["id"])
    assert len(incident["summary"]) <= SUMMARY_MAX and incident["summary"].endswith("…")
    assert incident["description"] == text
