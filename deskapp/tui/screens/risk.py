"""Change an event's risk, with its reason: a level key, then the reason, then enter.

Opened with ``ready.open_ready`` and driven by ChoiceBar's priority keys, so a quick
burst ("R", "h", the reason, enter) lands where each key is meant: the level key picks
and moves the focus to the reason at once. A level above low needs its reason."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from deskapp.core.errors import ValidationError
from deskapp.core.events import check_risk_change
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.ready import ReadyForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

LEVELS = [("l", "low", "low"), ("m", "medium", "medium"), ("h", "high", "high")]


class RiskScreen(ReadyForm[tuple[str, str]]):
    """Returns ``(level, reason)``, or None if abandoned."""

    HELP_TITLE = "Risk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="risk.cancel"),
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]Risk of this event[/b]", classes="dialog-title")
            yield Label("Level")
            yield ChoiceBar(LEVELS, value=self.current, id="risk-level")
            yield Label("Reason (needed for medium and high)")
            yield Input(placeholder="why this level", id="risk-reason")
            yield Static("", id="risk-message", classes="message")
            yield Static(
                "[b]l/m/h[/b] level   [b]enter[/b] save   "
                + key_hint(self.app, "risk.cancel", "cancel"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#risk-level", ChoiceBar))
        self.mark_ready()

    def has_unsaved(self) -> bool:
        level = self.query_one("#risk-level", ChoiceBar).value
        return level != self.current or bool(self.query_one("#risk-reason", Input).value)

    @on(Input.Submitted, "#risk-reason")
    def save(self) -> None:
        level = self.query_one("#risk-level", ChoiceBar).value or self.current
        reason = self.query_one("#risk-reason", Input).value
        try:
            check_risk_change(self.current, level, bool(reason.strip()))
        except ValidationError as exc:
            self.query_one("#risk-message", Static).update(Text(str(exc)))
            return
        self.dismiss((level, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
