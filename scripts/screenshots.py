"""Regenerate ``screenshots/*.svg`` from the demo desk (invented data).

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Builds a demo desk in a temporary folder (officer "demo", passphrase "demo"), drives the
TUI with Textual's pilot through the snapshot tests' steps (``tests/tui/steps.py``, given the
demo desk's ``Scene``) and saves one SVG per view. Nothing is written outside the
temporary folder and the output folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual._doc import take_svg_screenshot
from textual.pilot import Pilot

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the steps are the snapshot tests' (tests/tui/steps.py)

from tests.tui import steps  # noqa: E402
from tests.tui.helpers import settle  # noqa: E402
from tests.tui.steps import Scene, Steps  # noqa: E402

Shot = Callable[[Pilot[Any], Scene], Awaitable[None]]


def on(scene: Scene, shot: Shot) -> Steps:
    """A shot's steps run on ``scene``'s desk."""

    async def run(pilot: Pilot[Any]) -> None:
        await shot(pilot, scene)

    return run


async def main_view(pilot: Pilot[Any], scene: Scene) -> None:
    await steps.main_screen(pilot, scene)
    await pilot.press("j", "j")
    await settle(pilot)


SHOTS: list[tuple[str, tuple[int, int], Shot]] = [
    ("main-wide", (200, 50), main_view),
    ("main-80x24", (80, 24), main_view),
    ("incident-detail", (120, 40), steps.incident),
    ("new-incident", (120, 40), steps.new_incident),
    ("person-detail", (120, 40), steps.person),
    ("person-form", (120, 40), steps.person_form),
    ("councils", (120, 40), steps.councils),
    ("event-detail", (120, 40), steps.event),
    ("subject-detail", (120, 40), steps.subject),
    ("person-security", (120, 40), steps.person_security),
    ("dashboard-80x24", (80, 24), steps.dashboard),
    ("lock", (120, 40), steps.lock_screen),
    ("help", (120, 40), steps.help_screen),
    ("import-preview", (120, 40), steps.import_preview),
    # Last: the sync sends the demo desk's changes, so later shots would show none pending.
    ("sync-summary", (120, 40), steps.sync_summary),
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
        os.environ["DESKAPP_HUB_PASSPHRASE"] = "throwaway screenshot hub"  # noqa: S105 - never holds data

        shutil.copy(ROOT / "tests" / "data" / "dc_problems.csv", Path(tmp) / "candidates.csv")
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
                subject = conn.exec_driver_sql(
                    "SELECT id FROM subject WHERE name = ?", (SUBJECT_NAMES[0],)
                ).scalar_one()
                protected = conn.exec_driver_sql(
                    "SELECT person_id FROM security_measure GROUP BY person_id "
                    "ORDER BY (SELECT count(*) FROM security_referral r "
                    "WHERE r.person_id = security_measure.person_id) DESC, "
                    "(SELECT count(*) FROM security_survey s "
                    "WHERE s.person_id = security_measure.person_id) DESC, person_id LIMIT 1"
                ).scalar_one()
        scene = Scene(
            passphrase=DEMO_PASSPHRASE,
            files=Path(tmp),
            person=None,  # the roster's first row
            caller=None,  # the first letters of the first match's surname
            summary="Abusive replies to a video",
            subject=subject,
            protected=protected,
        )
        for name, size, shot in SHOTS:
            if args.only and name not in args.only:
                continue
            app = DeskApp(db, officer=DEMO_OFFICER)
            svg = take_svg_screenshot(app=app, terminal_size=size, run_before=on(scene, shot))
            target = args.out / f"{name}.svg"
            target.write_text(svg, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
