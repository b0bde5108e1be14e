"""The status line: officer, pending sync changes, last sync, conflicts, lock timer."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from textual.widgets import Static

from deskapp.domain.text import visible

#: The last seconds before an idle lock, when the status line warns that it is coming.
LOCK_WARNING_SECONDS = 30.0


def format_countdown(seconds: float) -> str:
    if seconds >= 60:
        return f"{math.ceil(seconds / 60)}m"
    return f"{int(seconds)}s"


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    _shown: str | None = None  # the text on the line now

    def on_mount(self) -> None:
        self.update_from(self.app)

    def _show(self, text: str) -> None:
        # The app ticks every second, and the text changes far less often (the lock
        # timer counts minutes). A change is drawn without a layout: the line is one row
        # high whatever it says, and a layout of the screen each second (with a repaint
        # of whatever it found moved) landed beside the officer's keystrokes.
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)

    def update_from(self, app: Any) -> None:
        desk = getattr(app, "desk", None)
        if desk is None:
            self._show("Locked")
            return
        officer = desk.officer
        role = " (supervisor)" if officer.is_supervisor else ""
        pending = app.pending_changes
        who = f"[b]{escape(visible(officer.id))}[/b]"
        if self.app.size.width >= 110:
            who += f" {escape(visible(officer.name))}{role}"
        conflicts = int(getattr(app, "conflicts", 0) or 0)
        if conflicts:
            # Loud: work that lost at sync waits for a supervisor (C opens the view).
            noun = "conflict" if conflicts == 1 else "conflicts"
            waiting = f"[bold reverse $error] {conflicts} {noun} [/]"
        else:
            waiting = "conflicts 0"
        sync = "[bold $accent]syncing…[/]" if getattr(app, "sync_running", False) else ""
        parts = [
            who,
            f"pending {pending if pending is not None else '…'}",
            sync or f"sync {escape(str(app.last_sync))}",
            waiting,
        ]
        remaining = app.idle_remaining()
        if remaining <= LOCK_WARNING_SECONDS:
            # First, so that a narrow terminal cuts something else.
            warning = f" locks in {int(remaining)}s: press any key to stay "
            parts.insert(0, f"[bold reverse $warning]{warning}[/]")
        else:
            parts.append(f"lock in {format_countdown(remaining)}")
        self._show(" │ ".join(parts))
