"""How the app runs work off the UI thread: one idiom, ``self.background(fn, then)``.

Every screen, widget and the app itself that reads or writes the desk, or does anything
slow (deriving a key, a search, a sync, an export), mixes in ``Background`` and calls
``self.background(fn, then)``: ``fn(desk)`` runs on a thread worker and ``then(result)``
runs back on the UI thread, through a message to the caller (so it runs in the caller's
own turn, never beside its handlers). This module is the only place that starts a
worker (tests/tui/test_background.py fails on a ``run_worker`` or ``@work`` anywhere
else in ``deskapp/tui``), so every piece of background work gets the same rules:

- **A failure** goes to ``failed(exc)`` on the UI thread; by default the officer is
  told ``failure_message(exc)`` in a toast: a ``DeskError``'s own message (written for
  officers), else only the error's kind, never its text (which can quote a name or an
  address from the desk). ``quietly`` drops it (a search retried at the next key).
- **A lock meanwhile**: a ``LockAware`` node (every ``DeskScreen``: it reads its data
  again when the desk is unlocked) drops an answer that arrives while the desk is
  locked, as stale. Other nodes (forms, dialogs) get it: it ends what they started.
  Work that runs with no desk open (``desk=False``: unlocking) is never dropped.
- **Progress** comes back through ``self.reporter(handler)``: a callable the worker
  calls as often as it likes; each call runs ``handler(value)`` on the UI thread.
- **Exclusive groups**: ``exclusive=True`` marks the group's earlier workers cancelled,
  as Textual means it. A thread cannot be stopped and its answer still comes, so a
  caller that could get a stale answer checks what it is for (a list's generation, the
  text still in the box); work that must stop early (a sync) passes its own
  ``threading.Event`` to the service.
- **A write** (``wrote=True``) refreshes the status line's pending count afterwards.

The one piece of work that is not a thread is the idle lock: a coroutine that switches
screens, started from a timer as an async worker by ``in_turn``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload, runtime_checkable

from textual.message import Message
from textual.worker import Worker

from deskapp.domain.text import visible

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from deskapp.db.desk import Desk
    from deskapp.tui.app import DeskApp

    _Node = DOMNode
else:
    # Not a DOMNode at run time: Textual would add "Background" to the CSS type names of
    # every screen and widget that mixes it in.
    _Node = object

T = TypeVar("T")
V = TypeVar("V")

Failed = Callable[[BaseException], None]


def failure_message(exc: BaseException) -> str:
    """What an officer is told when background work fails: a ``DeskError``'s own message
    (written for them, never quoting personal data), else only the error's kind — an
    exception's text can quote a name or an address from the database."""
    from deskapp.domain.errors import DeskError

    if isinstance(exc, DeskError):
        return str(exc)
    return f"Unexpected error ({type(exc).__name__})."


def quietly(exc: BaseException) -> None:
    """A ``failed`` for work whose failure needs no word: the next keystroke (or poll)
    asks again."""


@runtime_checkable
class LockAware(Protocol):
    def desk_unlocked(self) -> None:
        """The desk was locked and reopened (by the same officer): read again."""


class WorkDone(Message):
    """Background work finished: ``then(value)``, or ``failed(error)``."""

    def __init__(
        self,
        then: Callable[[Any], None] | None,
        value: Any,
        failed: Failed | None,
        error: BaseException | None,
        needs_desk: bool,
    ) -> None:
        super().__init__()
        self.then = then
        self.value = value
        self.failed = failed
        self.error = error
        self.needs_desk = needs_desk


class Reported(Message):
    """A worker's progress report, for ``handler`` on the UI thread."""

    def __init__(self, handler: Callable[[Any], None], value: Any) -> None:
        super().__init__()
        self.handler = handler
        self.value = value


class Background(_Node):
    """Mixed into the screens, widgets and app that run work off the UI thread."""

    @property
    def desk_app(self) -> DeskApp:
        from deskapp.tui.app import DeskApp

        assert isinstance(self.app, DeskApp)
        return self.app

    @overload
    def background(
        self,
        fn: Callable[[Desk], T],
        then: Callable[[T], None] | None = None,
        *,
        failed: Failed | None = None,
        group: str = "db",
        exclusive: bool = False,
        wrote: bool = False,
        desk: Literal[True] = True,
    ) -> Worker[None] | None: ...

    @overload
    def background(
        self,
        fn: Callable[[], T],
        then: Callable[[T], None] | None = None,
        *,
        failed: Failed | None = None,
        group: str = "db",
        exclusive: bool = False,
        wrote: bool = False,
        desk: Literal[False],
    ) -> Worker[None] | None: ...

    def background(
        self,
        fn: Callable[..., Any],
        then: Callable[[Any], None] | None = None,
        *,
        failed: Failed | None = None,
        group: str = "db",
        exclusive: bool = False,
        wrote: bool = False,
        desk: bool = True,
    ) -> Worker[None] | None:
        """Run ``fn(desk)`` (``fn()`` when ``desk`` is false: no desk is open yet) on a
        worker thread; ``then(result)``, or ``failed(exception)``, back on the UI thread.
        Returns the worker, or None when the desk is locked (nothing may touch it now)."""
        app = self.desk_app
        if desk and app.desk is None:
            return None

        def work() -> None:
            try:
                value = fn(app.require_desk()) if desk else fn()
            except Exception as exc:
                self.post_message(WorkDone(None, None, failed, exc, desk))
                return
            self.post_message(WorkDone(then, value, None, None, desk))
            if wrote:
                app.call_from_thread(app.refresh_pending)

        return self.run_worker(
            work, thread=True, group=group, exclusive=exclusive, exit_on_error=False
        )

    def in_turn(self, work: Callable[[], Coroutine[Any, Any, None]], *, group: str) -> Worker[None]:
        """Async work on the UI thread, as a worker of its own (exclusive in ``group``):
        the idle lock, which must switch screens as ``ctrl+l`` does, from a timer. Not
        for reading or writing the desk: that is ``background``."""
        return self.run_worker(work(), group=group, exclusive=True)

    def reporter(self, handler: Callable[[V], None]) -> Callable[[V], None]:
        """A callable for a worker to report progress with: each call runs
        ``handler(value)`` on the UI thread, in order, without waiting for it."""

        def report(value: V) -> None:
            self.post_message(Reported(handler, value))

        return report

    def on_work_done(self, message: WorkDone) -> None:
        message.stop()  # the parent is often a Background too: one answer, handled once
        if (
            message.needs_desk
            and isinstance(self, LockAware)
            and getattr(self.app, "desk", None) is None
        ):
            return  # locked meanwhile: stale, and read again at the unlock
        if message.error is None:
            if message.then is not None:
                message.then(message.value)
        elif message.failed is not None:
            message.failed(message.error)
        else:
            # Literal: an error can quote what was typed or stored.
            self.app.notify(
                visible(failure_message(message.error)),
                severity="error",
                timeout=8,
                markup=False,
            )

    def on_reported(self, message: Reported) -> None:
        message.stop()
        message.handler(message.value)
