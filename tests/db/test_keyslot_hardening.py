"""The desk's own keys, from an attacker's side: what the key-slot file gives away, a file
of the old format, and guesses made in parallel by separate processes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from deskapp.db.desk import Desk
from deskapp.db.keyslots import KdfParams, KeySlots, use_kdf
from deskapp.domain.vocabulary import OfficerRole
from deskapp.runtime.paths import slots_path
from deskapp.services import officers, people
from tests.conftest import PASS

V1_DESK = Path(__file__).parent / "data" / "v1-desk"  # made by the version-1 code
V1_PASS = {"offA": "old format alpha passphrase", "supA": "old format bravo passphrase"}


def strings(value: Any) -> set[str]:
    """Every string anywhere in a JSON document (keys and values)."""
    if isinstance(value, dict):
        return set(value) | {s for v in value.values() for s in strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in strings(v)}
    return {value} if isinstance(value, str) else set()


def linkable(doc: dict[str, Any], officer_ids: list[str]) -> set[str]:
    """Ids an attacker holding only the file can match to a slot, by every keyed or
    unkeyed hash they can compute from what the file holds."""
    found = set()
    present = strings(doc)
    keys = [bytes.fromhex(doc["db_id"]), doc["db_id"].encode(), b""]
    for officer in officer_ids:
        raw = officer.encode()
        digests = [hashlib.sha256(raw).digest()]
        digests += [hmac.new(k, raw, hashlib.sha256).digest() for k in keys]
        digests += [hmac.new(raw, k, hashlib.sha256).digest() for k in keys if k]
        forms = set()
        for d in digests:
            for n in (16, 32):
                forms |= {d[:n].hex(), d.hex()[:n], base64.b64encode(d[:n]).decode()}
        if forms & present or any(officer in s for s in present):
            found.add(officer)
    return found


def test_key_file_does_not_link_labels_to_officer_ids(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    desk, _ = Desk.init(path, "offA", "Sgt A", PASS)
    officers.add_officer(desk, "supA", "Insp B", "another passphrase", OfficerRole.SUPERVISOR)
    desk.close()
    doc = json.loads(slots_path(path).read_bytes())
    guesses = ["offA", "supA", *(f"PC-{n}" for n in range(2000))]
    assert linkable(doc, guesses) == set()
    # The desk itself still finds each officer's slot, given the data key.
    with Desk.open(path, "supA", "another passphrase") as again:
        assert again.slots.has_officer("offA", again.data_key)


def copy_v1(target: Path) -> Path:
    target.mkdir()
    for item in V1_DESK.glob("desk.db*"):
        shutil.copy2(item, target / item.name)
    return target / "desk.db"


def test_version_1_key_file_opens_and_is_rewritten(tmp_path: Path) -> None:
    path = copy_v1(tmp_path / "old")
    keys = slots_path(path)
    before = json.loads(keys.read_bytes())
    assert before["version"] == 1 and linkable(before, ["offA", "supA"]) == {"offA", "supA"}

    with Desk.open(path, "offA", V1_PASS["offA"]) as desk:
        people.add_person(desk, name="Written after the upgrade")
    after = json.loads(keys.read_bytes())
    assert after["version"] == 3
    assert linkable(after, ["offA", "supA"]) == set()  # supA has not unlocked, yet is hidden

    # The other officer's old slot still opens (then moves to the new scheme), as does
    # the recovery key; the upgraded file keeps working for both.
    previous = use_kdf(KdfParams())  # what a shipped command uses
    try:
        Desk.open(path, "supA", V1_PASS["supA"]).close()
    finally:
        use_kdf(previous)
    slots = json.loads(keys.read_bytes())["slots"]
    assert not any(s.get("legacy") for s in slots)
    # The old slot had been made cheap (t=1, 8 MiB); moved over, it costs the real profile.
    assert {s["kdf"]["memory_kib"] for s in slots if "kdf" in s} == {8192, 65536}
    recovery = (V1_DESK / "recovery.txt").read_text().strip()
    with Desk.open(path, "offA", recovery_key=recovery) as desk:
        assert desk.slots.has_officer("supA", desk.data_key)
    for officer, passphrase in V1_PASS.items():
        with Desk.open(path, officer, passphrase) as desk:
            names = {p["name"] for p in people.list_people(desk)}
            assert "Written after the upgrade" in names


def test_version_1_remembered_terminal_and_supervisor_actions(tmp_path: Path) -> None:
    """Before the other officer has unlocked again, a supervisor can still reset or
    remove them: their slot is found by its owner tag, not by an id-derived label."""
    path = copy_v1(tmp_path / "old")
    with Desk.open(path, "supA", V1_PASS["supA"]) as desk:
        officers.reset_passphrase(desk, "offA", "a brand new passphrase")
    Desk.open(path, "offA", "a brand new passphrase").close()
    with Desk.open(path, "supA", V1_PASS["supA"]) as desk:
        officers.remove_officer(desk, "offA")
    assert KeySlots.load(slots_path(path)).slot_count() == 1


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from deskapp.domain.errors import AuthError
    from deskapp.db import keyslots

    keyslots.BACKOFF_BASE = float(sys.argv[2])
    ks = keyslots.KeySlots.load(Path(sys.argv[1]))
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    ks.sleep = sleep
    print("ready", flush=True)
    sys.stdin.readline()  # every child starts its guess at once
    try:
        ks.unlock("offA", "a wrong guess")
    except AuthError:
        pass
    print(sum(waits), flush=True)
    """
)


def recorded_failures(doc: dict[str, Any]) -> int:
    attempts = doc["attempts"]
    if "count" in attempts:
        return int(attempts["count"])
    return max((int(v["count"]) for v in attempts.values()), default=0)  # version 1


def test_six_parallel_wrong_passphrases_are_all_counted_and_queue_up(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    Desk.init(path, "offA", "Sgt A", PASS)[0].close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(slots_path(path)), "0.3"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    waits = sorted(float(proc.communicate(timeout=120)[0].split()[-1]) for proc in procs)
    assert all(proc.returncode == 0 for proc in procs)
    assert recorded_failures(json.loads(slots_path(path).read_bytes())) == 6
    # Each guess took the next place in the back-off: the waits grow as if made in turn.
    assert 0 < waits[2] < waits[3] < waits[4] < waits[5]
