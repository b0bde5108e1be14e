"""Narrow the audit log: officer (id or name), person (part of the name), action and a
range of days. Empty fields narrow nothing; saving an empty form shows everything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskapp.tui.screens.form import FormInput, RecordForm, field_row
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.services.audit_log import AuditFilter

ACTIONS = [
    ("1", "collection", "collection"),
    ("2", "alteration", "alteration"),
    ("3", "consultation", "consultation"),
    ("4", "disclosure", "disclosure"),
    ("5", "combination", "combination"),
    ("6", "erasure", "erasure"),
    ("7", "access", "access"),
    ("0", "", "any"),
]


class AuditFilterScreen(RecordForm["AuditFilter"]):
    """Returns the new filter, or None if abandoned."""

    HELP_TITLE = "Audit filter"
    FIELDS = ("officer", "person", "action", "since", "until")
    DISCARD_QUESTION = "Discard this filter?"

    def __init__(self, current: AuditFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        c = self.current
        with Vertical(classes="dialog record-form"):
            yield Static("[b]Filter the audit log[/b]", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from field_row(
                    "Officer", FormInput(c.officer, placeholder="id or name", id="officer")
                )
                yield from field_row(
                    "Person", FormInput(c.person, placeholder="part of the name", id="person")
                )
                yield from field_row("Action", ChoiceBar(ACTIONS, value=c.action, id="action"))
                yield from field_row(
                    "From",
                    FormInput(
                        c.since.isoformat() if c.since else "", placeholder="YYYY-MM-DD", id="since"
                    ),
                )
                yield from field_row(
                    "To",
                    FormInput(
                        c.until.isoformat() if c.until else "", placeholder="YYYY-MM-DD", id="until"
                    ),
                )
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")

    def save_work(self, desk: Any, values: dict[str, Any]) -> AuditFilter:
        from deskapp.domain import validation as v
        from deskapp.services.audit_log import AuditFilter

        with v.about("since"):
            since = v.iso_date(values["since"], field="from")
        with v.about("until"):
            until = v.iso_date(values["until"], field="to")
        return AuditFilter(
            officer=v.clean_text(values["officer"], field="officer", max_len=100),
            person=v.clean_text(values["person"], field="person", max_len=100),
            action=values["action"] or "",
            since=since,
            until=until,
        )
