"""Pilot helpers: wait for worker threads and their messages, unlock the sample desk."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from sqlalchemy import select, text
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerCancelled

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT as AUDIT
from deskapp.db.tables import PERSON
from deskapp.domain.status import allowed_next
from deskapp.services import events as event_records
from deskapp.tui.app import DeskApp
from deskapp.tui.screens.event import EventScreen
from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.modals import (
    PickerScreen,
)
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.screens.review import ReviewScreen
from deskapp.tui.screens.sync import SyncScreen
from deskapp.tui.screens.unlock import UnlockScreen
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import OFFICER, PASSPHRASE


async def workers_done(app: App[int]) -> None:
    """Wait for the app's workers. A worker in an exclusive group is cancelled when a newer
    one replaces it (the unlock's pending work, a filter typed again): that is the app
    working as meant, and on a loaded machine it happened inside the wait."""
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete()


async def settle(pilot: Pilot[int], rounds: int = 4) -> None:
    """Let thread workers finish and the messages they posted be handled."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await workers_done(app)
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                break


async def wait_for(pilot: Pilot[int], predicate: object, timeout: float = 10.0) -> None:

    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)
        await workers_done(pilot.app)


async def unlock(pilot: Pilot[int], passphrase: str = PASSPHRASE) -> MainScreen:
    app = pilot.app
    assert isinstance(app, DeskApp)
    await pilot.pause()
    await pilot.press(*passphrase, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
    screen = app.screen
    assert isinstance(screen, MainScreen)
    await wait_for(pilot, lambda: all(w.loaded for w in screen.query(WindowList)))
    await settle(pilot)
    return screen


async def type_text(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def burst(pilot: Pilot[int], *keys: str) -> None:
    """Keys as a remote-desktop link delivers them: all queued before any is handled."""
    for key in keys:
        char = key if len(key) == 1 else {"space": " "}.get(key)
        pilot.app.post_message(events.Key(key, char))
    await settle(pilot)


def screenshot(app: DeskApp) -> str:
    """What the terminal shows, as text (the SVG keeps each run of text whole)."""
    return app.export_screenshot().replace("&#160;", " ")


async def lock(pilot: Pilot[int]) -> None:
    app = pilot.app
    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen) and app.screen.is_mounted)
    await settle(pilot)


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


async def unlock_to(
    pilot: Pilot[int], kind: type[ScreenT], passphrase: str = PASSPHRASE
) -> ScreenT:
    """Unlock from the lock screen, wait until a ``kind`` screen is on top, and return it."""
    app = pilot.app
    await pilot.press(*passphrase, "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, kind))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


def capture(app: DeskApp) -> NewIncidentScreen:
    screen = app.screen
    assert isinstance(screen, NewIncidentScreen)
    return screen


async def open_person(pilot: Pilot[int], name: str) -> PersonScreen:
    app = pilot.app
    await pilot.press("3", "slash")
    await type_text(pilot, name)
    await settle(pilot)
    await pilot.press("enter", "enter")
    await wait_for(
        pilot, lambda: isinstance(app.screen, PersonScreen) and app.screen.data is not None
    )
    screen = app.screen
    assert isinstance(screen, PersonScreen)
    return screen


async def capture_for(pilot: Pilot[int], name: str) -> NewIncidentScreen:
    """The capture form opened from a person's view (the person already chosen)."""
    await open_person(pilot, name)
    await pilot.press("n")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.focused, ChoiceBar))
    return capture(app)  # type: ignore[arg-type]


def rendered(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector).render())  # type: ignore[attr-defined]


async def fill(pilot: Pilot[int], text_: str) -> None:
    """Put ``text_`` in the focused input (typing long tmp paths key by key is slow)."""
    field = pilot.app.focused
    assert isinstance(field, Input)
    field.value = text_
    field.cursor_position = len(text_)
    await pilot.pause()


def sync_screen(app: object) -> SyncScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, SyncScreen)
    return screen


def shown(widget: Any) -> str:
    """What a Static shows, as plain text (its content may be a Rich table)."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def notifications(app: DeskApp) -> list[tuple[str, str]]:
    """(title, message) of every notification still up."""
    return [(n.title, n.message) for n in app._notifications]


def screen_lines(app: DeskApp) -> list[str]:
    """The text of the screen as drawn (the compositor's own strips: what the terminal gets)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def write_keymap(folder: Path, keys: dict[str, str]) -> Path:
    path = folder / "keymap.toml"
    lines = ["[keys]"] + [f'"{binding_id}" = "{key}"' for binding_id, key in keys.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count_people(path: Path) -> int:
    desk = Desk.open(path, OFFICER, PASSPHRASE)
    try:
        with desk.read() as conn:
            return int(conn.execute(text("SELECT count(*) FROM person")).scalar_one())
    finally:
        desk.close()


async def until(pilot: Pilot[int], predicate: Callable[[], object], timeout: float = 10) -> None:
    """Wait for ``predicate``. Unlike helpers.wait_for this does not wait on workers: a
    burst starts many, and the app's exclusive ones are cancelled in passing."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)


def consultations(path: Path, entity: str) -> list[tuple[str, str]]:
    with Desk.open(path, OFFICER, PASSPHRASE) as desk, desk.read() as conn:
        rows = conn.execute(
            select(AUDIT.c.fields, AUDIT.c.detail).where(
                AUDIT.c.action == "consultation", AUDIT.c.entity == entity
            )
        ).all()
    return [(r.fields, r.detail) for r in rows]


def event_by_title(path: Path, title: str) -> event_records.EventDetail:
    with open_desk(path) as desk:
        [row] = [e for e in event_records.list_events(desk) if e["title"] == title]
        return event_records.get_event(desk, row["id"], reveal=True)


def open_desk(path: Path, officer: str = OFFICER, passphrase: str = PASSPHRASE) -> Desk:
    return Desk.open(path, officer, passphrase)


async def open_event(pilot: Any, title: str) -> EventScreen:
    """From the main screen: the events pane, filtered to ``title``, opened."""
    await pilot.press("4", "slash")
    await type_text(pilot, title)
    await settle(pilot)
    await pilot.press("enter", "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, EventScreen) and app.screen.data)
    screen = app.screen
    assert isinstance(screen, EventScreen)
    return screen


async def choose_status(pilot: Pilot[int], screen: IncidentScreen, target: str) -> None:
    assert screen.data is not None
    options = [str(s) for s in allowed_next(str(screen.data["status"]))]
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
    await pilot.press(str(options.index(target) + 1))
    await wait_for(pilot, lambda: screen.data is not None and screen.data["status"] == target)


async def open_row(pilot: Pilot[int], index: int) -> IncidentScreen:
    """Open the queue's row ``index`` (0-based) by keyboard and wait for it to show."""
    app = pilot.app
    await pilot.press("2", *["j"] * index, "enter")
    await wait_for(
        pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
    )
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    return screen


def toasts(app: DeskApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def last_events(app: DeskApp, n: int = 5) -> list[Any]:
    with app.require_desk().read() as conn:
        return list(conn.execute(select(AUDIT).order_by(AUDIT.c.seq.desc()).limit(n)))


async def open_form(pilot: Any, kind: type[Any]) -> Any:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen.loaded)
    await settle(pilot)
    return pilot.app.screen


def person_row(app: DeskApp, name: str) -> Any:
    with app.require_desk().read() as conn:
        return conn.execute(select(PERSON).where(PERSON.c.name == name)).one()


async def open_review(pilot: Pilot[int]) -> WindowList:
    """``R`` from the main screen: the review-due list, once it has loaded."""
    app = pilot.app
    await pilot.press("R")
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    review = app.screen.query_one(WindowList)
    await wait_for(pilot, lambda: review.loaded)
    return review


async def open_incident(pilot: Pilot[int]) -> IncidentScreen:
    """``enter`` on a list's current incident: its view, once it shows the incident."""
    app = pilot.app
    await pilot.press("enter")
    await wait_for(
        pilot, lambda: isinstance(app.screen, IncidentScreen) and app.screen.data is not None
    )
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    return screen
