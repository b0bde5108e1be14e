"""Pilot helpers: wait for worker threads and their messages, unlock the sample desk."""

from __future__ import annotations

import contextlib

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from deskapp.tui.app import DeskApp
from deskapp.tui.sample import PASSPHRASE
from deskapp.tui.screens.main import MainScreen
from deskapp.tui.widgets.window_list import WindowList


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
    import time

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
