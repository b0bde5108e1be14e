"""A one-line chooser driven by single keys: each option has a hotkey shown in brackets.

Pressing an option's key picks it and (optionally) moves focus on, so a form can be
filled in a handful of keystrokes; left/right move through the options too.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
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

    def on_key(self, event: events.Key) -> None:
        for key, value, _ in self.options:
            if event.character == key:
                event.stop()
                event.prevent_default()
                self.choose(value)
                return

    def choose(self, value: str) -> None:
        self.value = value
        self.post_message(self.Chosen(self, value))
        if self.advance:
            self.screen.focus_next()

    def action_move(self, delta: int) -> None:
        values = [v for _, v, _ in self.options]
        index = values.index(self.value) if self.value in values else -1
        self.value = values[(index + delta) % len(values)]
        self.post_message(self.Chosen(self, self.value))
