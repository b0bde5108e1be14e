"""A field that names a record by typing part of its name: an organisation, an adviser.

The matches for what is typed come from a search run on a worker and list under the
box; up/down move through them, and the highlighted one is the pick. An answer for
text no longer in the box is dropped when it arrives. Empty text picks nothing; the
text the field was filled with picks the record it was filled with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from deskapp.domain.text import visible
from deskapp.tui.background import Background

#: ``search(desk, text)`` -> ``[(id, label)]``, run on a worker thread.
Search = Callable[[Any, str], list[tuple[str, str]]]


class LookupInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False, id="lookup.down", priority=True),
        Binding("up", "move(-1)", "Previous match", show=False, id="lookup.up", priority=True),
    ]

    def action_move(self, delta: int) -> None:
        parent = self.parent
        if isinstance(parent, Lookup):
            parent.move(delta)


class Lookup(Background, Vertical):
    DEFAULT_CSS = """
    Lookup { height: auto; width: 1fr; }
    Lookup OptionList { height: auto; max-height: 5; border: none; }
    """

    class Found(Message):
        def __init__(self, lookup: Lookup, query: str, rows: list[tuple[str, str]]) -> None:
            super().__init__()
            self.lookup = lookup
            self.query = query
            self.rows = rows

    def __init__(self, search: Search, *, what: str, placeholder: str = "", id: str) -> None:
        super().__init__(id=id)
        self.search = search
        self.what = what  # "organisation": for the message when nothing matches
        self.placeholder = placeholder
        self.filled: tuple[str | None, str] = (None, "")  # (id, text) it was filled with
        self.found: list[tuple[str, str]] = []
        self.found_for: str | None = None

    def compose(self) -> ComposeResult:
        yield LookupInput(placeholder=self.placeholder)
        listing = OptionList()
        listing.can_focus = False  # up/down in the box move through it
        yield listing

    def on_mount(self) -> None:
        self.query_one(OptionList).display = False

    @property
    def text(self) -> str:
        return self.query_one(LookupInput).value

    def fill(self, record_id: str | None, text: str) -> None:
        """Show the record the field holds (no search: it is the pick as it stands)."""
        self.filled = (record_id, text)
        box = self.query_one(LookupInput)
        with box.prevent(Input.Changed):
            box.value = text

    def pick(self) -> str | None:
        """The id picked: None for empty text; a ``ValidationError`` naming this field
        when the text matches nothing (or its matches have not come back yet)."""
        from deskapp.domain.errors import ValidationError

        text = self.text.strip()
        if not text:
            return None
        if self.text == self.filled[1] and self.filled[0] is not None:
            return self.filled[0]
        if self.found_for != self.text or not self.found:
            raise ValidationError(
                f"No {self.what} matches that: pick one, or leave it empty.", field=self.id
            )
        listing = self.query_one(OptionList)
        return self.found[listing.highlighted or 0][0]

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        text = event.value
        if not text.strip() or text == self.filled[1]:
            self.found, self.found_for = [], text
            self.query_one(OptionList).display = False
            return
        search = self.search

        def found(rows: list[tuple[str, str]]) -> None:
            self.post_message(self.Found(self, text, rows))

        # A failure is as if nothing matched: a save waiting for the matches says so.
        self.background(lambda desk: search(desk, text), found, failed=lambda _: found([]))

    @property
    def pending(self) -> bool:
        """The matches for the text now in the box have not come back yet."""
        text = self.text
        return bool(text.strip()) and text != self.filled[1] and self.found_for != text

    def on_lookup_found(self, message: Found) -> None:
        # Not stopped: a form waiting to save (enter typed in the same burst) hears it.
        if message.query != self.text:
            message.stop()
            return
        self.found, self.found_for = message.rows, message.query
        listing = self.query_one(OptionList)
        listing.clear_options()
        # Literal text: names from the desk.
        listing.add_options([Option(Text(visible(label)), id=i) for i, label in message.rows])
        listing.display = bool(message.rows)
        if message.rows:
            listing.highlighted = 0

    def move(self, delta: int) -> None:
        listing = self.query_one(OptionList)
        if self.found:
            index = (listing.highlighted or 0) + delta
            listing.highlighted = max(0, min(index, len(self.found) - 1))
