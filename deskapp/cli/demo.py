"""`deskapp demo`: make (or reuse) a demo desk and open it."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from deskapp.demo.desk import DEMO_OFFICER, build_demo, remove_demo
from deskapp.domain.wording import count
from deskapp.runtime.paths import demo_db_path


def demo_cmd(args: argparse.Namespace) -> int:
    path = Path(args.db).expanduser() if args.db else demo_db_path()
    if path.exists() and args.fresh:
        remove_demo(path)
    if path.exists():
        print(f"Using the demo desk at {path} (--fresh rebuilds it).")
    else:
        started = time.perf_counter()
        print(
            f"Building a demo desk at {path}: {count(args.people, 'person', 'people')}, "
            f"{count(args.incidents, 'incident')}…",
            flush=True,
        )
        build_demo(path, people=args.people, incidents=args.incidents)
        print(f"Done in {time.perf_counter() - started:.1f}s.")
    print(
        f"Officer '{DEMO_OFFICER}', passphrase 'demo' (published, so this desk is for "
        "invented data only: never put real data in it). All names and details are invented."
    )
    if args.no_tui:
        return 0
    from deskapp.tui import run_app

    return run_app(path, officer=DEMO_OFFICER)
