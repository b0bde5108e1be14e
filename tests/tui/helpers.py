"""Pilot helpers: wait for worker threads and their messages, unlock the sample desk."""

from __future__ import annotations

import contextlib
import io
import time
from typing import Any, TypeVar

from rich.console import Console
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerCancelled

from deskapp.tui.app import DeskApp
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.screens.sync import SyncScreen
from deskapp.tui.screens.unlock import UnlockScreen
from deskapp.tui.widgets.choice_bar import ChoiceBar
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import PASSPHRASE


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
