"""Small dialogs: confirm, text prompt, type-ahead picker, THRIVE, contact log, help."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from deskapp.domain.text import visible
from deskapp.tui.background import Background, quietly
from deskapp.tui.keymap import key_hint, name_keys
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.domain.thrive import Thrive


class ConfirmScreen(ModalScreen[bool]):
    """Yes / no. Destructive actions always pass through here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Literal text: a question may name a person or a record.
            yield Static(Text(visible(self.question)), classes="dialog-text")
            yes = key_hint(self.app, "confirm.yes", escape(self.yes))
            no = key_hint(self.app, "confirm.no", escape(self.no))
            yield Static(f"{yes}    {no}", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a note, a crime reference)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        allow_empty: bool = False,
        verb: str = "save",
    ) -> None:
        super().__init__()
        self.verb = verb  # what enter does, for the keys line
        self.title_text = title
        self.initial = value
        self.placeholder = placeholder
        self.allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Literal text: a title may name a person.
            yield Static(Text(visible(self.title_text), style="bold"), classes="dialog-title")
            yield Input(value=self.initial, placeholder=self.placeholder, id="prompt")
            yield Static(f"[b]enter[/b] {self.verb}   [b]esc[/b] cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        # At once (``focus()`` waits a turn): letters typed in the burst that opened this
        # prompt are routed after it has mounted, and must find the box focused.
        self.set_focus(self.query_one(Input))

    def has_unsaved(self) -> bool:
        return self.query_one(Input).value != self.initial

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        if event.value.strip() or self.allow_empty:
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickerScreen(Background, ModalScreen[str | None]):
    """Pick one option by typing part of it (type-ahead) or by its number key.

    ``options`` is a static list of ``(value, label)``, or ``search(desk, text)`` a
    function run on a worker thread that returns them for what has been typed (e.g.
    advisers, people).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
    ]

    def __init__(
        self,
        title: str,
        *,
        options: list[tuple[str, str]] | None = None,
        search: Callable[[Desk, str], list[tuple[str, str]]] | None = None,
        numbered: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.static = options
        self.search = search
        self.numbered = numbered
        self.current: list[tuple[str, str]] = []
        #: what was typed when ``current`` was found (None: nothing found yet)
        self.current_for: str | None = None
        #: enter came before the search for the text typed ahead of it answered
        self.choose_when_found = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(f"[b]{self.title_text}[/b]", classes="dialog-title")
            if not self.numbered:
                yield Input(placeholder="type to narrow…", id="picker-input")
            yield OptionList(id="picker-options")
            keys = "[b]enter[/b] choose   " + key_hint(self.app, "picker.cancel", "cancel")
            if self.numbered:
                keys = "[b]1-9[/b] choose   " + keys
            yield Static(keys, classes="dialog-keys")

    def on_mount(self) -> None:
        self._narrow("")
        # At once, as in PromptScreen: the keys after the one that opened the picker.
        if self.numbered:
            self.set_focus(self.query_one(OptionList))
        else:
            self.set_focus(self.query_one(Input))

    def _narrow(self, text: str) -> None:
        if self.static is not None:
            words = text.lower().split()
            self._show([o for o in self.static if all(w in o[1].lower() for w in words)], text)
            return
        search = self.search
        assert search is not None

        self.background(
            lambda desk: search(desk, text),
            lambda found: self._found(text, found),
            failed=quietly,
            group="picker",
            exclusive=True,
        )

    def _found(self, text: str, options: list[tuple[str, str]]) -> None:
        if not self.numbered and text != self.query_one(Input).value:
            return
        self._show(options, text)
        if self.choose_when_found:
            self.choose_when_found = False
            self._choose()

    def _show(self, options: list[tuple[str, str]], text: str) -> None:
        self.current = options
        self.current_for = text
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(
            [
                # Literal text: options are often names from the desk.
                Option(Text(visible(f"{i + 1}  {label}" if self.numbered else label)), id=value)
                for i, (value, label) in enumerate(options)
            ]
        )
        if options:
            listing.highlighted = 0

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self._narrow(event.value)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if self.current_for != event.value:
            # Typed in one burst: choose among the matches for all of it, not for the
            # letters the last answer was for.
            self.choose_when_found = True
            return
        self._choose()

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: Any) -> None:
        if self.numbered and event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.current):
                event.stop()
                self.dismiss(self.current[index][0])

    def _choose(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None and self.current:
            self.dismiss(self.current[listing.highlighted][0])

    def action_move(self, delta: int) -> None:
        listing = self.query_one(OptionList)
        if not self.current:
            return
        index = (listing.highlighted or 0) + delta
        listing.highlighted = max(0, min(index, len(self.current) - 1))

    def action_cancel(self) -> None:
        self.dismiss(None)


LEVEL_KEYS = {"l": "low", "m": "medium", "h": "high", "1": "low", "2": "medium", "3": "high"}


class NoteInput(Input):
    """The THRIVE form's note box. Its editing keys act in the order they were typed:
    enter, escape, the arrows and backspace are handled here, with the letters, not as
    bindings run later by the app. A key routed here while the box had focus, but typed
    after a key that has since left it, goes to the form's own bindings instead."""

    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if not isinstance(screen, ThriveScreen):
            await super()._on_key(event)
            return
        if not self.has_focus:
            event.stop()
            event.prevent_default()
            await screen.run_key(event.key)
        elif event.key in ("enter", "escape", "up", "down"):
            event.stop()
            event.prevent_default()
            screen.note_key(event.key)
        elif event.key == "backspace":
            event.stop()
            event.prevent_default()
            self.action_delete_left()
        else:
            await super()._on_key(event)


class ThriveScreen(ModalScreen["Thrive | None"]):
    """Score the six THRIVE dimensions, each with its note: up/down to move, l/m/h to
    score, n to edit the note, enter to save. Returns the whole assessment, notes kept.

    Every key is a priority binding, so it is handled when the app takes it from the
    queue, before the next key is routed: after `n` moves the focus to the note, the
    letters that follow in the same burst find it there (and the note box, which
    consumes letters, takes them instead of the scoring keys).
    """

    AUTO_FOCUS = ""  # nothing: the rows take the keys; the note box only after `n`

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Next", show=False, id="thrive.down", priority=True),
        Binding("up,k", "move(-1)", "Previous", show=False, id="thrive.up", priority=True),
        Binding("l,1", "score('low')", "Low", show=False, id="thrive.low", priority=True),
        Binding("m,2", "score('medium')", "Medium", show=False, id="thrive.medium", priority=True),
        Binding("h,3", "score('high')", "High", show=False, id="thrive.high", priority=True),
        Binding("n", "note", "Note", id="thrive.note", priority=True),
        Binding("enter", "save", "Save", id="thrive.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="thrive.cancel", priority=True),
    ]

    def __init__(self, current: Thrive) -> None:
        super().__init__()
        from deskapp.domain.thrive import DIMENSIONS

        self.dimensions = DIMENSIONS
        self.initial = dict(current)
        self.levels = {d: s.level for d, s in current.items()}
        self.notes = {d: s.note for d, s in current.items()}
        self.row = 0
        self._ready = False  # composed: keys before this change state, and on_mount draws

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]THRIVE assessment[/b]", classes="dialog-title")
            yield Static(id="thrive-grid")
            yield Label("", id="thrive-note-label")
            yield NoteInput(id="thrive-note", placeholder="no note", max_length=300)
            yield Static(
                "[b]l/m/h[/b] score  [b]↑↓[/b] move  [b]n[/b] note  "
                "[b]enter[/b] save  [b]esc[/b] cancel",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self._ready = True
        self._draw()

    @property
    def _note(self) -> NoteInput:
        return self.query_one("#thrive-note", NoteInput)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the note is edited the box takes these, in turn with the letters before them.
        return not (action in ("move", "save", "cancel") and self._editing())

    def note_key(self, key: str) -> None:
        """Enter, escape and the arrows typed in the note box."""
        if key in ("up", "down"):
            self.action_move(-1 if key == "up" else 1)
        elif key == "enter":
            self.action_save()
        else:
            self.action_cancel()

    async def run_key(self, key: str) -> None:
        """A key that reached the note box after the focus left it: the form's binding."""
        active = self.active_bindings.get(key)
        if active is not None and active.enabled:
            await self.run_action(active.binding.action)

    def _editing(self) -> bool:
        return self._ready and self.focused is self._note

    def _draw(self) -> None:
        if not self._ready:
            return  # keys that came before the form was drawn: it draws their result
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, dim in enumerate(self.dimensions):
            level = self.levels.get(dim, "")
            style = "reverse" if i == self.row else ""
            text.append(f" {dim.capitalize():<14}", style=style)
            for choice in ("low", "medium", "high"):
                mark = "●" if level == choice else "○"
                text.append(f"{mark} {choice} ", style=style + (" bold" if level == choice else ""))
            text.append(f" {visible(self.notes.get(dim, ''))}\n", style=style + " dim")
        self.query_one("#thrive-grid", Static).update(text)
        dim = self.dimensions[self.row]
        editing = "" if self._editing() else " (n to edit)"
        self.query_one("#thrive-note-label", Label).update(f"Note: {dim.capitalize()}{editing}")
        if not self._editing():
            self._note.value = self.notes.get(dim, "")

    def _keep_note(self) -> None:
        """What the note box holds becomes the current dimension's note."""
        self.notes[self.dimensions[self.row]] = " ".join(self._note.value.split())

    def action_score(self, level: str) -> None:
        self.levels[self.dimensions[self.row]] = level
        self.row = min(self.row + 1, len(self.dimensions) - 1)
        self._draw()

    def action_move(self, delta: int) -> None:
        if self._editing():
            self._keep_note()
        self.row = max(0, min(self.row + delta, len(self.dimensions) - 1))
        if self._editing():
            self._note.value = self.notes.get(self.dimensions[self.row], "")
        self._draw()

    def action_note(self) -> None:
        if not self._ready:
            return
        dim = self.dimensions[self.row]
        if dim not in self.levels:  # a note is kept with its score: nowhere to keep it yet
            self.notify(f"Score {dim} first (l/m/h), then add its note.", severity="warning")
            return
        self._note.value = self.notes.get(self.dimensions[self.row], "")
        self.set_focus(self._note)  # now, not on the next turn: the letters come next
        self._note.cursor_position = len(self._note.value)
        self._draw()

    def _leave_note(self) -> None:
        self.set_focus(None)
        self._draw()

    def result(self) -> Thrive:
        from deskapp.domain.thrive import Score

        return {d: Score(level, self.notes.get(d, "")) for d, level in self.levels.items()}

    def has_unsaved(self) -> bool:
        if self._editing():
            self._keep_note()
        return self.result() != self.initial

    def action_save(self) -> None:
        if self._editing():
            self._keep_note()
            self._leave_note()
            return
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        if self._editing():
            self._leave_note()  # the box shows the kept note again
            return
        self.dismiss(None)


CHANNELS = [
    ("p", "phone", "phone"),
    ("e", "email", "email"),
    ("i", "in-person", "in person"),
    ("v", "video", "video"),
    ("t", "letter", "letter"),
]
KINDS = [
    ("1", "introduction", "introduction"),
    ("2", "security-briefing", "briefing"),
    ("3", "personal-safety-advice", "safety advice"),
    ("4", "cyber-security-advice", "cyber advice"),
    ("5", "welfare-check", "welfare"),
    ("6", "incident-follow-up", "follow-up"),
]


class ContactScreen(ModalScreen[tuple[str, str, str] | None]):
    """Log a contact: channel key, kind key, the summary (several lines), ctrl+s."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="contact.cancel"),
        Binding("ctrl+s", "save", "Save", id="contact.save"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]Log a contact[/b]", classes="dialog-title")
            yield Label("Channel")
            yield ChoiceBar(CHANNELS, value="phone", id="channel")
            yield Label("Kind")
            yield ChoiceBar(KINDS, value="welfare-check", id="kind")
            yield Label("Summary (what was said or agreed; enter starts a new line)")
            yield TextArea(id="summary", soft_wrap=True, tab_behavior="focus")
            save = key_hint(self.app, "contact.save", "save   ")
            yield Static(
                save + key_hint(self.app, "contact.cancel", "cancel"), classes="dialog-keys"
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#channel", ChoiceBar))

    def has_unsaved(self) -> bool:
        return bool(self.query_one("#summary", TextArea).text)

    def action_save(self) -> None:
        channel = self.query_one("#channel", ChoiceBar).value or "phone"
        kind = self.query_one("#kind", ChoiceBar).value or "welfare-check"
        self.dismiss((channel, kind, self.query_one("#summary", TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys of the view underneath, as mapped, in as many columns as fit (all of the
    main screen's at 80x24); with their binding ids (for keymap.toml) when those fit too,
    and on request."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
        Binding("i", "toggle_ids", "Binding ids", id="help.ids"),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str, str]], intro: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.intro = intro
        #: None until the first layout: then shown if they fit in two columns or more
        self.show_ids: bool | None = None

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        app = screen.app
        grouped: dict[str, tuple[list[str], str]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.system or not binding.id:
                continue
            keys, _ = grouped.setdefault(binding.id, ([], binding.description))
            key = app.get_key_display(binding)  # active bindings carry the keymap's keys
            if key not in keys:
                keys.append(key)
        rows = [
            (" ".join(keys), description, binding_id)
            for binding_id, (keys, description) in grouped.items()
        ]
        title = getattr(screen, "HELP_TITLE", None) or type(screen).__name__.replace("Screen", "")
        intro = name_keys(app, getattr(screen, "HELP_TEXT", ""))
        return cls(f"Keys: {title}", rows, intro)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(f"[b]{self.title_text}[/b]", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(id="help-body")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        # The dialog's width less its border and padding, and a column for a scroll bar.
        room = min(HELP_WIDTH, self.app.size.width) - 5
        if self.show_ids is None:
            self.show_ids = _help_columns(self.rows, room, ids=True) >= 2
        text = Text()
        if self.intro:
            text.append(self.intro + "\n\n")
        text.append_text(_help_grid(self.rows, room, ids=self.show_ids))
        toggle = "{help.ids} hides them" if self.show_ids else "{help.ids} shows them"
        note = f"Remap keys in keymap.toml by binding id ({toggle})."
        text.append("\n\n" + name_keys(self.app, note), style="dim")
        self.query_one("#help-body", Static).update(text)

    def action_toggle_ids(self) -> None:
        self.show_ids = not self.show_ids
        self._draw()

    def action_close(self) -> None:
        self.dismiss(None)


HELP_WIDTH = 90  # the .help dialog's width in deskapp.tcss
_GAP = 2


def _help_widths(rows: list[tuple[str, str, str]], ids: bool) -> list[int]:
    widths = [max((cell_len(row[i]) for row in rows), default=0) for i in range(3)]
    return widths if ids else widths[:2]


def _help_columns(rows: list[tuple[str, str, str]], room: int, *, ids: bool) -> int:
    """How many columns of keys fit across ``room`` cells (one at least)."""
    widths = _help_widths(rows, ids)
    column = sum(widths) + len(widths) - 1
    return max(1, (room + _GAP) // (column + _GAP))


def _help_grid(rows: list[tuple[str, str, str]], room: int, *, ids: bool) -> Text:
    """The rows in columns, read down then across: key (bold), description, binding id."""
    widths = _help_widths(rows, ids)
    columns = _help_columns(rows, room, ids=ids)
    height = -(-len(rows) // columns)
    text = Text()
    for line in range(height):
        for column in range(columns):
            index = column * height + line
            if index >= len(rows):
                break
            key, description, binding_id = rows[index]
            if column:
                text.append(" " * _GAP)
            text.append(" " * (widths[0] - cell_len(key)) + key, style="bold")
            text.append(" " + description + " " * (widths[1] - cell_len(description)))
            if ids:
                text.append(" " + binding_id + " " * (widths[2] - cell_len(binding_id)), "dim")
        text.append("\n")
    text.rstrip()
    return text
