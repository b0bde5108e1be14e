"""SVG snapshots of every screen at 80x24 and 200x50 (deterministic sample desk, fixed clock).

Update with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from deskapp.tui.screens.incident import IncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.widgets.window_list import WindowList

from .conftest import make_app
from .helpers import settle, type_text, unlock, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")]

Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def _main(pilot: Pilot[Any]) -> None:
    await unlock(pilot)


async def _unlock_screen(pilot: Pilot[Any]) -> None:
    await pilot.pause()


async def _incident(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, IncidentScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def _new_incident(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("n")
    await type_text(pilot, "sia")
    await settle(pilot)
    await pilot.press("enter", "o", "2")
    await type_text(pilot, "Abusive replies to campaign video")
    await settle(pilot)


async def _person(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("3", "slash")
    await type_text(pilot, "sian")
    await settle(pilot)
    await pilot.press("enter", "enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, PersonScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def _events(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("4")
    await settle(pilot)


async def _filtered_roster(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("3", "slash")
    await type_text(pilot, "labour")
    await settle(pilot)
    await pilot.press("enter", "space", "j")
    await settle(pilot)


async def _review(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("R")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def _audit(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, "collection")  # the events written when the sample was built
    await settle(pilot)
    await pilot.press("enter")


async def _lock(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("ctrl+l")
    await settle(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


async def _wrong_passphrase(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await type_text(pilot, "wrong")
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Wrong" in str(pilot.app.screen.query_one("#message").render()))
    await settle(pilot)


SCREENS: dict[str, Steps] = {
    "unlock": _unlock_screen,
    "unlock_wrong": _wrong_passphrase,
    "main": _main,
    "incident": _incident,
    "new_incident": _new_incident,
    "person": _person,
    "events": _events,
    "roster_filtered_marked": _filtered_roster,
    "review": _review,
    "audit": _audit,
    "lock": _lock,
    "help": _help,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
    app = make_app(snap_desk)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])


@pytest.mark.parametrize("size", SIZES)
def test_setup_screen(size: tuple[int, int], snap_compare: Any) -> None:
    app = make_app(Path("/tmp/deskapp-tui-snapshots/new/desk.db"), officer="")
    assert snap_compare(app, terminal_size=size, run_before=_unlock_screen)
