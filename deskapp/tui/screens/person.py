"""Person detail (contact log, incidents, events, protective security and subjects of
concern linked; `r` reveals masked fields, logged)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static

from deskapp.domain.text import visible_values
from deskapp.domain.wording import count
from deskapp.runtime.clock import local
from deskapp.tui.screens.base import RevealsForThisView, fill_options, titled_table
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.services.events import PersonEvent
    from deskapp.services.people import PersonDetail
    from deskapp.services.subjects import PersonSubject

    class PersonPage(PersonDetail):
        """What the view draws: the person's record with their events, subjects and how
        many protective-security records of each kind they have."""

        events: list[PersonEvent]
        subjects: list[PersonSubject]
        security: dict[str, int]


SENSITIVE = ("phone", "email", "address")


class PersonScreen(RevealsForThisView["PersonPage"]):
    AUTO_FOCUS = "#person-incidents"
    OPENS: ClassVar[dict[str, str]] = {
        "person-incidents": "incident",
        "person-events": "event",
        "person-subjects": "subject",
    }
    HELP_TITLE = "Person"
    HELP_TEXT = (
        "Phone, email and home address are masked. {person.reveal} reveals them for this view "
        "only, and the consultation is logged. {person.edit} edits every field (a new risk "
        "level needs its reason); {person.erase} erases the person (supervisors). "
        "{person.security} opens their protective security: surveys, measures, referrals."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="person.back"),
        Binding("r", "reveal", "Reveal", id="person.reveal"),
        Binding("l", "log_contact", "Log contact", id="person.log_contact"),
        Binding("e", "edit", "Edit", id="person.edit"),
        Binding("X", "erase", "Erase", id="person.erase"),
        Binding("S", "security", "Security", show=False, id="person.security"),
        # Priority, so keys typed straight after "n" reach the new form (see ready.py).
        Binding("n", "new_incident", "New incident", id="person.new_incident", priority=True),
    ]

    SENSITIVE = SENSITIVE
    WHAT = "person"

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="person-head")
            yield Static("", id="person-contacts")
            yield Static("[b]Incidents[/b] (enter opens)", classes="section")
            yield OptionList(id="person-incidents")
            yield Static("[b]Events[/b] (tab, then enter opens)", classes="section")
            yield OptionList(id="person-events")
            yield Static("", id="person-security", classes="section")
            yield OptionList(id="person-subjects")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        person_id = self.person_id

        def work(desk: Any) -> PersonPage:
            from deskapp.services.events import events_for_person
            from deskapp.services.people import get_person
            from deskapp.services.security import records_of
            from deskapp.services.subjects import subjects_for_person

            data = cast("PersonPage", get_person(desk, person_id))  # filled in below
            with desk.read() as conn:
                data["events"] = events_for_person(conn, person_id)
                data["subjects"] = subjects_for_person(conn, person_id)
                # Counts only: the records themselves open with S (their own view).
                held = records_of(conn, person_id)
                data["security"] = {
                    "surveys": len(held["surveys"]),
                    "measures": len(held["measures"]),
                    "referrals": len(held["referrals"]),
                }
            return data

        self.background(work, self.show, group="person", exclusive=True)

    def show(self, data: PersonPage) -> None:
        self.data = data
        data = visible_values(data)  # shown, never obeyed, by the terminal
        cells: Mapping[str, Any] = data  # the same record, read by field name
        head = Table.grid(padding=(0, 2))
        head.add_column(style="bold", no_wrap=True)
        head.add_column()
        head.add_row("Name", Text(str(data["name"]), style="bold"))
        head.add_row("Role", Text(f"{data['role']} · {data['party'] or '—'}"))
        head.add_row("Organisation", Text(str(data.get("organisation_name") or "—")))
        head.add_row("Post", Text(data["post"] or "—"))
        head.add_row("Ballot", Text(data["ballot_paper_id"] or "—"))
        head.add_row(
            "Risk", Text(str(data["risk"]), style="bold red" if data["risk"] == "high" else "")
        )
        head.add_row("Adviser", Text(str(data.get("adviser_name") or "unassigned")))
        head.add_row("Briefing", Text(str(data["briefing_status"])))
        for name in SENSITIVE:
            value = visible_values(self.revealed.get(name, cells[name]))
            style = "dim" if name not in self.revealed else "bold yellow"
            head.add_row(name.capitalize(), Text(str(value or "—"), style=style))
        if data["address_withheld"]:
            head.add_row("", Text("address withheld from the ballot paper", style="italic"))
        last = data.get("last_contact_at")
        head.add_row("Last contact", local(last).strftime("%d %b %Y") if last else "never")
        nxt = data.get("next_contact_due")
        if nxt is not None:
            overdue = nxt < self.desk_app.now()
            head.add_row(
                "Next contact",
                Text(
                    local(nxt).strftime("%d %b %Y") + (" OVERDUE" if overdue else ""),
                    style="bold red" if overdue else "",
                ),
            )
        self.query_one("#person-head", Static).update(head)
        self.sub_title = str(data["name"])

        contacts = titled_table("Contact log (l logs one)")
        contacts.add_column(no_wrap=True, style="dim")
        contacts.add_column(no_wrap=True)
        contacts.add_column(no_wrap=True, style="bold")
        contacts.add_column(ratio=1)
        for c in data["contacts"][:20]:
            contacts.add_row(
                local(c["at"]).strftime("%d %b %Y"),
                Text(c["channel"]),  # Text: a str cell would be read as markup
                Text(c["kind"]),
                Text(c["summary"]),
            )
        if not data["contacts"]:
            contacts.add_row("", "", "no contact logged yet", "")
        self.query_one("#person-contacts", Static).update(contacts)

        fill_options(
            self.query_one("#person-incidents", OptionList),
            (
                (
                    Text(
                        f"G{inc['grade']}  {inc['ref']}  {inc['status']:<11} "
                        f"{inc['type']:<14} {inc['summary']}"
                    ),
                    str(inc["id"]),
                )
                for inc in data["incidents"]
            ),
            empty="no incidents",
        )
        fill_options(
            self.query_one("#person-events", OptionList),
            (
                (
                    Text(
                        f"{local(e['starts_at']):%d %b %H:%M}  {e['ref']}  {e['title']}"
                        f"  (risk {e['risk']}{' · patrol' if e['patrol_requested'] else ''})"
                    ),
                    str(e["id"]),
                )
                for e in data["events"]
            ),
            empty="no events",
        )
        held = data["security"]
        self.query_one("#person-security", Static).update(
            Text.assemble(
                ("Protective security", "bold"),
                f": {count(held['surveys'], 'survey')}, {count(held['measures'], 'measure')}, "
                f"{count(held['referrals'], 'referral')} (S opens)   ",
                ("Subjects of concern", "bold"),
                " (tab, then enter opens)",
            )
        )
        fill_options(
            self.query_one("#person-subjects", OptionList),
            (
                (
                    Text(
                        f"{subject['ref']}  {subject['name']}  (risk {subject['risk']}, "
                        f"{count(subject['incidents'], 'incident')})"
                    ),
                    str(subject["id"]),
                )
                for subject in data["subjects"]
            ),
            empty="none linked",
        )

    def action_security(self) -> None:
        from deskapp.tui.screens.security import PersonSecurityScreen

        self.app.push_screen(PersonSecurityScreen(self.person_id))

    def reveal_work(self, desk: Desk, fields: list[str]) -> dict[str, str]:
        from deskapp.services.people import reveal_field

        return {f: reveal_field(desk, self.person_id, f, reason="person view") for f in fields}

    def action_log_contact(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.screens.modals import ContactScreen

        person_id = str(self.data["id"])

        def done(result: tuple[str, str, str] | None) -> None:
            if not result:
                return
            channel, kind, summary = result

            def work(desk: Any) -> str:
                from deskapp.services.contacts import log_contact

                return log_contact(desk, person_id, channel, kind, summary)

            def saved(_: str) -> None:
                self.notify("Contact logged.")
                self.load()

            self.background(work, saved, wrote=True)

        self.app.push_screen(ContactScreen(), done)

    async def action_new_incident(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.screens.new_incident import NewIncidentScreen
        from deskapp.tui.screens.ready import open_ready

        def done(incident_id: str | None) -> None:
            if incident_id:  # the form itself shows the reference
                self.load()

        form = NewIncidentScreen(person=(str(self.data["id"]), str(self.data["name"])))
        await open_ready(self.app, form, done)

    async def action_edit(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.screens.person_form import PersonFormScreen
        from deskapp.tui.screens.ready import open_ready

        def done(saved: tuple[str, str] | None) -> None:
            if saved:
                self.notify("Saved.")
                self.load()

        await open_ready(self.app, PersonFormScreen(person_id=str(self.data["id"])), done)

    async def action_erase(self) -> None:
        if self.data is None:
            return
        from deskapp.tui.erasure import erase

        await erase(self, "person", self.person_id, str(self.data["name"]), self.action_back)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Reveal masked fields (logged)", "reveal", "person.reveal"),
            ("Log a contact", "log_contact", "person.log_contact"),
            ("Edit this person", "edit", "person.edit"),
            ("Erase this person's data (supervisor)", "erase", "person.erase"),
            ("Protective security: surveys, measures, referrals", "security", "person.security"),
            ("New incident for this person", "new_incident", "person.new_incident"),
        ]
