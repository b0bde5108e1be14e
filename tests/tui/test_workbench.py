"""Pilot tests for the adviser's workbench: people, advisers, councils, review due,
the audit view, and what a failed background call shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deskapp.store.desk import Desk
from deskapp.tui.sample import OFFICER, PASSPHRASE

from .conftest import make_app
from .helpers import settle, unlock, wait_for


def open_desk(path: Path) -> Desk:
    return Desk.open(path, OFFICER, PASSPHRASE)


async def test_a_failed_worker_shows_the_errors_kind_never_its_text(desk_path: Path) -> None:
    app = make_app(desk_path)
    shown: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await unlock(pilot)
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            shown.append(str(message))
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]

        def fails(desk: Any) -> None:
            raise KeyError("Siân Roberts")  # a name, as a driver's message may quote one

        screen.background(fails)
        await wait_for(pilot, lambda: bool(shown))
        await settle(pilot)
    assert shown and not any("Siân" in s for s in shown)
    assert "KeyError" in shown[0]
