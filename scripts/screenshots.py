"""Regenerate ``screenshots/*.svg`` from the demo desk (invented data).

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Builds a demo desk in a temporary folder (officer "demo", passphrase "demo"), drives the
TUI with Textual's pilot and saves one SVG per view. Nothing is written outside the
temporary folder and the output folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual._doc import take_svg_screenshot
from textual.pilot import Pilot

Steps = Callable[[Pilot[Any]], Awaitable[None]]
ROOT = Path(__file__).resolve().parent.parent


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("the app did not get there in time")
        await pilot.pause(0.05)


async def unlock(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.main import MainScreen
    from deskapp.tui.widgets.window_list import WindowList

    await pilot.pause()
    await pilot.press(*"demo", "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await wait_for(pilot, lambda: all(w.loaded for w in pilot.app.screen.query(WindowList)))
    await settle(pilot)


async def main_view(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("j", "j")
    await settle(pilot)


async def incident(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.incident import IncidentScreen

    await unlock(pilot)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, IncidentScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def new_incident(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.new_incident import NewIncidentScreen

    await unlock(pilot)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("n")
    screen = pilot.app.screen
    assert isinstance(screen, NewIncidentScreen)
    await settle(pilot)
    # Type the first few letters of the first roster entry's surname.
    await wait_for(pilot, lambda: bool(screen.matches))
    name = str(screen.matches[0]["name"]).split()[-1][:4]
    await pilot.press(*name)
    await settle(pilot)
    await pilot.press("enter", "o", "2")
    await pilot.press(*["space" if c == " " else c for c in "Abusive replies to a video"])
    await settle(pilot)


async def person(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.person import PersonScreen

    await unlock(pilot)
    await pilot.press("3", "enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, PersonScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def person_form(pilot: Pilot[Any]) -> None:
    await person(pilot)
    await pilot.press("e")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False))
    await settle(pilot)


async def councils(pilot: Pilot[Any]) -> None:
    from deskapp.tui.widgets.window_list import WindowList

    await unlock(pilot)
    await pilot.press("O")
    await wait_for(pilot, lambda: bool(pilot.app.screen.query(WindowList)))
    await wait_for(pilot, lambda: pilot.app.screen.query_one(WindowList).loaded)
    await settle(pilot)


async def event(pilot: Pilot[Any]) -> None:
    from deskapp.tui.screens.event import EventScreen

    await unlock(pilot)
    await pilot.press("4", "enter")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, EventScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def subject(pilot: Pilot[Any]) -> None:
    """The cross-victim view: the demo's first subject, linked to three councillors."""
    from deskapp.tui.screens.subject import SubjectScreen

    await unlock(pilot)
    pilot.app.push_screen(SubjectScreen(os.environ["DESKAPP_SHOTS_SUBJECT"]))
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, SubjectScreen) and pilot.app.screen.data is not None,
    )
    await settle(pilot)


async def person_security(pilot: Pilot[Any]) -> None:
    """A person's protective security: surveys, measures, a referral."""
    from deskapp.tui.screens.security import PersonSecurityScreen

    await unlock(pilot)
    pilot.app.push_screen(PersonSecurityScreen(os.environ["DESKAPP_SHOTS_PROTECTED"]))
    await wait_for(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, PersonSecurityScreen) and pilot.app.screen.data is not None
        ),
    )
    await settle(pilot)


async def dashboard(pilot: Pilot[Any]) -> None:
    from deskapp.tui.widgets.dashboard import DashboardPane

    await unlock(pilot)
    await pilot.press("5")
    pane = pilot.app.screen.query_one(DashboardPane)
    await wait_for(pilot, lambda: pane.data is not None and not pane.border_subtitle)
    await wait_for(pilot, lambda: pane.painted_after is not None)
    await settle(pilot)


async def lock(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("ctrl+l")
    await settle(pilot)


async def help_view(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


def _fill(pilot: Pilot[Any], value: str) -> None:
    from textual.widgets import Input

    field = pilot.app.focused
    assert isinstance(field, Input)
    field.value = value


async def import_preview(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("I")
    await settle(pilot)
    _fill(pilot, str(Path(os.environ["DESKAPP_SHOTS_TMP"]) / "candidates.csv"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "plan", None) is not None)
    await settle(pilot)


async def sync_summary(pilot: Pilot[Any]) -> None:
    await unlock(pilot)
    await pilot.press("S")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "state", "") == "hub")
    _fill(pilot, str(Path(os.environ["DESKAPP_SHOTS_TMP"]) / "hub.db"))
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "state", "") in ("done", "failed"))
    await settle(pilot)


SHOTS: list[tuple[str, tuple[int, int], Steps]] = [
    ("main-wide", (200, 50), main_view),
    ("main-80x24", (80, 24), main_view),
    ("incident-detail", (120, 40), incident),
    ("new-incident", (120, 40), new_incident),
    ("person-detail", (120, 40), person),
    ("person-form", (120, 40), person_form),
    ("councils", (120, 40), councils),
    ("event-detail", (120, 40), event),
    ("subject-detail", (120, 40), subject),
    ("person-security", (120, 40), person_security),
    ("dashboard-80x24", (80, 24), dashboard),
    ("lock", (120, 40), lock),
    ("help", (120, 40), help_view),
    ("import-preview", (120, 40), import_preview),
    # Last: the sync sends the demo desk's changes, so later shots would show none pending.
    ("sync-summary", (120, 40), sync_summary),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--people", type=int, default=1200)
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--only", nargs="*", help="the names of the shots to take (default: all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deskapp-shots-") as tmp:
        os.environ["DESKAPP_CONFIG"] = str(Path(tmp) / "settings.toml")  # defaults, no keymap
        from deskapp.db.keyslots import FAST_KDF, use_kdf

        use_kdf(FAST_KDF)  # the shots show screens, not key derivation
        # A file hub for the sync shot, and a Democracy Club file with problems to preview.
        os.environ["DESKAPP_SHOTS_TMP"] = tmp
        os.environ["DESKAPP_HUB_PASSPHRASE"] = "throwaway screenshot hub"  # noqa: S105 - never holds data

        shutil.copy(
            ROOT / "tests" / "io" / "data" / "dc_problems.csv", Path(tmp) / "candidates.csv"
        )
        from deskapp.db.desk import Desk
        from deskapp.demo.data import SUBJECT_NAMES
        from deskapp.demo.desk import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo
        from deskapp.sync import enrolment, open_hub
        from deskapp.tui.app import DeskApp

        db = Path(tmp) / "demo.db"
        build_demo(db, people=args.people, incidents=args.incidents)
        hub = open_hub(str(Path(tmp) / "hub.db"))
        hub.initialise()
        with Desk.open(db, DEMO_OFFICER, DEMO_PASSPHRASE) as desk:
            enrolment.init_root(hub, desk)  # the demo desk's supervisor is the hub's root
            with desk.read() as conn:  # the records the casework shots open
                os.environ["DESKAPP_SHOTS_SUBJECT"] = conn.exec_driver_sql(
                    "SELECT id FROM subject WHERE name = ?", (SUBJECT_NAMES[0],)
                ).scalar_one()
                os.environ["DESKAPP_SHOTS_PROTECTED"] = conn.exec_driver_sql(
                    "SELECT person_id FROM security_measure GROUP BY person_id "
                    "ORDER BY (SELECT count(*) FROM security_referral r "
                    "WHERE r.person_id = security_measure.person_id) DESC, "
                    "(SELECT count(*) FROM security_survey s "
                    "WHERE s.person_id = security_measure.person_id) DESC, person_id LIMIT 1"
                ).scalar_one()
        for name, size, steps in SHOTS:
            if args.only and name not in args.only:
                continue
            app = DeskApp(db, officer=DEMO_OFFICER)
            svg = take_svg_screenshot(app=app, terminal_size=size, run_before=steps)
            target = args.out / f"{name}.svg"
            target.write_text(svg, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
