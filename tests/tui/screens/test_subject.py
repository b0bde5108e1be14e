"""The subjects list and a subject's screen (tui/screens/subject.py): every victim listed,
reveal only when asked, adding, erasing, opening the incident and the person, and their
snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.widgets import OptionList

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.services import subjects
from deskapp.tui.screens.casework_form import SubjectForm
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.subject import SubjectScreen, SubjectsScreen
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE
from tests.tui import steps
from tests.tui.conftest import make_app
from tests.tui.helpers import consultations, settle, shown, type_text, unlock, wait_for

SCREENS: dict[str, steps.Steps] = {
    "subjects": steps.subjects,
    "subject": steps.subject,
}

test_screen = steps.snapshot_test(SCREENS)


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
