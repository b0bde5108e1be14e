"""Text from outside never reaches the terminal raw (issue #15, point 10): a stored name
holding ESC ] 0 ; title BEL shows as visible stand-ins in the roster and the person
view, and a name written as markup or with escape codes shows literally in every view
(roster, caseload, capture, pickers, incident, conflicts, audit, toasts); and the roster
filter folds letters that do not decompose (point 8)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, OptionList, Static

from deskapp.db.desk import Desk
from deskapp.tui.app import DeskApp
from deskapp.tui.sample import FIXED_NOW, OFFICER, PASSPHRASE
from deskapp.tui.screens.audit import AuditScreen
from deskapp.tui.screens.conflicts import ConflictsScreen
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.modals import PickerScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import settle, type_text, unlock, wait_for

HOSTILE = "Eve\x1b]0;owned\x07 Zzhostile"
SHOWN = "Eve␛]0;owned␇ Zzhostile"


def add_raw(path: Path, name: str) -> None:
    """A name as an older desk stored it (input now refuses it)."""
    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:
            tx.insert("person", {"name": name, "party": "Bell\x07Party"})
    finally:
        desk.close()


def painted(widget: Widget) -> str:
    width, height = widget.size
    return "\n".join(s.text for s in widget.render_lines(Region(0, 0, width, height)))


def list_text(roster: WindowList) -> str:
    return "\n".join(roster.render_line(y).text for y in range(roster.size.height))


async def test_a_name_with_escape_codes_renders_escaped(desk_path: Path) -> None:
    add_raw(desk_path, HOSTILE)
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "zzhostile")
        await wait_for(pilot, lambda: roster.filter_text == "zzhostile" and roster.total == 1)
        await settle(pilot)
        shown = list_text(roster)
        assert "\x1b" not in shown and "\x07" not in shown
        assert "Eve␛]0;owned␇" in shown and "Bell␇Party" in shown
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        person = app.screen
        assert isinstance(person, PersonScreen)
        await settle(pilot)
        head = painted(person.query_one("#person-head", Static))
        assert "\x1b" not in head and "\x07" not in head
        assert SHOWN in head
        assert person.data is not None and person.data["name"] == HOSTILE  # kept as stored


async def test_the_roster_filter_folds_letters_that_do_not_decompose(desk_path: Path) -> None:
    desk = Desk.open(desk_path, OFFICER, PASSPHRASE)
    try:
        from deskapp.services import people

        people.add_person(desk, name="Łukasz Żółkiewski")
    finally:
        desk.close()
    app = make_app(desk_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await unlock(pilot)
        roster = screen.pane("roster").list
        await pilot.press("3", "slash")
        await type_text(pilot, "lukasz")
        await wait_for(pilot, lambda: roster.filter_text == "lukasz" and roster.total == 1)
        assert roster.row(0) is not None and roster.row(0)["name"] == "Łukasz Żółkiewski"  # type: ignore[index]


# -- markup and escape codes in every view that shows a stored value ------------------------
PERSON = "[b]Eve[/b]\x1b]0;owned\x07 Zzmarked"
PERSON_SHOWN = "[b]Eve[/b]␛]0;owned␇ Zzmarked"
ADVISER = "[i]Ada[/i]\x1b[2J Zzadviser"
ADVISER_SHOWN = "[i]Ada[/i]␛[2J Zzadviser"
NOTE = "[b]loud[/b] note"


def add_marked(path: Path) -> str:
    """A person and adviser named with markup and escape codes (as an older desk or a
    hub row could hold them), an incident for the person with a THRIVE note written as
    markup, and an audit event whose detail holds both. Returns the incident's ref."""
    from deskapp.domain.thrive import Score
    from deskapp.domain.vocabulary import AuditAction
    from deskapp.services.incidents import add_incident, make_ref

    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.write() as tx:
            adviser = tx.insert("adviser", {"name": ADVISER, "area": "Zz"})
            person = tx.insert("person", {"name": PERSON, "adviser_id": adviser})
            tx.audit(AuditAction.CONSULTATION, "person", person, (), detail=PERSON)
        incident = add_incident(
            desk,
            person=person,
            type="threat",
            grade=1,
            summary="Marked caller",
            thrive={"threat": Score("high", NOTE)},
        )
        add_conflict(desk, person)
    finally:
        desk.close()
    return make_ref(incident)


def add_conflict(desk: Desk, person_id: str) -> None:
    import json

    from sqlalchemy import insert

    from deskapp.db.tables import Conflict

    table = Conflict.__table__  # type: ignore[attr-defined]
    with desk.write() as tx:
        tx.conn.execute(
            insert(table).values(
                id="c0ffee00-0000-7000-8000-000000000001",
                entity="person",
                row_id=person_id,
                field="name",
                local_value=json.dumps(PERSON),
                local_hlc=1,
                local_site="a",
                remote_value=json.dumps(ADVISER),
                remote_hlc=2,
                remote_site="b",
                detected_at=FIXED_NOW,
            )
        )


def literal(text: str, *shown: str) -> None:
    """``shown`` appear as typed, markup and all; no control character reaches the screen."""
    assert "\x1b" not in text and "\x07" not in text
    for item in shown:
        assert item in text, f"{item!r} not in {text!r}"


def toast_text(app: DeskApp) -> str:
    """The toasts' text as a Toast draws it (run_test shows no toasts: the notifications
    are read, their markup parsed when they are markup, as Toast does)."""
    from textual.content import Content

    return "\n".join(
        Content.from_markup(n.message).plain if n.markup else n.message for n in app._notifications
    )


async def test_markup_and_escape_codes_show_literally_in_every_view(desk_path: Path) -> None:
    ref = add_marked(desk_path)
    app = make_app(desk_path)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await unlock(pilot)
        # Caseload -> roster held by the adviser: the pane's title names them.
        caseload = main.pane("caseload").list
        await pilot.press("1", "slash")
        await type_text(pilot, "zzadviser")
        await wait_for(pilot, lambda: caseload.total == 1)
        literal(list_text(caseload), ADVISER_SHOWN[:20])
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: main.roster_adviser is not None)
        await settle(pilot)
        literal(painted(main.pane("roster")), f"held by {ADVISER_SHOWN}")
        literal(list_text(main.pane("roster").list), PERSON_SHOWN[:20])
        # The fast-capture person picker.
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NewIncidentScreen))
        await type_text(pilot, "zzmarked")
        form = app.screen
        assert isinstance(form, NewIncidentScreen)
        await wait_for(pilot, lambda: form.matches_for == "zzmarked" and len(form.matches) == 1)
        literal(painted(form.query_one("#matches", OptionList)), PERSON_SHOWN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.named is not None)
        literal(painted(form.query_one("#adviser", Static)), ADVISER_SHOWN)
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: app.screen is main)
        # The incident view: the person, the THRIVE note.
        queue = main.pane("queue").list
        await pilot.press("2", "slash")
        await type_text(pilot, "zzmarked")
        await wait_for(pilot, lambda: queue.total == 1)
        literal(list_text(queue), ref)
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
        )
        incident = app.screen
        assert isinstance(incident, IncidentScreen)
        await settle(pilot)
        literal(painted(incident.query_one("#incident-head", Static)), PERSON_SHOWN)
        literal(painted(incident.query_one("#incident-thrive", Static)), NOTE)
        # The adviser picker, and the toast after assigning.
        await pilot.press("a")
        await type_text(pilot, "zzadviser")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        await wait_for(pilot, lambda: picker.current_for == "zzadviser" and picker.current)
        await settle(pilot)
        # The option as the list will draw it: literal text, not markup to be parsed.
        prompt = picker.query_one(OptionList).get_option_at_index(0).prompt
        assert isinstance(prompt, Text)
        literal(prompt.plain, ADVISER_SHOWN)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Zzadviser" in toast_text(app))
        literal(toast_text(app), f"Assigned to {ADVISER_SHOWN}")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)
        # Conflicts: the record's label and both values.
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictsScreen) and app.screen.loaded)
        conflicts = app.screen
        await settle(pilot)
        literal(painted(conflicts.query_one(DataTable)), PERSON_SHOWN[:12])
        detail = painted(conflicts.query_one("#conflict-detail", Static))
        literal(detail, PERSON_SHOWN, ADVISER_SHOWN)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)
        # The audit log: the event opened as a toast.
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen.query_one(WindowList)
        await pilot.press("slash")
        await type_text(pilot, "zzmarked")
        await wait_for(pilot, lambda: audit.filter_text == "zzmarked" and audit.total)
        literal(list_text(audit), "[b]Eve[/b]␛]0;")
        # The event is about the person: enter opens them, their name shown literally.
        await pilot.press("enter", "enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
        )
        await settle(pilot)
        literal(painted(app.screen.query_one("#person-head", Static)), PERSON_SHOWN)
