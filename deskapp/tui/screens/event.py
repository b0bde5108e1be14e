"""One campaign event: its details, the people attending, and what can be done with it:
edit every field, change the risk with its reason, link and unlink people, export the
briefing pack. The place and the organiser's details are masked; revealing them is a
logged consultation, for this view only (as a person's address is)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static

from deskapp.domain import events as rules
from deskapp.domain.text import visible_values
from deskapp.runtime.clock import local
from deskapp.tui.keymap import name_keys
from deskapp.tui.screens.base import RevealsForThisView, fill_options
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.services.events import EventDetail

SENSITIVE = ("place", "organiser", "organiser_contact")


def person_picker(title: str) -> Any:
    """Pick a person by name: the roster's folded type-ahead ("sian" finds Siân)."""
    from deskapp.tui.screens.modals import PickerScreen

    def search(desk: Desk, text: str) -> list[tuple[str, str]]:
        from deskapp.search import windows

        with desk.read() as conn:
            rows = windows.person_picker(conn, text, limit=8)
        return [
            (str(r["id"]), " · ".join(str(x) for x in (r["name"], r["role"], r["post"]) if x))
            for r in rows
        ]

    return PickerScreen(title, search=search)


class EventScreen(RevealsForThisView["EventDetail"]):
    AUTO_FOCUS = "#event-people"
    OPENS: ClassVar[dict[str, str]] = {"event-people": "person"}
    HELP_TITLE = "Event"
    HELP_TEXT = (
        "Place and organiser are masked: {event.reveal} reveals them for this view, and the "
        "consultation is logged. {event.link} adds a person, {event.unlink} takes the "
        "highlighted one off; {event.briefing} exports the briefing pack."
    )

    # Priority, as in the incident view: a key that opens a dialog waits for it, so the
    # keys typed after it in a burst land there.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="event.back", priority=True),
        Binding("e", "edit", "Edit", id="event.edit", priority=True),
        Binding("R", "risk", "Risk", id="event.risk", priority=True),
        Binding("p", "link", "Add person", id="event.link", priority=True),
        Binding("x", "unlink", "Remove person", id="event.unlink", priority=True),
        Binding("b", "briefing", "Briefing pack", id="event.briefing", priority=True),
        Binding("r", "reveal", "Reveal", id="event.reveal", priority=True),
    ]

    SENSITIVE = SENSITIVE
    WHAT = "event"

    def __init__(self, event_id: str) -> None:
        super().__init__()
        self.event_id = event_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="event-head")
            yield Static("", id="event-people-title", classes="section")
            yield OptionList(id="event-people")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        event_id = self.event_id

        def work(desk: Any) -> EventDetail:
            from deskapp.services.events import get_event

            return get_event(desk, event_id)

        self.background(work, self.show, group="event", exclusive=True)

    def show(self, data: EventDetail) -> None:
        self.data = data
        data = visible_values(data)  # shown, never obeyed, by the terminal
        cells: Mapping[str, Any] = data  # the same record, read by field name
        head = Table.grid(padding=(0, 2))
        head.add_column(style="bold", no_wrap=True)
        head.add_column()
        head.add_row("Event", Text(f"{data['ref']}  {data['title']}", style="bold"))
        head.add_row("Kind", Text(str(data["kind"])))
        starts = local(data["starts_at"])
        when = starts.strftime("%a %d %b %Y %H:%M %Z")
        if (ended := data.get("ends_at")) is not None:
            ends = local(ended)
            same_day = ends.date() == starts.date()
            when += " to " + ends.strftime("%H:%M" if same_day else "%a %d %b %H:%M")
        head.add_row("When", when)
        for name in SENSITIVE:
            value = visible_values(self.revealed.get(name, cells[name]))
            style = "bold yellow" if name in self.revealed else "dim"
            label = rules.field_label(name)
            head.add_row(label[:1].upper() + label[1:], Text(str(value or "—"), style=style))
        head.add_row(
            "Notice",
            Text(str(data["notice"]), style="bold reverse red" if data["short_notice"] else ""),
        )
        risk = Text(str(data["risk"]), style="bold red" if data["risk"] == "high" else "bold")
        if data["risk_reason"]:
            risk.append(f" · {data['risk_reason']}", style="")
        head.add_row("Risk", risk)
        patrol = "requested" if data["patrol_requested"] else "not requested"
        if data["patrol_minutes"]:
            patrol += f", {rules.hours(int(data['patrol_minutes']))} h"
        costs = [
            f"{rules.pounds(int(cells[key]))} {what}"
            for key, what in (
                ("patrol_additional_pence", "additional"),
                ("patrol_opportunity_pence", "opportunity"),
            )
            if cells[key]
        ]
        head.add_row("Patrol", Text(patrol + (" · " + ", ".join(costs) if costs else "")))
        for name, label in (
            ("attendance", "Attendance"),
            ("notes", "Notes"),
            ("outcome", "Outcome"),
        ):
            if cells.get(name):
                head.add_row(label, Text(str(cells[name])))
        self.query_one("#event-head", Static).update(head)
        self.sub_title = str(data["ref"])
        people = data["people"]
        self.query_one("#event-people-title", Static).update(
            Text.from_markup(
                name_keys(
                    self.app,
                    f"[b]People attending ({len(people)})[/b]  enter opens · {{event.link}} "
                    "adds · {event.unlink} removes",
                )
            )
        )
        listing = self.query_one("#event-people", OptionList)
        fill_options(
            listing,
            (
                (
                    Text(f"{p['name']}  ({p['role']}, {p['party'] or '—'})  risk {p['risk']}"),
                    str(p["id"]),
                )
                for p in people
            ),
            empty="no one linked yet",
            highlight=listing.highlighted,
        )

    # -- people ------------------------------------------------------------------------------
    async def action_link(self) -> None:
        event_id = self.event_id

        def picked(person_id: str | None) -> None:
            if not person_id:
                return

            def work(desk: Any) -> list[str]:
                from deskapp.services.events import link_people

                return link_people(desk, event_id, [person_id])[1]

            def done(new: list[str]) -> None:
                self.notify("Linked to this event." if new else "Already linked.")
                self.load()

            self.background(work, done, wrote=True)

        await self.app.push_screen(person_picker("Add a person to this event"), picked)

    async def action_unlink(self) -> None:
        data = self._loaded()
        listing = self.query_one("#event-people", OptionList)
        if data is None or listing.highlighted is None or not data["people"]:
            return
        person = data["people"][listing.highlighted]
        from deskapp.tui.screens.modals import ConfirmScreen

        event_id, person_id = self.event_id, str(person["id"])

        def answer(yes: bool | None) -> None:
            if not yes:
                return

            def work(desk: Any) -> list[str]:
                from deskapp.services.events import unlink_people

                return unlink_people(desk, event_id, [person_id])[1]

            self.background(work, lambda _: self.load(), wrote=True)

        await self.app.push_screen(
            ConfirmScreen(f"Take {person['name']} off this event?", yes="Remove", no="Keep"),
            answer,
        )

    # -- changes -----------------------------------------------------------------------------
    async def action_edit(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.tui.screens.event_form import EventFormScreen
        from deskapp.tui.screens.ready import open_ready

        def done(saved: str | None) -> None:
            if saved:
                self.revealed = {}  # the form may have changed them
                self.load()

        await open_ready(self.app, EventFormScreen(data, revealed=self.revealed), done)

    async def action_risk(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.tui.screens.ready import open_ready
        from deskapp.tui.screens.risk import RiskScreen

        def saved(result: tuple[str, bool] | None) -> None:
            if result is not None:
                risk, changed = result
                self.notify(f"Risk {risk}." if changed else "Nothing changed.")
                self.load()

        await open_ready(self.app, RiskScreen(self.event_id, str(data["risk"])), saved)

    async def action_briefing(self) -> None:
        data = self._loaded()
        if data is None:
            return
        from deskapp.exporting.export import briefing_filename
        from deskapp.tui.screens.export import ExportScreen
        from deskapp.tui.screens.ready import open_ready

        default = briefing_filename(str(data["id"]), data["starts_at"])
        form = ExportScreen(event=(str(data["id"]), str(data["ref"]), default))
        await open_ready(self.app, form, lambda _: None)

    def reveal_work(self, desk: Desk, fields: list[str]) -> dict[str, str]:
        from deskapp.services.events import reveal_field

        return {f: reveal_field(desk, self.event_id, f) for f in fields}

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Edit this event", "edit", "event.edit"),
            ("Change the event's risk", "risk", "event.risk"),
            ("Add a person to this event", "link", "event.link"),
            ("Remove the highlighted person", "unlink", "event.unlink"),
            ("Export the briefing pack", "briefing", "event.briefing"),
            ("Reveal place and organiser (logged)", "reveal", "event.reveal"),
        ]
