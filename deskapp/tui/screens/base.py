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

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.screen import Screen, SystemModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from deskapp.tui.background import Background

if TYPE_CHECKING:
    from deskapp.db.desk import Desk


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

    @on(events.ScreenResume)
    def _take_held_keys(self) -> None:
        # Keys typed while the desk unlocked are for the screen the officer lands on.
        self.desk_app.release_early_keys()

    #: Lists whose options are records: the list's id -> the kind of record each option's
    #: id names. Enter on such an option opens that record's view (``open_record``).
    OPENS: ClassVar[dict[str, str]] = {}

    @on(OptionList.OptionSelected)
    def _open_listed_record(self, event: OptionList.OptionSelected) -> None:
        kind = self.OPENS.get(event.option_list.id or "")
        if kind and event.option.id:  # placeholders ("no incidents") carry no id
            event.stop()
            self.open_record(kind, event.option.id)

    def open_record(self, kind: str, record_id: str) -> None:
        """Push the view of one record: ``kind`` is incident, person, event or subject.
        The views are imported here, on first use, as they import this module."""
        screen: Screen[Any]
        if kind == "incident":
            from deskapp.tui.screens.incident import IncidentScreen

            screen = IncidentScreen(record_id)
        elif kind == "person":
            from deskapp.tui.screens.person import PersonScreen

            screen = PersonScreen(record_id)
        elif kind == "event":
            from deskapp.tui.screens.event import EventScreen

            screen = EventScreen(record_id)
        elif kind == "subject":
            from deskapp.tui.screens.subject import SubjectScreen

            screen = SubjectScreen(record_id)
        else:
            raise ValueError(f"no view opens a {kind!r}")
        self.app.push_screen(screen)


#: The record a detail view shows: the service's typed result (``PersonDetail``...).
Record = TypeVar("Record", bound=Mapping[str, Any])


class RevealsForThisView(DeskScreen, Generic[Record]):
    """A detail view whose masked fields ``r`` reveals *for this view only*: each reveal
    is a logged consultation (the service's ``reveal_field``), and what it showed is
    forgotten when the view is left (``action_back``) or covered, a lock included
    (``on_screen_suspend``), so coming back shows it masked again.

    To adopt it: subclass it instead of ``DeskScreen``; set ``SENSITIVE`` (the masked
    fields) and ``WHAT`` ("person", "event": for "Nothing is masked for this …");
    keep the record read in ``self.data`` and draw it in ``show(data)``, taking each
    masked field's value from ``self.revealed`` when it is there; give ``reveal_work``
    (the service call); bind a key to ``reveal`` and escape to ``back``."""

    SENSITIVE: ClassVar[tuple[str, ...]] = ()
    WHAT: ClassVar[str] = "record"

    def __init__(self) -> None:
        super().__init__()
        self.data: Record | None = None
        #: masked fields revealed in this view, by name: forgotten when it is left
        self.revealed: dict[str, str] = {}

    def show(self, data: Record) -> None:
        """Draw the record (``self.data``), revealed fields from ``self.revealed``."""
        raise NotImplementedError

    def reveal_work(self, desk: Desk, fields: list[str]) -> dict[str, str]:
        """Reveal ``fields`` of the record through its service (each one logged)."""
        raise NotImplementedError

    def _loaded(self) -> Record | None:
        """The record, or None with a word to the officer while it is still loading."""
        if self.data is None:
            self.notify(f"Still loading this {self.WHAT}; press again.", severity="warning")
        return self.data

    def action_reveal(self) -> None:
        data = self._loaded()
        if data is None:
            return
        fields = [f for f in self.SENSITIVE if data[f]]
        if not fields:
            self.notify(f"Nothing is masked for this {self.WHAT}.")
            return

        def done(values: dict[str, str]) -> None:
            self.revealed = values
            if self.data is not None:
                self.show(self.data)
            self.notify("Revealed for this view; the consultation is in the audit log.")

        self.background(lambda desk: self.reveal_work(desk, fields), done)

    def action_back(self) -> None:
        self.revealed = {}
        self.app.pop_screen()

    def on_screen_suspend(self) -> None:
        # "For this view only": leaving the view (or a lock) forgets what was revealed.
        if self.revealed:
            self.revealed = {}
            if self.data is not None:
                self.show(self.data)


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


def fill_options(
    listing: OptionList,
    lines: Iterable[tuple[Text, str]],
    *,
    empty: str,
    highlight: int | None = 0,
) -> None:
    """Show ``lines`` (text, record id) in a detail view's list, or one greyed line saying
    it is ``empty``. ``highlight`` (clamped to the list) is where the cursor starts, so that
    enter opens a record without a cursor move first; None leaves no cursor."""
    listing.clear_options()
    options = [Option(text, id=record_id) for text, record_id in lines]
    if not options:
        listing.add_option(Option(empty, disabled=True))
        return
    listing.add_options(options)
    if highlight is not None:
        listing.highlighted = min(highlight, len(options) - 1)
