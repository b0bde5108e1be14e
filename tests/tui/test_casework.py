"""Pilot tests: protective-security casework by keyboard alone (issue #19). The subject's
cross-victim view and its logged reveal; a person's security view, its reveal, a measure
recorded and a bad date refused beside its field; a subject linked to an incident from
the incident view, which the queue then flags; the CAD log reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.widgets import OptionList

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.services import incidents, security, subjects
from deskapp.services.people import PersonRow
from deskapp.tui.screens.casework_form import LinkSubjectForm, SubjectForm, SurveyForm
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.security import PersonSecurityScreen
from deskapp.tui.screens.subject import SubjectScreen, SubjectsScreen
from deskapp.tui.sources import OTHER_VICTIMS_MARK
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui.helpers import shown

from .conftest import make_app
from .helpers import settle, type_text, unlock, wait_for


def consultations(path: Path, entity: str) -> list[tuple[str, str]]:
    with Desk.open(path, OFFICER, PASSPHRASE) as desk, desk.read() as conn:
        rows = conn.execute(
            select(AUDIT.c.fields, AUDIT.c.detail).where(
                AUDIT.c.action == "consultation", AUDIT.c.entity == entity
            )
        ).all()
    return [(r.fields, r.detail) for r in rows]


async def open_subject(pilot: Any) -> SubjectScreen:
    await pilot.press("V")
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, SubjectsScreen)
            and pilot.app.screen.query_one(WindowList).loaded
        ),
    )
    await pilot.press("enter")
    await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, SubjectScreen) and pilot.app.screen.data
    )
    screen = pilot.app.screen
    assert isinstance(screen, SubjectScreen)
    return screen


async def test_the_subject_view_lists_every_victim_and_reveals_only_when_asked(
    desk_path: Path,
) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        screen = await open_subject(pilot)
        head = shown(screen.query_one("#subject-head"))
        assert "3 incidents, 3 victims" in head and "The Watcher" not in head
        people = {str(o.prompt) for o in screen.query_one("#subject-people").options}  # type: ignore[attr-defined]
        assert any("Gareth Llewellyn" in p and "witness" in p for p in people)
        assert sum("victim" in p for p in people) == 3
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.revealed)
        assert "The Watcher" in shown(screen.query_one("#subject-head"))
        await pilot.press("escape")
        await settle(pilot)
        assert screen.revealed == {}
    fields = {f for f, d in consultations(desk_path, "subject") if d == "revealed"}
    assert fields == {"aliases", "facts", "assessment"}


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


def desk_people(desk: Desk) -> list[PersonRow]:
    from deskapp.services.people import list_people

    return list_people(desk)


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


async def test_add_a_subject_from_the_list(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("V")
        await wait_for(pilot, lambda: isinstance(app.screen, SubjectsScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False))
        assert isinstance(app.screen, SubjectForm)
        await pilot.press("ctrl+s")  # no name: refused beside the field
        await wait_for(pilot, lambda: app.screen.query_one("#error-name").display)
        await type_text(pilot, "Woman with a megaphone")
        await pilot.press("tab", "3")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SubjectScreen) and app.screen.data)
        assert "Woman with a megaphone" in shown(app.screen.query_one("#subject-head"))
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        names = {(s["name"], s["risk"]) for s in subjects.list_subjects(desk)}
    assert ("Woman with a megaphone", "high") in names


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


async def test_erase_a_subject_from_its_view(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await open_subject(pilot)
        await pilot.press("X")
        await settle(pilot)
        await type_text(pilot, "No further action")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SubjectsScreen))
    with Desk.open(desk_path, OFFICER, PASSPHRASE) as desk:
        assert subjects.list_subjects(desk) == []
        with desk.read() as conn:
            detail = conn.execute(
                select(AUDIT.c.detail).where(AUDIT.c.action == "erasure")
            ).scalar_one()
    assert detail == "No further action; removed 3 links"


async def test_enter_in_the_subject_view_opens_the_incident_then_the_person(
    desk_path: Path,
) -> None:
    # Both lists of the cross-victim view open what their option names (base.OPENS).
    from deskapp.tui.screens.person import PersonScreen

    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        subject = await open_subject(pilot)
        incident_id = subject.query_one("#subject-incidents", OptionList).options[0].id
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, IncidentScreen))
        assert pilot.app.screen.incident_id == incident_id  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is subject)
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PersonScreen))
        person_ids = {o.id for o in subject.query_one("#subject-people", OptionList).options}
        assert pilot.app.screen.person_id in person_ids  # type: ignore[attr-defined]
