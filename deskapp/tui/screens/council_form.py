"""Edit a council's returning-officer contact and the status of the request to share
candidates' contact details, through the service `deskapp organisations update` uses.
Opening it shows the returning officer's phone and email: a logged consultation."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from deskapp.tui.screens.form import FormInput, RecordForm, field_row
from deskapp.tui.widgets.choice_bar import ChoiceBar

SHARING = [
    ("1", "not-requested", "not requested"),
    ("2", "requested", "requested"),
    ("3", "agreed", "agreed"),
    ("4", "refused", "refused"),
]


class CouncilFormScreen(RecordForm[str]):
    """Returns the organisation's id, or None if abandoned."""

    HELP_TITLE = "Council"
    FIELDS = ("ro_name", "ro_phone", "ro_email", "share_request_status")
    DISCARD_QUESTION = "Discard the changes to this council?"

    def __init__(self, organisation_id: str) -> None:
        super().__init__()
        self.organisation_id = organisation_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog record-form"):
            yield Static("[b]Council[/b]", id="council-name", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from field_row("RO name", FormInput(id="ro_name"))
                yield from field_row("RO phone", FormInput(id="ro_phone"))
                yield from field_row("RO email", FormInput(id="ro_email"))
                yield from field_row(
                    "Sharing", ChoiceBar(SHARING, value=None, id="share_request_status")
                )
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")

    def load_work(self, desk: Any) -> dict[str, Any] | None:
        from deskapp.services.organisations import organisation_for_edit

        return organisation_for_edit(desk, self.organisation_id)

    def fill(self, data: dict[str, Any]) -> None:
        from rich.text import Text

        from deskapp.domain.text import visible

        self.query_one("#council-name", Static).update(Text(visible(str(data["name"])), "bold"))
        for name in ("ro_name", "ro_phone", "ro_email"):
            self.query_one(f"#{name}", FormInput).value = str(data.get(name) or "")
        self.query_one("#share_request_status", ChoiceBar).value = data["share_request_status"]

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.services.organisations import update_organisation

        changes = {k: v for k, v in values.items() if v != self.initial.get(k)}
        if changes:
            update_organisation(desk, self.organisation_id, **changes)
        return self.organisation_id
