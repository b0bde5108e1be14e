"""Add someone not on the roster while on the phone to them: name, role, organisation.

Opened from fast capture when the name typed matches nobody. The person is created by
the people service (validated, written with its sync versions and a collection event in
the audit log, as an imported person is) and capture carries on with them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.ready import ReadyForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

ROLES = [
    ("1", "candidate", "candidate"),
    ("2", "councillor", "councillor"),
    ("3", "mayor", "mayor"),
    ("4", "pcc", "PCC"),
    ("5", "mp", "MP"),
    ("6", "other", "other"),
]


class NameInput(Input):
    # A priority binding, so a quick "name, enter, 2" chooses the role (see ChoiceBar).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.to_role", "Next", show=False, id="new_person.next", priority=True),
    ]


class NewPersonScreen(ReadyForm[tuple[str, str]]):
    """Returns ``(id, name)`` of the person added, or None if abandoned."""

    HELP_TITLE = "New person"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="new_person.save"),
        Binding("escape", "cancel", "Cancel", id="new_person.cancel"),
        Binding("down", "move(1)", "Next organisation", show=False, id="new_person.down"),
        Binding("up", "move(-1)", "Previous organisation", show=False, id="new_person.up"),
    ]

    class Organisations(Message):
        def __init__(self, query: str, rows: list[tuple[str, str]]) -> None:
            super().__init__()
            self.query = query
            self.rows = rows

    class Added(Message):
        def __init__(self, person: tuple[str, str] | None, error: str | None) -> None:
            super().__init__()
            self.person = person
            self.error = error

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.initial_name = name
        self.organisations: list[tuple[str, str]] = []
        self.organisations_for: str | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog capture"):
            yield Static("[b]Add a person to the roster[/b]", classes="dialog-title")
            yield Label("Name")
            yield NameInput(value=self.initial_name, placeholder="full name", id="name")
            yield Label("Role")
            yield ChoiceBar(ROLES, value=None, id="role")
            yield Label("Organisation (optional: type part of its name)")
            yield Input(placeholder="council or authority", id="organisation")
            organisations = OptionList(id="organisations")
            organisations.can_focus = False  # up/down in the box move through it
            yield organisations
            yield Static("", id="person-message", classes="message")
            yield Static(
                key_hint(self.app, "new_person.next", "next/save   ")
                + key_hint(self.app, "new_person.save", "save   ")
                + key_hint(self.app, "new_person.cancel", "cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#organisations", OptionList).display = False
        self.set_focus(self.query_one("#name", Input))
        self.mark_ready()

    def has_unsaved(self) -> bool:
        return self.query_one("#name", Input).value != self.initial_name or bool(
            self.query_one("#role", ChoiceBar).value
        )

    def action_to_role(self) -> None:
        self.set_focus(self.query_one("#role", ChoiceBar))

    # -- organisation type-ahead -------------------------------------------------------------
    @on(Input.Changed, "#organisation")
    def organisation_typed(self, event: Input.Changed) -> None:
        from deskapp.tui.app import DeskApp

        app = self.app
        assert isinstance(app, DeskApp)
        text = event.value

        def work() -> None:
            from deskapp.store.organisations import list_organisations

            try:
                rows = list_organisations(app.require_desk(), filter_text=text, limit=5)
            except Exception:
                return
            self.post_message(self.Organisations(text, [(r["id"], r["name"]) for r in rows]))

        if text.strip():
            # An answer for text no longer in the box is dropped when it arrives.
            self.run_worker(work, thread=True, group="organisations", exit_on_error=False)
        else:
            self.organisations, self.organisations_for = [], text
            self.query_one("#organisations", OptionList).display = False

    def on_new_person_screen_organisations(self, message: Organisations) -> None:
        if message.query != self.query_one("#organisation", Input).value:
            return
        self.organisations, self.organisations_for = message.rows, message.query
        listing = self.query_one("#organisations", OptionList)
        listing.clear_options()
        listing.add_options([Option(Text(name), id=oid) for oid, name in message.rows])
        listing.display = bool(message.rows)
        if message.rows:
            listing.highlighted = 0

    def action_move(self, delta: int) -> None:
        listing = self.query_one("#organisations", OptionList)
        if self.organisations:
            index = (listing.highlighted or 0) + delta
            listing.highlighted = max(0, min(index, len(self.organisations) - 1))

    # -- saving ------------------------------------------------------------------------------
    def _message(self, text: str) -> None:
        self.query_one("#person-message", Static).update(Text(text))

    @on(Input.Submitted, "#organisation")
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        name = self.query_one("#name", Input).value
        role = self.query_one("#role", ChoiceBar).value
        organisation = self.query_one("#organisation", Input).value.strip()
        if role is None:
            self._message("Choose the role (1-6).")
            self.set_focus(self.query_one("#role", ChoiceBar))
            return
        organisation_id: str | None = None
        if organisation:
            if self.organisations_for != organisation or not self.organisations:
                self._message("No organisation matches that: pick one, or leave it empty.")
                self.set_focus(self.query_one("#organisation", Input))
                return
            listing = self.query_one("#organisations", OptionList)
            organisation_id = self.organisations[listing.highlighted or 0][0]
        from deskapp.tui.app import DeskApp

        app = self.app
        assert isinstance(app, DeskApp)
        self.saving = True

        def work() -> None:
            from deskapp.core.errors import DeskError
            from deskapp.store.people import add_person

            fields: dict[str, Any] = {"name": name, "role": role}
            if organisation_id:
                fields["organisation_id"] = organisation_id
            try:
                person_id = add_person(app.require_desk(), **fields)
            except DeskError as exc:
                self.post_message(self.Added(None, str(exc)))
                return
            self.post_message(self.Added((person_id, " ".join(name.split())), None))
            app.call_from_thread(app.refresh_pending)

        self.run_worker(work, thread=True, group="new-person", exit_on_error=False)

    def on_new_person_screen_added(self, message: Added) -> None:
        self.saving = False
        if message.error or message.person is None:
            self._message(message.error or "Not added.")
            self.set_focus(self.query_one("#name", Input))
            return
        self.dismiss(message.person)

    def action_cancel(self) -> None:
        self.dismiss(None)
