"""The adviser form (tui/screens/adviser_form.py): editing capacity and adding an adviser,
and its snapshot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from deskapp.tui.screens.adviser_form import AdviserFormScreen
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import open_form, settle, type_text, unlock, wait_for

SCREENS: dict[str, steps.Steps] = {
    "adviser_form": steps.adviser_form,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_edit_an_advisers_capacity_and_see_load_against_it(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        main = await unlock(pilot)
        await pilot.press("1")
        caseload = main.pane("caseload").list
        first = caseload.current
        assert first is not None and first["name"] == "Dawn Hughes"
        await pilot.press("e")
        form = await open_form(pilot, AdviserFormScreen)
        load = str(form.query_one("#adviser-load", Static).render())
        assert f"Load {first['people']}/150" in load
        form.query_one("#capacity", Input).value = "2"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is main)
        await wait_for(pilot, lambda: (caseload.current or {}).get("capacity") == 2)
        assert f"{first['people']}/2" in "".join(
            s.text
            for s in caseload.render_line(1)  # the first row under the header
        )


async def test_add_an_adviser_from_the_caseload(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(100, 30)) as pilot:
        main = await unlock(pilot)
        await pilot.press("1", "plus")
        await open_form(pilot, AdviserFormScreen)
        await type_text(pilot, "Alys Penry")
        await pilot.press("tab")
        await type_text(pilot, "Swansea")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is main)
        await settle(pilot)
        names = [r["name"] for r in main.pane("caseload").list.visible_rows()]
        assert "Alys Penry" in names
