"""Pilot tests for the adviser's workbench: people, advisers, councils, review due,
the audit view, and what a failed background call shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.widgets import Input, Static

from deskapp.db.desk import Desk
from deskapp.db.keyslots import KdfParams
from deskapp.db.tables import AuditEvent, Organisation, Person
from deskapp.services import officers
from deskapp.tui.app import DeskApp
from deskapp.tui.sample import OFFICER, PASSPHRASE
from deskapp.tui.screens.adviser_form import AdviserFormScreen
from deskapp.tui.screens.audit import AuditScreen
from deskapp.tui.screens.audit_filter import AuditFilterScreen
from deskapp.tui.screens.council_form import CouncilFormScreen
from deskapp.tui.screens.councils import CouncilsScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import ConfirmScreen, PromptScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.screens.person_form import PersonFormScreen
from deskapp.tui.screens.review import ReviewScreen
from deskapp.tui.screens.review_extend import ReviewExtendScreen
from deskapp.tui.screens.unlock import UnlockScreen
from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import burst, settle, type_text, unlock, wait_for

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
PERSON = Person.__table__  # type: ignore[attr-defined]
ORGANISATION = Organisation.__table__  # type: ignore[attr-defined]
OTHER = "PC-7001"
OTHER_PASS = "marmalade quarry tandem 5521"


def last_events(app: DeskApp, n: int = 5) -> list[Any]:
    with app.require_desk().read() as conn:
        return list(conn.execute(select(AUDIT).order_by(AUDIT.c.seq.desc()).limit(n)))


def person_row(app: DeskApp, name: str) -> Any:
    with app.require_desk().read() as conn:
        return conn.execute(select(PERSON).where(PERSON.c.name == name)).one()


async def open_form(pilot: Any, kind: type) -> Any:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.loaded)
    await settle(pilot)
    return pilot.app.screen


async def roster_person(pilot: Any, name: str) -> PersonScreen:
    await pilot.press("3", "slash")
    await type_text(pilot, name)
    await settle(pilot)
    await pilot.press("enter", "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data)
    return app.screen  # type: ignore[no-any-return]


async def test_a_failed_worker_shows_the_errors_kind_never_its_text(desk_path: Path) -> None:
    app = make_app(desk_path)
    shown: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            shown.append(str(message))
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

        def fails(desk: Any) -> None:
            raise KeyError("Siân Roberts")  # a name, as a driver's message may quote one

        screen.background(fails)
        await wait_for(pilot, lambda: bool(shown))
        await settle(pilot)
    assert shown and not any("Siân" in s for s in shown)
    assert "KeyError" in shown[0]


async def test_edit_a_risk_level_needs_a_reason_that_the_audit_log_keeps(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await roster_person(pilot, "callum")
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


async def test_extend_a_review_date_with_its_reason(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: review.loaded)
        row = review.current
        assert row is not None and row["label"] == "Joanna Kowalska"
        await pilot.press("x")
        form = await open_form(pilot, ReviewExtendScreen)
        assert form.query_one("#review_date", Input).value == "2027-05-01"  # a year on
        await pilot.press("enter")  # no reason yet
        error = form.query_one("#error-reason", Static)
        await wait_for(pilot, lambda: error.display)
        assert "Reason is required." in str(error.render())
        await type_text(pilot, "Standing again in 2027")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot)
        assert person_row(app, "Joanna Kowalska").review_date == date(2027, 5, 1)
        event = next(e for e in last_events(app) if e.action == "alteration")
        assert event.fields == "review_date"
        assert event.detail == "review extended: Standing again in 2027"
        assert (review.current or {}).get("label") == "Lowri Jenkins"


async def test_erase_from_review_due_as_a_supervisor(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: review.loaded)
        await pilot.press("X")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await type_text(pilot, "Retention review: not standing again")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await wait_for(pilot, lambda: (review.current or {}).get("label") == "Lowri Jenkins")
        with app.require_desk().read() as conn:
            names = set(conn.execute(select(PERSON.c.name)).scalars())
        assert "Joanna Kowalska" not in names and "[erased]" in names
        erasure = next(e for e in last_events(app) if e.action == "erasure")
        assert erasure.detail.startswith("Retention review: not standing again")


async def test_an_officer_is_refused_erasure_and_told_why(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        officers.add_officer(desk, OTHER, "PC Other", OTHER_PASS, kdf=KdfParams(1, 8192, 1))
    finally:
        desk.close()
    app = make_app(desk_path, officer=OTHER)
    shown: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot, OTHER_PASS)
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            shown.append(str(message))
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: review.loaded)
        await pilot.press("X")
        await wait_for(pilot, lambda: bool(shown))
        assert shown == ["Only a supervisor can erase a person's data."]
        assert isinstance(app.screen, ReviewScreen)  # nothing asked, nothing erased
        assert person_row(app, "Joanna Kowalska").deleted is False


async def test_audit_view_names_people_filters_and_opens_the_record(desk_path: Path) -> None:
    app = make_app(desk_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await unlock(pilot)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await wait_for(pilot, lambda: audit.loaded)
        await settle(pilot)
        viewed = [(e.action, e.entity, e.detail) for e in last_events(app, 3)]
        assert ("consultation", "audit_event", "audit log viewed") in viewed
        records = {r["person_name"] for r in audit.visible_rows()}
        assert "Bethan Morgan" in records  # people by name, not by id
        await pilot.press("f")
        form = await open_form(pilot, AuditFilterScreen)
        await type_text(pilot, "PC-4521")
        await pilot.press("tab")
        await type_text(pilot, "sian")  # folded: finds Siân
        await pilot.press("tab", "1")  # collection
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form)
        await wait_for(pilot, lambda: audit.loaded and audit.total is not None)
        await settle(pilot)
        rows = audit.visible_rows()
        assert rows and all(r["action"] == "collection" for r in rows)
        assert {r["person_name"] for r in rows} == {"Siân Evans"}
        assert {r["entity"] for r in rows} == {"person", "incident"}
        logged = [e.detail for e in last_events(app, 3)]
        assert "audit log viewed (officer PC-4521, person sian, collection)" in logged
        person_event = next(i for i, r in enumerate(rows) if r["entity"] == "person")
        audit.cursor = person_event
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data)
        assert app.screen.data is not None and app.screen.data["name"] == "Siân Evans"


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
