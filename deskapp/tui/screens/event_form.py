"""Add or edit a campaign event: every field, by keyboard alone.

Tab and shift+tab move between fields; the kind, risk and patrol bars take their hotkeys
(as in fast capture); ctrl+s saves. Each field is checked by the rules in ``core.events``
as the form is saved, and a refusal shows beside the field it is about. Escape asks
before it discards changed input; a lock keeps the form, and its input, in memory.

The place and the organiser's details are masked: editing an event shows them only if
the event view revealed them (a logged consultation); otherwise their boxes start empty
and are left as they are unless something is typed there.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from deskapp.core import events as rules
from deskapp.core.errors import ValidationError
from deskapp.tui.background import failure_message
from deskapp.tui.bindings import field_keys
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.ready import ReadyForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.store.desk import Desk

KINDS = [
    ("h", "hustings", "hustings"),
    ("c", "canvassing", "canvassing"),
    ("o", "count", "count"),
    ("s", "surgery", "surgery"),
    ("b", "security-briefing", "briefing"),
    ("x", "other", "other"),
]
RISKS = [("l", "low", "low"), ("m", "medium", "medium"), ("h", "high", "high")]
PATROL = [("n", "no", "no"), ("y", "yes", "yes")]
TIME_HINT = "YYYY-MM-DD HH:MM (UTC)"

#: The form's fields in order: (field, label, placeholder or choices).
FIELDS: list[tuple[str, str, str | list[tuple[str, str, str]]]] = [
    ("title", "Title", "what it is called"),
    ("kind", "Kind", KINDS),
    ("starts_at", "Starts", TIME_HINT),
    ("ends_at", "Ends", TIME_HINT),
    ("place", "Place", "venue and address (masked)"),
    ("organiser", "Organiser", "who organises it (masked)"),
    ("organiser_contact", "Organiser contact", "phone or email (masked)"),
    ("notice_received_at", "Notice received", TIME_HINT + "; 48 h expected"),
    ("risk", "Risk", RISKS),
    ("risk_reason", "Risk reason", "needed for medium and high"),
    ("patrol_requested", "Patrol requested", PATROL),
    ("patrol_minutes", "Patrol hours", "e.g. 2.5 or 1:30"),
    ("patrol_additional_pence", "Additional cost £", "what a special-grant claim counts"),
    ("patrol_opportunity_pence", "Opportunity cost £", "officers' time already paid for"),
    ("attendance", "Attendance", "expected numbers"),
    ("notes", "Notes", ""),
    ("outcome", "Outcome", "what happened"),
]
SENSITIVE = frozenset(("place", "organiser", "organiser_contact"))


def as_text(field: str, value: Any) -> str:
    """A stored value as the form shows it (and as ``core.events`` reads it back)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if field == "patrol_requested":
        return "yes" if value else "no"
    if field == "patrol_minutes":
        return rules.hours(int(value)) if value else ""
    if field in ("patrol_additional_pence", "patrol_opportunity_pence"):
        return f"{value // 100}.{value % 100:02d}" if value else ""
    return str(value)


class EventFormScreen(ReadyForm[str]):
    """Returns the event's id once saved, or None if abandoned."""

    HELP_TITLE = "Event form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="event_form.save"),
        Binding("escape", "cancel", "Cancel", id="event_form.cancel"),
        *field_keys("event_form"),
    ]

    def __init__(
        self,
        event: dict[str, Any] | None = None,
        *,
        revealed: dict[str, Any] | None = None,
        focus: str = "title",
    ) -> None:
        """``event``: the stored event to edit (None: a new one); ``revealed``: its masked
        fields as the view revealed them; ``focus``: the field to start in."""
        super().__init__()
        self.event = event
        self.first = focus
        shown = {**(event or {}), **(revealed or {})}
        self.initial = {
            name: ""
            if name in SENSITIVE and event is not None and name not in (revealed or {})
            else as_text(name, shown.get(name))
            for name, _, _ in FIELDS
        }
        if event is None:
            self.initial.update(kind="", risk="low", patrol_requested="no")
        self.saving = False

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = "Edit event " + rules.event_ref(self.event["id"]) if self.event else "New event"
        with Vertical(classes="dialog capture event-form"):
            yield Static(f"[b]{title}[/b]", classes="dialog-title")
            with VerticalScroll(id="event-fields"):
                for name, label, spec in FIELDS:
                    with Horizontal(classes="form-row"):
                        yield Label(label)
                        yield self._widget(name, spec)
                    yield Static("", id=f"{name}-message", classes="message field-message")
            yield Static("", id="event-message", classes="message")
            yield Static(
                "[b]tab[/b] next field   "
                + key_hint(self.app, "event_form.save", "save   ")
                + key_hint(self.app, "event_form.cancel", "cancel"),
                classes="dialog-keys",
            )

    def _widget(self, name: str, spec: str | list[tuple[str, str, str]]) -> Widget:
        value = self.initial[name]
        if isinstance(spec, list):
            return ChoiceBar(spec, value=value or None, id=name)
        placeholder = spec
        if name in SENSITIVE and self.event is not None and not value:
            placeholder = "masked: type to replace, or leave as it is"
        # Typing into a field adds to what it holds (an edit, not a replacement).
        return Input(value=value, placeholder=placeholder, id=name, select_on_focus=False)

    def on_mount(self) -> None:
        for message in self.query(".field-message"):
            message.display = False
        self.set_focus(self.query_one(f"#{self.first}"))
        self.mark_ready()

    # -- values ------------------------------------------------------------------------------
    def current(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, _, spec in FIELDS:
            if isinstance(spec, list):
                out[name] = self.query_one(f"#{name}", ChoiceBar).value or ""
            else:
                out[name] = self.query_one(f"#{name}", Input).value
        return out

    def has_unsaved(self) -> bool:
        return self.current() != self.initial

    def changes(self) -> dict[str, Any]:
        """What the officer changed, as the events service takes it. A masked field left
        empty is left as it is."""
        now = self.current()
        out: dict[str, Any] = {}
        for name, value in now.items():
            if value == self.initial[name] and self.event is not None:
                continue
            if self.event is None and not value:
                continue
            out[name] = value == "yes" if name == "patrol_requested" else value
        return out

    def _show_error(self, field: str | None, text: str) -> None:
        if field not in self.initial:
            field = None  # not a field of the form: the message goes below it
        target = self.query_one(f"#{field}-message" if field else "#event-message", Static)
        target.update(Text(text))
        target.display = True
        if field:
            self.set_focus(self.query_one(f"#{field}"))

    def _clear_errors(self) -> None:
        for message in self.query(".field-message"):
            message.display = False
        self.query_one("#event-message", Static).update("")

    def check(self, changes: dict[str, Any]) -> bool:
        """Each changed field by the rules in core; the first refusal shown beside its field."""
        self._clear_errors()
        problems: list[tuple[str, str]] = []
        for name, value in changes.items():
            try:
                rules.clean_event({name: value})
            except ValidationError as exc:
                problems.append((exc.field or name, str(exc)))
        if self.event is None:
            for name in ("title", "kind", "starts_at"):
                if not changes.get(name):
                    label = rules.field_label(name)
                    problems.append((name, f"Give the event's {label}."))
        for field, text in reversed(problems):  # the first field ends with the focus
            self._show_error(field, text)
        return not problems

    # -- save and cancel -------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        changes = self.changes()
        if not self.check(changes):
            return
        if not changes:
            self.dismiss(str(self.event["id"]) if self.event else None)
            return
        event_id = str(self.event["id"]) if self.event else None

        def work(desk: Desk) -> str:
            from deskapp.store import events

            if event_id is None:
                return events.add_event(desk, **changes)
            events.update_event(desk, event_id, **changes)
            return event_id

        def failed(exc: BaseException) -> None:
            self.saving = False
            field = exc.field if isinstance(exc, ValidationError) else None
            self._show_error(field, failure_message(exc))

        worker = self.background(work, self._saved, failed=failed, group="event-form", wrote=True)
        self.saving = worker is not None

    def _saved(self, saved_id: str) -> None:
        self.saving = False
        if self.event is None:
            self.app.notify(f"Event {rules.event_ref(saved_id)} added.", title="Saved")
        self.dismiss(saved_id)

    def action_cancel(self) -> None:
        if not self.has_unsaved():
            self.dismiss(None)
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Discard the changes to this event?", yes="Discard", no="Keep editing"),
            answer,
        )
