"""One sync of a desk in a child process, for the tests that kill it with SIGKILL.

Each sync is its own process, killed for real; the children are forked from a
multiprocessing fork server that imported the app once, so a kill point costs a fork
rather than an interpreter start and the app's imports (a fresh interpreter per kill
point proved nothing more: the state a kill can damage is the desk's file and the hub's,
not the interpreter's)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path

from deskapp.db.desk import Desk
from deskapp.domain.text import collation_key
from deskapp.sync import SyncProgress, open_hub, run_sync

_FORKS = multiprocessing.get_context("forkserver")
# The server imports this module (and so the app) once; every child is a fork of it.
# "__main__": however pytest was started, its script is imported there, not per child.
_FORKS.set_forkserver_preload(["__main__", __name__])
collation_key("Warm Up")  # the collation table is loaded once, in the server, too


def _sync(
    said: Connection,
    env: Mapping[str, str],
    db: str,
    url: str,
    batch: int,
    officer: str,
    passphrase: str,
    defer_index: bool,
    stop_in_pull: int,
) -> None:
    # The server's environment is the one of the test that started it, not this one's.
    os.environ.clear()
    os.environ.update(env)
    if defer_index:  # every pull defers the search index
        from deskapp.db import search_index

        search_index.MIN_ROWS, search_index.MIN_SHARE = 1, 0.0
    desk = Desk.open(Path(db), officer, passphrase)

    # stop_in_pull N: after the Nth pulled batch has committed, say so and wait to be
    # killed there (a kill at a known point, not a random one that may miss the window).
    pulled_batches = 0

    def progress(p: SyncProgress) -> None:
        nonlocal pulled_batches
        if p.phase == "pull" and p.done > 0:
            pulled_batches += 1
            if pulled_batches == stop_in_pull:
                said.send("mid-pull")
                time.sleep(600)
        time.sleep(0.005)  # widen the gaps between batches a little

    open_hub(url).check()  # the hub's key derivation happens before the kill window
    said.send("ready")
    result = run_sync(desk, url, progress=progress, batch_size=batch)
    said.send(f"done {result.pushed} {result.pulled}")
    desk.close()


class SyncChild:
    """A sync of the desk at ``db`` running in its own process; ``said()`` is the next
    thing it reported ("ready" once it is about to sync, "mid-pull", "done …")."""

    def __init__(
        self,
        db: Path,
        url: str,
        batch: int,
        officer: str,
        passphrase: str,
        *,
        defer_index: bool = False,
        stop_in_pull: int = 0,
    ) -> None:
        self._heard, said = _FORKS.Pipe(duplex=False)
        self.process = _FORKS.Process(
            target=_sync,
            args=(said, dict(os.environ), str(db), url, batch, officer, passphrase,
                  defer_index, stop_in_pull),
            daemon=True,
        )  # fmt: skip
        self.process.start()
        said.close()

    def said(self) -> str:
        """The child's next report; "" once it has exited without one."""
        try:
            return str(self._heard.recv())
        except EOFError:
            return ""

    def kill(self) -> bool:
        """SIGKILL, unless it has already finished; whether it was killed."""
        if self.process.exitcode is None:
            self.process.kill()
        self.process.join()
        self._heard.close()
        return self.process.exitcode == -signal.SIGKILL

    def wait(self) -> int:
        self.process.join()
        self._heard.close()
        assert self.process.exitcode is not None
        return self.process.exitcode
