"""Sync with the hub: a progress dialog, cancellable (the Conflicts view is ``conflicts.py``).

The sync runs ``deskapp.sync.run_sync`` in the background (``tui/background.py``). The
worker never touches a widget: it reports the start and each batch's progress, and
answers with what comes next (``NeedHub``, ``NeedSecret`` or ``Finished``), all handled
on the UI thread. Esc sets the cancel event; the service stops between batches, and
whatever was committed stays committed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from deskapp.domain import wording
from deskapp.tui import heap
from deskapp.tui.background import Background, failure_message
from deskapp.tui.keymap import key_hint

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.sync import SyncProgress, SyncResult

PHASES = {
    "push": "Sending this desk's changes",
    "pull": "Receiving changes from the hub",
    "index": "Making the search index for what was received",
}


def describe_duration(seconds: float) -> str:
    return "under a second" if seconds < 1 else f"{seconds:.0f} s"


class NeedHub(NamedTuple):
    url: str


class NeedSecret(NamedTuple):
    url: str
    display: str


class Finished(NamedTuple):
    result: SyncResult
    waiting: int


class SyncScreen(Background, ModalScreen[bool]):
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

    def __init__(self) -> None:
        super().__init__()
        self.state = "starting"  # starting | hub | secret | running | cancelling | done | failed
        self.cancel = threading.Event()
        self.url: str | None = None
        self.result: SyncResult | None = None
        self.waiting = 0
        self.error = ""

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
            yield ProgressBar(total=None, id="sync-bar")
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
        cancel = threading.Event()
        rejected = set(app.hub_secret_rejected)
        started = self.reporter(self._started)
        progress = self.reporter(self._progress)
        tried: list[str | None] = [typed_url]  # the hub the failure is about

        def work(desk: Desk) -> NeedHub | NeedSecret | Finished:
            from deskapp.sync import run_sync, status
            from deskapp.sync.hub_secrets import find_secret
            from deskapp.sync.hub_url import parse_hub_url

            url = tried[0] = typed_url or status(desk).hub_url
            if not url:
                return NeedHub("")
            target = parse_hub_url(url)
            # The file hub's passphrase: DESKAPP_HUB_PASSPHRASE, the keyring (service
            # deskapp-hub) or one typed earlier in this session; else ask for it.
            if target.kind == "file" and (
                target.display in rejected or find_secret(target) is None
            ):
                return NeedSecret(url, target.display)
            started(target.display)
            result = run_sync(desk, url, progress=progress, cancel=cancel)
            from deskapp.db import access_log

            access_log.synced(desk, result.pushed, result.pulled)
            waiting = status(desk).conflicts_waiting
            heap.after_large_sync(desk, result.pulled)
            return Finished(result, waiting)

        def failed(exc: BaseException) -> None:
            from deskapp.domain.errors import DeskError

            self._failed(failure_message(exc), tried[0] if isinstance(exc, DeskError) else None)

        if self.background(work, self._answer, failed=failed, group="sync") is not None:
            self.cancel = cancel

    # -- what the worker reports ---------------------------------------------------------------
    def _answer(self, step: NeedHub | NeedSecret | Finished) -> None:
        if isinstance(step, NeedHub):
            self._need_hub(step)
        elif isinstance(step, NeedSecret):
            self._need_secret(step)
        else:
            self._finished(step)

    def _need_hub(self, step: NeedHub) -> None:
        self.state = "hub"
        self._phase("No hub is set for this desk yet. Which hub should it sync with?")
        self.query_one("#hub-url", Input).value = step.url
        self._show_form(url=True, secret=False)

    def _need_secret(self, step: NeedSecret) -> None:
        self.state = "secret"
        self.url = step.url
        self._hub_line(step.display)
        self._phase("The hub file is encrypted: type its passphrase (it is kept for this session).")
        self.query_one("#hub-secret", Input).value = ""
        self._show_form(url=False, secret=True)

    def _started(self, display: str) -> None:
        self.state = "running"
        self.desk_app.sync_running = True
        self.desk_app._update_status()
        self._hub_line(display)
        self._hide_form()
        self._phase("Connecting…")
        self._keys(key_hint(self.app, "sync.escape", "cancel (stops after the current batch)"))

    def _progress(self, p: SyncProgress) -> None:
        if self.state not in ("running", "cancelling"):
            return
        label = PHASES.get(p.phase, p.phase)
        noun = "sent" if p.phase == "push" else "received"
        suffix = "  — cancelling after this batch" if self.state == "cancelling" else ""
        count = "" if p.phase == "index" else f": {p.done} of {p.total} {noun}"
        self._phase(f"{label}{count}{suffix}")
        bar = self.query_one("#sync-bar", ProgressBar)
        if p.total <= 0:
            bar.update(total=1, progress=1)
        else:
            bar.update(total=p.total, progress=p.done)

    def _finished(self, step: Finished) -> None:
        self.state = "done"
        self.result = step.result
        self.waiting = step.waiting
        self._done_running()
        r = step.result
        bar = self.query_one("#sync-bar", ProgressBar)
        bar.display = False
        summary = self.query_one("#sync-summary", Static)
        summary.display = True
        summary.update(sync_summary(r, step.waiting))
        self._phase("[b]Sync cancelled[/b]" if r.cancelled else "[b]Sync complete[/b]")
        keys = key_hint(self.app, "sync.close", "close")
        if step.waiting:
            keys += "   " + key_hint(self.app, "sync.conflicts", "review conflicts")
        if r.cancelled:
            keys += "   " + key_hint(self.app, "sync.retry", "sync again")
        self._keys(keys)
        title = "Sync cancelled" if r.cancelled else "Sync"
        self.notify(
            f"Pushed {r.pushed}, pulled {r.pulled}, {r.conflicts} new conflicts.", title=title
        )

    def _failed(self, error: str, url: str | None) -> None:
        self.state = "failed"
        self.error = error
        self.url = url
        if url and "passphrase does not open" in error:
            self.desk_app.hub_secret_rejected.add(_display(url))  # ask next time
        self._done_running()
        self.query_one("#sync-form").display = False
        self.query_one("#sync-bar").display = False
        summary = self.query_one("#sync-summary", Static)
        summary.display = True
        summary.update(Text(error, style="bold"))
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
        from deskapp.domain.errors import DeskError
        from deskapp.sync.hub_secrets import remember_secret
        from deskapp.sync.hub_url import parse_hub_url

        try:
            target = parse_hub_url(self.url)
        except DeskError as exc:
            self._failed(str(exc), self.url)
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
