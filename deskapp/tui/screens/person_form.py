"""The one person form: add someone to the roster, or edit every field of a person.

Opened from fast capture when the caller is not on the roster (the name typed there
filled in), from the roster, and from the person view. Name, role and organisation
come first, so a caller is added in a handful of keys ("name, enter, 2, cardiff,
enter"); the rest follows below. A new risk level needs its reason, which goes in the
audit event with the change. Editing shows the masked fields, and that is logged as a
consultation (``people.person_for_edit``). The person is written by the people
service (validated in ``core``, through the one write path).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Checkbox, Static

from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.form import FormInput, RecordForm, field_row
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.lookup import Lookup

ROLES = [
    ("1", "candidate", "candidate"),
    ("2", "councillor", "councillor"),
    ("3", "mayor", "mayor"),
    ("4", "pcc", "PCC"),
    ("5", "mp", "MP"),
    ("6", "other", "other"),
]
RISKS = [("1", "low", "low"), ("2", "medium", "medium"), ("3", "high", "high")]
BRIEFINGS = [
    ("1", "none", "none"),
    ("2", "offered", "offered"),
    ("3", "booked", "booked"),
    ("4", "done", "done"),
    ("5", "declined", "declined"),
]
#: Form fields that are person fields under another name.
STORED_AS = {"organisation": "organisation_id", "adviser": "adviser_id"}


class NameInput(FormInput):
    # A priority binding, so a quick "name, enter, 2" chooses the role (see ChoiceBar).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "screen.to_role", "Next", show=False, id="person_form.next", priority=True
        ),
    ]


def _organisations(desk: Any, text: str) -> list[tuple[str, str]]:
    from deskapp.services.organisations import organisation_choices

    return organisation_choices(desk, text)


def _advisers(desk: Any, text: str) -> list[tuple[str, str]]:
    from deskapp.services.advisers import adviser_choices

    return adviser_choices(desk, text, limit=5)


class PersonFormScreen(RecordForm[tuple[str, str]]):
    """Returns ``(id, name)`` of the person added or changed, or None if abandoned."""

    HELP_TITLE = "Person form"
    FIELDS = (
        "name", "role", "organisation", "party", "post", "risk", "risk_reason", "phone",
        "email", "address", "address_withheld", "adviser", "briefing_status",
        "next_contact_due",
    )  # fmt: skip
    DISCARD_QUESTION = "Discard what was typed for this person?"

    def __init__(self, name: str = "", *, person_id: str | None = None) -> None:
        super().__init__()
        self.initial_name = name
        self.person_id = person_id
        self.filled: dict[str, str | None] = {}

    def compose(self) -> ComposeResult:
        title = "Edit person" if self.person_id else "Add a person to the roster"
        with Vertical(classes="dialog record-form"):
            yield Static(f"[b]{title}[/b]", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from field_row(
                    "Name", NameInput(value=self.initial_name, placeholder="full name", id="name")
                )
                yield from field_row("Role", ChoiceBar(ROLES, value=None, id="role"))
                yield from field_row(
                    "Organisation",
                    Lookup(
                        _organisations,
                        what="organisation",
                        placeholder="type part of a council's name (optional)",
                        id="organisation",
                    ),
                )
                yield from field_row("Party", FormInput(id="party"))
                yield from field_row("Post", FormInput(placeholder="ward or division", id="post"))
                yield from field_row("Risk", ChoiceBar(RISKS, value=None, id="risk"))
                yield from field_row(
                    "Risk reason",
                    FormInput(placeholder="why the risk level changed", id="risk_reason"),
                )
                yield from field_row("Phone", FormInput(id="phone"))
                yield from field_row("Email", FormInput(id="email"))
                yield from field_row("Home address", FormInput(id="address"))
                yield from field_row(
                    "", Checkbox("address withheld from the ballot paper", id="address_withheld")
                )
                yield from field_row(
                    "Named contact",
                    Lookup(
                        _advisers,
                        what="adviser",
                        placeholder="type part of an adviser's name",
                        id="adviser",
                    ),
                )
                yield from field_row(
                    "Briefing", ChoiceBar(BRIEFINGS, value=None, id="briefing_status")
                )
                yield from field_row(
                    "Next contact",
                    FormInput(placeholder="date, e.g. 2026-05-14", id="next_contact_due"),
                )
            yield Static("", id="form-message", classes="message")
            yield Static(
                key_hint(self.app, "person_form.next", "next   ") + self.keys_line(),
                classes="dialog-keys",
            )

    def action_to_role(self) -> None:
        self.set_focus(self.query_one("#role", ChoiceBar))

    # -- reading ------------------------------------------------------------------------------
    def load_work(self, desk: Any) -> dict[str, Any] | None:
        if self.person_id is None:
            return None
        from deskapp.services.people import person_for_edit

        return person_for_edit(desk, self.person_id)

    def fill(self, data: dict[str, Any]) -> None:
        for name in ("name", "party", "post", "phone", "email", "address"):
            self.query_one(f"#{name}", FormInput).value = str(data.get(name) or "")
        for name in ("role", "risk", "briefing_status"):
            self.query_one(f"#{name}", ChoiceBar).value = data.get(name)
        self.query_one("#address_withheld", Checkbox).value = bool(data.get("address_withheld"))
        due = data.get("next_contact_due")
        self.query_one("#next_contact_due", FormInput).value = due.date().isoformat() if due else ""
        self.query_one("#organisation", Lookup).fill(
            data.get("organisation_id"), str(data.get("organisation_name") or "")
        )
        self.query_one("#adviser", Lookup).fill(
            data.get("adviser_id"), str(data.get("adviser_name") or "")
        )

    # -- saving -------------------------------------------------------------------------------
    def check(self, values: dict[str, Any]) -> None:
        from deskapp.domain import validation as v
        from deskapp.domain.errors import ValidationError

        if values["role"] is None:
            raise ValidationError("Choose the role (1-6).", field="role")
        if self.person_id is not None:
            old, new = self.initial.get("risk") or "", values["risk"] or ""
            v.risk_reason(old, new, values["risk_reason"])
        # What the lookups held when filled: their picks are compared with these.
        self.filled = {name: self.query_one(f"#{name}", Lookup).filled[0] for name in STORED_AS}

    def save_work(self, desk: Any, values: dict[str, Any]) -> tuple[str, str]:
        from deskapp.services.people import add_person, update_person

        reason = values.pop("risk_reason")
        name = " ".join(str(values["name"]).split())
        if self.person_id is None:
            given = {STORED_AS.get(k, k): v for k, v in values.items() if v not in ("", None)}
            return add_person(desk, **given), name
        before = {**self.initial, **self.filled}
        changes = {STORED_AS.get(k, k): v for k, v in values.items() if v != before.get(k)}
        if changes:
            update_person(desk, self.person_id, reason=reason, **changes)
        return self.person_id, name
