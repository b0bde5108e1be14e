"""A person's protective-security screen (tui/screens/security.py): revealing records,
refusing a bad date, masked again by a lock, and its snapshot."""

from __future__ import annotations

from pathlib import Path

from deskapp.db.desk import Desk
from deskapp.services import security
from deskapp.services.people import PersonRow
from deskapp.tui.screens.casework_form import SurveyForm
from deskapp.tui.screens.security import PersonSecurityScreen
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import consultations, settle, shown, type_text, unlock, wait_for

SCREENS: dict[str, steps.Steps] = {
    "person_security": steps.person_security,
}

test_screen = steps.snapshot_test(SCREENS)


def desk_people(desk: Desk) -> list[PersonRow]:
    from deskapp.services.people import list_people

    return list_people(desk)


async def test_person_security_view_reveals_records_and_refuses_a_bad_date(
    desk_path: Path,
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("3", "slash")
        await type_text(pilot, "sian")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("S")
        await wait_for(
            pilot,
            lambda: isinstance(pilot.app.screen, PersonSecurityScreen) and pilot.app.screen.data,
        )
        screen = pilot.app.screen
        assert isinstance(screen, PersonSecurityScreen)
        assert "Rear lane unlit" not in shown(screen.query_one("#security-surveys"))
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.revealed)
        assert "Rear lane unlit" in shown(screen.query_one("#security-surveys"))
        # A measure: CCTV (2), fitted (f), saved.
        await pilot.press("m")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
        await pilot.press("2", "f")
        await type_text(pilot, "Doorbell camera")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen is screen)
        await wait_for(pilot, lambda: len(screen.data["measures"]) == 5)  # type: ignore[index]
        assert not screen.revealed  # read again: masked
        # A survey with a date that is not one: the message is under its field.
        await pilot.press("v")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
        form = pilot.app.screen
        assert isinstance(form, SurveyForm)
        await pilot.press("o")  # chooses and moves on to the date
        await type_text(pilot, "last tuesday")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.query_one("#error-surveyed_on").display)
        assert "date like" in str(form.query_one("#error-surveyed_on").render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # discard
        await settle(pilot)
    # The app's reveal: one consultation a survey, naming the masked field.
    revealed = [d for f, d in consultations(desk_path, "security_survey") if f == "findings"]
    assert revealed == ["revealed", "revealed"]
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        [person] = [p for p in desk_people(desk) if p["name"] == "Siân Evans"]
        record = security.show_security(desk, person["id"], reveal=True)
    fitted = [m for m in record["measures"] if m["kind"] == "cctv" and m["status"] == "fitted"]
    assert [m["notes"] for m in fitted] == ["Doorbell camera"]
    assert len(record["surveys"]) == 2  # the refused survey wrote nothing


async def test_lock_masks_again_what_the_security_view_revealed(desk_path: Path) -> None:
    from tests.tui.helpers import lock, screenshot, unlock_to

    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        [person] = [p for p in desk_people(desk) if p["name"] == "Siân Evans"]
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        app.push_screen(PersonSecurityScreen(str(person["id"])))
        await wait_for(pilot, lambda: isinstance(app.screen, PersonSecurityScreen))
        view = app.screen
        assert isinstance(view, PersonSecurityScreen)
        await wait_for(pilot, lambda: view.data is not None)
        await pilot.press("r")
        await wait_for(pilot, lambda: view.revealed)
        assert "Rear lane unlit" in screenshot(app)
        await lock(pilot)
        assert not view.revealed
        await unlock_to(pilot, PersonSecurityScreen)
        assert app.screen is view
        await settle(pilot)
        assert "Rear lane unlit" not in screenshot(app)
