"""Sync with the hub: a progress dialog, cancellable (the Conflicts view is ``conflicts.py``).

The sync runs ``deskapp.sync.run_sync`` on a thread worker. The worker never touches a
widget: it posts typed messages (``Progress``, ``Finished``, ``Failed``, ``NeedHub``,
``NeedSecret``) that the dialog handles on the UI thread. Esc sets the cancel event; the
service stops between batches, and whatever was committed stays committed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from deskapp.core import wording
from deskapp.tui import heap
from deskapp.tui.keymap import key_hint

if TYPE_CHECKING:
    from deskapp.store.desk import Desk
    from deskapp.sync import SyncProgress, SyncResult
    from deskapp.tui.app import DeskApp

PHASES = {"push": "Sending this desk's changes", "pull": "Receiving changes from the hub"}


def describe_duration(seconds: float) -> str:
    return "under a second" if seconds < 1 else f"{seconds:.0f} s"


class SyncScreen(ModalScreen[bool]):
    """Ask for the hub (and its passphrase) when needed, sync, show progress and a summary.

    Dismisses with True when a sync finished (so the caller reloads its lists).
    """

    KEPT_WHEN_LOCKED = False  # closing it stops the sync (on_unmount); the lock ends it

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "Cancel / close", id="sync.escape"),
        Binding("r", "retry", "Try again", show=False, id="sync.retry"),
        Binding("c", "conflicts", "Conflicts", show=False, id="sync.conflicts"),
        Binding("enter", "close", "Close", show=False, id="sync.close"),
    ]

    # -- messages from the worker ---------------------------------------------------------
    class NeedHub(Message):
        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class NeedSecret(Message):
        def __init__(self, url: str, display: str) -> None:
            super().__init__()
            self.url = url
            self.display = display

    class Started(Message):
        def __init__(self, display: str) -> None:
            super().__init__()
            self.display = display

    class Progress(Message):
        def __init__(self, progress: SyncProgress) -> None:
            super().__init__()
            self.progress = progress

    class Finished(Message):
        def __init__(self, result: SyncResult, waiting: int) -> None:
            super().__init__()
            self.result = result
            self.waiting = waiting

    class Failed(Message):
        def __init__(self, error: str, url: str | None) -> None:
            super().__init__()
            self.error = error
            self.url = url

    def __init__(self) -> None:
        super().__init__()
        self.state = "starting"  # starting | hub | secret | running | cancelling | done | failed
        self.cancel = threading.Event()
        self.url: str | None = None
        self.result: SyncResult | None = None
        self.waiting = 0
        self.error = ""

    @property
    def desk_app(self) -> DeskApp:
        from deskapp.tui.app import DeskApp

        assert isinstance(self.app, DeskApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog sync", id="sync-dialog"):
            yield Static("[b]Sync with the hub[/b]", classes="dialog-title")
            yield Static("", id="sync-hub")
            yield Static("", id="sync-phase")
            with Vertical(id="sync-form"):
                yield Label("Hub: a path to a hub file, or postgresql://…", id="hub-label")
                yield Input(placeholder="/path/to/hub.db or postgresql://host/db", id="hub-url")
                yield Label("Hub passphrase", id="secret-label")
                yield Input(password=True, placeholder="the hub file's passphrase", id="hub-secret")
            yield ProgressBar(total=None, show_eta=False, id="sync-bar")
            yield Static("", id="sync-summary")
            yield Static("", classes="dialog-keys", id="sync-keys")

    def on_mount(self) -> None:
        self.query_one("#sync-form").display = False
        self.query_one("#sync-summary").display = False
        self.query_one("#sync-hub").display = False
        self._phase("Looking up this desk's hub…")
        self._keys(key_hint(self.app, "sync.escape", "close"))
        self._probe(None)

    # -- drawing ---------------------------------------------------------------------------
    def _phase(self, text: str) -> None:
        self.query_one("#sync-phase", Static).update(text)

    def _keys(self, text: str) -> None:
        self.query_one("#sync-keys", Static).update(text)

    def _hub_line(self, display: str) -> None:
        hub = self.query_one("#sync-hub", Static)
        hub.update(f"[b]Hub[/b] {escape(display)}")
        hub.display = True

    def _show_form(self, *, url: bool, secret: bool) -> None:
        form = self.query_one("#sync-form")
        form.display = True
        for wid in ("#hub-label", "#hub-url"):
            self.query_one(wid).display = url
        for wid in ("#secret-label", "#hub-secret"):
            self.query_one(wid).display = secret
        self.query_one("#sync-bar").display = False
        self.query_one("#sync-summary").display = False
        self._keys("[b]enter[/b] sync   " + key_hint(self.app, "sync.escape", "cancel"))
        target = self.query_one("#hub-url" if url else "#hub-secret", Input)
        target.focus()

    def _hide_form(self) -> None:
        self.query_one("#sync-form").display = False
        self.query_one("#sync-bar").display = True
        self.set_focus(None)

    # -- the work ----------------------------------------------------------------------------
    def _probe(self, typed_url: str | None) -> None:
        """Find the hub and whether its passphrase is needed; then sync (on a worker)."""
        app = self.desk_app
        if app.desk is None:
            return
        self.cancel = threading.Event()
        cancel = self.cancel
        rejected = set(app.hub_secret_rejected)

        def work() -> None:
            from deskapp.core.errors import DeskError
            from deskapp.sync import status
            from deskapp.sync.hub_secrets import find_secret
            from deskapp.sync.hub_url import parse_hub_url

            url = typed_url
            try:
                desk = app.require_desk()
                url = typed_url or status(desk).hub_url
                if not url:
                    self.post_message(self.NeedHub(""))
                    return
                target = parse_hub_url(url)
                # The file hub's passphrase: DESKAPP_HUB_PASSPHRASE, the keyring (service
                # deskapp-hub) or one typed earlier in this session; else ask for it.
                if target.kind == "file" and (
                    target.display in rejected or find_secret(target) is None
                ):
                    self.post_message(self.NeedSecret(url, target.display))
                    return
                self._sync(desk, url, target.display, cancel)
            except DeskError as exc:
                self.post_message(self.Failed(str(exc), url))
            except Exception as exc:  # never a traceback in the dialog
                self.post_message(self.Failed(f"Unexpected error ({type(exc).__name__}).", None))

        self.run_worker(work, thread=True, group="sync", exit_on_error=False)

    def _sync(self, desk: Desk, url: str, display: str, cancel: threading.Event) -> None:
        """Runs on the worker thread."""
        from deskapp.sync import run_sync, status

        self.post_message(self.Started(display))

        def progress(p: SyncProgress) -> None:
            self.post_message(self.Progress(p))

        result = run_sync(desk, url, progress=progress, cancel=cancel)
        from deskapp.store import access_log

        access_log.synced(desk, result.pushed, result.pulled)
        waiting = status(desk).conflicts_waiting
        heap.after_large_sync(desk, result.pulled)
        self.post_message(self.Finished(result, waiting))

    # -- handling the worker's messages ----------------------------------------------------------
    def on_sync_screen_need_hub(self, message: NeedHub) -> None:
        self.state = "hub"
        self._phase("No hub is set for this desk yet. Which hub should it sync with?")
        self.query_one("#hub-url", Input).value = message.url
        self._show_form(url=True, secret=False)

    def on_sync_screen_need_secret(self, message: NeedSecret) -> None:
        self.state = "secret"
        self.url = message.url
        self._hub_line(message.display)
        self._phase("The hub file is encrypted: type its passphrase (it is kept for this session).")
        self.query_one("#hub-secret", Input).value = ""
        self._show_form(url=False, secret=True)

    def on_sync_screen_started(self, message: Started) -> None:
        self.state = "running"
        self.desk_app.sync_running = True
        self.desk_app._update_status()
        self._hub_line(message.display)
        self._hide_form()
        self._phase("Connecting…")
        self._keys(key_hint(self.app, "sync.escape", "cancel (stops after the current batch)"))

    def on_sync_screen_progress(self, message: Progress) -> None:
        if self.state not in ("running", "cancelling"):
            return
        p = message.progress
        label = PHASES.get(p.phase, p.phase)
        noun = "sent" if p.phase == "push" else "received"
        suffix = "  — cancelling after this batch" if self.state == "cancelling" else ""
        self._phase(f"{label}: {p.done} of {p.total} {noun}{suffix}")
        bar = self.query_one("#sync-bar", ProgressBar)
        if p.total <= 0:
            bar.update(total=1, progress=1)
        else:
            bar.update(total=p.total, progress=p.done)

    def on_sync_screen_finished(self, message: Finished) -> None:
        self.state = "done"
        self.result = message.result
        self.waiting = message.waiting
        self._done_running()
        r = message.result
        bar = self.query_one("#sync-bar", ProgressBar)
        bar.display = False
        summary = self.query_one("#sync-summary", Static)
        summary.display = True
        summary.update(sync_summary(r, message.waiting))
        self._phase("[b]Sync cancelled[/b]" if r.cancelled else "[b]Sync complete[/b]")
        keys = key_hint(self.app, "sync.close", "close")
        if message.waiting:
            keys += "   " + key_hint(self.app, "sync.conflicts", "review conflicts")
        if r.cancelled:
            keys += "   " + key_hint(self.app, "sync.retry", "sync again")
        self._keys(keys)
        title = "Sync cancelled" if r.cancelled else "Sync"
        self.notify(
            f"Pushed {r.pushed}, pulled {r.pulled}, {r.conflicts} new conflicts.", title=title
        )

    def on_sync_screen_failed(self, message: Failed) -> None:
        self.state = "failed"
        self.error = message.error
        self.url = message.url
        if message.url and "passphrase does not open" in message.error:
            self.desk_app.hub_secret_rejected.add(_display(message.url))  # ask next time
        self._done_running()
        self.query_one("#sync-form").display = False
        self.query_one("#sync-bar").display = False
        summary = self.query_one("#sync-summary", Static)
        summary.display = True
        summary.update(Text(message.error, style="bold"))
        self._phase("[b $error]Sync failed[/]: nothing half-done was kept.")
        self._keys(
            key_hint(self.app, "sync.retry", "try again (change the hub)")
            + "   "
            + key_hint(self.app, "sync.escape", "close")
        )

    def _done_running(self) -> None:
        app = self.desk_app
        app.sync_running = False
        app.refresh_pending()

    # -- form ------------------------------------------------------------------------------------
    @on(Input.Submitted, "#hub-url")
    def hub_given(self, event: Input.Submitted) -> None:
        event.stop()
        url = event.value.strip()
        if not url:
            return
        self._hide_form()
        self._phase("Checking the hub…")
        self._probe(url)

    @on(Input.Submitted, "#hub-secret")
    def secret_given(self, event: Input.Submitted) -> None:
        event.stop()
        secret = event.value
        if not secret or self.url is None:
            return
        from deskapp.core.errors import DeskError
        from deskapp.sync.hub_secrets import remember_secret
        from deskapp.sync.hub_url import parse_hub_url

        try:
            target = parse_hub_url(self.url)
        except DeskError as exc:
            self.on_sync_screen_failed(self.Failed(str(exc), self.url))
            return
        remember_secret(target, secret)  # held in memory for this session, never written
        self.desk_app.hub_secret_rejected.discard(target.display)
        event.input.value = ""
        self._hide_form()
        self._phase("Opening the hub…")
        self._probe(self.url)

    # -- keys ------------------------------------------------------------------------------------
    def action_escape(self) -> None:
        if self.state in ("running", "cancelling"):
            if self.state == "running":
                self.state = "cancelling"
                self.cancel.set()
                self._phase("Cancelling: the sync stops after the current batch…")
                self._keys("")
            return
        if self.state == "starting":
            self.cancel.set()
        self.dismiss(self.result is not None)

    def action_close(self) -> None:
        if self.state in ("done", "failed"):
            self.dismiss(self.result is not None)

    def action_retry(self) -> None:
        if self.state == "failed":
            self.state = "hub"
            self._phase("Which hub should this desk sync with?")
            field = self.query_one("#hub-url", Input)
            field.value = self.url or self.desk_app.hub_url or ""
            self._show_form(url=True, secret=False)
        elif self.state == "done" and self.result is not None and self.result.cancelled:
            self.result = None
            self.query_one("#sync-summary").display = False
            self._probe(None)

    def action_conflicts(self) -> None:
        if self.state == "done" and self.waiting:
            self.dismiss(True)
            from deskapp.tui.screens.conflicts import ConflictsScreen

            self.app.push_screen(ConflictsScreen())

    def on_unmount(self) -> None:
        self.cancel.set()  # closing the dialog (or locking) stops a sync between batches


def _display(url: str) -> str:
    try:
        from deskapp.sync.hub_url import parse_hub_url

        return parse_hub_url(url).display
    except Exception:
        return url


def sync_summary(r: SyncResult, waiting: int) -> Text:
    text = Text()
    text.append(f"Pushed    {wording.count(r.pushed, 'change')}")
    text.append(f"\nPulled    {wording.count(r.pulled, 'change')}")
    text.append(f"\nConflicts {r.conflicts} new")
    if waiting:
        text.append(" · ")
        text.append(f" {waiting} waiting for a supervisor ", style="bold reverse")
    else:
        text.append(" · none waiting")
    if r.quarantined:
        text.append("\nHeld back ")
        text.append(f" {r.quarantined} quarantined ", style="bold reverse")
        text.append(" failed their checks: a supervisor lists them (deskapp sync quarantine)")
    if r.unconfirmed:
        text.append("\nNot taken ")
        text.append(f" {wording.count(r.unconfirmed, 'change')} ", style="bold reverse")
        text.append(" the hub did not hold: kept here, sent again at the next sync")
    text.append(f"\nTook      {describe_duration(r.duration_s)}")
    if r.cancelled:
        text.append(
            "\n\nCancelled between batches: what was sent or received stays; sync again to finish."
        )
    for warning in r.skew:
        text.append("\n\nClock skew: ", style="bold")
        text.append(warning)
    return text
