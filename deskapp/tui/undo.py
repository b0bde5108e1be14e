"""One key takes back the last triage action (grade, status, assign, flag, bulk) for a while.

The undo itself is an ordinary change through the write path (``incidents.revert``):
logged in the timeline and the audit log like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.timer import Timer

from deskapp.domain import wording
from deskapp.domain.text import visible
from deskapp.tui.keymap import key_for

if TYPE_CHECKING:
    from deskapp.services.incidents import Applied
    from deskapp.tui.screens.base import DeskScreen

#: How long an action can be taken back with one key.
UNDO_SECONDS = 30.0
#: How long the offer stays on screen: shorter than the undo itself, so a run of triage
#: actions does not stack toasts over the next dialog (the key still works after).
OFFER_SECONDS = 8.0


class UndoOffer:
    """The last triage action a screen took, held for ``UNDO_SECONDS``."""

    def __init__(self, screen: DeskScreen, binding_id: str) -> None:
        self.screen = screen
        self.binding_id = binding_id
        self.pending: Applied | None = None
        self._timer: Timer | None = None

    def offer(self, applied: Applied, told: str) -> None:
        """Hold ``applied`` for undo and tell the officer, naming the key."""
        if not applied.count:
            self.screen.notify(visible(told), markup=False)
            return
        self._stop()
        self.pending = applied
        self._timer = self.screen.set_timer(UNDO_SECONDS, self.lapse)
        key = key_for(self.screen.app, self.binding_id)
        # Literal: what was done names the adviser or the values it set.
        self.screen.notify(
            visible(f"{told} — {key} to undo"),
            timeout=min(OFFER_SECONDS, UNDO_SECONDS),
            markup=False,
        )

    def lapse(self) -> None:
        self._stop()
        self.pending = None

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def undo(self, then: Callable[[Applied], Any]) -> None:
        """Write the held action's earlier values back (on a worker), then ``then``."""
        applied = self.pending
        if applied is None:
            self.screen.notify("Nothing to undo.")
            return
        self.lapse()

        def work(desk: Any) -> Applied:
            from deskapp.services.incidents import revert

            return revert(desk, applied)

        def done(undone: Applied) -> None:
            skipped = applied.count - undone.count
            if undone.count == 1 and not skipped:
                text = "Undone: " + "; ".join(undone.lines)
            else:
                text = f"Undone: {wording.count(undone.count, 'incident')}"
                if skipped:
                    text += f" ({skipped} changed again since, left as they are)"
            self.screen.notify(visible(text), markup=False)
            then(undone)

        self.screen.background(work, done, wrote=True)
