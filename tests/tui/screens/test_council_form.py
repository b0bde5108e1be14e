"""The council form (tui/screens/council_form.py): returning officer and sharing, and its
snapshot."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from textual.widgets import Static

from deskapp.db.tables import ORGANISATION
from deskapp.tui.screens.council_form import CouncilFormScreen
from deskapp.tui.screens.councils import CouncilsScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import last_events, open_form, settle, type_text, unlock, wait_for

SCREENS: dict[str, steps.Steps] = {
    "council_form": steps.council_form,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_edit_a_councils_returning_officer_and_sharing(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await unlock(pilot)
        coverage = str(main.query_one("#coverage", Static).render())
        assert "1 council not sharing contact details (O)" in coverage
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, CouncilsScreen))
        await settle(pilot)
        await pilot.press("enter")
        form = await open_form(pilot, CouncilFormScreen)
        await type_text(pilot, "Rhian Lewis")
        await pilot.press("tab")
        await type_text(pilot, "029 2087 2000")
        await pilot.press("tab")
        await type_text(pilot, "elections@cardiff.example.gov.uk")
        await pilot.press("tab", "3")  # agreed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CouncilsScreen))
        await settle(pilot)
        with app.require_desk().read() as conn:
            org = conn.execute(select(ORGANISATION)).one()
        assert (org.ro_name, org.ro_phone, org.share_request_status) == (
            "Rhian Lewis",
            "029 2087 2000",
            "agreed",
        )
        assert org.ro_email == "elections@cardiff.example.gov.uk"
        changed = last_events(app, 3)
        assert any(e.action == "alteration" and e.entity == "organisation" for e in changed)
        assert form is not app.screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)
        await settle(pilot)
        assert "not sharing" not in str(main.query_one("#coverage", Static).render())
