"""The dashboard pane (5): from the key to its four charts drawn, at 80x24.

Opens a demo desk of the given size in the app (headless, 80x24), presses `5` several
times (each showing reads the figures again on a worker and redraws) and reports the
median and worst of ``DashboardPane.painted_after``: from the key's handler to the
refresh after the charts were drawn. Goal (issue #20): within 300 ms.

    .venv/bin/python bench/dashboard.py [--people 1200] [--incidents 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from deskapp.io.demo import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo
from deskapp.store.keyslots import FAST_KDF, use_kdf

GOAL_MS = 300
ROUNDS = 7


async def measure(path: Path) -> list[float]:
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens.main import MainScreen
    from deskapp.tui.widgets.dashboard import DashboardPane

    app = DeskApp(path, officer=DEMO_OFFICER)
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*DEMO_PASSPHRASE, "enter")
        while not isinstance(app.screen, MainScreen):
            await pilot.pause(0.05)
        await pilot.pause(2.0)  # the lists' first windows and the ranked build settle
        pane = app.screen.query_one(DashboardPane)
        for _ in range(ROUNDS):
            await pilot.press("2")
            await pilot.pause(0.2)
            await pilot.press("5")
            deadline = time.monotonic() + 30
            while pane.painted_after is None and time.monotonic() < deadline:
                await pilot.pause(0.005)
            if pane.painted_after is not None:
                times.append(pane.painted_after)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1200)
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="build the desk here, or reuse it")
    args = parser.parse_args()
    use_kdf(FAST_KDF)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"desk-{args.people}-{args.incidents}.db"
    if not path.exists():
        build_demo(path, people=args.people, incidents=args.incidents)
    times = asyncio.run(measure(path))
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    verdict = "met" if median <= GOAL_MS else "NOT met"
    print(f"{args.people} people, {args.incidents} incidents; {len(times)} showings at 80x24")
    print("| step | time | goal |")
    print("|---|---|---|")
    print(
        f"| `5` to the dashboard's charts drawn | median {median:.0f} ms, worst {worst:.0f} ms "
        f"| <= {GOAL_MS} ms: {verdict} |"
    )


if __name__ == "__main__":
    main()
