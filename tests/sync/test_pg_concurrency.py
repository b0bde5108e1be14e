"""PostgreSQL hub under concurrency and failure: eight desks pushing while others pull
miss nothing and double nothing; a connection cut mid-sync is a clear error, loses
nothing, and the next sync completes."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.cli import main
from deskapp.db.desk import Desk
from deskapp.db.tables import Person
from deskapp.services import people
from deskapp.sync import HubError, run_sync, status
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_schema import hub_batch

from .conftest import PASS, PG_HOST, PG_PORT, ROOTS, desk_state, hub_state, make_desk, pg_url

PERSON = Person.__table__  # type: ignore[attr-defined]
PUSHERS = 8
PULLERS = 3
ROUNDS = 5
PER_ROUND = 6


def _names(desk: Desk) -> list[str]:
    with desk.read() as conn:
        return [str(n) for n in conn.execute(select(PERSON.c.name)).scalars()]


def test_eight_pushers_and_pullers_miss_and_double_nothing(tmp_path: Path, pg_hub: str) -> None:
    pushers = [make_desk(tmp_path, f"push{i}", f"P{i}", pg_hub) for i in range(PUSHERS)]
    pullers = [make_desk(tmp_path, f"pull{i}", f"Q{i}", pg_hub) for i in range(PULLERS)]
    errors: list[BaseException] = []
    done = threading.Event()

    def push(i: int, desk: Desk) -> None:
        try:
            for r in range(ROUNDS):
                for k in range(PER_ROUND):
                    people.add_person(desk, name=f"desk{i} round{r} n{k}")
                run_sync(desk, pg_hub, batch_size=4)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def pull(desk: Desk) -> None:
        try:
            while not done.is_set():
                run_sync(desk, pg_hub, batch_size=3)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(i, d)) for i, d in enumerate(pushers)]
    readers = [threading.Thread(target=pull, args=(d,)) for d in pullers]
    for t in readers + threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert not errors, errors
    # Pullers got everything that committed while they were pulling, in one more pass
    # that starts from their cursor: a skipped row would never arrive.
    for desk in pullers + pushers:
        run_sync(desk, pg_hub, batch_size=50)
    expected = sorted(
        f"desk{i} round{r} n{k}"
        for i in range(PUSHERS)
        for r in range(ROUNDS)
        for k in range(PER_ROUND)
    )
    with open_hub(pg_hub).read() as conn:
        seqs = list(conn.execute(select(hub_batch.c.seq).order_by(hub_batch.c.seq)).scalars())
    assert seqs == list(range(1, len(seqs) + 1))  # no gap a puller could skip
    reference = desk_state(pullers[0])
    for desk in pullers + pushers:
        names = _names(desk)
        assert sorted(n for n in names if n.startswith("desk")) == expected
        assert max(Counter(names).values()) == 1
        assert desk_state(desk) == reference
        assert status(desk).pending == 0
    assert hub_state(pg_hub) == reference
    for desk in pullers + pushers:
        desk.close()


class Proxy:
    """A loopback TCP proxy to PostgreSQL that a test can cut and restore."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.up = True
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                    s.close()
                except OSError:
                    pass
            self.open.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.server.close()


def test_hub_lost_mid_sync(
    tmp_path: Path,
    pg_hub: str,
    pg_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    proxy = Proxy(PG_HOST, PG_PORT)
    url = pg_url(pg_database, "127.0.0.1", proxy.port)
    ROOTS[url] = ROOTS[pg_hub]  # the same hub, reached through the proxy
    a, b = make_desk(tmp_path, "a", hub=url), make_desk(tmp_path, "b", hub=url)
    for n in range(60):
        people.add_person(a, name=f"Person {n}")
    calls = 0

    def progress(p: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # after two batches went through
            proxy.cut()

    with pytest.raises(HubError) as caught:
        run_sync(a, url, progress=progress, batch_size=10)
    assert "could not be reached or the connection was lost" in str(caught.value)
    assert 0 < status(a).pending < 61
    # Still down: the CLI says so in one line and exits non-zero.
    a.close()
    monkeypatch.setenv("DESKAPP_OFFICER", "PC-a")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    capsys.readouterr()
    assert main(["sync", "--db", str(tmp_path / "a.db")]) == 12
    err = capsys.readouterr().err
    assert err.startswith("deskapp: The hub postgresql://") and err.count("\n") == 1
    proxy.restore()
    a = Desk.open(tmp_path / "a.db", "PC-a", PASS)
    result = run_sync(a, None, batch_size=10)
    assert not result.cancelled and status(a).pending == 0
    run_sync(b, url)
    run_sync(a, url)
    assert sorted(n for n in _names(b) if n.startswith("Person")) == sorted(
        f"Person {n}" for n in range(60)
    )
    assert desk_state(a) == desk_state(b) == hub_state(pg_hub)
    proxy.close()
    ROOTS.pop(url)
    a.close()
    b.close()
