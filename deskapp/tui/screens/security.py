"""A person's protective security (issue #19, `S` in the person view): security surveys
of home and office, measures recommended and fitted, referrals for private security.
Findings, notes and providers are masked until `r` reveals them (a logged consultation,
forgotten when the view is left)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static

from deskapp.domain.events import pounds
from deskapp.domain.text import visible_values
from deskapp.tui.screens.base import DeskScreen, fill_options, titled_table
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from deskapp.services.security import MeasureRow, SecurityRecord


def _day(value: Any) -> str:
    return value.strftime("%d %b %Y") if value else "—"


class PersonSecurityScreen(DeskScreen):
    AUTO_FOCUS = "#security-measures"
    HELP_TITLE = "Protective security"
    HELP_TEXT = (
        "Surveys of the person's home and office, protective measures and referrals for "
        "private security. Findings, notes and providers are masked: {security.reveal} "
        "reveals them for this view (logged). {security.survey} records a survey, "
        "{security.measure} a measure, {security.referral} the referral; enter on a "
        "measure changes its status."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="security.back"),
        Binding("r", "reveal", "Reveal", id="security.reveal"),
        Binding("v", "survey", "Survey", id="security.survey"),
        Binding("m", "measure", "Measure", id="security.measure"),
        Binding("f", "referral", "Referral", id="security.referral"),
    ]

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id
        self.data: SecurityRecord | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="security-surveys")
            yield Static("[b]Measures[/b] (enter changes one)", classes="section")
            yield OptionList(id="security-measures")
            yield Static("", id="security-referrals")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def load(self, *, reveal: bool = False) -> None:
        person_id = self.person_id

        def work(desk: Any) -> SecurityRecord:
            from deskapp.services.security import show_security

            return show_security(desk, person_id, reveal=reveal)

        def done(data: SecurityRecord) -> None:
            self.revealed = reveal
            self.show(data)
            if reveal:
                self.notify("Revealed for this view; the consultation is in the audit log.")

        self.background(work, done, group="security", exclusive=True)

    def show(self, data: SecurityRecord) -> None:
        self.data = data
        data = visible_values(data)
        self.sub_title = f"Protective security · {data['name']}"
        masked = "bold yellow" if self.revealed else "dim"
        surveys = titled_table(f"Protective security of {data['name']} — surveys (v records one)")
        for column in ("Place", "Surveyed", "By", "Risk", "Review"):
            surveys.add_column(column, no_wrap=True)
        surveys.add_column("Findings", ratio=1)
        for s in data["surveys"]:
            surveys.add_row(
                Text(s["place"]),
                _day(s["surveyed_on"]),
                Text(s["surveyed_by"] or "—"),
                Text(s["risk"], style="bold red" if s["risk"] == "high" else ""),
                _day(s["next_review"]),
                Text(s["findings"] or "—", style=masked),
            )
        if not data["surveys"]:
            surveys.add_row("no survey yet", "", "", "", "", "")
        self.query_one("#security-surveys", Static).update(surveys)

        fill_options(
            self.query_one("#security-measures", OptionList),
            ((_measure_line(m, masked), str(m["id"])) for m in data["measures"]),
            empty="no measure yet (m adds one)",
            highlight=None,
        )

        referrals = titled_table("Referrals for private security (f changes the open one)")
        for column in ("Status", "Requested", "Decided", "Cost"):
            referrals.add_column(column, no_wrap=True)
        referrals.add_column("Provider", ratio=1)
        for r in data["referrals"]:
            referrals.add_row(
                Text(r["status"]),
                _day(r["requested_on"]),
                _day(r["decided_on"]),
                pounds(int(r["cost"])),
                Text(r["provider"] or "—", style=masked),
            )
        if not data["referrals"]:
            referrals.add_row("none", "", "", "", "")
        self.query_one("#security-referrals", Static).update(referrals)

    @on(OptionList.OptionSelected, "#security-measures")
    async def change_measure(self, event: OptionList.OptionSelected) -> None:
        if self.data is None or not event.option.id:
            return
        held = next(m for m in self.data["measures"] if m["id"] == event.option.id)
        await self._open_form("measure", held)

    def action_reveal(self) -> None:
        self.load(reveal=True)

    async def action_survey(self) -> None:
        await self._open_form("survey")

    async def action_measure(self) -> None:
        await self._open_form("measure")

    async def action_referral(self) -> None:
        await self._open_form("referral")

    async def _open_form(self, kind: str, measure: MeasureRow | None = None) -> None:
        from deskapp.tui.screens import casework_form as forms
        from deskapp.tui.screens.form import RecordForm
        from deskapp.tui.screens.ready import open_ready

        form: RecordForm[str]
        if kind == "survey":
            form = forms.SurveyForm(self.person_id)
        elif kind == "measure":
            form = forms.MeasureForm(self.person_id, measure)
        else:
            form = forms.ReferralForm(self.person_id)

        def done(saved: str | None) -> None:
            if saved:
                self.notify("Saved.")
                self.load()

        await open_ready(self.app, form, done)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_screen_suspend(self) -> None:
        # "For this view only": leaving the view masks again what was revealed.
        if self.revealed and self.data is not None:
            from deskapp.services.security import masked

            self.revealed = False
            self.show({**self.data, **masked(self.data)})


def _measure_line(m: Mapping[str, Any], masked: str) -> Text:
    """A measure in the person's list: kind, status, its latest date, its review; the
    notes in the style that masks them until revealed."""
    when = m["fitted_on"] or m["agreed_on"] or m["recommended_on"]
    review = f" review {m['next_review']}" if m["next_review"] else ""
    return Text.assemble(
        f"{m['kind']:<22} {m['status']:<11} {when or ''!s:<10}{review}  ",
        (m["notes"] or "", masked),
    )
