"""Fast capture while on the phone: person, type, grade, summary, THRIVE (optional).

For a known person: a few letters of the name, enter, a type key, a grade key, the
summary, enter — saved, and the new incident's reference shown to read to the caller.
A caller not on the roster is added from here (ctrl+n, or enter when nobody matches).
The adviser is the person's named adviser unless the officer picks another.

Keys typed in one quick burst (remote-desktop and SSH links deliver them so) act where
the key before them left the focus. Textual hands each key to the focused widget as the
key arrives, before that widget has handled the ones before it, so every key that moves
focus here is a priority binding that moves it at once:

* the type and grade keys (``ChoiceBar``), and tab and shift+tab;
* enter in the person box: focus goes on to the type at once, and the pick itself waits
  for the name typed so far (a ``Commit`` message queued behind those letters) and for
  the roster search of that name (a worker);
* ``n`` in the queue or a person's view opens this screen with ``ready.open_ready``: the
  app hands on no further key until a field here has focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.domain.text import visible
from deskapp.tui.background import failure_message, quietly
from deskapp.tui.bindings import field_keys
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.ready import ReadyForm, open_ready
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.tui.screens.person_form import PersonFormScreen

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
ADD_PERSON = "+add"
#: How long the saved incident's reference stays on screen (read it to the caller).
REFERENCE_SECONDS = 20


class PersonInput(Input):
    # Priority bindings (see the module docstring); each queues a message behind the
    # letters typed before it, so it acts on the name as typed so far.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "commit", "Pick", show=False, id="capture.pick", priority=True),
        Binding("down", "move(1)", "Next match", show=False, id="capture.next", priority=True),
        Binding("up", "move(-1)", "Previous match", show=False, id="capture.prev", priority=True),
    ]

    class Commit(Message):
        """Enter: pick the highlighted match of the name typed before it."""

    class Move(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def action_commit(self) -> None:
        screen = self.screen
        if isinstance(screen, NewIncidentScreen):
            screen.set_focus(screen.query_one("#type", ChoiceBar))
        self.post_message(self.Commit())

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))


class AdviserField(Static, can_focus=True):
    """The adviser the incident goes to: the person's named adviser unless changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "screen.change_adviser", "Change adviser", id="capture.adviser"),
    ]
    DEFAULT_CSS = "AdviserField:focus { background: $boost; }"


class NewIncidentScreen(ReadyForm[str]):
    """Returns the new incident's id, or None if abandoned."""

    HELP_TITLE = "New incident"
    DISCARD_QUESTION = "Discard this incident?"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="capture.save"),
        Binding("escape", "cancel", "Cancel", id="capture.cancel"),
        Binding("ctrl+n", "add_person", "Add person", id="capture.add_person", priority=True),
        *field_keys("capture"),
    ]

    def __init__(self, person: tuple[str, str] | None = None) -> None:
        super().__init__()
        self.person: tuple[str, str] | None = person
        self.matches: list[dict[str, Any]] = []
        #: the name the shown matches are for, and the name last searched for
        self.matches_for: str | None = None
        self.searched_for = person[1] if person else ""
        #: a name enter was pressed on, still waiting for its matches
        self.pending_pick: str | None = None
        #: save was asked for while that pick was still waiting: save once it is made
        self.save_after_pick = False
        #: the person's named adviser as (id, name), once looked up
        self.named: tuple[str, str] | None = None
        #: an adviser the officer chose instead, as (id, name)
        self.chosen_adviser: tuple[str, str] | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        from deskapp.services.incidents import SUMMARY_MAX

        with Vertical(classes="dialog capture"):
            yield Static("[b]New incident[/b]", classes="dialog-title")
            yield Label("Person (type part of the name, enter picks; ctrl+n adds someone new)")
            yield PersonInput(
                value=self.person[1] if self.person else "",
                placeholder="name, party or post…",
                id="person",
            )
            matches = OptionList(id="matches")
            matches.can_focus = False  # up/down in the name box move through it
            yield matches
            yield Label("Type")
            yield ChoiceBar(TYPES, value=None, id="type")
            yield Label("Grade")
            yield ChoiceBar(GRADE_CHOICES, value=None, id="grade")
            with Horizontal(classes="capture-summary-head"):
                yield Label("Summary (enter saves)")
                yield Static(f"0/{SUMMARY_MAX}", id="summary-count")
            yield Input(placeholder="what happened, in a line", id="summary")
            yield Label("THRIVE (optional: six letters l/m/h for T H R I V E, e.g. hmmlhm)")
            yield Input(placeholder="optional", id="thrive", max_length=6)
            yield AdviserField("", id="adviser")
            yield Static("", id="capture-message", classes="message")
            yield Static(
                "[b]enter[/b] next/save   "
                + key_hint(self.app, "capture.save", "save   ")
                + key_hint(self.app, "capture.cancel", "cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self._show_adviser()
        if self.person:
            self.query_one("#matches", OptionList).display = False
            self.set_focus(self.query_one("#type", ChoiceBar))
            self._look_up_adviser(self.person[0])
        else:
            self.set_focus(self.query_one("#person", Input))
            self._search("")
        self.mark_ready()

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
        def work(desk: Desk) -> list[dict[str, Any]]:
            from deskapp.search import windows

            with desk.read() as conn:
                return windows.person_picker(conn, text, limit=6)

        # Not exclusive: a thread cannot be stopped anyway, and an answer for a name no
        # longer in the box is dropped when it arrives.
        self.background(
            work, lambda rows: self._matched(text, rows), failed=quietly, group="person-search"
        )

    def _follow_name(self) -> None:
        """Search for the name in the box if it is not what was last searched for. Called
        on every change, move and enter: their messages can arrive in either order."""
        text = self.query_one("#person", Input).value
        if text == self.searched_for:
            return
        self.searched_for = text
        self.person = None
        self.named = None
        self._show_adviser()
        self.query_one("#matches", OptionList).display = True
        self._search(text)

    @on(Input.Changed, "#person")
    def person_typed(self, event: Input.Changed) -> None:
        self._follow_name()

    def on_person_input_move(self, message: PersonInput.Move) -> None:
        self._follow_name()
        listing = self.query_one("#matches", OptionList)
        if listing.option_count:
            index = (listing.highlighted or 0) + message.delta
            listing.highlighted = max(0, min(index, listing.option_count - 1))

    def on_person_input_commit(self, message: PersonInput.Commit) -> None:
        self._follow_name()
        text = self.query_one("#person", Input).value
        if self.person:
            return  # already picked (or given by the person's view)
        if self.matches_for == text:
            self._resolve(self.query_one("#matches", OptionList).highlighted or 0)
        else:
            self.pending_pick = text

    def _matched(self, query: str, rows: list[dict[str, Any]]) -> None:
        text = self.query_one("#person", Input).value
        if query != text or self.person:
            return
        self.matches = rows
        self.matches_for = text
        listing = self.query_one("#matches", OptionList)
        listing.clear_options()
        listing.add_options(
            [
                Option(
                    Text(
                        visible(
                            f"{r['name']}  ·  {r['role']} · {r['party'] or '—'} · "
                            f"{r['post'] or '—'}"
                        )
                    ),
                    id=str(r["id"]),
                )
                for r in rows
            ]
        )
        if text.strip():
            offer = Text(
                visible(f"+ Add “{text.strip()}” as a new person (ctrl+n)"), style="italic"
            )
            listing.add_option(Option(offer, id=ADD_PERSON))
        if listing.option_count:
            listing.highlighted = 0
        if self.pending_pick == text:
            self.pending_pick = None
            self._resolve(listing.highlighted or 0)
            if self.save_after_pick and self.person:
                self.action_save()
            self.save_after_pick = False

    def _resolve(self, index: int) -> None:
        """Enter on the name: the highlighted match, or the offer to add someone new."""
        if index < len(self.matches):
            self._pick(index)
        elif self.query_one("#person", Input).value.strip():
            self.app.push_screen(*self._add_person())
        else:
            self._message("Type part of the name first.")

    def _pick(self, index: int) -> None:
        row = self.matches[index]
        self._chose_person(str(row["id"]), str(row["name"]))

    def _chose_person(self, person_id: str, name: str) -> None:
        self.person = (person_id, name)
        self.searched_for = name
        box = self.query_one("#person", Input)
        with box.prevent(Input.Changed):
            box.value = name
        self.query_one("#matches", OptionList).display = False
        self._message("")
        self._look_up_adviser(person_id)

    @on(OptionList.OptionSelected, "#matches")
    def match_clicked(self, event: OptionList.OptionSelected) -> None:
        self._resolve(event.option_index)
        if self.person:
            self.set_focus(self.query_one("#type", ChoiceBar))

    # -- someone not on the roster -----------------------------------------------------------
    async def action_add_person(self) -> None:
        await open_ready(self.app, *self._add_person())

    def _add_person(self) -> tuple[PersonFormScreen, Callable[[tuple[str, str] | None], None]]:
        """The form for someone not on the roster, with the name typed so far."""
        from deskapp.tui.screens.person_form import PersonFormScreen

        name = self.query_one("#person", Input).value.strip()
        if self.person and name == self.person[1]:
            name = ""

        def added(result: tuple[str, str] | None) -> None:
            if result:
                self._chose_person(*result)
                if not self.query_one("#type", ChoiceBar).value:
                    self.set_focus(self.query_one("#type", ChoiceBar))

        return PersonFormScreen(name), added

    # -- the adviser ---------------------------------------------------------------------------
    def _look_up_adviser(self, person_id: str) -> None:
        from deskapp.services.people import named_adviser

        self.background(
            lambda desk: named_adviser(desk, person_id),
            lambda adviser: self._adviser_found(person_id, adviser),
            failed=quietly,
            group="capture-adviser",
        )

    def _adviser_found(self, person_id: str, adviser: tuple[str, str] | None) -> None:
        if self.person and self.person[0] == person_id:
            self.named = adviser
            self._show_adviser()

    def _show_adviser(self) -> None:
        text = Text("Adviser: ", style="bold")
        if self.chosen_adviser is not None:
            text.append(visible(self.chosen_adviser[1]))
        elif self.person is None:
            text.append("the person's named adviser", style="dim")
        elif self.named is None:
            text.append("none named for this person", style="dim")
        else:
            text.append(visible(self.named[1]))
            text.append(" (named adviser)", style="dim")
        text.append("   enter/space here changes", style="dim")
        self.query_one("#adviser", AdviserField).update(text)

    def action_change_adviser(self) -> None:
        from deskapp.tui.screens.incident import adviser_picker

        picker = adviser_picker()

        def chosen(adviser_id: str | None) -> None:
            if adviser_id is None:
                return
            label = next((lbl for value, lbl in picker.current if value == adviser_id), "")
            self.chosen_adviser = (adviser_id, label.split(" — ")[0])
            self._show_adviser()

        self.app.push_screen(picker, chosen)

    # -- summary ----------------------------------------------------------------------------
    @on(Input.Changed, "#summary")
    def summary_typed(self, event: Input.Changed) -> None:
        from deskapp.services.incidents import SUMMARY_MAX

        count = len(event.input.value.strip())
        counter = self.query_one("#summary-count", Static)
        over = count > SUMMARY_MAX
        counter.set_class(over, "-over")
        note = "  over: shortened, the whole text kept as the description" if over else ""
        counter.update(Text(f"{count}/{SUMMARY_MAX}{note}"))

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "person":
            self.action_save()

    # -- saving ------------------------------------------------------------------------------
    def _message(self, text: str) -> None:
        self.query_one("#capture-message", Static).update(Text(visible(text)))

    def action_save(self) -> None:
        if self.saving:
            return
        kind = self.query_one("#type", ChoiceBar).value
        grade = self.query_one("#grade", ChoiceBar).value
        summary = self.query_one("#summary", Input).value.strip()
        spec = self.query_one("#thrive", Input).value.strip().lower()
        if self.person is None and self.pending_pick is not None:
            self.save_after_pick = True  # enter was pressed on a name still being looked up
            self._message("Finding the person…")
            return
        if self.person is None:
            self._message("Pick the person first (type part of the name, enter).")
            self.set_focus(self.query_one("#person", Input))
            return
        if kind is None:
            self._message("Choose the type (one key).")
            self.set_focus(self.query_one("#type", ChoiceBar))
            return
        if grade is None:
            self._message("Choose the grade (1-4).")
            self.set_focus(self.query_one("#grade", ChoiceBar))
            return
        if not summary:
            self._message("A one-line summary is needed.")
            self.set_focus(self.query_one("#summary", Input))
            return
        from deskapp.domain.thrive import DIMENSIONS, Score
        from deskapp.tui.screens.modals import LEVEL_KEYS

        thrive = None
        if spec:
            if len(spec) != len(DIMENSIONS) or any(c not in "lmh" for c in spec):
                self._message("THRIVE: six letters, each l, m or h (or leave it empty).")
                self.set_focus(self.query_one("#thrive", Input))
                return
            thrive = {d: Score(LEVEL_KEYS[c]) for d, c in zip(DIMENSIONS, spec, strict=True)}
        person_id = self.person[0]
        chosen = self.chosen_adviser

        def work(desk: Desk) -> str:
            from deskapp.services.incidents import add_incident

            return add_incident(
                desk,
                person=person_id,
                type=kind,
                grade=int(grade),
                summary=summary,
                thrive=thrive,
                adviser=chosen[0] if chosen else None,
                persons_adviser=chosen is None,
            )

        if (
            self.background(work, self._saved, failed=self._not_saved, group="capture", wrote=True)
            is not None
        ):
            self.saving = True
            self._message("Saving…")

    def _not_saved(self, exc: BaseException) -> None:
        self.saving = False
        self._message(failure_message(exc))

    def _saved(self, incident_id: str) -> None:
        self.saving = False
        from deskapp.services.incidents import make_ref

        self.app.notify(
            f"Incident {make_ref(incident_id)} saved: read this reference to the caller.",
            title="Saved",
            timeout=REFERENCE_SECONDS,
        )
        self.dismiss(incident_id)
