"""Fast capture while on the phone: person, type, grade, summary, THRIVE (optional).

For a known person: a few letters of the name, enter, a type key, a grade key, the
summary, enter — saved.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.tui.keymap import key_hint
from deskapp.tui.widgets.choice_bar import ChoiceBar

TYPES = [
    ("t", "threat", "threat"),
    ("h", "harassment", "harassment"),
    ("i", "intimidation", "intimidation"),
    ("o", "online-abuse", "online abuse"),
    ("s", "stalking", "stalking"),
    ("d", "criminal-damage", "damage"),
    ("c", "hate-crime", "hate crime"),
    ("a", "address-disclosure", "address"),
    ("p", "suspicious-activity", "suspicious"),
    ("x", "other", "other"),
]
GRADE_CHOICES = [
    ("1", "1", "G1 Emergency"),
    ("2", "2", "G2 Priority"),
    ("3", "3", "G3 Scheduled"),
    ("4", "4", "G4 Resolution"),
]


class PersonInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.move_pick(1)", "Next match", show=False, id="capture.next"),
        Binding("up", "screen.move_pick(-1)", "Previous match", show=False, id="capture.prev"),
    ]


class NewIncidentScreen(ModalScreen[str | None]):
    """Returns the new incident's id, or None if abandoned."""

    HELP_TITLE = "New incident"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="capture.save"),
        Binding("escape", "cancel", "Cancel", id="capture.cancel"),
    ]

    class Matches(Message):
        def __init__(self, query: str, rows: list[dict[str, Any]]) -> None:
            super().__init__()
            self.query = query
            self.rows = rows

    class Saved(Message):
        def __init__(self, incident_id: str | None, error: str | None) -> None:
            super().__init__()
            self.incident_id = incident_id
            self.error = error

    def __init__(self, person: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.person: tuple[str, str] | None = person
        self.matches: list[dict[str, Any]] = []
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog capture"):
            yield Static("[b]New incident[/b]", classes="dialog-title")
            yield Label("Person (type part of the name, enter picks)")
            yield PersonInput(
                value=self.person[1] if self.person else "",
                placeholder="name, party or post…",
                id="person",
            )
            yield OptionList(id="matches")
            yield Label("Type")
            yield ChoiceBar(TYPES, value=None, id="type")
            yield Label("Grade")
            yield ChoiceBar(GRADE_CHOICES, value=None, id="grade")
            yield Label("Summary (enter saves)")
            yield Input(placeholder="what happened, in a line", id="summary")
            yield Label("THRIVE (optional: six letters l/m/h for T H R I V E, e.g. hmmlhm)")
            yield Input(placeholder="optional", id="thrive", max_length=6)
            yield Static("", id="capture-message", classes="message")
            yield Static(
                "[b]enter[/b] next/save   "
                + key_hint(self.app, "capture.save", "save   ")
                + key_hint(self.app, "capture.cancel", "cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        if self.person:
            self.query_one("#matches", OptionList).display = False
            self.query_one("#type", ChoiceBar).focus()
        else:
            self.query_one("#person", Input).focus()
            self._search("")

    def has_unsaved(self) -> bool:
        return bool(
            (self.person is None and self.query_one("#person", Input).value)
            or self.query_one("#summary", Input).value
            or self.query_one("#thrive", Input).value
            or self.query_one("#type", ChoiceBar).value
            or self.query_one("#grade", ChoiceBar).value
        )

    # -- person type-ahead (FTS over the whole roster, on a worker) --------------------------
    def _search(self, text: str) -> None:
        from deskapp.tui.app import DeskApp

        app = self.app
        assert isinstance(app, DeskApp)

        def work() -> None:
            from deskapp.store import windows

            try:
                with app.require_desk().read() as conn:
                    rows = windows.person_picker(conn, text, limit=6)
            except Exception:
                return
            self.post_message(self.Matches(text, rows))

        self.run_worker(
            work, thread=True, group="person-search", exclusive=True, exit_on_error=False
        )

    @on(Input.Changed, "#person")
    def person_typed(self, event: Input.Changed) -> None:
        if self.person and event.value == self.person[1]:
            return
        self.person = None
        self.query_one("#matches", OptionList).display = True
        self._search(event.value)

    def on_new_incident_screen_matches(self, message: Matches) -> None:
        if message.query != self.query_one("#person", Input).value or self.person:
            return
        self.matches = message.rows
        listing = self.query_one("#matches", OptionList)
        listing.clear_options()
        listing.add_options(
            [
                Option(
                    f"{r['name']}  ·  {r['role']} · {r['party'] or '—'} · {r['post'] or '—'}",
                    id=str(r["id"]),
                )
                for r in message.rows
            ]
        )
        if message.rows:
            listing.highlighted = 0

    def action_move_pick(self, delta: int) -> None:
        listing = self.query_one("#matches", OptionList)
        if self.matches:
            index = (listing.highlighted or 0) + delta
            listing.highlighted = max(0, min(index, len(self.matches) - 1))

    def _pick(self, index: int) -> None:
        row = self.matches[index]
        self.person = (str(row["id"]), str(row["name"]))
        box = self.query_one("#person", Input)
        with box.prevent(Input.Changed):
            box.value = str(row["name"])
        self.query_one("#matches", OptionList).display = False
        self.query_one("#type", ChoiceBar).focus()

    @on(OptionList.OptionSelected, "#matches")
    def match_clicked(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option_index)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "person":
            if self.person:
                self.query_one("#type", ChoiceBar).focus()
                return
            listing = self.query_one("#matches", OptionList)
            if self.matches:
                self._pick(listing.highlighted or 0)
            return
        self.action_save()

    # -- saving ------------------------------------------------------------------------------
    def _message(self, text: str) -> None:
        self.query_one("#capture-message", Static).update(text)

    def action_save(self) -> None:
        if self.saving:
            return
        kind = self.query_one("#type", ChoiceBar).value
        grade = self.query_one("#grade", ChoiceBar).value
        summary = self.query_one("#summary", Input).value.strip()
        spec = self.query_one("#thrive", Input).value.strip().lower()
        if self.person is None:
            self._message("Pick the person first (type part of the name, enter).")
            self.query_one("#person", Input).focus()
            return
        if kind is None:
            self._message("Choose the type (one key).")
            self.query_one("#type", ChoiceBar).focus()
            return
        if grade is None:
            self._message("Choose the grade (1-4).")
            self.query_one("#grade", ChoiceBar).focus()
            return
        if not summary:
            self._message("A one-line summary is needed.")
            self.query_one("#summary", Input).focus()
            return
        from deskapp.core.thrive import DIMENSIONS, Score
        from deskapp.tui.screens.modals import LEVEL_KEYS

        thrive = None
        if spec:
            if len(spec) != len(DIMENSIONS) or any(c not in "lmh" for c in spec):
                self._message("THRIVE: six letters, each l, m or h (or leave it empty).")
                self.query_one("#thrive", Input).focus()
                return
            thrive = {d: Score(LEVEL_KEYS[c]) for d, c in zip(DIMENSIONS, spec, strict=True)}
        from deskapp.tui.app import DeskApp

        app = self.app
        assert isinstance(app, DeskApp)
        person_id = self.person[0]
        self.saving = True
        self._message("Saving…")

        def work() -> None:
            from deskapp.core.errors import DeskError
            from deskapp.store.incidents import add_incident

            try:
                incident_id = add_incident(
                    app.require_desk(),
                    person=person_id,
                    type=kind,
                    grade=int(grade),
                    summary=summary,
                    thrive=thrive,
                )
            except DeskError as exc:
                self.post_message(self.Saved(None, str(exc)))
                return
            self.post_message(self.Saved(incident_id, None))
            app.call_from_thread(app.refresh_pending)

        self.run_worker(work, thread=True, group="capture", exit_on_error=False)

    def on_new_incident_screen_saved(self, message: Saved) -> None:
        self.saving = False
        if message.error:
            self._message(f"[b]{message.error}[/b]")
            return
        self.dismiss(message.incident_id)

    def action_cancel(self) -> None:
        if not self.has_unsaved():
            self.dismiss(None)
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Discard this incident?", yes="Discard", no="Keep editing"), answer
        )
