"""Start-up as a person meets it: from the command being typed to the screen showing it.

    .venv/bin/python bench/startup.py [--runs 9] [--skip-help]

1. First paint in a real terminal (tmux). Each command is started in a new tmux window and
   the clock runs from just before that until ``tmux capture-pane`` shows "Passphrase":
   ``deskapp open``, plain ``deskapp`` (both the console script on a small desk) and a bare
   Textual app that prints one line, the baseline. Taken in turns, so a noisy spell on a
   shared machine lands on all three. Goal: each within 1.3x the baseline.
2. ``deskapp --help`` and every subcommand's ``--help`` (the console script, no terminal
   needed) against ``python -c pass``, in turns. Goal: each within 10x.

In-process figures (what the first paint is made of, unlock, keystrokes) are in
bench/tui.py.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from goals import FIRST_PAINT_X, HELP_X, goal

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DESKAPP = str(Path(PY).with_name("deskapp"))
MARKER = "Passphrase"

BARE = f"""
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("{MARKER}")
Bare().run()
"""


# A tmux server of the benchmark's own, kept up by one idle session between runs so that
# a run never starts while the previous run's server is shutting down.
SOCKET = f"deskapp-startup-{os.getpid()}"


def tmux(*args: str, env: dict[str, str] | None = None, check: bool = False) -> str:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check, env=env
    ).stdout


def painted(command: list[str], env: dict[str, str], session: str) -> float:
    """Seconds from starting ``command`` in a fresh 120x40 terminal until MARKER shows."""
    shell = " ".join(f"'{part}'" for part in command)
    start = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell, env=env, check=True)
    try:
        deadline = start + 30
        while time.perf_counter() < deadline:
            if MARKER in tmux("capture-pane", "-p", "-t", session):
                return time.perf_counter() - start
            time.sleep(0.002)
        raise SystemExit(f"{shell}: {MARKER!r} not shown in 30 s")
    finally:
        tmux("kill-session", "-t", session)


def leaf_commands() -> Iterator[list[str]]:
    """Every command path of the parser (``people list``, ``hub init``…)."""
    sys.path.insert(0, str(ROOT))
    from deskapp.cli import build_parser

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if path:
            yield path
        for action in subs:
            for name, sub in action.choices.items():
                yield from walk(sub, [*path, name])

    yield from walk(build_parser(), [])


def ran(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_turns(runs: int, timers: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Median seconds of each timer, the timers taken one after another ``runs`` times
    (after one unrecorded round to warm the file cache)."""
    for timer in timers.values():
        timer()
    samples: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(runs):
        for name, timer in timers.items():
            samples[name].append(timer())
    return {name: statistics.median(times) for name, times in samples.items()}


def timed_paint(runs: int, env: dict[str, str], bare_py: Path, tag: str) -> dict[str, float]:
    return in_turns(
        runs,
        {
            "bare Textual": lambda: painted([PY, str(bare_py)], env, tag),
            "deskapp open": lambda: painted([DESKAPP, "open"], env, tag),
            "deskapp": lambda: painted([DESKAPP], env, tag),
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="start-up as a person meets it")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skip-help", action="store_true", help="only the first paint")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed to time the first paint in a terminal")
    # An installed package has its bytecode compiled (pip does it; the single file carries
    # it), as Textual's has here: without it each start would compile deskapp's modules.
    compileall.compile_dir(ROOT / "deskapp", quiet=1)
    with tempfile.TemporaryDirectory(prefix="deskapp-startup-") as tmp:
        db = Path(tmp) / "desk.db"
        env = {
            **os.environ,
            "DESKAPP_DB": str(db),
            "DESKAPP_CONFIG": str(Path(tmp) / "settings.toml"),
            "DESKAPP_PASSPHRASE": "bench startup passphrase",
            "TERM": "xterm-256color",
        }
        subprocess.run(
            [DESKAPP, "init", "--officer", "B1", "--name", "Bench"],
            env=env,
            check=True,
            capture_output=True,
        )
        env.pop("DESKAPP_PASSPHRASE")
        bare_py = Path(tmp) / "bare.py"
        bare_py.write_text(BARE)
        tag = "timed"
        tmux("new-session", "-d", "-s", "keep", "sleep 3600", env=env, check=True)
        try:
            paint = timed_paint(args.runs, env, bare_py, tag)
        finally:
            tmux("kill-server")
        base = paint.pop("bare Textual")
        print(f"first paint in tmux, median of {args.runs} (baseline: bare Textual app)")
        print(f"  {'bare Textual':<28} {base * 1000:7.1f} ms   (baseline)")
        for name, took in paint.items():
            ratio = took / base
            print(
                f"  {name:<28} {took * 1000:7.1f} ms = {ratio:5.2f}x   "
                + goal(ratio, FIRST_PAINT_X, f"{FIRST_PAINT_X}x")
            )
        if args.skip_help:
            return 0
        helps: dict[str, Callable[[], float]] = {
            "python -c pass": lambda: ran([PY, "-c", "pass"], env),
            "deskapp --help": lambda: ran([DESKAPP, "--help"], env),
        }
        for path in leaf_commands():
            helps[" ".join(["deskapp", *path, "--help"])] = lambda path=path: ran(
                [DESKAPP, *path, "--help"], env
            )
        timed = in_turns(max(3, args.runs // 3), helps)
        floor = timed.pop("python -c pass")
        worst = max(timed.values())
        print(f"--help, median of {max(3, args.runs // 3)} (baseline: python -c pass)")
        print(f"  {'python -c pass':<40} {floor * 1000:7.1f} ms   (baseline)")
        for name, took in timed.items():
            ratio = took / floor
            print(
                f"  {name:<40} {took * 1000:7.1f} ms = {ratio:5.2f}x   "
                + goal(ratio, HELP_X, f"{HELP_X:.0f}x")
            )
        print(
            f"  slowest --help {worst * 1000:.1f} ms = {worst / floor:.2f}x   "
            + goal(worst / floor, HELP_X, f"{HELP_X:.0f}x")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
