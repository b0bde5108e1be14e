"""Incident detail: everything about one incident and its timeline; J/K walk the queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from deskapp.tui.screens.base import DeskScreen, titled_table
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import ListSource, Row

if TYPE_CHECKING:
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens.modals import PickerScreen


@dataclass
class Navigator:
    """Where an incident sits in the queue it was opened from, for J/K."""

    source: ListSource
    filter_text: str
    index: int

    def row_at(self, index: int) -> Row | None:
        if index < 0:
            return None
        _, rows, _ = self.source.load(self.filter_text, index, 1, False)
        return rows[0] if rows else None


def adviser_picker(app: DeskApp) -> PickerScreen:
    from deskapp.tui.screens.modals import PickerScreen

    def search(text: str) -> list[tuple[str, str]]:
        from deskapp.store import caseload, windows

        with app.require_desk().read() as conn:
            rows = windows.page(conn, caseload.adviser_picker_query(text), 0, 12)
        return [
            (str(r["id"]), f"{r['name']} — {r['area']}" if r["area"] else str(r["name"]))
            for r in rows
        ]

    return PickerScreen("Assign to adviser", search=search)


class IncidentScreen(DeskScreen):
    AUTO_FOCUS = "#detail"
    HELP_TITLE = "Incident"
    HELP_TEXT = (
        "Every change lands in the timeline and the audit log. J/K move to the next "
        "or previous incident of the queue."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="incident.back"),
        Binding("1", "grade(1)", "G1", show=False, id="incident.grade1"),
        Binding("2", "grade(2)", "G2", show=False, id="incident.grade2"),
        Binding("3", "grade(3)", "G3", show=False, id="incident.grade3"),
        Binding("4", "grade(4)", "G4", show=False, id="incident.grade4"),
        Binding("t", "thrive", "THRIVE", id="incident.thrive"),
        Binding("a", "assign", "Assign", id="incident.assign"),
        Binding("s", "status", "Status", id="incident.status"),
        Binding("n", "note", "Note", id="incident.note"),
        Binding("c", "crime_ref", "Crime ref", id="incident.crime_ref"),
        Binding("o", "operation", "Op flag", show=False, id="incident.operation"),
        Binding("p", "person", "Person", show=False, id="incident.person"),
        Binding("J", "step(1)", "Next", id="incident.next"),
        Binding("K", "step(-1)", "Prev", id="incident.prev"),
    ]

    def __init__(self, incident_id: str, nav: Navigator | None = None) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.nav = nav
        self.data: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="incident-head")
            yield Static("", id="incident-thrive")
            yield Static("", id="incident-timeline")
        yield StatusLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        incident_id = self.incident_id

        def work(desk: Any) -> dict[str, Any]:
            from deskapp.store.incidents import get_incident

            return get_incident(desk, incident_id)

        self.background(work, self.show, group="incident", exclusive=True)

    def show(self, data: dict[str, Any]) -> None:
        from deskapp.core.grading import format_due, grade_label
        from deskapp.core.text import visible_values
        from deskapp.core.thrive import DIMENSIONS, from_json

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
        head.add_row("Crime ref", Text(data["crime_ref"] or "—"))
        head.add_row("Operation", Text(str(data["operation"])))
        head.add_row("Reported", data["reported_at"].strftime("%d %b %Y %H:%M UTC"))
        head.add_row("Summary", Text(str(data["summary"])))
        if data.get("description"):
            head.add_row("Description", Text(str(data["description"])))
        if data.get("location"):
            head.add_row("Where", Text(str(data["location"])))
        position = ""
        if self.nav is not None:
            position = f"  (queue #{self.nav.index + 1})"
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
            grid.add_row(dim.capitalize(), Text(level, style=style), score.note if score else "")
        self.query_one("#incident-thrive", Static).update(grid)
        timeline = titled_table("Timeline")
        timeline.add_column(no_wrap=True, style="dim")
        timeline.add_column(no_wrap=True)
        timeline.add_column(no_wrap=True, style="bold")
        timeline.add_column(ratio=1)
        for entry in data["timeline"]:
            timeline.add_row(
                entry["at"].strftime("%d %b %H:%M"),
                entry["officer_id"],
                entry["kind"],
                Text(entry["text"]),
            )
        self.query_one("#incident-timeline", Static).update(timeline)

    # -- changes ---------------------------------------------------------------------------
    def _change(self, what: str, **changes: Any) -> None:
        incident_id = self.incident_id

        def work(desk: Any) -> list[str]:
            from deskapp.store.incidents import update_incident

            return update_incident(desk, incident_id, **changes)

        def done(lines: list[str]) -> None:
            self.notify("; ".join(lines) if lines else f"{what}: no change.")
            self.load()

        self.background(work, done, wrote=True)

    def action_grade(self, grade: int) -> None:
        self._change(f"Grade G{grade}", grade=grade)

    def action_thrive(self) -> None:
        if self.data is None:
            return
        from deskapp.core.thrive import Score, from_json
        from deskapp.tui.screens.modals import ThriveScreen

        current = {k: v.level for k, v in from_json(self.data["thrive"]).items()}

        def done(levels: dict[str, str] | None) -> None:
            if levels:
                self._change("THRIVE", thrive={k: Score(v) for k, v in levels.items()})

        self.app.push_screen(ThriveScreen(current), done)

    def action_assign(self) -> None:
        def done(adviser_id: str | None) -> None:
            if adviser_id:
                self._change("Assign", adviser=adviser_id)

        self.app.push_screen(adviser_picker(self.desk_app), done)

    def action_status(self) -> None:
        if self.data is None:
            return
        from deskapp.core.status import allowed_next
        from deskapp.tui.screens.modals import ConfirmScreen, PickerScreen

        options = [(str(s), str(s)) for s in allowed_next(str(self.data["status"]))]

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

        self.app.push_screen(
            PickerScreen(f"Status (now {self.data['status']})", options=options, numbered=True),
            done,
        )

    def action_note(self) -> None:
        from deskapp.tui.screens.modals import PromptScreen

        incident_id = self.incident_id

        def done(text: str | None) -> None:
            if not text:
                return

            def work(desk: Any) -> str:
                from deskapp.store.incidents import add_note

                return add_note(desk, incident_id, text)

            self.background(work, lambda _: self.load(), wrote=True)

        self.app.push_screen(PromptScreen("Add a note to the timeline"), done)

    def action_crime_ref(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.screens.modals import PromptScreen

        def done(text: str | None) -> None:
            if text is not None:
                self._change("Crime reference", crime_ref=text)

        self.app.push_screen(
            PromptScreen(
                "Crime reference (from the force's own system)",
                self.data["crime_ref"],
                allow_empty=True,
            ),
            done,
        )

    def action_operation(self) -> None:
        from deskapp.tui.screens.modals import PickerScreen

        def done(flag: str | None) -> None:
            if flag:
                self._change("Operation flag", operation=flag)

        self.app.push_screen(
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

    def action_person(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.screens.person import PersonScreen

        self.app.push_screen(PersonScreen(str(self.data["person_id"])))

    def action_step(self, delta: int) -> None:
        nav = self.nav
        if nav is None:
            return
        target = nav.index + delta

        def work(desk: Any) -> Row | None:
            return nav.row_at(target)

        def done(row: Row | None) -> None:
            if row is None:
                self.notify("No more incidents that way in the queue.")
                return
            nav.index = target
            self.incident_id = str(row["id"])
            self.load()

        self.background(work, done, group="step", exclusive=True)

    def action_back(self) -> None:
        self.app.pop_screen()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Grade G1 Emergency", "grade(1)", "1"),
            ("Grade G2 Priority", "grade(2)", "2"),
            ("Grade G3 Scheduled", "grade(3)", "3"),
            ("Grade G4 Resolution without deployment", "grade(4)", "4"),
            ("Re-THRIVE", "thrive", "t"),
            ("Assign adviser", "assign", "a"),
            ("Change status", "status", "s"),
            ("Add note", "note", "n"),
            ("Set crime reference", "crime_ref", "c"),
            ("Operation flag", "operation", "o"),
            ("Open person", "person", "p"),
            ("Next incident", "step(1)", "J"),
            ("Previous incident", "step(-1)", "K"),
        ]
