"""Add or edit a Force Elected-Official Adviser: name, areas, contact details, capacity,
active. Opened from the Caseload pane; the load (people held) shows against capacity.
Editing shows the adviser's phone and email, a consultation logged as a reveal is."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, Static

from deskapp.domain import wording
from deskapp.tui.screens.form import FormInput, RecordForm, field_row


class AdviserFormScreen(RecordForm[str]):
    """Returns the adviser's id, or None if abandoned."""

    HELP_TITLE = "Adviser form"
    FIELDS = ("name", "area", "phone", "email", "capacity", "active")
    DISCARD_QUESTION = "Discard what was typed for this adviser?"

    def __init__(self, *, adviser_id: str | None = None) -> None:
        super().__init__()
        self.adviser_id = adviser_id

    def compose(self) -> ComposeResult:
        title = "Edit adviser" if self.adviser_id else "Add an adviser"
        with Vertical(classes="dialog record-form"):
            yield Static(f"[b]{title}[/b]", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from field_row("Name", FormInput(placeholder="full name", id="name"))
                yield from field_row(
                    "Areas", FormInput(placeholder="councils or policing areas covered", id="area")
                )
                yield from field_row("Phone", FormInput(id="phone"))
                yield from field_row("Email", FormInput(id="email"))
                yield from field_row(
                    "Capacity", FormInput(value="150", placeholder="people", id="capacity")
                )
                yield Static("", id="adviser-load", classes="form-note")
                yield from field_row("", Checkbox("active (takes new people)", True, id="active"))
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")

    def load_work(self, desk: Any) -> dict[str, Any] | None:
        if self.adviser_id is None:
            return None
        from deskapp.services.advisers import adviser_for_edit

        return adviser_for_edit(desk, self.adviser_id)

    def fill(self, data: dict[str, Any]) -> None:
        for name in ("name", "area", "phone", "email"):
            self.query_one(f"#{name}", FormInput).value = str(data.get(name) or "")
        self.query_one("#capacity", FormInput).value = str(data["capacity"])
        self.query_one("#active", Checkbox).value = bool(data["active"])
        people, capacity = int(data["people"]), int(data["capacity"])
        self.query_one("#adviser-load", Static).update(
            f"Load {people}/{capacity}: holds {wording.count(people, 'person', 'people')}"
            + (", over capacity" if people > capacity else "")
        )

    def save_work(self, desk: Any, values: dict[str, Any]) -> str:
        from deskapp.services.advisers import add_adviser, update_adviser

        if self.adviser_id is None:
            return add_adviser(desk, **values)
        changes = {k: v for k, v in values.items() if v != self.initial.get(k)}
        if changes:
            update_adviser(desk, self.adviser_id, **changes)
        return self.adviser_id
