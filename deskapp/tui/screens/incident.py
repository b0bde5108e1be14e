"""Incident detail: everything about one incident and its timeline; J/K walk the queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from deskapp.runtime.clock import local
from deskapp.tui.screens.base import DeskScreen, titled_table
from deskapp.tui.undo import UndoOffer
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import ListSource, WindowList

if TYPE_CHECKING:
    from deskapp.domain.thrive import Thrive
    from deskapp.services.incidents import Applied, IncidentDetail
    from deskapp.tui.screens.modals import PickerScreen


#: Rows fetched at a time when J/K walk past the rows seen at open time, and how far back
#: the fetch starts (rows moved or resolved since have shifted the live order by that much).
STEP = 100
SLACK = 50


@dataclass
class Navigator:
    """The queue's order as the officer saw it when they opened an incident, for J/K.

    ``ids`` are the rows the list held around the opened one, in the order shown. J/K walk
    that snapshot, so an incident re-graded or resolved on the way does not shift the
    ones after it. Past either end, more rows come from the live query, less those
    already in the snapshot.
    """

    source: ListSource
    filter_text: str
    ids: list[str]
    offset: int  # the queue position of ids[0] at open time
    index: int  # where the officer is in ids

    @classmethod
    def around(cls, lst: WindowList, index: int) -> Navigator:
        """A snapshot of the rows ``lst`` has loaded around row ``index``."""
        start = end = index
        while lst.row(start - 1) is not None:
            start -= 1
        while lst.row(end + 1) is not None:
            end += 1
        key = lst.source.key
        ids = [str(row[key]) for i in range(start, end + 1) if (row := lst.row(i)) is not None]
        return cls(lst.source, lst.filter_text, ids, start, index - start)

    @property
    def position(self) -> int:
        return self.offset + self.index

    def step(self, delta: int) -> str | None:
        """Move within the snapshot; None when that would leave it."""
        target = self.index + delta
        if not 0 <= target < len(self.ids):
            return None
        self.index = target
        return self.ids[target]

    def more(self, forward: bool) -> list[str]:
        """Rows of the live queue past the snapshot's end (run on a worker thread)."""
        if not forward and self.offset == 0:
            return []
        start = max(0, self.offset + len(self.ids) - SLACK) if forward else self.offset - STEP
        start = max(0, start)
        _, rows, _ = self.source.load(self.filter_text, start, STEP + SLACK, False)
        live = [str(row[self.source.key]) for row in rows]
        edge = self.ids[-1] if forward else self.ids[0]
        if edge in live:  # the edge row is still where it was: take what lies beyond it
            cut = live.index(edge)
            live = live[cut + 1 :] if forward else live[:cut]
        seen = set(self.ids)
        return [i for i in live if i not in seen]

    def add(self, ids: list[str], forward: bool) -> None:
        if forward:
            self.ids.extend(ids)
        else:
            self.ids[:0] = ids
            self.index += len(ids)
            self.offset = max(0, self.offset - len(ids))


def adviser_picker() -> PickerScreen:
    from deskapp.services.advisers import adviser_choices
    from deskapp.tui.screens.modals import PickerScreen

    return PickerScreen("Assign to adviser", search=adviser_choices)


class IncidentScreen(DeskScreen):
    AUTO_FOCUS = "#detail"
    HELP_TITLE = "Incident"
    HELP_TEXT = (
        "Every change lands in the timeline and the audit log. {incident.next} and "
        "{incident.prev} move to the next or previous incident of the queue."
    )

    # Priority bindings: each key is handled as the app takes it from the queue, before
    # the next is routed, and a key that opens a dialog waits for it to mount. So in a
    # burst ("t" then arrows and letters; "J" then "3") every key acts on what the keys
    # before it left: the dialog they opened, the incident they moved to.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back", priority=True),
        Binding("1", "grade(1)", "G1", show=False, id="incident.grade1", priority=True),
        Binding("2", "grade(2)", "G2", show=False, id="incident.grade2", priority=True),
        Binding("3", "grade(3)", "G3", show=False, id="incident.grade3", priority=True),
        Binding("4", "grade(4)", "G4", show=False, id="incident.grade4", priority=True),
        Binding("t", "thrive", "THRIVE", id="incident.thrive", priority=True),
        Binding("a", "assign", "Assign", id="incident.assign", priority=True),
        Binding("s", "status", "Status", id="incident.status", priority=True),
        Binding("n", "note", "Note", id="incident.note", priority=True),
        Binding("c", "crime_ref", "Crime ref", id="incident.crime_ref", priority=True),
        Binding("D", "cad_ref", "CAD ref", show=False, id="incident.cad_ref", priority=True),
        Binding(
            "L",
            "link_subject",
            "Link subject",
            show=False,
            id="incident.link_subject",
            priority=True,
        ),
        Binding("o", "operation", "Op flag", show=False, id="incident.operation", priority=True),
        Binding("p", "person", "Person", show=False, id="incident.person", priority=True),
        Binding("u", "undo", "Undo", show=False, id="incident.undo", priority=True),
        Binding("J", "step(1)", "Next", id="incident.next", priority=True),
        Binding("K", "step(-1)", "Prev", id="incident.prev", priority=True),
    ]

    def __init__(self, incident_id: str, nav: Navigator | None = None) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.nav = nav
        self.data: IncidentDetail | None = None
        self._consulted = ""
        self.undo = UndoOffer(self, "incident.undo")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="incident-head")
            yield Static("", id="incident-thrive")
            yield Static("", id="incident-timeline")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        incident_id = self.incident_id
        # The first read of each incident shown is a consultation (s.62); reloads after
        # a change made here are not.
        consult = incident_id != self._consulted
        self._consulted = incident_id

        def work(desk: Any) -> IncidentDetail:
            from deskapp.services.incidents import get_incident

            return get_incident(desk, incident_id, consult=consult)

        self.background(work, self.show, group="incident", exclusive=True)

    def show(self, data: IncidentDetail) -> None:
        from deskapp.domain.grading import format_due, grade_label
        from deskapp.domain.text import visible, visible_values
        from deskapp.domain.thrive import DIMENSIONS, from_json

        if str(data["id"]) != self.incident_id:
            return  # J/K moved on while this one loaded
        self.data = data
        data = visible_values(data)  # shown, never obeyed, by the terminal
        now = self.desk_app.now()
        due = format_due(data["due_at"], now)
        overdue = due.startswith("OVERDUE") and data["status"] not in ("resolved", "closed")
        head = Table.grid(padding=(0, 2))
        head.add_column(style="bold", no_wrap=True)
        head.add_column()
        title = Text(f"{data['ref']}  ", style="bold")
        title.append(
            grade_label(int(data["grade"])), style="bold red" if data["grade"] == 1 else "bold"
        )
        head.add_row("Incident", title)
        head.add_row("Due", Text(due, style="bold reverse red" if overdue else ""))
        head.add_row("Status", Text(str(data["status"])))
        head.add_row("Type", Text(str(data["type"])))
        head.add_row("Person", Text(str(data.get("person_name") or "—")))
        head.add_row("Adviser", Text(str(data.get("adviser_name") or "unassigned")))
        refs = Text(data["crime_ref"] or "—")
        if data.get("cad_ref"):
            refs.append(f"   CAD log {data['cad_ref']}")
        head.add_row("Crime ref", refs)
        head.add_row("Operation", Text(str(data["operation"])))
        head.add_row("Reported", local(data["reported_at"]).strftime("%d %b %Y %H:%M %Z"))
        head.add_row("Summary", Text(str(data["summary"])))
        if data.get("description"):
            head.add_row("Description", Text(str(data["description"])))
        if data.get("location"):
            head.add_row("Where", Text(str(data["location"])))
        if data.get("event_id"):
            from deskapp.domain.events import event_ref

            event = f"{event_ref(str(data['event_id']))}  {data.get('event_title') or ''}"
            head.add_row("Event", Text(event.rstrip()))
        for link in data.get("links", []):
            kind = "subject" if link["subject_id"] else "person"
            head.add_row("Linked", Text(f"{link['category']}: {link['name']} ({kind})"))
        position = ""
        if self.nav is not None:
            position = f"  (queue #{self.nav.position + 1})"
        self.query_one("#incident-head", Static).update(head)
        self.sub_title = f"{data['ref']}{position}"
        thrive = from_json(data["thrive"])
        grid = titled_table("THRIVE", expand=False)
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_column(style="dim")
        for dim in DIMENSIONS:
            score = thrive.get(dim)
            level = score.level if score else "—"
            style = {"high": "bold red", "medium": "yellow"}.get(level, "")
            note = Text(visible(score.note)) if score else ""  # Text: a str cell is markup
            grid.add_row(dim.capitalize(), Text(level, style=style), note)
        self.query_one("#incident-thrive", Static).update(grid)
        timeline = titled_table("Timeline")
        timeline.add_column(no_wrap=True, style="dim")
        timeline.add_column(no_wrap=True)
        timeline.add_column(no_wrap=True, style="bold")
        timeline.add_column(ratio=1)
        for entry in data["timeline"]:
            timeline.add_row(
                local(entry["at"]).strftime("%d %b %H:%M"),
                Text(entry["officer_id"]),  # Text: a str cell would be read as markup
                Text(entry["kind"]),
                Text(entry["text"]),
            )
        self.query_one("#incident-timeline", Static).update(timeline)

    # -- changes ---------------------------------------------------------------------------
    def _change(self, what: str, **changes: Any) -> None:
        incident_id = self.incident_id

        def work(desk: Any) -> Applied:
            from deskapp.services.incidents import bulk_update

            return bulk_update(desk, [incident_id], **changes)

        def done(applied: Applied) -> None:
            self.undo.offer(applied, "; ".join(applied.lines) or f"{what}: no change.")
            self.load()

        self.background(work, done, wrote=True)

    def action_undo(self) -> None:
        self.undo.undo(lambda _: self.load())

    def _loaded(self) -> IncidentDetail | None:
        """The incident on screen, or None (and a word) while J/K's next one loads."""
        if self.data is None:
            self.notify("Still loading this incident; press again.", severity="warning")
        return self.data

    def action_grade(self, grade: int) -> None:
        self._change(f"Grade G{grade}", grade=grade)

    async def action_thrive(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.domain.thrive import from_json
        from deskapp.tui.screens.modals import ThriveScreen

        def done(thrive: Thrive | None) -> None:
            if thrive:
                self._change("THRIVE", thrive=thrive)

        await self.app.push_screen(ThriveScreen(from_json(data["thrive"])), done)

    async def action_assign(self) -> None:
        def done(adviser_id: str | None) -> None:
            if adviser_id:
                self._change("Assign", adviser=adviser_id)

        await self.app.push_screen(adviser_picker(), done)

    async def action_status(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.domain.status import allowed_next
        from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen

        options = [(str(s), str(s)) for s in allowed_next(str(data["status"]))]

        def done(status: str | None) -> None:
            if not status:
                return
            if status == "closed":
                self.app.push_screen(
                    ConfirmScreen("Close this incident?", yes="Close", no="Keep open"),
                    lambda yes: self._change("Status", status=status) if yes else None,
                )
            else:
                self._change("Status", status=status)

        await self.app.push_screen(
            PickerScreen(f"Status (now {data['status']})", options=options, numbered=True),
            done,
        )

    async def action_note(self) -> None:
        from deskapp.tui.screens.note import NoteScreen

        incident_id = self.incident_id

        def done(text: str | None) -> None:
            if not text:
                return

            def work(desk: Any) -> str:
                from deskapp.services.incidents import add_note

                return add_note(desk, incident_id, text)

            self.background(work, lambda _: self.load(), wrote=True)

        await self.app.push_screen(NoteScreen("Add a note to the timeline"), done)

    async def action_crime_ref(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.tui.screens.modals import PromptScreen

        def done(text: str | None) -> None:
            if text is not None:
                self._change("Crime reference", crime_ref=text)

        await self.app.push_screen(
            PromptScreen(
                "Crime reference (from the force's own system)",
                data["crime_ref"],
                allow_empty=True,
            ),
            done,
        )

    async def action_cad_ref(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.tui.screens.modals import PromptScreen

        def done(text: str | None) -> None:
            if text is not None:
                self._change("CAD log reference", cad_ref=text)

        await self.app.push_screen(
            PromptScreen(
                "Command-and-control (CAD) log reference", data["cad_ref"], allow_empty=True
            ),
            done,
        )

    async def action_link_subject(self) -> None:
        if self._loaded() is None:
            return
        from deskapp.tui.screens.casework_form import LinkSubjectForm
        from deskapp.tui.screens.ready import open_ready

        def done(subject_id: str | None) -> None:
            if subject_id:
                self.notify("Subject linked; the combination is in the audit log.")
                self.load()

        await open_ready(self.app, LinkSubjectForm(self.incident_id), done)

    async def action_operation(self) -> None:
        from deskapp.tui.screens.modals import PickerScreen

        def done(flag: str | None) -> None:
            if flag:
                self._change("Operation flag", operation=flag)

        await self.app.push_screen(
            PickerScreen(
                "Operation flag",
                numbered=True,
                options=[
                    ("none", "none"),
                    ("ford", "Operation Ford"),
                    ("bridger", "Operation Bridger"),
                ],
            ),
            done,
        )

    async def action_person(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.tui.screens.person import PersonScreen

        await self.app.push_screen(PersonScreen(str(data["person_id"])))

    def action_step(self, delta: int) -> None:
        nav = self.nav
        if nav is None:
            return
        target = nav.step(delta)
        if target is not None:
            self._open(target)  # at once: a key after J acts on the incident J went to
            return

        def work(desk: Any) -> list[str]:
            return nav.more(delta > 0)

        def done(ids: list[str]) -> None:
            nav.add(ids, delta > 0)
            found = nav.step(delta)
            if found is None:
                self.notify("No more incidents that way in the queue.")
            else:
                self._open(found)

        self.background(work, done, group="step", exclusive=True)

    def _open(self, incident_id: str) -> None:
        self.incident_id = incident_id
        self.data = None
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Grade G1 Emergency", "grade(1)", "incident.grade1"),
            ("Grade G2 Priority", "grade(2)", "incident.grade2"),
            ("Grade G3 Scheduled", "grade(3)", "incident.grade3"),
            ("Grade G4 Resolution without deployment", "grade(4)", "incident.grade4"),
            ("Re-THRIVE", "thrive", "incident.thrive"),
            ("Assign adviser", "assign", "incident.assign"),
            ("Change status", "status", "incident.status"),
            ("Add note", "note", "incident.note"),
            ("Set crime reference", "crime_ref", "incident.crime_ref"),
            ("Set the CAD log reference", "cad_ref", "incident.cad_ref"),
            ("Link a subject of concern", "link_subject", "incident.link_subject"),
            ("Operation flag", "operation", "incident.operation"),
            ("Open person", "person", "incident.person"),
            ("Next incident", "step(1)", "incident.next"),
            ("Previous incident", "step(-1)", "incident.prev"),
            ("Undo the last change", "undo", "incident.undo"),
        ]
