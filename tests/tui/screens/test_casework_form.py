"""The casework forms (tui/screens/casework_form.py): linking a subject from an incident,
and the measure form's snapshot."""

from __future__ import annotations

from pathlib import Path

from deskapp.db.desk import Desk
from deskapp.services import incidents
from deskapp.tui.screens.casework_form import LinkSubjectForm
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.sources import OTHER_VICTIMS_MARK
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, shown, type_text, unlock, wait_for

SCREENS: dict[str, steps.Steps] = {
    "measure_form": steps.measure_form,
}

test_screen = steps.snapshot_test(SCREENS)


async def test_link_a_subject_from_the_incident_and_the_queue_flags_it(desk_path: Path) -> None:
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        aled = [i for i in incidents.list_incidents(desk) if i["person_name"] == "Aled Roberts"]
        incident_id = str(aled[0]["id"])
    app = make_app(desk_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await unlock(pilot)
        app.push_screen(IncidentScreen(incident_id))
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data)
        await pilot.press("L")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        assert isinstance(app.screen, LinkSubjectForm)
        await type_text(pilot, "grey van")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentScreen))
        await wait_for(
            pilot, lambda: "suspect: Unknown male" in shown(app.screen.query_one("#incident-head"))
        )
        await pilot.press("D")
        await settle(pilot)
        await type_text(pilot, "CAD 4411 01/05")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "CAD log CAD 4411" in shown(app.screen.query_one("#incident-head"))
        )
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("2")
        queue = app.screen.pane("queue").list  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: queue.loaded and queue.visible_rows())
        flagged = {str(r["person_name"]) for r in queue.visible_rows() if r.get("other_victims")}
        assert "Aled Roberts" in flagged
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        got = incidents.get_incident(desk, incident_id)
    assert got["cad_ref"] == "CAD 4411 01/05"
    assert [(link["category"], link["name"]) for link in got["links"]] == [
        ("suspect", "Unknown male, 40s, grey van")
    ]
    assert OTHER_VICTIMS_MARK.strip()
