"""What every form over a record shares: one field a row with its message under it,
ctrl+s saves, esc asks before discarding changed input, and the save runs in the
background. The person, adviser and council forms, the event form, the risk dialog,
the review extension and the audit filter are all ``RecordForm``s.

Forms are modal screens, so locking keeps them with what was typed (``base.py``:
screens stay under the lock screen) and quitting asks first (``has_unsaved``). The
service a form calls validates with ``core``; a ``ValidationError`` names the field
it is about and its message is shown under that field, which takes the focus.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static

from deskapp.tui.background import failure_message
from deskapp.tui.bindings import form_keys
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.ready import ReadyForm
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.lookup import Lookup

R = TypeVar("R")


class FormInput(Input):
    """A single-line field: enter saves the form, as ctrl+s does."""


def field_row(label: str, widget: Widget) -> ComposeResult:
    """A label and its field on one line, the field's message (hidden) under it."""
    with Horizontal(classes="form-row"):
        yield Label(label, classes="form-label")
        yield widget
    yield Static("", id=f"error-{widget.id}", classes="field-error")


class RecordForm(ReadyForm[R]):
    """A form over one record. Subclasses compose their fields (``field_row``), each
    field's message an ``error-{field}`` Static (a field without one has its message
    under the form, in ``form-message``), give ``FIELDS`` (the ids of the fields, in
    order) and ``save_work`` (the service call).

    ``SCOPE`` names the form's keys: ``{SCOPE}.save``, ``.cancel``, ``.next_field`` and
    ``.previous_field`` (``bindings.form_keys``); a subclass that sets its own gets its
    keys, and the help text naming them, made from it."""

    FIELDS: ClassVar[tuple[str, ...]] = ()
    SCOPE: ClassVar[str] = "form"
    #: Whether the form reads its record when it opens (``load_work``); a form handed
    #: what it shows by the view that opened it reads nothing, and takes a save at once.
    READS: ClassVar[bool] = True
    HELP_TEXT = (
        "{form.next_field} and {form.previous_field} move between fields; {form.save} (or "
        "enter in a one-line field) saves; {form.cancel} cancels, asking first if anything "
        "was typed. A message shows under the field it is about. Locking keeps the form "
        "as it is."
    )
    DISCARD_QUESTION = "Discard the changes in this form?"

    BINDINGS: ClassVar[list[BindingType]] = form_keys("form")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        own = cls.__dict__
        if "SCOPE" in own:  # before Textual merges the class's bindings
            cls.BINDINGS = [*form_keys(cls.SCOPE), *own.get("BINDINGS", [])]
            if "HELP_TEXT" not in own:
                cls.HELP_TEXT = RecordForm.HELP_TEXT.replace("{form.", "{" + cls.SCOPE + ".")
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.initial: dict[str, Any] = {}
        self.saving = False
        self.loaded = False
        #: the field that has the focus when the form opens
        self.first_field = self.FIELDS[0]
        #: save asked for while a lookup's matches were on their way (typed in one burst)
        self.save_when_found = False

    # -- subclasses ---------------------------------------------------------------------------
    def load_work(self, desk: Any) -> dict[str, Any] | None:
        """Read the record on a worker (None: a new record, nothing to read)."""
        return None

    def fill(self, data: dict[str, Any]) -> None:
        """Put what ``load_work`` read into the fields."""

    def save_work(self, desk: Any, values: dict[str, Any]) -> Any:
        """Write through the service (on a worker); the result is the form's result."""
        raise NotImplementedError

    def check(self, values: dict[str, Any]) -> None:
        """Checks of ``core`` that need no database, run before the worker."""

    def keys_line(self) -> str:
        return key_hint(self.app, f"{self.SCOPE}.save", "save (or enter)   ") + key_hint(
            self.app, f"{self.SCOPE}.cancel", "cancel"
        )

    def done(self, value: Any) -> None:
        """Saved: the form closes with the service's result."""
        self.dismiss(value)

    # -- fields -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What each field holds now: text, a choice, a flag, or a lookup's pick."""
        out: dict[str, Any] = {}
        for name in self.FIELDS:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, (Input, ChoiceBar, Checkbox)):
                out[name] = widget.value
            elif isinstance(widget, Lookup):
                out[name] = widget.text
        return out

    def changed(self) -> dict[str, Any]:
        now = self.values()
        return {k: v for k, v in now.items() if v != self.initial.get(k)}

    def has_unsaved(self) -> bool:
        return bool(self.changed())

    def _errors(self, field: str | None = None) -> list[Static]:
        """The message under ``field`` (every field's, for None): none for a field
        without one."""
        names = self.FIELDS if field is None else (field,) if field in self.FIELDS else ()
        return [box for name in names for box in self.query(f"#error-{name}").results(Static)]

    def show_error(self, field: str | None, message: str) -> None:
        """The message under its field, else under the form; the field takes the focus."""
        for error in self._errors():
            error.display = False
        below = self._errors(field)
        self.query_one("#form-message", Static).update("" if below else Text(message))
        for error in below:
            error.update(Text(message))
            error.display = True
        if field in self.FIELDS:
            widget = self.query_one(f"#{field}")
            self.set_focus(widget.query_one(Input) if isinstance(widget, Lookup) else widget)

    # -- life cycle ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        for error in self._errors():
            error.display = False
        first = self.query_one(f"#{self.first_field}")
        self.set_focus(first.query_one(Input) if isinstance(first, Lookup) else first)
        self.initial = self.values()
        if self.READS:
            self.background(self.load_work, self._loaded, failed=self._failed, group="form-load")
        else:
            self.loaded = True
        self.mark_ready()

    def _loaded(self, data: dict[str, Any] | None) -> None:
        if data is not None:
            self.fill(data)
            self.initial = self.values()
        self.loaded = True

    def on_lookup_found(self, message: Lookup.Found) -> None:
        message.stop()
        if self.save_when_found and not any(lookup.pending for lookup in self.query(Lookup)):
            self.save_when_found = False
            self.action_save()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._clear_error(event.input)

    def on_choice_bar_chosen(self, event: ChoiceBar.Chosen) -> None:
        self._clear_error(event.bar)

    def _clear_error(self, widget: Widget) -> None:
        """A field's message goes once the field is changed."""
        field = widget.parent if isinstance(widget.parent, Lookup) else widget
        for error in self._errors(field.id):
            error.display = False

    # -- saving -------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, FormInput) or isinstance(event.input.parent, Lookup):
            event.stop()
            self.action_save()

    def action_save(self) -> None:
        from deskapp.domain.errors import ValidationError

        if self.saving or not self.loaded:
            return
        if any(lookup.pending for lookup in self.query(Lookup)):
            self.save_when_found = True  # saved when the matches come (on_lookup_found)
            return
        values = self.values()
        try:
            for name in self.FIELDS:
                widget = self.query_one(f"#{name}")
                if isinstance(widget, Lookup):
                    values[name] = widget.pick()
            self.check(values)
        except ValidationError as exc:
            self.show_error(exc.field, str(exc))
            return
        worker = self.background(
            lambda desk: self.save_work(desk, values),
            self._saved,
            failed=self._failed,
            group="form-save",
            wrote=True,
        )
        self.saving = worker is not None

    def _saved(self, value: Any) -> None:
        self.saving = False
        self.done(value)

    def _failed(self, exc: BaseException) -> None:
        """A ``ValidationError`` under its field; anything else under the form, by its
        kind only (``failure_message``)."""
        from deskapp.domain.errors import ValidationError

        self.saving = False
        field = exc.field if isinstance(exc, ValidationError) else None
        self.show_error(field, failure_message(exc))
