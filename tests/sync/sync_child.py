"""Run one sync of a desk in a child process (killed with SIGKILL by test_kill9)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from deskapp.core.text import collation_key
from deskapp.store.desk import Desk
from deskapp.sync import SyncProgress, open_hub, run_sync


def main() -> None:
    db, url, batch, officer, passphrase = sys.argv[1:6]
    if "--defer-index" in sys.argv[6:]:  # every pull defers the search index
        from deskapp.store import search_index

        search_index.MIN_ROWS, search_index.MIN_SHARE = 1, 0.0
    desk = Desk.open(Path(db), officer, passphrase)

    # --stop-in-pull N: after the Nth pulled batch has committed, say so and wait to be
    # killed there (a kill at a known point, not a random one that may miss the window).
    stop_at = 0
    if "--stop-in-pull" in sys.argv[6:]:
        stop_at = int(sys.argv[sys.argv.index("--stop-in-pull") + 1])
    pulled_batches = 0

    def progress(p: SyncProgress) -> None:
        nonlocal pulled_batches
        if p.phase == "pull" and p.done > 0:
            pulled_batches += 1
            if pulled_batches == stop_at:
                print("mid-pull", flush=True)
                time.sleep(600)
        time.sleep(0.005)  # widen the gaps between batches a little

    open_hub(url).check()  # the hub's key derivation happens before the kill window
    collation_key("Warm Up")  # and so does loading the collation table (first key only)
    print("ready", flush=True)
    result = run_sync(desk, url, progress=progress, batch_size=int(batch))
    print("done", result.pushed, result.pulled, flush=True)
    desk.close()


if __name__ == "__main__":
    main()
