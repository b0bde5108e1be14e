"""What every unlocked screen shares: the desk, background work, the status line, and
what locking does to it.

Locking keeps the screens that are open, hidden under the lock screen (nothing of them
is drawn meanwhile), and the same officer unlocking comes back to them as they were: a
half-filled form keeps its values, in memory only. ``kept_when_locked`` says which
screens stay; after the unlock every kept screen that is ``LockAware`` (every
``DeskScreen``) is told, so it reads its data again from the reopened desk. Locking
suspends the screen on top, so a person view masks again what it revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, runtime_checkable

from rich.table import Table
from textual.message import Message
from textual.screen import Screen, SystemModalScreen

from deskapp.core.text import visible

if TYPE_CHECKING:
    from deskapp.store.desk import Desk
    from deskapp.tui.app import DeskApp

T = TypeVar("T")


class WorkDone(Message):
    """A background database call finished (``error`` is a message for the officer)."""

    def __init__(self, then: Callable[[Any], None] | None, value: Any, error: str | None) -> None:
        super().__init__()
        self.then = then
        self.value = value
        self.error = error


@runtime_checkable
class LockAware(Protocol):
    def desk_unlocked(self) -> None:
        """The desk was locked and reopened (by the same officer): read again."""


def kept_when_locked(screen: Screen[Any]) -> bool:
    """Whether locking keeps ``screen`` under the lock screen. Every screen of ours stays
    unless it says ``KEPT_WHEN_LOCKED = False`` (it runs work that must end with the
    session, as a sync does); Textual's own (the command palette) close."""
    default = not isinstance(screen, SystemModalScreen)
    return bool(getattr(screen, "KEPT_WHEN_LOCKED", default))


class DeskScreen(Screen[None]):
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

    @property
    def desk_app(self) -> DeskApp:
        from deskapp.tui.app import DeskApp

        assert isinstance(self.app, DeskApp)
        return self.app

    def background(
        self,
        fn: Callable[[Desk], T],
        then: Callable[[T], None] | None = None,
        *,
        group: str = "db",
        exclusive: bool = False,
        wrote: bool = False,
    ) -> None:
        """Run ``fn(desk)`` on a worker thread; ``then(result)`` back on the UI thread."""
        app = self.desk_app
        if app.desk is None:
            return  # locked: nothing may touch the database now

        def work() -> None:
            try:
                value = fn(app.require_desk())
            except Exception as exc:
                self.post_message(WorkDone(None, None, failure_message(exc)))
                return
            self.post_message(WorkDone(then, value, None))
            if wrote:
                app.call_from_thread(app.refresh_pending)

        self.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def on_work_done(self, message: WorkDone) -> None:
        message.stop()
        if self.desk_app.desk is None:
            return  # locked meanwhile; the result (or error) is stale
        if message.error:
            # Literal: an error can quote what was typed or stored.
            self.notify(visible(message.error), severity="error", timeout=8, markup=False)
        elif message.then is not None:
            message.then(message.value)

    def palette_commands(self) -> list[tuple[str, str, str]]:
        """Palette entries beyond the bindings: (title, action on this screen, binding id)."""
        return []


def failure_message(exc: BaseException) -> str:
    """What an officer is told when background work fails: a ``DeskError``'s own message
    (written for them, never quoting personal data), else only the error's kind — an
    exception's text can quote a name or an address from the database."""
    from deskapp.core.errors import DeskError

    if isinstance(exc, DeskError):
        return str(exc)
    return f"Unexpected error ({type(exc).__name__})."


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
