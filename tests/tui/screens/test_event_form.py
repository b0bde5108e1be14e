"""The event form (tui/screens/event_form.py), new and editing: refusals beside the field,
unsaved input kept over a lock, each choice bar's keys, and its snapshots."""

from __future__ import annotations

from pathlib import Path

from deskapp.services import events
from deskapp.tui.screens.event import EventScreen
from deskapp.tui.screens.event_form import EventFormScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from tests.sample_desk import PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    burst,
    event_by_title,
    open_desk,
    open_event,
    settle,
    type_text,
    unlock,
    wait_for,
)

SCREENS: dict[str, steps.Steps] = {
    "new_event": steps.new_event,
    "edit_event": steps.edit_event,
}

test_screen = steps.snapshot_test(SCREENS)


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
