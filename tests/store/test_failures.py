"""Bad conditions: a full disk and a killed process lose nothing that was committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from deskapp.db import audit, engine
from deskapp.db.checks import run_checks
from deskapp.db.desk import Desk
from deskapp.domain.errors import StorageFull
from deskapp.services import people
from tests.conftest import PASS


def test_disk_full_is_clear_and_keeps_committed_work(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(20):
        people.add_person(desk, name=f"Committed {i}")
    real_connect = engine.connect_raw

    def tiny_disk(path: Path, key: bytes | None) -> Any:
        conn = real_connect(path, key)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        # SQLite answers SQLITE_FULL exactly as it does when the disk runs out.
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return conn

    monkeypatch.setattr(engine, "connect_raw", tiny_disk)
    desk.engine.dispose()
    with pytest.raises(StorageFull, match="full"):
        for i in range(10_000):
            people.add_person(desk, name=f"Overflow {i}", address="x" * 1500)
    monkeypatch.setattr(engine, "connect_raw", real_connect)
    desk.close()
    with Desk.open(db_path, "4521", PASS) as again:
        names = {p["name"] for p in people.list_people(again)}
        assert {f"Committed {i}" for i in range(20)} <= names
        assert run_checks(again)["ok"]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from deskapp.services import incidents, people
    from deskapp.db.desk import Desk

    desk = Desk.open(Path(sys.argv[1]), "4521", sys.argv[2])
    person = people.add_person(desk, name="Kill Test Person")
    n = 0
    while True:
        iid = incidents.add_incident(desk, person=person, type="threat", grade=2,
                                     summary=f"incident {n}")
        incidents.add_note(desk, iid, f"note {n}")
        n += 1
        print(n, flush=True)
    """
)


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.7])
def test_kill_9_mid_write_loses_nothing_committed(desk: Desk, db_path: Path, delay: float) -> None:
    desk.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), PASS],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # wait until it is writing
    assert first.strip() == "1"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    reported = int([first, *out.split()][-1])
    with Desk.open(db_path, "4521", PASS) as again:
        with again.read() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM incident").scalar_one()
            notes = conn.exec_driver_sql(
                "SELECT count(*) FROM timeline_entry WHERE kind = 'note'"
            ).scalar_one()
            assert audit.verify(conn).ok
        # Every incident the writer reported as committed is there, each whole.
        assert count >= reported
        assert notes in (count, count - 1)
        assert run_checks(again)["ok"]
