"""Change an event's risk, with its reason: a level key, then the reason, then enter.

Opened with ``ready.open_ready`` and driven by ChoiceBar's priority keys, so a quick
burst ("R", "h", the reason, enter) lands where each key is meant: the level key picks
and moves the focus to the reason at once. A level above low needs its reason. A
``RecordForm``: the change is written by the events service when it is saved."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from deskapp.domain.events import check_risk_change
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.form import FormInput, RecordForm
from deskapp.tui.widgets.choice_bar import ChoiceBar

if TYPE_CHECKING:
    from deskapp.db.desk import Desk

LEVELS = [("l", "low", "low"), ("m", "medium", "medium"), ("h", "high", "high")]


class RiskScreen(RecordForm[tuple[str, bool]]):
    """Returns ``(level, whether anything changed)`` once saved, or None if abandoned."""

    HELP_TITLE = "Risk"
    SCOPE = "risk"
    FIELDS = ("risk-level", "risk-reason")
    READS = False  # the event view hands it the current level
    DISCARD_QUESTION = "Discard the change to this event's risk?"

    def __init__(self, event_id: str, current: str) -> None:
        super().__init__()
        self.event_id = event_id
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("[b]Risk of this event[/b]", classes="dialog-title")
            yield Label("Level")
            yield ChoiceBar(LEVELS, value=self.current, id="risk-level")
            yield Label("Reason (needed for medium and high)")
            yield FormInput(placeholder="why this level", id="risk-reason")
            yield Static("", id="form-message", classes="message")
            yield Static(self.keys_line(), classes="dialog-keys")

    def keys_line(self) -> str:
        return "[b]l/m/h[/b] level   [b]enter[/b] save   " + key_hint(
            self.app, "risk.cancel", "cancel"
        )

    def _level(self, values: dict[str, Any]) -> str:
        return str(values["risk-level"] or self.current)

    def check(self, values: dict[str, Any]) -> None:
        check_risk_change(self.current, self._level(values), bool(values["risk-reason"].strip()))

    def save_work(self, desk: Desk, values: dict[str, Any]) -> tuple[str, bool]:
        from deskapp.services.events import update_event

        level, reason = self._level(values), values["risk-reason"]
        fields = {"risk": level} | ({"risk_reason": reason} if reason.strip() else {})
        return level, bool(update_event(desk, self.event_id, **fields))
