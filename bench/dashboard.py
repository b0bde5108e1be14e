"""The dashboard pane (5): from the key to its four charts drawn, at 80x24.

Opens a demo desk of the given size in the app (headless, 80x24), waits for the pane's
read-ahead of its figures (started 3 s after the main screen, on a worker), then presses
`5` several times and reports the median and worst of ``DashboardPane.painted_after``:
from the key's handler to the refresh after the charts were drawn (from the figures
held; nothing changed in between, so none is read again). Goal (issue #20): within 300 ms.
Also printed: how long the read-ahead took (what `5` would wait for without it), and `5`
pressed straight after a write: drawn from the figures held, then the fresh ones.

    .venv/bin/python bench/dashboard.py [--people 1200] [--incidents 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from deskapp.db.keyslots import FAST_KDF, use_kdf
from deskapp.demo.desk import DEMO_OFFICER, DEMO_PASSPHRASE, build_demo

GOAL_MS = 300
ROUNDS = 7


async def measure(path: Path) -> tuple[list[float], float, list[tuple[float, float]]]:
    from deskapp.tui.app import DeskApp
    from deskapp.tui.screens.main import MainScreen
    from deskapp.tui.widgets.dashboard import DashboardPane

    app = DeskApp(path, officer=DEMO_OFFICER)
    times: list[float] = []
    read_s = 0.0
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*DEMO_PASSPHRASE, "enter")
        while not isinstance(app.screen, MainScreen):
            await pilot.pause(0.05)
        pane = app.screen.query_one(DashboardPane)
        # The lists' first windows, the ranked build and the dashboard's read-ahead settle.
        deadline = time.monotonic() + 120
        while pane.data is None and time.monotonic() < deadline:
            await pilot.pause(0.1)
        from deskapp.services.dashboard import dashboard

        started = time.perf_counter()
        dashboard(app.require_desk(), app.now().date())
        read_s = time.perf_counter() - started
        for _ in range(ROUNDS):
            await pilot.press("2")
            await pilot.pause(0.2)
            await pilot.press("5")
            deadline = time.monotonic() + 30
            while pane.painted_after is None and time.monotonic() < deadline:
                await pilot.pause(0.005)
            if pane.painted_after is not None:
                times.append(pane.painted_after)
        # Straight after a write: drawn at once from the figures held (marked updating),
        # then the fresh ones when read. (key to drawn, key to the fresh figures drawn)
        from sqlalchemy import text

        desk = app.require_desk()
        with desk.read() as conn:
            people = list(conn.execute(text("SELECT id, briefing_status FROM person LIMIT 3")))
        after_write: list[tuple[float, float]] = []
        for person, status in people:
            await pilot.press("2")
            await pilot.pause(0.2)
            with desk.write() as tx:
                tx.update(
                    "person", person, {"briefing_status": "done" if status != "done" else "none"}
                )
            await pilot.press("5")
            deadline = time.monotonic() + 60
            while pane.painted_after is None and time.monotonic() < deadline:
                await pilot.pause(0.005)
            drawn = pane.painted_after or float("nan")
            while pane.border_subtitle and time.monotonic() < deadline:
                await pilot.pause(0.02)
            after_write.append((drawn, time.perf_counter() - pane.asked_at))
    return times, read_s, after_write


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
    times, read_s, after_write = asyncio.run(measure(path))
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    verdict = "met" if median <= GOAL_MS else "NOT met"
    print(f"{args.people} people, {args.incidents} incidents; {len(times)} showings at 80x24")
    print("| step | time | goal |")
    print("|---|---|---|")
    print(
        f"| `5` to the dashboard's charts drawn | median {median:.0f} ms, worst {worst:.0f} ms "
        f"| <= {GOAL_MS} ms: {verdict} |"
    )
    print(f"| reading the figures (the read-ahead, on a worker) | {read_s * 1000:.0f} ms | |")
    drawn = max(d for d, _ in after_write) * 1000
    fresh = statistics.median(f for _, f in after_write) * 1000
    verdict = "met" if drawn <= GOAL_MS else "NOT met"
    print(
        f"| `5` straight after a write: drawn from the figures held (worst of "
        f"{len(after_write)}) | {drawn:.0f} ms | <= {GOAL_MS} ms: {verdict} |"
    )
    print(f"| ... and the fresh figures drawn (median) | {fresh:.0f} ms | |")


if __name__ == "__main__":
    main()
