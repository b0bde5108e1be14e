"""Subjects of concern (issue #19): the list (`V` on the main screen) and a subject's
view — every incident they are linked to and every person of those incidents, across
roles and organisations. Aliases, identifiers, facts and assessment are masked until
`r` reveals them (each a logged consultation, forgotten when the view is left)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static

from deskapp.domain.text import visible_values
from deskapp.domain.wording import count
from deskapp.tui import sources
from deskapp.tui.screens.base import DeskScreen, RevealsForThisView, fill_options
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.pane import Pane
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import WindowList

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.services.subjects import SubjectDetail

MASKED = ("aliases", "identifiers", "facts", "assessment")
LABELS = {"ftac": "FTAC", "plait": "PLaIT"}


class SubjectsScreen(DeskScreen):
    HELP_TITLE = "Subjects of concern"
    HELP_TEXT = (
        "Suspects and fixated individuals, with how many incidents each is linked to. "
        "{subjects.add} adds one; enter opens one."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="subjects.back"),
        Binding("a", "add", "Add subject", id="subjects.add"),
    ]

    def compose(self) -> ComposeResult:
        window = WindowList(sources.subjects_source(self.desk_app.require_desk), id="subjects")
        yield Pane(6, "Subjects of concern", window, id="subjects-pane")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(WindowList).focus()

    def on_window_list_opened(self, event: WindowList.Opened) -> None:
        event.stop()
        self.app.push_screen(SubjectScreen(str(event.row["id"])))

    async def action_add(self) -> None:
        from deskapp.tui.screens.casework_form import SubjectForm
        from deskapp.tui.screens.ready import open_ready

        def done(subject_id: str | None) -> None:
            if subject_id:
                self.query_one(WindowList).reload()
                self.app.push_screen(SubjectScreen(subject_id))

        await open_ready(self.app, SubjectForm(), done)

    def action_back(self) -> None:
        self.app.pop_screen()


class SubjectScreen(RevealsForThisView["SubjectDetail"]):
    AUTO_FOCUS = "#subject-incidents"
    OPENS: ClassVar[dict[str, str]] = {
        "subject-incidents": "incident",
        "subject-people": "person",
    }
    SENSITIVE = MASKED
    WHAT = "subject"
    HELP_TITLE = "Subject of concern"
    HELP_TEXT = (
        "A subject of concern with every incident they are linked to and every person of "
        "those incidents. Aliases, identifiers, facts and assessment are masked: "
        "{subject.reveal} reveals them for this view (logged). {subject.edit} changes the "
        "subject; {subject.erase} erases them (supervisors). Enter opens the highlighted "
        "incident or person (tab moves between lists)."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="subject.back"),
        Binding("r", "reveal", "Reveal", id="subject.reveal"),
        Binding("e", "edit", "Edit", id="subject.edit"),
        Binding("X", "erase", "Erase", id="subject.erase"),
    ]

    def __init__(self, subject_id: str) -> None:
        super().__init__()
        self.subject_id = subject_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="subject-head")
            yield Static("[b]Incidents[/b] (enter opens)", classes="section")
            yield OptionList(id="subject-incidents")
            yield Static("[b]People of those incidents[/b] (tab, then enter)", classes="section")
            yield OptionList(id="subject-people")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        subject_id = self.subject_id

        def work(desk: Any) -> SubjectDetail:
            from deskapp.services.subjects import get_subject

            return get_subject(desk, subject_id)

        self.background(work, self.show, group="subject", exclusive=True)

    def show(self, data: SubjectDetail) -> None:
        self.data = data
        data = visible_values(data)
        cells: Mapping[str, Any] = data  # the same record, read by field name
        head = Table.grid(padding=(0, 2))
        head.add_column(style="bold", no_wrap=True)
        head.add_column()
        head.add_row("Subject", Text(f"{data['name']}  ({data['ref']})", style="bold"))
        head.add_row(
            "Risk", Text(str(data["risk"]), style="bold red" if data["risk"] == "high" else "")
        )
        for name in ("ftac", "plait"):
            head.add_row(LABELS[name], Text(str(cells[name])))
        for name in MASKED:
            value = visible_values(self.revealed.get(name, cells[name]))
            style = "bold yellow" if name in self.revealed else "dim"
            head.add_row(name.capitalize(), Text(str(value or "—"), style=style))
        victims = {p["id"] for p in data["people"] if "victim" in p["categories"]}
        head.add_row(
            "Linked",
            Text(
                f"{count(len(data['incidents']), 'incident')}, {count(len(victims), 'victim')}",
                style="bold red" if len(victims) > 1 else "",
            ),
        )
        self.query_one("#subject-head", Static).update(head)
        self.sub_title = str(data["ref"])

        fill_options(
            self.query_one("#subject-incidents", OptionList),
            (
                (
                    Text(
                        f"G{inc['grade']}  {inc['ref']}  {inc['category']:<9} "
                        f"{inc['status']:<11} {inc['type']}"
                    ),
                    str(inc["id"]),
                )
                for inc in data["incidents"]
            ),
            empty="not linked to any incident",
        )
        fill_options(
            self.query_one("#subject-people", OptionList),
            (
                (
                    Text(
                        f"{person['name']:<24} {person['role']:<10} "
                        f"{person['organisation'] or '—':<24} {person['categories']}"
                    ),
                    str(person["id"]),
                )
                for person in data["people"]
            ),
            empty="no people",
        )

    def reveal_work(self, desk: Desk, fields: list[str]) -> dict[str, str]:
        from deskapp.services.subjects import reveal_field

        return {f: reveal_field(desk, self.subject_id, f) for f in fields}

    async def action_edit(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.screens.casework_form import SubjectForm
        from deskapp.tui.screens.ready import open_ready

        def done(saved: str | None) -> None:
            if saved:
                self.notify("Saved.")
                self.load()

        await open_ready(self.app, SubjectForm(self.data), done)

    async def action_erase(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.erasure import erase

        await erase(self, "subject", self.subject_id, str(self.data["name"]), self.action_back)
