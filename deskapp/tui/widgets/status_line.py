"""The status line: officer, pending sync changes, last sync, conflicts, lock timer."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from textual.widgets import Static


def format_countdown(seconds: float) -> str:
    if seconds >= 60:
        return f"{math.ceil(seconds / 60)}m"
    return f"{int(seconds)}s"


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        self.update_from(self.app)

    def update_from(self, app: Any) -> None:
        desk = getattr(app, "desk", None)
        if desk is None:
            self.update("Locked")
            return
        officer = desk.officer
        role = " (supervisor)" if officer.is_supervisor else ""
        pending = app.pending_changes
        who = f"[b]{escape(officer.id)}[/b]"
        if self.app.size.width >= 110:
            who += f" {escape(officer.name)}{role}"
        parts = [
            who,
            f"pending {pending if pending is not None else '…'}",
            f"sync {app.last_sync}",
            f"conflicts {app.conflicts}",
            f"lock in {format_countdown(app.idle_remaining())}",
        ]
        self.update(" │ ".join(parts))
