"""Audit anchored (issue #16, point 4): the hub keeps each desk's audit chain and refuses
a push that does not extend it; `deskapp audit verify` compares the desk's chain with the
hub's copy and reports truncation, deletion and re-chaining on a desk that has synced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from deskapp.cli import main
from deskapp.db import audit
from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.services import people
from deskapp.sync import run_sync
from deskapp.sync.audit_anchor import compare_chains
from deskapp.sync.hub_errors import AuditChainRefused

from .conftest import PASS, make_desk, rogue_batch

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
Capsys = pytest.CaptureFixture[str]


@pytest.fixture(params=["file", "pg"])
def hub_url(request: pytest.FixtureRequest) -> str:
    name = "file_hub" if request.param == "file" else "pg_hub"
    return str(request.getfixturevalue(name))


def synced_desk(tmp_path: Path, url: str) -> Path:
    desk = make_desk(tmp_path, "a", officer="4521", hub=url)
    pids = [people.add_person(desk, name=f"Audited {n}") for n in range(4)]
    people.update_person(desk, pids[0], party="Edited")
    run_sync(desk, url)
    run_sync(desk, url)  # the first sync's own events reach the hub too
    desk.close()
    return tmp_path / "a.db"


def events(path: Path) -> list[dict[str, Any]]:
    with Desk.open(path, "4521", PASS) as desk, desk.read() as conn:
        return [dict(r) for r in conn.execute(select(AUDIT).order_by(AUDIT.c.seq)).mappings()]


def rewrite(path: Path, sql: str, head: tuple[int, str] | None) -> None:
    """Tamper as an insider holding the desk's key: change rows, then fix the head."""
    with Desk.open(path, "4521", PASS) as desk, desk.engine.begin() as conn:
        conn.exec_driver_sql(sql)
        if head is None:
            conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (audit.HEAD_KEY,))
        else:
            conn.exec_driver_sql(
                "UPDATE meta SET value = ? WHERE key = ?", (f"{head[0]}:{head[1]}", audit.HEAD_KEY)
            )


def rechain_from(path: Path, seq: int) -> None:
    """Edit event ``seq`` and re-chain every event after it, so the desk's chain verifies."""
    rows = events(path)
    prev = rows[seq - 2]["hash"] if seq > 1 else audit.GENESIS
    with Desk.open(path, "4521", PASS) as desk, desk.engine.begin() as conn:
        for row in rows[seq - 1 :]:
            if row["seq"] == seq:
                row["detail"] = "nothing to see here"
            row["prev_hash"] = prev
            row["hash"] = prev = audit._digest(prev, row)
            conn.exec_driver_sql(
                "UPDATE audit_event SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (row["detail"], row["prev_hash"], row["hash"], row["seq"]),
            )
        conn.exec_driver_sql(
            "UPDATE meta SET value = ? WHERE key = ?", (f"{rows[-1]['seq']}:{prev}", audit.HEAD_KEY)
        )


def verify(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("DESKAPP_OFFICER", "4521")
    monkeypatch.setenv("DESKAPP_PASSPHRASE", PASS)
    capsys.readouterr()
    code = main(["audit", "verify", "--db", str(path), "--json"])
    return code, json.loads(capsys.readouterr().out)


def local_chain_ok(path: Path) -> bool:
    with Desk.open(path, "4521", PASS) as desk, desk.read() as conn:
        return audit.verify(conn).ok


def test_an_intact_synced_desk_matches_the_hub(
    tmp_path: Path, hub_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    path = synced_desk(tmp_path, hub_url)
    code, shown = verify(path, monkeypatch, capsys)
    assert code == 0 and shown["hub"]["compared"] and shown["hub"]["events"] >= 5
    assert main(["audit", "verify", "--db", str(path)]) == 0
    assert "matches" in capsys.readouterr().out


def test_truncated_tail_with_the_head_fixed_is_reported(
    tmp_path: Path, file_hub: str, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    path = synced_desk(tmp_path, file_hub)
    rows = events(path)
    keep = rows[-4]
    rewrite(path, f"DELETE FROM audit_event WHERE seq > {keep['seq']}", (keep["seq"], keep["hash"]))
    assert local_chain_ok(path)  # the desk alone cannot tell
    code, shown = verify(path, monkeypatch, capsys)
    assert code == 14 and not shown["ok"]
    assert "removed from the end" in shown["hub"]["problem"]
    assert main(["audit", "verify", "--db", str(path)]) == 14
    assert "AUDIT LOG TAMPERED: the desk's audit log ends at event" in capsys.readouterr().err


def test_deleted_log_is_reported(
    tmp_path: Path, file_hub: str, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    path = synced_desk(tmp_path, file_hub)
    rewrite(path, "DELETE FROM audit_event", None)
    assert local_chain_ok(path)
    code, shown = verify(path, monkeypatch, capsys)
    assert code == 14 and "has been deleted" in shown["hub"]["problem"]


def test_rechained_after_an_edit_is_reported_and_its_next_push_refused(
    tmp_path: Path, hub_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    path = synced_desk(tmp_path, hub_url)
    rechain_from(path, 3)
    assert local_chain_ok(path)
    code, shown = verify(path, monkeypatch, capsys)
    assert code == 14 and shown["hub"]["problem"].startswith("event 3 differs")
    with Desk.open(path, "4521", PASS) as desk:
        people.add_person(desk, name="After the rewrite")
        with pytest.raises(AuditChainRefused) as caught:
            run_sync(desk)
    assert "does not extend the audit chain" in str(caught.value)


def test_offline_verify_says_the_comparison_was_skipped(
    tmp_path: Path, file_hub: str, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    path = synced_desk(tmp_path, file_hub)
    Path(file_hub.removeprefix("sqlite:///")).rename(tmp_path / "elsewhere.db")
    code, shown = verify(path, monkeypatch, capsys)
    assert code == 0 and not shown["hub"]["compared"] and shown["hub"]["skipped"]
    assert main(["audit", "verify", "--db", str(path)]) == 0
    assert "Not compared with the hub's copy: the hub could not be reached" in (
        capsys.readouterr().out
    )


def test_a_chain_extended_at_the_hub_by_a_rogue_stops_nothing(
    hub_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capsys
) -> None:
    """Issue #16, point 3: whoever holds only the hub's secret appends batches under the
    desk's site, signed as its officer with a key of their own, claiming the next audit
    events (a disclosure to a newspaper) and the next batch counters. The desk's own
    signed batches are all that count for it: it keeps pushing, and its log still
    matches the hub's copy; another desk quarantines the forgeries."""
    path = synced_desk(tmp_path, hub_url)
    site = events(path)[0]["site_id"]
    with Desk.open(path, "4521", PASS) as desk:
        head = events(path)[-1]
        forged = {
            "seq": head["seq"] + 1, "at": "2026-01-01T00:00:00+00:00", "officer_id": "4521",
            "action": "disclosure", "entity": "person", "entity_id": "x", "fields": "",
            "recipient": "a newspaper", "detail": "", "prev_hash": head["hash"],
        }  # fmt: skip
        forged["hash"] = audit.wire_digest(forged, site)
        rogue_batch(hub_url, site=site, signer="4521", audits=[forged], counter=10**6)
        people.add_person(desk, name="After the forgery")
        result = run_sync(desk)
        assert result.pushed >= 1 and result.unconfirmed == 0
        other = make_desk(tmp_path, "b", hub=hub_url)
        assert run_sync(other, hub_url).quarantined == 1
        other.close()
    code, shown = verify(path, monkeypatch, capsys)
    assert code == 0 and shown["hub"]["compared"], shown


def test_compare_chains() -> None:
    ours = [(1, "a"), (2, "b"), (3, "c")]
    assert compare_chains(ours, ours) == ""
    assert compare_chains(ours, ours[:2]) == ""  # the hub has not seen event 3 yet
    assert compare_chains([], []) == ""
    assert "deleted" in compare_chains([], ours)
    assert "removed from the end" in compare_chains(ours[:2], ours)
    assert compare_chains([(1, "a"), (2, "x"), (3, "c")], ours).startswith("event 2 differs")
    assert "missing" in compare_chains([(1, "a"), (3, "c")], ours)
