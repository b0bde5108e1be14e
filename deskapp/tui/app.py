"""The desk app: set-up or unlock first, then the main screen; locks on demand and when idle."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from deskapp.runtime.clock import local
from deskapp.tui import heap
from deskapp.tui.background import Background, LockAware, quietly
from deskapp.tui.commands import DeskCommands
from deskapp.tui.screens.base import kept_when_locked
from deskapp.tui.theme import THEMES
from deskapp.tui.widgets.status_line import LOCK_WARNING_SECONDS, StatusLine

if TYPE_CHECKING:
    from textual.screen import Screen

    from deskapp.db.desk import Desk
    from deskapp.runtime.settings import Settings
    from deskapp.sync import SyncStatus

DEFAULT_IDLE_MINUTES = 5.0
STATUS_POLL_SECONDS = 4.0
#: Seconds without a key after which the roster's ranked order is built (see
#: ``search.ranked.warm``): an officer filtering the queue the moment it shows types
#: faster than this, and the build would otherwise share the machine with each key.
PAUSE_S = 1.0


def format_last_sync(at: datetime | None, now: datetime) -> str:
    """``never``, or the time of the last sync on the force's clock (with the day when
    not today)."""
    if at is None:
        return "never"
    at = local(at)
    if at.date() == local(now).date():
        return at.strftime("%H:%M")
    return at.strftime("%d %b %H:%M")


def _log_lock(desk: Desk, why: str) -> None:
    """s.62: the desk was locked. One small write on the UI thread, made while the key is
    still held; a failure to log (a full disk) must never keep the desk open."""
    from deskapp.db import access_log
    from deskapp.domain.errors import DeskError

    with contextlib.suppress(DeskError):
        access_log.locked(desk, why)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Kept:
    """The screens open when the desk was locked: a Textual mode of their own, hidden
    while the lock screen's mode is current, for the officer who locked it."""

    mode: str
    officer: str
    screens: tuple[Screen[Any], ...]


class DeskApp(Background, App[int]):
    """deskapp: the duty desk for elected officials."""

    CSS_PATH = Path(__file__).with_name("deskapp.tcss")
    TITLE = "deskapp"
    COMMANDS = {DeskCommands}  # the only provider: see tui.commands
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("ctrl+l", "lock", "Lock", priority=True, id="app.lock"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        # Ours, not Textual's default (which has no id): so keymap.toml can remap it too.
        Binding("ctrl+p", "command_palette", "Palette", priority=True, id="app.palette"),
        Binding("f2", "toggle_contrast", "High contrast", show=False, id="app.contrast"),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        officer: str | None = None,
        idle_seconds: float | None = None,
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] | None = None,
        keymap_file: Path | None = None,
    ) -> None:
        heap.limit_arenas()  # before any thread of ours allocates (see tui.heap)
        super().__init__()
        self.db_path = Path(db_path)
        self.officer_hint = officer or os.environ.get("DESKAPP_OFFICER", "")
        self.now: Callable[[], datetime] = now or _utcnow
        self._monotonic = monotonic or time.monotonic
        self._idle_override = idle_seconds
        self.idle_seconds = idle_seconds if idle_seconds is not None else DEFAULT_IDLE_MINUTES * 60
        self._keymap_file = keymap_file
        #: binding id -> key(s) from keymap.toml, as applied (see ``keymap.key_for``)
        self.keymap: dict[str, str] = {}
        self.desk: Desk | None = None
        self.settings: Settings | None = None
        self._last_input = self._monotonic()
        #: When the officer last typed or clicked, by the real clock (``_monotonic`` may be
        #: a test's): the roster's ranked order is built in the first pause (``paused``).
        self._last_input_at = time.monotonic()
        self._queue_answered = False
        self.pending_changes: int | None = None
        self.last_sync = "never"
        self.last_sync_at: datetime | None = None
        self.conflicts = 0
        self.hub_url: str | None = None
        self.sync_running = False
        #: file hubs whose passphrase did not open them this session: ask again
        self.hub_secret_rejected: set[str] = set()
        self.return_code_hint = 0
        self.store_ready = False
        # Each unlocked session's screens live in a mode of their own, and the lock
        # screen in another, so locking hides a session's screens without closing them.
        self._mode_numbers = itertools.count(1)
        self._kept: _Kept | None = None
        self._lock_mode: str | None = None
        #: None, or the idle-lock warning is showing (True: as a toast too)
        self._lock_warning: bool | None = None
        #: Keys kept for a screen not ready for them yet: the unlock form before it has
        #: focused its box, the screen after it while the desk unlocks (``hold_keys``);
        #: None while keys go straight through.
        self._early_keys: list[events.Key] | None = []

    # -- start-up ----------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self._load_settings_and_keymap()
        from deskapp.tui.screens.unlock import SetupScreen, UnlockScreen

        if self.db_path.exists():
            self.push_screen(UnlockScreen(officer=self.officer_hint))
        else:
            self.push_screen(SetupScreen())
        self.set_interval(min(1.0, max(0.05, self.idle_seconds / 4)), self._tick)
        self.set_interval(STATUS_POLL_SECONDS, self._poll_status)
        # The database stack loads after the first paint, off the UI thread.
        self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        def load() -> bool:
            import deskapp.db.desk
            import deskapp.search.ranked
            import deskapp.search.windows  # noqa: F401
            from deskapp.tui.bindings import bindings_by_id

            # Naming a key (key_for) finds every binding by importing every screen
            # module: done here, while the officer types the passphrase, and not on the
            # UI thread just as the main screen's first lists and keystrokes arrive.
            bindings_by_id()
            return True

        def loaded(ready: bool) -> None:
            self.store_ready = ready

        self.background(load, loaded, failed=quietly, group="warm-up", desk=False)

    def _load_settings_and_keymap(self) -> None:
        from deskapp.domain.errors import ConfigError
        from deskapp.runtime.settings import load_settings

        try:
            self.settings = load_settings()
        except ConfigError as exc:
            self.notify(str(exc), title="Settings", severity="error", timeout=10, markup=False)
            from deskapp.runtime.settings import Settings

            self.settings = Settings()
        self.theme = self.settings.theme
        if self._idle_override is None:
            self.idle_seconds = self.settings.auto_lock_minutes * 60
        from deskapp.runtime.paths import keymap_path
        from deskapp.tui.keymap import KeymapError, load_keymap, unknown_ids

        path = self._keymap_file or keymap_path()
        try:
            keymap = load_keymap(path)
        except KeymapError as exc:
            self.notify(str(exc), title="Keymap", severity="error", timeout=10, markup=False)
            return
        if keymap:
            from deskapp.tui.bindings import all_binding_ids

            bad = unknown_ids(keymap, all_binding_ids())
            if bad:
                # The title says "Keymap"; repr() shows an id's control characters escaped.
                self.notify(
                    f"Unknown binding ids in {path}: {', '.join(map(repr, bad))}",
                    title="Keymap",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
            self.keymap = {k: v for k, v in keymap.items() if k not in bad}
            self.set_keymap(self.keymap)

    # -- the desk ------------------------------------------------------------------------
    def require_desk(self) -> Desk:
        from deskapp.domain.errors import AuthError

        if self.desk is None or self.desk.closed:
            raise AuthError("The desk is locked.")
        return self.desk

    def desk_opened(self, desk: Desk) -> None:
        """Called by the set-up and unlock screens once the key is in hand. The officer
        who locked the desk comes back to the screens that were open; anyone else gets
        a main screen of their own, and the screens kept for the other are closed."""
        self.desk = desk
        self.settings = desk.settings
        if self._idle_override is None:
            self.idle_seconds = desk.settings.auto_lock_minutes * 60
        self._last_input = self._monotonic()
        # The ranked lists (see search.ranked) build now, beside the first windows (an
        # officer who filters the moment the queue shows should not wait for them), and
        # before the screen asks for its first windows: the roster's first pages come
        # from SQL only while its build is known to be on the way.
        from deskapp.search import ranked

        kept, self._kept = self._kept, None
        resumed = kept is not None and kept.officer == desk.officer.id
        if not desk.officer.is_auditor:  # an auditor is shown no list of people
            self._last_input_at = time.monotonic()
            # A new main screen's pause counts from its queue's first answer (note_input).
            self._queue_answered = resumed
            ranked.warm(desk, on_ready=heap.settle, quiet=self.paused)
        if kept is not None and resumed:
            self.switch_mode(kept.mode)
            for screen in kept.screens:
                if isinstance(screen, LockAware):
                    screen.desk_unlocked()
            # Keys typed while it unlocked go to the screen on top once it is back (a
            # new main screen takes them as it first resumes: DeskScreen).
            if kept.screens:
                kept.screens[-1].call_after_refresh(self.release_early_keys)
        else:
            self._new_session()
            if kept is not None:
                self.remove_mode(kept.mode)
        if self._lock_mode is not None:
            self.remove_mode(self._lock_mode)
            self._lock_mode = None
        self._update_status()
        self.refresh_pending()

    def note_input(self) -> None:
        """The main screen's queue has its first answer: the officer's pause counts from
        now (as if a key had just been typed)."""
        self._last_input_at = time.monotonic()
        self._queue_answered = True

    def paused(self) -> bool:
        """The queue has answered and the officer has not typed since for a moment (asked
        from the ranked lists' thread, and by the dashboard's read-ahead)."""
        return self._queue_answered and time.monotonic() - self._last_input_at >= PAUSE_S

    def _new_session(self) -> None:
        from deskapp.tui.screens.main import MainScreen
        from deskapp.tui.screens.oversight import OversightScreen

        mode = f"desk-{next(self._mode_numbers)}"
        if self.desk is not None and self.desk.officer.is_auditor:
            # The auditor's desk is oversight alone: the log, its findings, the returns.
            self.add_mode(mode, lambda: self._styled_now(OversightScreen(base=True)))
        else:
            self.add_mode(mode, lambda: self._styled_now(MainScreen()))
        self.switch_mode(mode)

    def _styled_now(self, screen: Screen[Any]) -> Screen[Any]:
        """A new mode's first screen, marked as styled with the stylesheet as it stands.
        Textual otherwise takes it for a screen that missed a change of the stylesheet
        and, switching to it, parses every stylesheet again and restyles the screens twice
        over (``App.refresh_css``), though nothing has changed: a third of a second of the
        UI thread at unlock, at the moment the main screen and its lists are mounting. A
        real change later (the theme) still restyles it."""
        screen._css_update_count = self._css_update_count
        return screen

    def refresh_pending(self) -> None:
        """Refresh the sync figures of the status line (pending changes, last sync,
        conflicts waiting) on a worker: ``deskapp.sync.status`` is a few indexed reads."""
        if self.desk is None or self.desk.closed:
            return

        from deskapp.sync import status

        # Locked meanwhile, or the database busy: quietly, as the next poll retries.
        self.background(
            status, self._set_sync_status, failed=quietly, group="pending", exclusive=True
        )

    def _set_sync_status(self, value: SyncStatus) -> None:
        if self.desk is None:
            return
        self.pending_changes = value.pending
        self.last_sync_at = value.last_sync_at
        self.last_sync = format_last_sync(value.last_sync_at, self.now())
        self.conflicts = value.conflicts_waiting
        self.hub_url = value.hub_url
        self._update_status()

    def _poll_status(self) -> None:
        if self.desk is not None and not self.sync_running:
            self.refresh_pending()

    # -- idle and lock -----------------------------------------------------------------------
    def hold_keys(self) -> None:
        """Keep the keys typed from now on until ``release_early_keys``: while the desk
        unlocks, keys typed for the screen that will follow (`2 / harris` straight after
        the passphrase's enter) belong to that screen, not to the unlock form."""
        if self._early_keys is None:
            self._early_keys = []

    def release_early_keys(self) -> None:
        """The screen the held keys are for has focused its box or list: they go there,
        in the order typed (a passphrase typed as the command starts is not lost)."""
        if self._early_keys is not None:  # every screen's resume asks; most hold nothing
            self.call_later(self._replay_early_keys)  # after the focus, queued too

    async def _replay_early_keys(self) -> None:
        held, self._early_keys = self._early_keys, None
        for key in held or ():
            await self.on_event(key)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self._early_keys is not None:
            self._early_keys.append(event)
            return
        if isinstance(
            event,
            events.Key
            | events.MouseDown
            | events.MouseScrollDown
            | events.MouseScrollUp
            | events.Paste,
        ):
            self._last_input = self._monotonic()
            self._last_input_at = time.monotonic()
            if self._lock_warning is not None:
                self._end_lock_warning()
        await super().on_event(event)

    def idle_remaining(self) -> float:
        return max(0.0, self.idle_seconds - (self._monotonic() - self._last_input))

    def _tick(self) -> None:
        if self.desk is None:
            return
        remaining = self.idle_remaining()
        if remaining <= 0:
            self.in_turn(lambda: self.action_lock("idle"), group="lock")
            return
        if remaining <= LOCK_WARNING_SECONDS and self._lock_warning is None:
            self._start_lock_warning(remaining)
        self._update_status()

    def _start_lock_warning(self, remaining: float) -> None:
        """The status line warns (see StatusLine); a dialog hides it, so over one a
        toast says the same."""
        toast = not self.screen.query(StatusLine)
        self._lock_warning = toast
        if toast:
            self.notify(
                f"The desk locks in {int(remaining)} s. Press any key to stay.",
                title="Auto-lock",
                severity="warning",
                timeout=remaining,
            )

    def _end_lock_warning(self) -> None:
        if self._lock_warning:
            # The warning's toast goes; any other is older than the idle time, so stale.
            self.clear_notifications()
        self._lock_warning = None
        self._update_status()

    def _update_status(self) -> None:
        for screen in self.screen_stack:  # beneath a dialog too: none is stale when it goes
            for line in screen.query(StatusLine):
                line.update_from(self)

    async def action_lock(self, why: str = "on demand") -> None:
        """Hide every screen behind the lock screen, close the database and the hub, drop
        the key and the hub passphrase typed; the officer's passphrase reopens it all."""
        if self.desk is None:
            return
        desk, self.desk = self.desk, None
        _log_lock(desk, why)
        officer = desk.officer.id
        from deskapp.tui.screens.unlock import UnlockScreen

        self.clear_notifications()  # a toast may name a person or a field
        self._lock_warning = None
        stack = self.screen_stack
        cut = next((i for i, s in enumerate(stack) if not kept_when_locked(s)), len(stack))
        for _ in range(len(stack) - max(cut, 1)):
            await self.pop_screen()
        self._kept = _Kept(self.current_mode, officer, tuple(self.screen_stack))
        self._lock_mode = f"lock-{next(self._mode_numbers)}"
        self.add_mode(self._lock_mode, lambda: UnlockScreen(officer=officer, locked=True))
        await self.switch_mode(self._lock_mode)
        self.workers.cancel_group(self, "default")
        desk.close()
        hub = sys.modules.get("deskapp.sync.hub_engines")  # not loaded: no hub was opened
        if hub is not None:
            hub.close_session()
        self.pending_changes = None
        self.sync_running = False
        heap.release()

    # -- help, quit, theme -------------------------------------------------------------------
    def action_help(self) -> None:
        from deskapp.tui.screens.modals import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen.for_screen(self.screen))

    async def action_quit(self) -> None:
        kept = self._kept.screens if self._kept is not None else ()
        screens = [*kept, *self.screen_stack]
        unsaved = [s for s in screens if getattr(s, "has_unsaved", lambda: False)()]
        if not unsaved:
            self._quit_now()
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._quit_now()

        self.push_screen(
            ConfirmScreen(
                "A form holds input that is not saved. Quit and lose it?", yes="Quit", no="Stay"
            ),
            answer,
        )

    def _quit_now(self) -> None:
        if self.desk is not None:
            _log_lock(self.desk, "quit")
            self.desk.close()
            self.desk = None
        self._kept = None  # the screens kept over a lock go with the app
        self.exit(0)

    def copy_to_clipboard(self, text: str) -> None:
        """Textual copies selected text here (ctrl+c): what leaves the screen may be
        personal data, so the copy is a logged consultation (its length, not its text)."""
        super().copy_to_clipboard(text)
        what = type(self.screen).__name__
        if self.desk is None or not text:
            return

        def log(desk: Desk) -> None:
            from deskapp.db import access_log

            access_log.copied(desk, what, len(text))

        self.background(log, group="audit")

    def action_toggle_contrast(self) -> None:
        self.theme = "textual-dark" if self.theme == "high-contrast" else "high-contrast"
