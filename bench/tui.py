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

With ``--against DIR`` (a folder holding another ``deskapp`` package, such as
``git archive main deskapp | tar -x -C DIR``) the sessions and the terminal starts of 2-4
are taken for both codes in turns, ``--rounds`` times, and each figure of this code is
printed beside the other's. deskapp's bytecode is compiled first, as an installed
package has it (this machine sets PYTHONDONTWRITEBYTECODE: without it, every start would
compile the modules first imported after Enter, inside the timed unlock).
"""

from __future__ import annotations

import argparse
import compileall
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
        # The dashboard's read-ahead (in the officer's first pause) counts in the peak.
        from deskapp.tui.widgets.dashboard import DashboardPane
        dash = screen.query_one(DashboardPane)
        await until(pilot, lambda: dash.data is not None, timeout=120)
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


def first_key_in_terminal(
    db: Path, runs: int, code: Path | None = None
) -> list[tuple[float, float, float]]:
    """Per run: unlock to the queue's rows on the screen, the first keystroke of a filter
    typed then, and the next keystroke (seconds), in a real terminal (see the docstring).
    ``code``: a folder whose ``deskapp`` the console script runs instead of this one."""
    env = {
        **os.environ,
        "DESKAPP_DB": str(db),
        "DESKAPP_OFFICER": "demo",
        "TERM": "xterm-256color",
    }
    deskapp = str(Path(PY).with_name("deskapp"))
    if code is not None:  # on the command: tmux gives a new session the server's env
        deskapp = f"env PYTHONPATH={code} {deskapp}"

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


def run_session(db: Path, queries: str, *extra: str, code: Path | None = None) -> dict[str, Any]:
    return run_script(SESSION, str(db), queries, *extra, code=code)


def run_script(script: str, *args: str, code: Path | None = None) -> dict[str, Any]:
    """Run a measuring script in a fresh interpreter; its last line is a JSON result.
    ``code``: a folder whose ``deskapp`` it imports instead of this one."""
    env = os.environ.copy()
    if code is not None:
        env["PYTHONPATH"] = str(code)
    out = subprocess.run(
        [PY, "-c", script, *args], capture_output=True, text=True, cwd=code or ROOT, env=env
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(db: Path, terminal_runs: int, code: Path | None) -> dict[str, Any]:
    """One round of 2-4 on one code: the session, the early session, the terminal starts."""
    session = run_session(db, "sm,jon,pat,wil,ahm,gre,kha,rob", code=code)
    # A second start: the queue filtered the moment it shows, before the ranked
    # lists are built (the keystrokes then wait for that build).
    early = run_session(db, "par,sm", "early", code=code)
    session["samples"].update(early["samples"])
    session["early_at"] = early["early_at"]
    session["terminal"] = first_key_in_terminal(db, terminal_runs, code) if terminal_runs else []
    return session


def figures(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over rounds (per-keystroke figures pooled), and the terminal's starts."""
    samples: dict[str, list[float]] = {}
    for one in rounds:
        for pane, times in one["samples"].items():
            samples.setdefault(pane, []).extend(times)
    firsts = [one["samples"]["queue-early"][0] for one in rounds]
    later = [t for pane, times in samples.items() for t in times if pane != "queue-early"]
    later += [t for one in rounds for t in one["samples"]["queue-early"][1:]]
    terminal = [start for one in rounds for start in one["terminal"]]
    med = statistics.median
    return {
        "unlock": med(one["unlock"] for one in rounds),
        "unlock_all": med(one["unlock_all"] for one in rounds),
        "first_key": med(firsts),
        "firsts": firsts,
        "early_at": med(one["early_at"] for one in rounds),
        "samples": samples,
        "p95": p95(later),
        "jump_end": med(one["jump_end"] for one in rounds),
        "rss": med(one["max_rss_mb"] for one in rounds),
        "rsses": [one["max_rss_mb"] for one in rounds],
        "rows": rounds[0]["rows"],
        "terminal": terminal,
    }


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
        "--against", type=Path, help="a folder holding another deskapp, timed in turns"
    )
    parser.add_argument("--rounds", type=int, default=1, help="sessions (and starts) per code")
    parser.add_argument(
        "--first-sync", action="store_true", help="also time the app's first sync of a new desk"
    )
    args = parser.parse_args()
    synced: dict[str, float] | None = None
    # As an installed package has it (see the module's docstring).
    for folder in [ROOT, *([args.against.resolve()] if args.against else [])]:
        compileall.compile_dir(folder / "deskapp", quiet=1)
    codes: list[Path | None] = [None, *([args.against.resolve()] if args.against else [])]
    loads: list[float] = []
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
        rounds: dict[Path | None, list[dict[str, Any]]] = {code: [] for code in codes}
        try:
            for n in range(args.rounds):
                loads.append(os.getloadavg()[0])
                # In turns, the order swapped each round: a noisy spell lands on both.
                for code in codes if n % 2 == 0 else codes[::-1]:
                    rounds[code].append(measure(db, args.terminal_runs, code))
            loads.append(os.getloadavg()[0])
        finally:
            tmux("kill-server")
        if args.first_sync:
            os.environ.setdefault("DESKAPP_HUB_PASSPHRASE", "bench hub passphrase")
            synced = first_sync(db, Path(tmp))
    this = figures(rounds[None])
    other = figures(rounds[codes[-1]]) if args.against else None

    def beside(key: str, scale: float = 1000.0, unit: str = "ms") -> str:
        if other is None:
            return ""
        ratio = this[key] / other[key] if other[key] else float("nan")
        return f"; against {other[key] * scale:.1f} {unit}: {ratio:.2f}x"

    print(f"load average {min(loads):.1f}-{max(loads):.1f} over {args.rounds} round(s)")
    print(f"rows: roster {this['rows']['roster']:,}, open queue {this['rows']['queue']:,}")
    print(
        f"first paint        {desk * 1000:7.1f} ms, bare Textual {bare * 1000:7.1f} ms"
        f" = {desk / bare:5.2f}x  {goal(desk / bare, FIRST_PAINT_X, f'{FIRST_PAINT_X}x')}"
        " (in-process; in a terminal: bench/startup.py)"
    )
    print(
        f"unlock→interactive {this['unlock'] * 1000:7.1f} ms"
        f"  {goal(this['unlock'], UNLOCK_S, f'{UNLOCK_S} s')}{beside('unlock')}"
    )
    print(
        f"unlock→all panes   {this['unlock_all'] * 1000:7.1f} ms"
        f"  {goal(this['unlock_all'], UNLOCK_S, f'{UNLOCK_S} s')}{beside('unlock_all')}"
    )
    print(
        f"first keystroke    {this['first_key'] * 1000:7.1f} ms"
        f"  {goal(this['first_key'], FIRST_KEY_S, f'{FIRST_KEY_S * 1000:.0f} ms')}"
        f" (a queue filter typed {this['early_at'] * 1000:.0f} ms after unlock)"
        f"{beside('first_key')}"
    )
    for name, got in (("this code", this), ("against", other)):
        if got is None or not got["terminal"]:
            continue
        shown, first, second = (
            statistics.median(run) for run in zip(*got["terminal"], strict=True)
        )
        print(
            f"first keystroke in a terminal ({name}) {first * 1000:7.1f} ms"
            f"  {goal(first, FIRST_KEY_S, f'{FIRST_KEY_S * 1000:.0f} ms')}; the next"
            f" {second * 1000:.1f} ms  {goal(second, KEY_P95_S, f'{KEY_P95_S * 1000:.0f} ms')}"
            f" (medians of {len(got['terminal'])} starts of the console script in tmux; the"
            f" queue's rows showed {shown:.1f} s after Enter)"
        )
        print(
            "    each start (queue shown s, first ms, next ms): "
            + "; ".join(f"{q:.1f}, {a * 1000:.0f}, {b * 1000:.0f}" for q, a, b in got["terminal"])
        )
    for pane, times in this["samples"].items():
        later = times
        if pane == "queue-early":  # each round's first keystroke is its own figure
            later = [t for one in rounds[None] for t in one["samples"][pane][1:]]
        print(
            f"filter {pane:<11} p95 {p95(later) * 1000:7.1f} ms"
            f"  {goal(p95(later), KEY_P95_S, f'{KEY_P95_S * 1000:.0f} ms')}"
            f" (median {statistics.median(later) * 1000:.1f} ms, {len(later)} keystrokes"
            + (", after the first)" if pane == "queue-early" else ")")
        )
        if args.rounds == 1:
            print("    each keystroke, ms: " + " ".join(f"{t * 1000:.0f}" for t in times))
    print(
        f"filter overall p95 {this['p95'] * 1000:7.1f} ms"
        f"  {goal(this['p95'], KEY_P95_S, f'{KEY_P95_S * 1000:.0f} ms')}{beside('p95')}"
    )
    print(
        f"jump to end (G)    {this['jump_end'] * 1000:7.1f} ms  (no goal: a breakdown)"
        f"{beside('jump_end')}"
    )
    rss = this["rss"]
    print(
        f"peak memory        {rss:7.1f} MB  {goal(rss, PEAK_MB, f'{PEAK_MB:.0f} MB')}"
        f" (each session: {', '.join(f'{r:.0f}' for r in this['rsses'])})"
        + (
            f"; against {other['rss']:.1f} MB ({', '.join(f'{r:.0f}' for r in other['rsses'])})"
            if other
            else ""
        )
    )
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
