"""Add or edit a campaign event: every field, by keyboard alone.

Tab and shift+tab move between fields; the kind, risk and patrol bars take their hotkeys
(as in fast capture); ctrl+s saves. Each field is checked by the rules in ``domain.events``
as the form is saved, and a refusal shows beside the field it is about. Escape asks
before it discards changed input; a lock keeps the form, and its input, in memory.

The place and the organiser's details are masked: editing an event shows them only if
the event view revealed them (a logged consultation); otherwise their boxes start empty
and are left as they are unless something is typed there.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from deskapp.domain import events as rules
from deskapp.domain.errors import ValidationError
from deskapp.domain.validation import about
from deskapp.runtime.clock import local, zone
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.form import FormValues, RecordForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.services.events import EventDetail

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
#: Times are typed on the force's clock (settings: timezone), as they are shown.
TIME_HINT = "YYYY-MM-DD HH:MM (local time)"

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
    """A stored value as the form shows it (and as ``domain.events`` reads it back)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")
    if field == "patrol_requested":
        return "yes" if value else "no"
    if field == "patrol_minutes":
        return rules.hours(int(value)) if value else ""
    if field in ("patrol_additional_pence", "patrol_opportunity_pence"):
        return f"{value // 100}.{value % 100:02d}" if value else ""
    return str(value)


class EventFormScreen(RecordForm[str]):
    """Returns the event's id once saved, or None if abandoned."""

    HELP_TITLE = "Event form"
    SCOPE = "event_form"
    FIELDS = tuple(name for name, _, _ in FIELDS)
    READS = False  # the event view hands it the event, and what it revealed
    HELP_TEXT = (
        "{event_form.next_field} and {event_form.previous_field} move between fields; "
        "{event_form.save} saves; {event_form.cancel} cancels, asking first if anything "
        "was changed. A refusal shows beside the field it is about. Locking keeps the "
        "form as it is."
    )
    DISCARD_QUESTION = "Discard the changes to this event?"

    def __init__(
        self,
        event: EventDetail | None = None,
        *,
        revealed: dict[str, str] | None = None,
        focus: str = "title",
    ) -> None:
        """``event``: the stored event to edit (None: a new one); ``revealed``: its masked
        fields as the view revealed them; ``focus``: the field to start in."""
        super().__init__()
        self.event = event
        self.first_field = focus
        shown = {**(event or {}), **(revealed or {})}
        #: what each field shows when the form opens (a masked field not revealed: empty)
        self.shown = {
            name: ""
            if name in SENSITIVE and event is not None and name not in (revealed or {})
            else as_text(name, shown.get(name))
            for name in self.FIELDS
        }
        if event is None:
            self.shown.update(kind="", risk="low", patrol_requested="no")

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
                    yield Static("", id=f"error-{name}", classes="message field-message")
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")

    def keys_line(self) -> str:
        return (
            "[b]tab[/b] next field   "
            + key_hint(self.app, "event_form.save", "save   ")
            + key_hint(self.app, "event_form.cancel", "cancel")
        )

    def _widget(self, name: str, spec: str | list[tuple[str, str, str]]) -> Widget:
        value = self.shown[name]
        if isinstance(spec, list):
            return ChoiceBar(spec, value=value or None, id=name)
        placeholder = spec
        if name in SENSITIVE and self.event is not None and not value:
            placeholder = "masked: type to replace, or leave as it is"
        # Typing into a field adds to what it holds (an edit, not a replacement).
        return Input(value=value, placeholder=placeholder, id=name, select_on_focus=False)

    # -- saving ------------------------------------------------------------------------------
    def changes(self, values: FormValues) -> FormValues:
        """What the officer changed, as the events service takes it: of a new event
        every field given, of a stored one every field changed (a masked field left
        empty is left as it is)."""
        out: FormValues = {}
        for name, value in values.items():
            if (self.event is None and not value) or (
                self.event is not None and value == self.initial.get(name)
            ):
                continue
            out[name] = value == "yes" if name == "patrol_requested" else value
        return out

    def check(self, values: FormValues) -> None:
        """Each changed field by the rules in core, in the form's order; a new event
        needs its title, kind and start."""
        for name, value in self.changes(values).items():
            with about(name):
                rules.clean_event({name: value}, zone())
        if self.event is None:
            for name in ("title", "kind", "starts_at"):
                if not values.get(name):
                    label = rules.field_label(name)
                    raise ValidationError(f"Give the event's {label}.", field=name)

    def save_work(self, desk: Desk, values: FormValues) -> str:
        from deskapp.services import events

        changes = self.changes(values)
        if self.event is None:
            return events.add_event(desk, **changes)
        event_id = str(self.event["id"])
        if changes:
            events.update_event(desk, event_id, **changes)
        return event_id

    def done(self, value: Any) -> None:
        if self.event is None:
            self.app.notify(f"Event {rules.event_ref(value)} added.", title="Saved")
        super().done(value)
