"""A one-line chooser driven by single keys: each option has a hotkey shown in brackets.

Pressing an option's key picks it and (optionally) moves focus on, so a form can be
filled in a handful of keystrokes; left/right move through the options too.

The option keys are priority bindings of each bar: Textual hands every key of a quick
burst to whatever has focus as the key *arrives*, before the focused widget has handled
the one before it. A priority binding runs as its key arrives, so choosing and moving
focus on happen before the next key of the burst is handed out ("h2Quick summary": h
chooses here, 2 in the next bar, the rest lands in the field after it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class ChoiceBar(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1)", "Previous", show=False, id="choice.prev"),
        Binding("right,l", "move(1)", "Next", show=False, id="choice.next"),
    ]
    DEFAULT_CSS = """
    ChoiceBar { height: auto; min-height: 1; padding: 0 1; }
    ChoiceBar:focus { background: $boost; }
    """

    value: reactive[str | None] = reactive(None)

    class Chosen(Message):
        def __init__(self, bar: ChoiceBar, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

        @property
        def control(self) -> ChoiceBar:
            return self.bar

    def __init__(
        self,
        options: list[tuple[str, str, str]],
        *,
        value: str | None = None,
        advance: bool = True,
        id: str | None = None,
    ) -> None:
        """``options`` are ``(hotkey, value, label)``."""
        super().__init__(id=id)
        self.options = options
        self.advance = advance
        self.set_reactive(ChoiceBar.value, value)
        # The bar's own lists: Textual's copy of the class's bindings shares each key's
        # list with every other bar, so one bar's "h" would be every later bar's "h" too.
        bindings = self._bindings.key_to_bindings
        self._bindings.key_to_bindings = {key: list(found) for key, found in bindings.items()}
        for key, option, _ in options:
            # Per bar, since each bar has its own keys (see the module docstring).
            self._bindings.bind(key, f"choose({option!r})", show=False, priority=True)

    def render(self) -> Text:
        text = Text()
        for i, (key, value, label) in enumerate(self.options):
            if i:
                text.append("  ")
            chosen = value == self.value
            style = "bold reverse" if chosen else ""
            text.append(f"[{key}]", style="bold" if not chosen else style)
            text.append(f" {label}", style=style)
        return text

    def action_choose(self, value: str) -> None:
        self.choose(value)

    def choose(self, value: str) -> None:
        self.value = value
        self.post_message(self.Chosen(self, value))
        if self.advance:
            self.screen.focus_next()  # Screen.focus_next sets focus at once

    def action_move(self, delta: int) -> None:
        values = [v for _, v, _ in self.options]
        index = values.index(self.value) if self.value in values else -1
        self.value = values[(index + delta) % len(values)]
        self.post_message(self.Chosen(self, self.value))
