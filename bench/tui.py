"""TUI speed in-process, each figure beside its goal (bench/goals.py).

    .venv/bin/python bench/tui.py [--people 100000 --incidents 100000] [--keep DIR]

What a person meets from the command line (the console script in a terminal) is timed by
bench/startup.py; the figures here are the breakdown, taken inside Python:

1. First paint: the unlock screen vs a bare Textual app, each in a fresh interpreter
   (imports included, no terminal), median of several runs.
2. Unlock to an interactive main screen (real Argon2id key derivation included) on a
   demo desk of the given size.
3. Each keystroke of a `/` filter (roster and queue) until the list shows the answer,
   p95; and the first keystroke of a filter typed the moment the queue shows.
   That first keystroke is also timed as a person meets it: the console script in a
   tmux terminal (200x50), the passphrase typed, and the moment the queue's rows are on
   the screen `/` and then a letter sent as keys, the clock running from the letter
   until the answer is on the screen (the queue's title names the filter once its
   answer is drawn); then a second letter the same way.
4. Peak memory of the process doing 2 and 3.
5. With ``--first-sync``: the demo desk is pushed to a file hub, then the app, on a new
   desk, syncs everything from it by the sync key (time, and the process's peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goals import (
    FIRST_KEY_S,
    FIRST_PAINT_X,
    FIRST_SYNC_S,
    KEY_P95_S,
    PEAK_MB,
    UNLOCK_S,
    goal,
)
from startup import tmux

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

BARE = """
import time; t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        print(time.perf_counter() - t0); self.exit()
Bare().run(headless=True)
"""

# Timed from the unlock screen's own mount: after the refresh that paints it. (Not from an
# App.on_mount override: Textual calls the handler of every class in the MRO, so a
# subclass's on_mount calling super() would run DeskApp.on_mount twice.)
DESK = """
import time; t0 = time.perf_counter()
import sys
from pathlib import Path
from deskapp.tui.app import DeskApp
from deskapp.tui.screens.unlock import UnlockScreen
_mounted = UnlockScreen.on_mount
def on_mount(self):
    _mounted(self)
    self.call_after_refresh(done, self.app)
def done(app):
    print(time.perf_counter() - t0); app.exit()
UnlockScreen.on_mount = on_mount
DeskApp(Path(sys.argv[1]), officer="demo").run(headless=True)
"""


def first_paint(db: Path, runs: int) -> tuple[float, float]:
    """Medians of ``runs`` starts of each, taken in turns so a noisy spell on the
    machine lands on both sides rather than on one."""

    def once(code: str, *args: str) -> float:
        out = subprocess.run(
            [PY, "-c", code, *args], capture_output=True, text=True, check=True, cwd=ROOT
        )
        return float(out.stdout.strip().splitlines()[-1])

    once(BARE), once(DESK, str(db))  # warm the file cache for both
    bare, desk = [], []
    for _ in range(runs):
        bare.append(once(BARE))
        desk.append(once(DESK, str(db)))
    return statistics.median(bare), statistics.median(desk)


PEAK_MB_CODE = """
import resource

def peak_mb():
    # VmHWM, this process's own high-water mark: ru_maxrss would also count the parent's,
    # since Linux keeps it across exec (and the parent may have just pushed 500k rows).
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

SESSION = (
    PEAK_MB_CODE
    + """
import asyncio, json, resource, sys, time
from pathlib import Path
from deskapp.tui.app import DeskApp
from deskapp.tui.screens.main import MainScreen
from textual import events
from deskapp.tui.widgets.window_list import WindowList


QUERIES = sys.argv[2].split(",")
EARLY = sys.argv[3:] == ["early"]
ANSWERED = {}  # (list id, filter) -> when the list first drew a line of its settled answer
_render_line = WindowList.render_line
def _timed_render_line(self, y):
    if self.settled_generation == self.generation:
        ANSWERED.setdefault((self.id, self.filter_text), time.perf_counter())
    return _render_line(self, y)
WindowList.render_line = _timed_render_line

async def until(pilot, predicate, timeout=30.0):
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            app = pilot.app
            lists = [(w.id, w.filter_text, w.total, w.settled_generation, w.generation, w.error)
                     for w in app.screen.query(WindowList)]
            raise SystemExit(f"timed out on {app.screen}: {lists}")
        await asyncio.sleep(0.0005)

async def type_queries(pilot, lst, queries):
    # Each keystroke's time from the key event to the list drawing its answer: not
    # pilot.press, which also waits for the whole process (every worker) to go idle.
    times = []
    for query in queries:
        typed = ""
        for ch in query:
            typed += ch
            ANSWERED.pop((lst.id, typed), None)
            start = time.perf_counter()
            pilot.app.screen.focused.post_message(events.Key(ch, ch))
            await until(pilot, lambda: (lst.id, typed) in ANSWERED)
            times.append(ANSWERED[(lst.id, typed)] - start)
            await pilot.pause()  # let the rest of the screen catch up
        for _ in query:
            await pilot.press("backspace")
        await until(pilot, lambda: lst.settled_generation == lst.generation)
    return times

async def main():
    app = DeskApp(Path(sys.argv[1]), officer="demo", idle_seconds=3600)
    result = {}
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.press(*"demo")
        t0 = time.perf_counter()
        # Not awaited: pilot.press returns only once every worker is idle, which would
        # time the background index build too, not the screen becoming usable.
        pressing = asyncio.create_task(pilot.press("enter"))
        # The screen is current before its panes are composed: wait for them too.
        await until(pilot, lambda: isinstance(app.screen, MainScreen)
                    and bool(app.screen.query("#queue")))
        screen = app.screen
        await until(pilot, lambda: screen.pane("queue").list.loaded)
        result["unlock"] = time.perf_counter() - t0  # the focused queue answers keys
        if EARLY:  # the officer filters the queue at once, before the ranked lists exist
            lst = screen.pane("queue").list
            # "/" as a key through the app (pilot.press would wait for idle), then the
            # letters once it has opened the filter box.
            app.post_message(events.Key("slash", "/"))
            box = screen.pane("queue").filter_input
            await until(pilot, lambda: app.screen.focused is box)
            result["early_at"] = time.perf_counter() - t0
            result["samples"] = {"queue-early": await type_queries(pilot, lst, QUERIES)}
            await pressing  # else the app would close under the unfinished key press
            print(json.dumps(result))
            return
        await until(pilot, lambda: all(w.loaded for w in screen.query(WindowList)))
        result["unlock_all"] = time.perf_counter() - t0  # every pane filled
        await pressing
        samples = {}
        for pane in ("roster", "queue"):
            lst = screen.pane(pane).list
            await pilot.press({"roster": "3", "queue": "2"}[pane], "slash")
            samples[pane] = await type_queries(pilot, lst, QUERIES)
            await pilot.press("escape")
        # paging: jump to the end of the roster and back
        lst = screen.pane("roster").list
        await pilot.press("3")
        start = time.perf_counter()
        await pilot.press("G")
        await until(pilot, lambda: lst.row(lst.cursor) is not None)
        result["jump_end"] = time.perf_counter() - start
        result["samples"] = samples
        result["rows"] = {"roster": screen.pane("roster").list.total,
                          "queue": screen.pane("queue").list.total}
    result["max_rss_mb"] = peak_mb()
    print(json.dumps(result))

asyncio.run(main())
"""
)


FIRST_SYNC = (
    PEAK_MB_CODE
    + """
import asyncio, json, resource, sys, time
from pathlib import Path
from deskapp.db.desk import Desk
from deskapp.db.keyslots import FAST_KDF, use_kdf
from deskapp.tui.app import DeskApp
from deskapp.tui.screens.main import MainScreen

use_kdf(FAST_KDF)  # the new desk's own key slot: what is timed is the sync


async def until(predicate):
    deadline = time.perf_counter() + 600
    while not predicate():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.05)

async def main():
    db, hub = Path(sys.argv[1]), sys.argv[2]
    app = DeskApp(db, officer="N1", idle_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"new desk passphrase", "enter")
        await until(lambda: isinstance(app.screen, MainScreen))
        await pilot.press("S")
        await until(lambda: getattr(app.screen, "state", "") == "hub")
        app.focused.value = hub
        start = time.perf_counter()
        await pilot.press("enter")
        await until(lambda: getattr(app.screen, "state", "") in ("done", "failed"))
        took = time.perf_counter() - start
        state, pulled = app.screen.state, app.screen.result.pulled if app.screen.result else 0
        await pilot.press("enter")
        await pilot.pause(3)  # the main screen reloads its lists from the synced desk
    rss = peak_mb()
    print(json.dumps({"state": state, "took": took, "pulled": pulled, "max_rss_mb": rss}))

asyncio.run(main())
"""
)


def first_sync(db: Path, folder: Path) -> dict[str, float]:
    """Push the demo desk to a new file hub, then time the app syncing a new desk from it."""
    from deskapp.db.desk import Desk
    from deskapp.demo.desk import DEMO_OFFICER, DEMO_PASSPHRASE
    from deskapp.domain.vocabulary import OfficerRole
    from deskapp.sync import enrolment, open_hub, run_sync

    hub = f"sqlite:///{folder / 'first-sync-hub.db'}"
    handle = open_hub(hub)
    handle.initialise()
    # Pushed from a copy: a desk's outbox empties once it has pushed, and the kept demo
    # desk must still have everything to push next time.
    seed = folder / "first-sync-seed.db"
    for suffix in ("", ".keys"):
        shutil.copy2(f"{db}{suffix}", f"{seed}{suffix}")
    new = folder / "first-sync-new.db"
    with Desk.open(seed, DEMO_OFFICER, DEMO_PASSPHRASE) as desk:
        # The demo desk's supervisor sets the hub up and approves the new desk.
        enrolment.init_root(handle, desk)
        with Desk.init(new, "N1", "Sgt New", "new desk passphrase")[0] as joining:
            enrolment.join(handle, joining)
        enrolment.approve(handle, desk, "N1", OfficerRole.OFFICER, lambda _f: True)
        run_sync(desk, hub)
    return run_script(FIRST_SYNC, str(new), hub)


def first_key_in_terminal(db: Path, runs: int) -> list[tuple[float, float, float]]:
    """Per run: unlock to the queue's rows on the screen, the first keystroke of a filter
    typed then, and the next keystroke (seconds), in a real terminal (see the docstring)."""
    env = {
        **os.environ,
        "DESKAPP_DB": str(db),
        "DESKAPP_OFFICER": "demo",
        "TERM": "xterm-256color",
    }
    deskapp = str(Path(PY).with_name("deskapp"))

    def until(shown: Callable[[str], bool], what: str) -> float:
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            if shown(tmux("capture-pane", "-p", "-t", "keys")):
                return time.perf_counter()
            time.sleep(0.002)
        raise SystemExit(f"the terminal never showed {what}")

    def titled(typed: str) -> Callable[[str], bool]:
        return lambda screen: f"· /{typed} " in screen  # the queue's title, once answered

    timed = []
    # A session kept up between starts, so that the server never shuts down between
    # them (see bench/startup.py); the caller ends the server.
    if not tmux("list-sessions", "-F", "#{session_name}").split().count("keep"):
        tmux("new-session", "-d", "-s", "keep", "sleep 3600", env=env, check=True)
    for _ in range(runs):
        tmux("new-session", "-d", "-s", "keys", "-x", "200", "-y", "50", deskapp, env=env)
        pid = int(tmux("display-message", "-p", "-t", "keys", "#{pane_pid}") or 0)
        try:
            until(lambda screen: "Passphrase" in screen, "the unlock screen")
            start = time.perf_counter()
            tmux("send-keys", "-t", "keys", "demo", "Enter")
            queue = until(lambda screen: re.search(r"│ +G[1-4] ", screen) is not None, "the queue")
            tmux("send-keys", "-t", "keys", "/")
            until(lambda screen: "filter…" in screen, "the filter box")
            keys = []
            for typed in ("p", "pa"):
                sent = time.perf_counter()
                tmux("send-keys", "-t", "keys", typed[-1])
                answered = until(titled(typed), "the answer")
                keys.append(answered - sent)
            timed.append((queue - start, keys[0], keys[1]))
        finally:
            tmux("kill-session", "-t", "keys")
            gone(pid)
    return timed


def gone(pid: int, timeout: float = 120.0) -> None:
    """Wait for a process to end: one still closing (its workers finishing a read) would
    take the machine from the next start."""
    deadline = time.perf_counter() + timeout
    while pid and time.perf_counter() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def run_session(db: Path, queries: str, *extra: str) -> dict[str, Any]:
    return run_script(SESSION, str(db), queries, *extra)


def run_script(code: str, *args: str) -> dict[str, Any]:
    """Run a measuring script in a fresh interpreter; its last line is a JSON result."""
    out = subprocess.run(
        [PY, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=os.environ.copy()
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description="TUI benchmarks")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--terminal-runs", type=int, default=5, help="starts in tmux for the first keystroke"
    )
    parser.add_argument("--keep", type=Path, help="build (or reuse) the demo desk here")
    parser.add_argument(
        "--first-sync", action="store_true", help="also time the app's first sync of a new desk"
    )
    args = parser.parse_args()
    synced: dict[str, float] | None = None
    # Real key derivation for the demo desk: its slot is unlocked at each start.
    with tempfile.TemporaryDirectory(prefix="deskapp-bench-") as tmp:
        os.environ["DESKAPP_CONFIG"] = str(Path(tmp) / "settings.toml")
        folder = args.keep or Path(tmp)
        db = folder / f"demo-{args.people}-{args.incidents}.db"
        if not db.exists():
            from deskapp.demo.desk import build_demo

            t0 = time.perf_counter()
            folder.mkdir(parents=True, exist_ok=True)
            build_demo(db, people=args.people, incidents=args.incidents)
            print(
                f"built demo desk ({args.people:,} people, {args.incidents:,} incidents) "
                f"in {time.perf_counter() - t0:.1f}s"
            )
        bare, desk = first_paint(db, args.runs)
        session = run_session(db, "sm,jon,pat,wil,ahm,gre,kha,rob")
        # A second start: the queue filtered the moment it shows, before the ranked
        # lists are built (the keystrokes then wait for that build).
        early = run_session(db, "par,sm", "early")
        session["samples"].update(early["samples"])
        session["early_at"] = early["early_at"]
        try:
            terminal = first_key_in_terminal(db, args.terminal_runs) if args.terminal_runs else []
        finally:
            tmux("kill-server")
        if args.first_sync:
            os.environ.setdefault("DESKAPP_HUB_PASSPHRASE", "bench hub passphrase")
            synced = first_sync(db, Path(tmp))
    all_samples = [t for times in session["samples"].values() for t in times]
    filter_p95 = p95(all_samples)
    first_key = session["samples"]["queue-early"][0]
    rss = session["max_rss_mb"]
    print(f"rows: roster {session['rows']['roster']:,}, open queue {session['rows']['queue']:,}")
    print(
        f"first paint        {desk * 1000:7.1f} ms, bare Textual {bare * 1000:7.1f} ms"
        f" = {desk / bare:5.2f}x  {goal(desk / bare, FIRST_PAINT_X, f'{FIRST_PAINT_X}x')}"
        " (in-process; in a terminal: bench/startup.py)"
    )
    print(
        f"unlock→interactive {session['unlock'] * 1000:7.1f} ms"
        f"  {goal(session['unlock'], UNLOCK_S, f'{UNLOCK_S} s')}"
    )
    print(
        f"unlock→all panes   {session['unlock_all'] * 1000:7.1f} ms"
        f"  {goal(session['unlock_all'], UNLOCK_S, f'{UNLOCK_S} s')}"
    )
    print(
        f"first keystroke    {first_key * 1000:7.1f} ms"
        f"  {goal(first_key, FIRST_KEY_S, f'{FIRST_KEY_S * 1000:.0f} ms')}"
        f" (a queue filter typed {session['early_at'] * 1000:.0f} ms after unlock)"
    )
    if terminal:
        shown, first, second = (statistics.median(run) for run in zip(*terminal, strict=True))
        print(
            f"first keystroke in a terminal {first * 1000:7.1f} ms"
            f"  {goal(first, FIRST_KEY_S, f'{FIRST_KEY_S * 1000:.0f} ms')}; the next"
            f" {second * 1000:.1f} ms  {goal(second, KEY_P95_S, f'{KEY_P95_S * 1000:.0f} ms')}"
            f" (medians of {len(terminal)} starts of the console script in tmux; the queue's"
            f" rows showed {shown:.1f} s after Enter)"
        )
        print(
            "    each start (queue shown s, first ms, next ms): "
            + "; ".join(f"{q:.1f}, {a * 1000:.0f}, {b * 1000:.0f}" for q, a, b in terminal)
        )
    for pane, times in session["samples"].items():
        later = times[1:] if pane == "queue-early" else times
        print(
            f"filter {pane:<11} p95 {p95(later) * 1000:7.1f} ms"
            f"  {goal(p95(later), KEY_P95_S, f'{KEY_P95_S * 1000:.0f} ms')}"
            f" (median {statistics.median(later) * 1000:.1f} ms, {len(later)} keystrokes"
            + (", after the first)" if pane == "queue-early" else ")")
        )
        print("    each keystroke, ms: " + " ".join(f"{t * 1000:.0f}" for t in times))
    print(
        f"filter overall p95 {filter_p95 * 1000:7.1f} ms"
        f"  {goal(filter_p95, KEY_P95_S, f'{KEY_P95_S * 1000:.0f} ms')}"
    )
    print(f"jump to end (G)    {session['jump_end'] * 1000:7.1f} ms  (no goal: a breakdown)")
    print(f"peak memory        {rss:7.1f} MB  {goal(rss, PEAK_MB, f'{PEAK_MB:.0f} MB')}")
    if synced is not None:
        took, peak = synced["took"], synced["max_rss_mb"]
        print(
            f"first sync in the app: {synced['state']}, {int(synced['pulled']):,} rows in "
            f"{took:.1f} s  {goal(took, FIRST_SYNC_S, f'{FIRST_SYNC_S:.0f} s')}; "
            f"peak memory {peak:.1f} MB  {goal(peak, PEAK_MB, f'{PEAK_MB:.0f} MB')}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
