"""What every unlocked screen shares: the desk, background work (``tui/background.py``),
the status line, and what locking does to it.

Locking keeps the screens that are open, hidden under the lock screen (nothing of them
is drawn meanwhile), and the same officer unlocking comes back to them as they were: a
half-filled form keeps its values, in memory only. ``kept_when_locked`` says which
screens stay; after the unlock every kept screen that is ``LockAware`` (every
``DeskScreen``) is told, so it reads its data again from the reopened desk. Locking
suspends the screen on top, so a person view masks again what it revealed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from textual.screen import Screen, SystemModalScreen

from deskapp.tui.background import Background

if TYPE_CHECKING:
    pass


def kept_when_locked(screen: Screen[Any]) -> bool:
    """Whether locking keeps ``screen`` under the lock screen. Every screen of ours stays
    unless it says ``KEPT_WHEN_LOCKED = False`` (it runs work that must end with the
    session, as a sync does); Textual's own (the command palette) close."""
    default = not isinstance(screen, SystemModalScreen)
    return bool(getattr(screen, "KEPT_WHEN_LOCKED", default))


class DeskScreen(Background, Screen[None]):
    HELP_TITLE = ""
    HELP_TEXT = ""
    KEPT_WHEN_LOCKED: ClassVar[bool] = True

    def load(self) -> None:
        """Read what the screen shows from the desk (screens with data of their own)."""

    def desk_unlocked(self) -> None:
        """Back from a lock: the connection the screen read through was closed, and what
        it shows may have changed meanwhile, so its data and lists are read again."""
        from deskapp.tui.widgets.window_list import WindowList

        self.load()
        for window in self.query(WindowList):
            window.reload()

    def palette_commands(self) -> list[tuple[str, str, str]]:
        """Palette entries beyond the bindings: (title, action on this screen, binding id)."""
        return []


def titled_table(title: str, *, expand: bool = True) -> Table:
    """A borderless, headerless table titled on the left: how detail views list things."""
    return Table(
        title=title,
        title_justify="left",
        box=None,
        padding=(0, 1),
        show_header=False,
        expand=expand,
    )
