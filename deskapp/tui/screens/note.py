"""A note of several lines: enter starts a new line, ctrl+s saves, esc cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from deskapp.tui.keymap import key_hint


class NoteScreen(ModalScreen[str | None]):
    """Returns the text written, or None if cancelled (or left empty)."""

    HELP_TITLE = "Note"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.initial = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note"):
            yield Static(f"[b]{self.title_text}[/b]", classes="dialog-title")
            yield TextArea(self.initial, id="note", soft_wrap=True, tab_behavior="focus")
            yield Static(
                key_hint(self.app, "note.save", "save   [b]enter[/b] new line   ")
                + key_hint(self.app, "note.cancel", "cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextArea))

    def has_unsaved(self) -> bool:
        return self.query_one(TextArea).text != self.initial

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        self.dismiss(text if text.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
