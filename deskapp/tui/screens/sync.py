"""Sync with the hub (a progress dialog, cancellable) and the Conflicts view (supervisors).

The sync runs ``deskapp.sync.run_sync`` on a thread worker. The worker never touches a
widget: it posts typed messages (``Progress``, ``Finished``, ``Failed``, ``NeedHub``,
``NeedSecret``) that the dialog handles on the UI thread. Esc sets the cancel event; the
service stops between batches, and whatever was committed stays committed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from deskapp.core import wording
from deskapp.core.text import visible
from deskapp.tui import heap
from deskapp.tui.keymap import key_hint
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.status_line import StatusLine

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


# -- the Conflicts view ---------------------------------------------------------------------------
def _short(value: Any, width: int = 40) -> str:
    if value is None:
        return "—"
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class ConflictsScreen(DeskScreen):
    HELP_TITLE = "Conflicts"
    HELP_TEXT = (
        "Edits made on this desk that lost to another desk's later edit of the same field. "
        "{conflicts.keep_local} keeps this desk's value (it then wins everywhere at the next "
        "sync); {conflicts.keep_remote} keeps the "
        "hub's value. Both ask first. Supervisors resolve."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="conflicts.back"),
        Binding("l", "resolve('local')", "Keep local", id="conflicts.keep_local"),
        Binding("r", "resolve('remote')", "Keep remote", id="conflicts.keep_remote"),
        Binding("v", "reveal", "Reveal", show=False, id="conflicts.reveal"),
        Binding("j", "move(1)", "Down", show=False, id="conflicts.down"),
        Binding("k", "move(-1)", "Up", show=False, id="conflicts.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.revealed: set[str] = set()
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="conflicts", classes="pane"):
            yield DataTable(cursor_type="row", zebra_stripes=False, id="conflicts-table")
            with VerticalScroll(id="conflict-detail-scroll"):
                yield Static("", id="conflict-detail")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        pane = self.query_one("#conflicts")
        pane.border_title = "Conflicts"
        table = self.query_one(DataTable)
        table.add_columns("Record", "Field", "This desk (lost)", "Hub (kept)", "Detected")
        table.focus()
        self.load()

    def load(self) -> None:
        def work(desk: Desk) -> list[dict[str, Any]]:
            from deskapp.sync import list_conflicts

            rows = list_conflicts(desk)
            _label_records(desk, rows)
            return rows

        self.background(work, self._show, group="conflicts", exclusive=True)

    def _sensitive(self, row: dict[str, Any]) -> bool:
        from deskapp.store.models import SENSITIVE_FIELDS

        fields = SENSITIVE_FIELDS.get(str(row["entity"]), ())
        return str(row["field"]) in fields and str(row["id"]) not in self.revealed

    def _value(self, row: dict[str, Any], key: str, width: int = 40) -> str:
        if self._sensitive(row):
            return "•••• (v reveals)"
        return visible(_short(row[key], width))

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.loaded = True
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        # Both values side by side, as wide as the screen allows (full text below).
        width = max(12, min(60, (self.size.width - 48) // 2))
        for row in rows:
            detected = row["detected_at"]
            when = detected.strftime("%d %b %H:%M") if hasattr(detected, "strftime") else ""
            # Text cells: a plain string cell would be read as markup.
            table.add_row(
                Text(visible(str(row.get("label") or row["row_id"]))),
                Text(visible(str(row["field"]))),
                Text(self._value(row, "local_value", width)),
                Text(self._value(row, "remote_value", width)),
                when,
                key=str(row["id"]),
            )
        pane = self.query_one("#conflicts")
        count = len(rows)
        pane.border_title = f"Conflicts · {count} waiting"
        pane.border_subtitle = "l keep local · r keep remote" if count else ""
        if rows:
            table.move_cursor(row=min(keep, count - 1))
        self._detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def current(self) -> dict[str, Any] | None:
        if not self.rows:
            return None
        index = self.query_one(DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _detail(self) -> None:
        detail = self.query_one("#conflict-detail", Static)
        row = self.current()
        if row is None:
            detail.update(
                "No conflicts are waiting. Edits that lose at sync to another desk's "
                "later edit of the same field appear here."
                if self.loaded
                else "Loading…"
            )
            return
        text = Text()
        text.append(visible(f"{row.get('label') or row['row_id']}"), style="bold")
        text.append(
            visible(f" · {row['entity']} · field {row['field']} · conflict {row['id'][:8]}")
        )
        text.append("\n\n")
        text.append("This desk's value (lost at sync)\n", style="bold")
        text.append(f"  {self._value(row, 'local_value', 400)}\n\n")
        text.append("The hub's value (kept everywhere now)\n", style="bold")
        text.append(f"  {self._value(row, 'remote_value', 400)}\n")
        detail.update(text)

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if self.rows:
            table.move_cursor(row=max(0, min(table.cursor_row + delta, len(self.rows) - 1)))

    def action_reveal(self) -> None:
        row = self.current()
        if row is None or not self._sensitive(row):
            return
        ident = str(row["id"])

        def work(desk: Desk) -> None:
            from deskapp.sync import get_conflict

            get_conflict(desk, ident)  # logged as a consultation of that field

        def done(_: None) -> None:
            self.revealed.add(ident)
            self._show(self.rows)

        self.background(work, done)

    def action_resolve(self, keep: str) -> None:
        row = self.current()
        if row is None:
            return
        desk = self.desk_app.desk
        if desk is None or not desk.officer.is_supervisor:
            self.notify("Only a supervisor can resolve a sync conflict.", severity="warning")
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        ident = str(row["id"])
        label = row.get("label") or row["row_id"]
        if keep == "local":
            question = (
                f"Keep this desk's value of {row['field']} for {label}? It replaces the "
                "hub's value on every desk at the next sync."
            )
        else:
            question = (
                f"Keep the hub's value of {row['field']} for {label}? This desk's edit "
                "is discarded."
            )

        def work(desk: Desk) -> dict[str, Any]:
            from deskapp.sync import resolve_conflict

            return resolve_conflict(desk, ident, keep)

        def done(_: dict[str, Any]) -> None:
            self.notify(f"Conflict resolved: kept the {keep} value.", title="Conflicts")
            self.load()

        def answer(yes: bool | None) -> None:
            if yes:
                self.background(work, done, wrote=True)

        self.app.push_screen(ConfirmScreen(question, yes=f"Keep {keep}", no="Not now"), answer)

    def action_back(self) -> None:
        self.app.pop_screen()


def _label_records(desk: Desk, rows: list[dict[str, Any]]) -> None:
    """A readable name for each conflict's record: a person's name, an incident's ref."""
    from sqlalchemy import select

    from deskapp.store.models import Person

    person = Person.__table__  # type: ignore[attr-defined]
    ids = sorted({str(r["row_id"]) for r in rows if r["entity"] == "person"})
    names: dict[str, str] = {}
    if ids:
        with desk.read() as conn:
            for chunk in range(0, len(ids), 500):
                query = select(person.c.id, person.c.name).where(
                    person.c.id.in_(ids[chunk : chunk + 500])
                )
                names.update({str(i): str(n) for i, n in conn.execute(query)})
    for row in rows:
        row_id = str(row["row_id"])
        if row["entity"] == "person":
            row["label"] = names.get(row_id, row_id[:8])
        elif row["entity"] == "incident":
            row["label"] = "I-" + row_id.replace("-", "")[-8:].upper()
        else:
            row["label"] = f"{row['entity']} {row_id[:8]}"
