"""Steps that bring the app to a screen: the snapshot tests of tests/tui/screens/ run them on
the sample desk (one module per screen; several build on another's steps), and
scripts/screenshots.py runs them on the demo desk, given its ``Scene``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from textual.pilot import Pilot

from deskapp.tui.app import DeskApp
from deskapp.tui.screens.importing import ImportScreen
from deskapp.tui.screens.new_incident import NewIncidentScreen
from deskapp.tui.screens.person import PersonScreen
from deskapp.tui.widgets.window_list import WindowList
from tests.sample_desk import PASSPHRASE
from tests.tui.conftest import SNAP_DIR, make_app
from tests.tui.helpers import fill, open_incident, open_person, settle, type_text, unlock, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")]

Steps = Callable[[Pilot[Any]], Awaitable[None]]


def snapshot_test(screens: dict[str, Steps]) -> Callable[..., None]:
    """The snapshot test of a screen module: each of ``screens`` at each of ``SIZES``, named
    ``test_screen[name-size]`` where the module assigns it to ``test_screen``."""

    @pytest.mark.parametrize("size", SIZES)
    @pytest.mark.parametrize("name", list(screens))
    def test_screen(name: str, size: tuple[int, int], snap_desk: Path, snap_compare: Any) -> None:
        app = make_app(snap_desk)
        assert snap_compare(app, terminal_size=size, run_before=screens[name])

    return cast("Callable[..., None]", test_screen)  # pytest's marks give back Any


@dataclass(frozen=True)
class Scene:
    """What the steps must know of the desk they drive."""

    passphrase: str
    #: The folder holding the hub (``hub.db``) and the file to import (``candidates.csv``).
    files: Path
    #: Typed in the roster's filter to open a person; None opens the roster's first row.
    person: str | None
    #: Typed to pick the caller of a new incident; None types the first letters of the first
    #: match's surname (the demo's names are drawn at random).
    caller: str | None
    summary: str
    #: A subject's id to open directly; None opens the subjects list's first row.
    subject: str | None = None
    #: The id of a person whose protective security to open directly; None opens the person
    #: view's (``person`` above).
    protected: str | None = None


SAMPLE = Scene(PASSPHRASE, SNAP_DIR, "sian", "sia", "Abusive replies to campaign video")


async def main_screen(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)


async def unlock_screen(pilot: Pilot[Any]) -> None:
    await pilot.pause()


async def incident(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await open_incident(pilot)
    await settle(pilot)


async def new_incident(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("n")
    if scene.caller is None:
        screen = pilot.app.screen
        assert isinstance(screen, NewIncidentScreen)
        await wait_for(pilot, lambda: bool(screen.matches))
        await type_text(pilot, str(screen.matches[0]["name"]).split()[-1][:4])
    else:
        await type_text(pilot, scene.caller)
    await settle(pilot)
    await pilot.press("enter", "o", "2")
    await type_text(pilot, scene.summary)
    await settle(pilot)


async def person(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    if scene.person is None:
        await pilot.press("3", "enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, PersonScreen) and pilot.app.screen.data is not None
            ),
        )
    else:
        await open_person(pilot, scene.person)
    await settle(pilot)


async def events(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("4")
    await settle(pilot)


async def dashboard(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    from deskapp.tui.widgets.dashboard import DashboardPane

    await unlock(pilot, scene.passphrase)
    await pilot.press("5")
    pane = pilot.app.screen.query_one(DashboardPane)
    await wait_for(pilot, lambda: pane.data is not None and not pane.border_subtitle)
    await wait_for(pilot, lambda: pane.painted_after is not None)
    await settle(pilot)


async def oversight(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    from deskapp.tui.screens.oversight import OversightScreen

    await unlock(pilot, scene.passphrase)
    await pilot.press("M")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, OversightScreen))
    await settle(pilot)


async def event(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    from deskapp.tui.screens.event import EventScreen

    await unlock(pilot, scene.passphrase)
    await pilot.press("4", "enter")  # the first by start: the Bangor surgery, short notice
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, EventScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def new_event(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("4", "a")
    await type_text(pilot, "Roath hustings")
    await pilot.press("tab", "h")
    await type_text(pilot, "2026-05-09 18:30")
    await settle(pilot)


async def edit_event(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await event(pilot, scene)
    await pilot.press("e")
    await settle(pilot)


async def event_risk(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await event(pilot, scene)
    await pilot.press("R", "h")
    await type_text(pilot, "Crowd of 200")
    await settle(pilot)


async def filtered_roster(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("3", "slash")
    await type_text(pilot, "labour")
    await settle(pilot)
    await pilot.press("enter", "space", "j")
    await settle(pilot)


async def review(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("R")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def audit(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, "collection")  # the events written when the sample was built
    await settle(pilot)
    await pilot.press("enter")


async def form_loaded(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await settle(pilot)


async def person_form(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await person(pilot, scene)
    await pilot.press("e")
    await form_loaded(pilot)


async def adviser_form(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("1", "e")
    await form_loaded(pilot)


async def councils(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("O")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def council_form(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await councils(pilot, scene)
    await pilot.press("enter")
    await form_loaded(pilot)


async def review_extend(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await review(pilot, scene)
    await pilot.press("x")
    await form_loaded(pilot)


async def audit_filter(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("A")
    await settle(pilot)
    await pilot.press("f")
    await form_loaded(pilot)
    await type_text(pilot, "PC-4521")


async def lock_screen(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("ctrl+l")
    await settle(pilot)


async def help_screen(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("question_mark")
    await settle(pilot)


async def wrong_passphrase(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await type_text(pilot, "wrong")
    await pilot.press("enter")
    await wait_for(pilot, lambda: "Wrong" in str(pilot.app.screen.query_one("#message").render()))
    await settle(pilot)


async def subjects(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("V")
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)


async def subject(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    from deskapp.tui.screens.subject import SubjectScreen

    if scene.subject is None:
        await subjects(pilot, scene)
        await pilot.press("enter")
    else:
        await unlock(pilot, scene.passphrase)
        pilot.app.push_screen(SubjectScreen(scene.subject))
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, SubjectScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def person_security(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    from deskapp.tui.screens.security import PersonSecurityScreen

    if scene.protected is None:
        await person(pilot, scene)
        await pilot.press("S")
    else:
        await unlock(pilot, scene.passphrase)
        pilot.app.push_screen(PersonSecurityScreen(scene.protected))
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, PersonSecurityScreen) and pilot.app.screen.data is not None
        ),
    )
    await settle(pilot)


async def measure_form(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await person_security(pilot, scene)
    await pilot.press("m")
    await form_loaded(pilot)
    await pilot.press("2", "r")


async def sync_summary(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("S")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "state", "") == "hub")
    await fill(pilot, str(scene.files / "hub.db"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "state", "") == "done")
    # The status line behind the dialog refreshes from a worker after the sync: wait for
    # it, or a loaded machine snapshots the old "pending … · sync never".
    app = pilot.app
    assert isinstance(app, DeskApp)
    await wait_for(pilot, lambda: app.pending_changes == 0 and app.last_sync_at)
    await settle(pilot)


async def conflicts(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("C")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await settle(pilot)


async def import_preview(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))
    await fill(pilot, str(scene.files / "candidates.csv"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "plan", None) is not None)
    await settle(pilot)


async def export(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await unlock(pilot, scene.passphrase)
    await pilot.press("X")
    await settle(pilot)


async def briefing(pilot: Pilot[Any], scene: Scene = SAMPLE) -> None:
    await event(pilot, scene)
    await pilot.press("b")
    await settle(pilot)
