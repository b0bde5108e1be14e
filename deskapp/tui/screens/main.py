"""The main screen: Caseload, Incident queue and Roster (Events on 4, the Dashboard on 5).

At 160 columns or more the three panes stand side by side; narrower, they are tabs whose
titles stay visible in the tab line. Keys 1-5 move between them at any width.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Static

from deskapp.domain import wording
from deskapp.tui import sources
from deskapp.tui.keymap import key_for
from deskapp.tui.screens.base import DeskScreen
from deskapp.tui.undo import UndoOffer
from deskapp.tui.widgets.dashboard import DashboardPane
from deskapp.tui.widgets.footer import DeskFooter
from deskapp.tui.widgets.pane import Pane
from deskapp.tui.widgets.status_line import StatusLine
from deskapp.tui.widgets.window_list import Row, WindowList

if TYPE_CHECKING:
    from deskapp.services.incidents import Applied

WIDE = 160
PANES = (
    ("caseload", "Caseload"),
    ("queue", "Incident queue"),
    ("roster", "Roster"),
    ("events", "Events"),
    ("dashboard", "Dashboard"),
)
#: Panes shown alone even on a wide screen (the first three stand side by side).
ALONE = ("events", "dashboard")
GRADES = [
    ("1", "G1 Emergency"),
    ("2", "G2 Priority"),
    ("3", "G3 Scheduled"),
    ("4", "G4 Resolution without deployment"),
]


class QueueList(WindowList):
    # Priority, as the list's own keys: each acts as it arrives, and one that opens a
    # picker waits for it to mount, so `s 1` chooses the first status (not pane 1).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "screen.regrade", "Grade", id="queue.grade", priority=True),
        Binding("a", "screen.assign", "Assign", id="queue.assign", priority=True),
        Binding("s", "screen.status", "Status", id="queue.status", priority=True),
        Binding("u", "screen.undo", "Undo", show=False, id="queue.undo", priority=True),
        Binding(
            "o", "screen.toggle_closed", "Show closed", show=False, id="queue.closed", priority=True
        ),
    ]


class RosterList(WindowList):
    # Priority, as the list's own keys (see QueueList); each opens a form.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "screen.edit_person", "Edit", id="roster.edit", priority=True),
        Binding("plus", "screen.add_person", "Add person", id="roster.add", priority=True),
    ]

    def can_clear(self) -> bool:
        screen = self.screen
        held = isinstance(screen, MainScreen) and screen.roster_adviser is not None
        return super().can_clear() or held

    def action_clear(self) -> None:
        screen = self.screen
        if not self.marked and not self.filter_text and isinstance(screen, MainScreen):
            screen.clear_adviser()
        else:
            super().action_clear()


class CaseloadList(WindowList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "screen.edit_adviser", "Edit", id="caseload.edit", priority=True),
        Binding("plus", "screen.add_adviser", "Add adviser", id="caseload.add", priority=True),
    ]


class EventsList(WindowList):
    # Priority, as the queue's keys: the title typed straight after it reaches the form.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "screen.new_event", "New event", id="events.new", priority=True),
    ]


class CoverageLine(Static):
    """The Caseload pane's first line: who has no named contact, who was never contacted."""

    DEFAULT_CSS = "CoverageLine { height: auto; padding: 0 1; color: $text-muted; }"

    def show(self, cov: Any) -> None:
        cov, councils = cov
        text = Text()
        if cov.without_contact:
            text.append(f" {cov.without_contact} without a named contact ", style="bold reverse")
        else:
            text.append("everyone has a named contact", style="bold")
        text.append(f" · {cov.never_contacted} never contacted")
        if councils:
            # A line of its own: the pane is narrow beside the others.
            text.append(f"\n {wording.count(councils, 'council')} not sharing contact details")
            text.append(f" ({key_for(self.app, 'main.councils')})", style="dim")
        self.set_class(bool(cov.without_contact), "-gaps")
        self.update(text)


class TabLine(Static):
    DEFAULT_CSS = "TabLine { height: 1; padding: 0 1; background: $panel; }"

    def show(self, active: str, wide: bool) -> None:
        text = Text()
        text.append("deskapp ", style="bold")
        for i, (key, title) in enumerate(PANES, start=1):
            on = key == active or (wide and active not in ALONE and key not in ALONE)
            text.append(f" {i} {title} ", style="reverse bold" if on else "")
            text.append(" ")
        self.update(text)


class MainScreen(DeskScreen):
    AUTO_FOCUS = "#queue-list"
    HELP_TITLE = "Main"
    HELP_TEXT = (
        "{list.mark} marks rows: grade, assign and status then act on every marked "
        "incident. {list.filter} filters a pane, {filter.clear} clears the filter. "
        "{main.sync} syncs with the hub; {main.auto_assign} gives everyone without one "
        "a named contact."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority (so a quick "3/sian" filters the roster, not the pane it left), but
        # not while a filter box has focus: there a digit is part of the filter.
        Binding("1", "show('caseload')", "Caseload", show=False, id="main.caseload", priority=True),
        Binding("2", "show('queue')", "Queue", show=False, id="main.queue", priority=True),
        Binding("3", "show('roster')", "Roster", show=False, id="main.roster", priority=True),
        Binding("4", "show('events')", "Events", show=False, id="main.events", priority=True),
        Binding(
            "5", "show('dashboard')", "Dashboard", show=False, id="main.dashboard", priority=True
        ),
        # Priority, so the name typed straight after "n" reaches the new form (see ready.py).
        Binding("n", "new_incident", "New incident", id="main.new_incident", priority=True),
        Binding("R", "review", "Review due", show=False, id="main.review"),
        Binding("A", "audit", "Audit", show=False, id="main.audit"),
        Binding("M", "oversight", "Oversight", show=False, id="main.oversight"),
        Binding("S", "sync", "Sync", show=False, id="main.sync"),
        Binding("C", "conflicts", "Conflicts", show=False, id="main.conflicts"),
        Binding("I", "import_roster", "Import", show=False, id="main.import"),
        Binding("O", "councils", "Councils", show=False, id="main.councils"),
        Binding("V", "subjects", "Subjects", show=False, id="main.subjects"),
        Binding("ctrl+a", "auto_assign", "Auto-assign", show=False, id="main.auto_assign"),
        Binding("X", "export", "Export", show=False, id="main.export"),
        Binding("tab", "cycle(1)", "Next pane", show=False, id="main.next_pane"),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="main.prev_pane"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.active = "queue"
        self.include_closed = False
        self.roster_adviser: tuple[str, str] | None = None
        self._wide = False
        self._logged_roster: tuple[str, str | None] | None = None
        #: another screen has been over this one since its lists were last read
        self._covered = False
        # Held here, not queried: the pane mounts it, and the first refresh may run first.
        self._coverage = CoverageLine(id="coverage")
        self.undo = UndoOffer(self, "queue.undo")

    def compose(self) -> ComposeResult:
        app = self.desk_app
        desk = app.require_desk
        now = app.now
        caseload = CaseloadList(sources.caseload_source(desk, now), now=now, id="caseload-list")
        queue = QueueList(
            sources.queue_source(desk, now, include_closed=lambda: self.include_closed),
            now=now,
            id="queue-list",
        )
        roster = RosterList(
            sources.roster_source(
                desk, adviser=lambda: self.roster_adviser[0] if self.roster_adviser else None
            ),
            id="roster-list",
        )
        events = EventsList(sources.events_source(desk), id="events-list")
        yield TabLine(id="tabs")
        with Horizontal(id="panes"):
            yield Pane(1, "Caseload", caseload, id="caseload", header=self._coverage)
            yield Pane(2, "Incident queue", queue, id="queue")
            yield Pane(3, "Roster", roster, id="roster")
            yield Pane(4, "Events", events, id="events")
            yield DashboardPane(5, id="dashboard")
        yield StatusLine()
        yield DeskFooter()

    def on_mount(self) -> None:
        self._apply_layout()
        self.pane("queue").list.focus()
        self.set_interval(30, self._refresh_due_times)
        self.refresh_coverage()

    def on_resize(self) -> None:
        self._apply_layout()

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        # Back from another screen: read again what it may have changed. Not as the
        # screen first becomes current (it resumes twice then, and the lists, the
        # coverage line and the sync figures have just been read on mount and unlock):
        # that read each list three times and the coverage (a pass over every person)
        # twice more, on worker threads beside the officer's first filter.
        if self._covered:
            self._covered = False
            for pane in self.query(Pane):
                pane.list.reload()
            self.desk_app.refresh_pending()
            self.refresh_coverage()

    def refresh_coverage(self) -> None:
        def work(desk: Any) -> Any:
            from deskapp.services.assign import coverage
            from deskapp.services.organisations import not_shared

            return coverage(desk), not_shared(desk)

        self.background(work, self._coverage.show, group="coverage", exclusive=True)

    def _refresh_due_times(self) -> None:
        self.pane("queue").list.refresh()

    def pane(self, key: str) -> Pane:
        return self.query_one(f"#{key}", Pane)

    def _panel(self, key: str) -> Widget:
        """A pane of the main screen: a list's, or the dashboard."""
        return self.query_one(f"#{key}")

    def _focus_target(self, key: str) -> Widget:
        panel = self._panel(key)
        return panel.list if isinstance(panel, Pane) else panel

    def _apply_layout(self) -> None:
        self._wide = self.size.width >= WIDE
        self.set_class(self._wide, "-wide")
        for key, _ in PANES:
            pane = self._panel(key)
            if self._wide and self.active not in ALONE:
                pane.display = key not in ALONE
            else:
                pane.display = key == self.active
        self.query_one(TabLine).show(self.active, self._wide)

    # -- navigation ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show", "new_incident") and isinstance(self.focused, Input):
            return False  # the key goes on to the box it was typed in
        return super().check_action(action, parameters)

    def action_show(self, key: str) -> None:
        self.active = key
        self._apply_layout()
        self.set_focus(self._focus_target(key))  # at once: the next key is for this pane
        if key == "dashboard":
            self.query_one(DashboardPane).load()  # fresh figures each time it is shown

    def action_cycle(self, delta: int) -> None:
        keys = [k for k, _ in PANES]
        self.action_show(keys[(keys.index(self.active) + delta) % len(keys)])

    def on_descendant_focus(self, event: Any) -> None:
        for key, _ in PANES:
            pane = self._panel(key)
            if pane.has_focus_within and key != self.active:
                self.active = key
                self._apply_layout()

    # -- opening rows ----------------------------------------------------------------------
    def on_window_list_opened(self, event: WindowList.Opened) -> None:
        event.stop()
        lst = event.list
        if isinstance(lst, QueueList):
            from deskapp.tui.screens.incident import IncidentScreen, Navigator

            nav = Navigator.around(lst, event.index)
            self.app.push_screen(IncidentScreen(str(event.row["id"]), nav))
        elif isinstance(lst, RosterList):
            from deskapp.tui.screens.person import PersonScreen

            self.app.push_screen(PersonScreen(str(event.row["id"])))
        elif isinstance(lst, CaseloadList):
            self.roster_adviser = (str(event.row["id"]), str(event.row["name"]))
            roster = self.pane("roster")
            roster.note = f"held by {event.row['name']} (esc: all)"
            roster.list.cursor = 0
            roster.list.reload(keep_cursor=False)
            roster.update_title()
            self.action_show("roster")
        elif isinstance(lst, EventsList):
            from deskapp.tui.screens.event import EventScreen

            self.app.push_screen(EventScreen(str(event.row["id"])))

    def on_window_list_changed(self, event: WindowList.Changed) -> None:
        # Pane handles titles; here the roster listing is logged as a consultation.
        if isinstance(event.list, RosterList) and event.list.total is not None:
            key = (event.list.filter_text, self.roster_adviser[0] if self.roster_adviser else None)
            if key != self._logged_roster:
                self._logged_roster = key
                total = event.list.total
                self.set_timer(0.8, lambda: self._log_roster(key, total))

    def _log_roster(self, key: tuple[str, str | None], total: int) -> None:
        if key != self._logged_roster:
            return  # the filter moved on; the settled one will be logged

        def log(desk: Any) -> None:
            from deskapp.services.people import log_roster_shown

            log_roster_shown(desk, total, filtered=bool(key[0]))

        self.background(log, group="consultation")

    def clear_adviser(self) -> None:
        roster = self.pane("roster")
        if self.roster_adviser:
            self.roster_adviser = None
            roster.note = ""
            roster.list.reload(keep_cursor=False)
            roster.update_title()

    # -- actions on the queue (marked set or the row under the cursor) ------------------------
    def _queue_targets(self) -> list[Row]:
        queue = self.pane("queue").list
        if self.active != "queue" and not self._wide:
            self.action_show("queue")
        return queue.targets()

    def _apply(self, rows: list[Row], what: str, to: str = "on", **changes: Any) -> None:
        """Apply one change to the target rows. ``what`` names it for the confirm and the
        undo offer: "Set grade G2" (``to`` "on") 5 marked incidents?"""
        ids = [str(r["id"]) for r in rows]
        marked = bool(self.pane("queue").list.marked)

        def go() -> None:
            def work(desk: Any) -> Applied:
                from deskapp.services.incidents import bulk_update

                return bulk_update(desk, ids, **changes)

            def done(applied: Applied) -> None:
                queue = self.pane("queue").list
                queue.clear_marks()
                self._reload_after_change()
                count = applied.count
                self.undo.offer(applied, f"{what}: {wording.count(count, 'incident')} changed")

            self.background(work, done, wrote=True)

        if marked or len(ids) > 1 or changes.get("status") == "closed":
            from deskapp.tui.screens.modals import ConfirmScreen

            noun = wording.count(len(ids), "marked incident")
            if not marked:
                noun = "this incident"
            self.app.push_screen(
                ConfirmScreen(f"{what} {to} {noun}?"), lambda yes: go() if yes else None
            )
        else:
            go()

    def _reload_after_change(self) -> None:
        self.pane("queue").list.reload()
        self.pane("caseload").list.reload()
        self.refresh_coverage()

    def action_undo(self) -> None:
        self.undo.undo(lambda _: self._reload_after_change())

    async def action_regrade(self) -> None:
        rows = self._queue_targets()
        if not rows:
            return
        from deskapp.tui.screens.modals import PickerScreen

        def picked(value: str | None) -> None:
            if value:
                self._apply(rows, f"Set grade G{value}", grade=int(value))

        await self.app.push_screen(PickerScreen("Grade", options=GRADES, numbered=True), picked)

    async def action_assign(self) -> None:
        rows = self._queue_targets()
        if not rows:
            return
        from deskapp.tui.screens.incident import adviser_picker

        def picked(value: str | None) -> None:
            if value:
                self._apply(rows, "Assign the chosen adviser", "to", adviser=value)

        await self.app.push_screen(adviser_picker(), picked)

    async def action_status(self) -> None:
        rows = self._queue_targets()
        if not rows:
            return
        from deskapp.domain.status import allowed_next

        allowed: set[str] | None = None
        for row in rows:
            options = {str(s) for s in allowed_next(str(row["status"]))}
            allowed = options if allowed is None else allowed & options
        order = [str(s) for s in allowed_next("new")] + [
            "in-progress",
            "escalated",
            "referred",
            "resolved",
            "closed",
        ]
        choices = sorted(allowed or set(), key=lambda s: order.index(s) if s in order else 99)
        if not choices:
            self.notify("No status change is valid for every marked incident.", severity="warning")
            return
        from deskapp.tui.screens.modals import PickerScreen

        def picked(value: str | None) -> None:
            if value:
                self._apply(rows, f"Set status {value}", status=value)

        await self.app.push_screen(
            PickerScreen("Status", options=[(c, c) for c in choices], numbered=True), picked
        )

    def action_toggle_closed(self) -> None:
        self.include_closed = not self.include_closed
        queue = self.pane("queue")
        queue.note = "incl. closed" if self.include_closed else ""
        queue.list.reload(keep_cursor=False)
        queue.update_title()

    # -- other screens -------------------------------------------------------------------------
    async def action_new_incident(self) -> None:
        from deskapp.tui.screens.new_incident import NewIncidentScreen
        from deskapp.tui.screens.ready import open_ready

        await open_ready(self.app, NewIncidentScreen(), self._created)

    async def action_new_event(self) -> None:
        from deskapp.tui.screens.event_form import EventFormScreen
        from deskapp.tui.screens.ready import open_ready

        def created(event_id: str | None) -> None:
            if event_id:
                from deskapp.tui.screens.event import EventScreen

                self.pane("events").list.reload()
                self.app.push_screen(EventScreen(event_id))

        await open_ready(self.app, EventFormScreen(), created)

    async def action_export(self) -> None:
        from deskapp.tui.screens.export import ExportScreen
        from deskapp.tui.screens.ready import open_ready

        kind = {"caseload": "caseload", "queue": "incidents"}.get(self.active, "roster")
        await open_ready(self.app, ExportScreen(kind=kind), lambda _: None)

    def _created(self, incident_id: str | None) -> None:
        if incident_id:  # the form itself shows the reference
            self.pane("queue").list.reload()

    def action_subjects(self) -> None:
        from deskapp.tui.screens.subject import SubjectsScreen

        self.app.push_screen(SubjectsScreen())

    def action_review(self) -> None:
        from deskapp.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_audit(self) -> None:
        if not self._supervisor("read the audit log"):
            return
        from deskapp.tui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_oversight(self) -> None:
        if not self._supervisor("see the monitoring findings"):
            return
        from deskapp.tui.screens.oversight import OversightScreen

        self.app.push_screen(OversightScreen())

    def _supervisor(self, what: str) -> bool:
        desk = self.desk_app.desk
        if desk is None or not desk.officer.is_supervisor:
            self.notify(f"Only a supervisor can {what}.", severity="warning")
            return False
        return True

    def action_sync(self) -> None:
        if self.desk_app.sync_running:
            return
        from deskapp.tui.screens.sync import SyncScreen

        self.app.push_screen(SyncScreen())

    def action_conflicts(self) -> None:
        from deskapp.tui.screens.conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen())

    def action_councils(self) -> None:
        from deskapp.tui.screens.councils import CouncilsScreen

        self.app.push_screen(CouncilsScreen())

    # -- records: people and advisers ----------------------------------------------------------
    async def action_add_person(self) -> None:
        from deskapp.tui.screens.person_form import PersonFormScreen
        from deskapp.tui.screens.ready import open_ready

        await open_ready(self.app, PersonFormScreen(), self._person_saved)

    async def action_edit_person(self) -> None:
        row = self.pane("roster").list.current
        if row is None:
            return
        from deskapp.tui.screens.person_form import PersonFormScreen
        from deskapp.tui.screens.ready import open_ready

        await open_ready(self.app, PersonFormScreen(person_id=str(row["id"])), self._person_saved)

    def _person_saved(self, person: tuple[str, str] | None) -> None:
        if person:
            self.notify("Saved.")
            self.pane("roster").list.reload()
            self.pane("caseload").list.reload()
            self.refresh_coverage()

    async def action_add_adviser(self) -> None:
        from deskapp.tui.screens.adviser_form import AdviserFormScreen
        from deskapp.tui.screens.ready import open_ready

        await open_ready(self.app, AdviserFormScreen(), self._adviser_saved)

    async def action_edit_adviser(self) -> None:
        row = self.pane("caseload").list.current
        if row is None:
            return
        from deskapp.tui.screens.adviser_form import AdviserFormScreen
        from deskapp.tui.screens.ready import open_ready

        form = AdviserFormScreen(adviser_id=str(row["id"]))
        await open_ready(self.app, form, self._adviser_saved)

    def _adviser_saved(self, adviser_id: str | None) -> None:
        if adviser_id:
            self.notify("Saved.")
            self.pane("caseload").list.reload()
            self.refresh_coverage()

    def action_import_roster(self) -> None:
        from deskapp.tui.screens.importing import ImportScreen

        self.app.push_screen(ImportScreen())

    def action_auto_assign(self) -> None:
        from deskapp.tui.screens.assign import AutoAssignScreen

        self.app.push_screen(AutoAssignScreen())

    def palette_commands(self) -> list[tuple[str, str, str]]:
        out = [
            ("Show caseload", "show('caseload')", "main.caseload"),
            ("Show incident queue", "show('queue')", "main.queue"),
            ("Show roster", "show('roster')", "main.roster"),
            ("Show events", "show('events')", "main.events"),
            ("New incident", "new_incident", "main.new_incident"),
            ("Grade incidents", "regrade", "queue.grade"),
            ("Assign incidents", "assign", "queue.assign"),
            ("Change status", "status", "queue.status"),
            ("Show or hide closed incidents", "toggle_closed", "queue.closed"),
            ("Sync with the hub", "sync", "main.sync"),
            ("Sync conflicts", "conflicts", "main.conflicts"),
            ("Import candidates (Democracy Club / CSV)", "import_roster", "main.import"),
            ("Councils: returning officers and data sharing", "councils", "main.councils"),
            ("Add a person to the roster", "add_person", "roster.add"),
            ("Edit the person under the cursor", "edit_person", "roster.edit"),
            ("Add an adviser", "add_adviser", "caseload.add"),
            ("Edit the adviser under the cursor", "edit_adviser", "caseload.edit"),
            ("Review due", "review", "main.review"),
            ("Auto-assign named contacts", "auto_assign", "main.auto_assign"),
            ("New campaign event", "new_event", "events.new"),
            ("Export the roster, caseloads or incidents", "export", "main.export"),
            ("Undo the last grade/assign/status", "undo", "queue.undo"),
        ]
        if self.desk_app.desk is not None and self.desk_app.desk.officer.is_supervisor:
            out += [("Audit log", "audit", "main.audit")]
        return out
