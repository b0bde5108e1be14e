"""The person form (tui/screens/person_form.py): a new risk level's reason, a bad email
beside its field, a half-filled form over a lock, a caller added in one burst, the name
checked, and its snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.screens.person_form import PersonFormScreen
from deskapp.tui.screens.unlock import UnlockScreen
from tests.sample_desk import PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import (
    burst,
    last_events,
    open_form,
    open_person,
    person_row,
    settle,
    type_text,
    unlock,
    until,
    wait_for,
)

SCREENS: dict[str, steps.Steps] = {
    "person_form": steps.person_form,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_adding_a_person_checks_the_name(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, PersonFormScreen))
        adding = app.screen
        await pilot.press("space", "enter", "1", "ctrl+s")  # a blank name
        message = adding.query_one("#error-name", Static)
        await until(pilot, lambda: "Name is required" in str(message.render()))
        assert app.screen is adding


async def test_edit_a_risk_level_needs_a_reason_that_the_audit_log_keeps(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await open_person(pilot, "callum")
        await pilot.press("e")
        form = await open_form(pilot, PersonFormScreen)
        assert form.query_one("#phone", Input).value == "07700 900003"  # shown to edit...
        consulted = [(e.action, e.entity, e.detail) for e in last_events(app, 3)]
        assert ("consultation", "person", "edit form revealed") in consulted  # ...and logged
        await pilot.press("tab", "tab", "tab", "tab", "tab", "3")  # risk: high
        await pilot.press("ctrl+s")
        error = form.query_one("#error-risk_reason", Static)
        await wait_for(pilot, lambda: error.display and "reason" in str(error.render()))
        assert app.screen is form and app.focused is form.query_one("#risk_reason")
        await type_text(pilot, "Threats after the hustings")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PersonScreen))
        await settle(pilot)
        assert person_row(app, "Callum Fraser").risk == "high"
        changed = next(e for e in last_events(app, 6) if e.action == "alteration")
        assert changed.fields == "risk" and changed.detail == "Threats after the hustings"
        view = app.screen
        assert isinstance(view, PersonScreen)
        await wait_for(pilot, lambda: view.data is not None and view.data["risk"] == "high")


async def test_edit_form_shows_a_bad_email_beside_its_field(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("e")
        form = await open_form(pilot, PersonFormScreen)
        form.query_one("#email", Input).value = "not an address"
        await pilot.press("ctrl+s")
        error = form.query_one("#error-email", Static)
        await wait_for(pilot, lambda: error.display)
        assert "Email does not look like an email address." in str(error.render())
        assert app.focused is form.query_one("#email")
        await pilot.press("escape")  # changed input: asks first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#email", Input).value == "not an address"


async def test_a_half_filled_person_form_survives_a_lock(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("3", "plus")
        form = await open_form(pilot, PersonFormScreen)
        await type_text(pilot, "Mared Pugh")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await settle(pilot)
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: app.screen is form)
        assert form.query_one("#name", Input).value == "Mared Pugh"
        await pilot.press("enter", "2", "ctrl+s")  # councillor, save
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        assert person_row(app, "Mared Pugh").role == "councillor"


async def test_a_caller_added_in_one_burst_waits_for_the_organisation_match(
    desk_path: Path,
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("3", "plus")
        await open_form(pilot, PersonFormScreen)
        # Name, enter, councillor, "card", enter: all queued before any is handled, so the
        # save comes before the organisation's matches; it waits for them.
        await burst(pilot, *"Nia Bevan", "enter", "2", *"card", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        row = person_row(app, "Nia Bevan")
        assert row.role == "councillor" and row.organisation_id is not None
