"""`deskapp backup` and `deskapp restore` (issue #21): one encrypted archive of the
database and its key-slot file; a restore checks it all before replacing anything."""

from __future__ import annotations

import errno
import io
import json
import tarfile
from pathlib import Path

import pytest

from deskapp.cli import main
from deskapp.db import backup
from deskapp.db.desk import Desk
from deskapp.domain.errors import DatabaseCorrupt
from deskapp.services.people import add_person
from tests.cli.cli_desk import init_desk
from tests.conftest import PASS

NAME = "Seán Ó Briain"


@pytest.fixture
def env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    init_desk(db_path, monkeypatch)
    with Desk.open(db_path, "4521", PASS) as desk:
        add_person(desk, name=NAME, phone="07700 900123")
    return db_path


@pytest.fixture
def archive(env: Path, tmp_path: Path) -> Path:
    out = tmp_path / "backups" / "desk.tar"
    assert main(["backup", "--output", str(out)]) == 0
    return out


def names(db: Path) -> list[str]:
    from deskapp.search.windows import roster_query

    with Desk.open(db, "4521", PASS) as desk, desk.read() as conn:
        return [r.name for r in conn.execute(roster_query())]


def audit_details(db: Path) -> list[str]:
    with Desk.open(db, "4521", PASS) as desk, desk.read() as conn:
        return [d for (d,) in conn.exec_driver_sql("SELECT detail FROM audit_event ORDER BY seq")]


def test_backup_is_one_archive_with_nothing_readable_in_it(archive: Path) -> None:
    raw = archive.read_bytes()
    for plain in (NAME.encode(), b"07700 900123", b"Sgt Ada Example", PASS.encode()):
        assert plain not in raw
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["desk.db", "desk.db.keys", "manifest.json"]
        db = tar.extractfile("desk.db")
        assert db is not None and not db.read().startswith(b"SQLite format 3")
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["format"] == "deskapp-backup" and set(manifest["files"]) == {
        "desk.db",
        "desk.db.keys",
    }


def test_backup_refuses_to_overwrite_without_force(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = archive.read_bytes()
    capsys.readouterr()
    assert main(["backup", "--output", str(archive)]) == 8
    assert "already exists" in capsys.readouterr().err
    assert archive.read_bytes() == before
    assert main(["backup", "--output", str(archive), "--force"]) == 0


def test_backup_and_restore_are_audited(env: Path, archive: Path, tmp_path: Path) -> None:
    assert "backup written" in audit_details(env)
    other = tmp_path / "elsewhere" / "desk.db"
    assert main(["restore", str(archive), "--db", str(other)]) == 0
    restored = audit_details(other)
    assert restored[-1].startswith("restored from a backup taken ")
    assert main(["audit", "verify", "--db", str(other)]) == 0


def test_restore_to_a_new_place_gives_back_the_desk(
    env: Path, archive: Path, tmp_path: Path
) -> None:
    other = tmp_path / "new-terminal" / "desk.db"
    assert main(["restore", str(archive), "--db", str(other)]) == 0
    assert names(other) == [NAME]
    assert not list(other.parent.glob(".deskapp-restore-*"))  # nothing left staged


def test_restore_over_a_desk_needs_force_and_keeps_what_it_replaced(
    env: Path, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Desk.open(env, "4521", PASS) as desk:
        add_person(desk, name="Added After The Backup")
    capsys.readouterr()
    assert main(["restore", str(archive)]) == 8
    assert "already exists" in capsys.readouterr().err
    assert sorted(names(env)) == sorted([NAME, "Added After The Backup"])

    assert main(["restore", str(archive), "--force"]) == 0
    assert names(env) == [NAME]
    kept = {p.name.split(".replaced-")[0]: p for p in env.parent.glob("desk.db*.replaced-*")}
    assert sorted(kept) == ["desk.db", "desk.db.keys"]
    # The replaced desk is still whole: put back, it opens with what it had.
    back = env.parent / "back" / "desk.db"
    back.parent.mkdir()
    kept["desk.db"].rename(back)
    kept["desk.db.keys"].rename(back.with_name("desk.db.keys"))
    assert "Added After The Backup" in names(back)


def test_a_wrong_passphrase_changes_nothing_and_names_the_desk(
    env: Path,
    archive: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    desk_id = backup.read_archive(archive)[0].desk_id
    monkeypatch.setenv("DESKAPP_PASSPHRASE", "not the passphrase at all")
    before = env.read_bytes()
    capsys.readouterr()
    assert main(["restore", str(archive), "--force"]) == 3
    err = capsys.readouterr().err
    assert desk_id in err and "Nothing has been changed" in err
    assert env.read_bytes() == before
    assert not list(env.parent.glob("*.replaced-*"))


def _damaged(archive: Path, how: str) -> Path:
    raw = bytearray(archive.read_bytes())
    bad = archive.with_name(f"{how}.tar")
    if how == "truncated":
        bad.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":
        with tarfile.open(archive) as tar:
            offset = tar.getmember("desk.db").offset_data
        raw[offset + 5000] ^= 0x01
        bad.write_bytes(bytes(raw))
    elif how == "keys-flipped":
        with tarfile.open(archive) as tar:
            offset = tar.getmember("desk.db.keys").offset_data
        raw[offset + 10] ^= 0x01
        bad.write_bytes(bytes(raw))
    elif how == "not-a-backup":
        bad.write_bytes(b"name,party\nA,B\n")
    elif how == "foreign-tar":
        with tarfile.open(bad, "w") as tar:
            info = tarfile.TarInfo("../../etc/evil")
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
    return bad


@pytest.mark.parametrize(
    "how", ["truncated", "flipped", "keys-flipped", "not-a-backup", "foreign-tar"]
)
def test_a_damaged_archive_is_refused_and_nothing_changes(
    env: Path, archive: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _damaged(archive, how)
    before = env.read_bytes(), env.with_name("desk.db.keys").read_bytes()
    capsys.readouterr()
    assert main(["restore", str(bad), "--force"]) == 5
    err = capsys.readouterr().err
    assert "not a usable deskapp backup" in err and "Nothing has been changed" in err
    assert (env.read_bytes(), env.with_name("desk.db.keys").read_bytes()) == before
    assert not list(env.parent.glob("*.replaced-*"))
    assert not (env.parent.parent / "etc").exists()


def test_a_missing_archive_is_a_clear_error(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["restore", str(env.parent / "no-such.tar")]) == 8
    assert "No backup file" in capsys.readouterr().err


def test_a_full_disk_leaves_no_archive_and_says_so(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(self: tarfile.TarFile, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "addfile", full)
    out = tmp_path / "full" / "desk.tar"
    capsys.readouterr()
    assert main(["backup", "--output", str(out)]) == 11
    assert "is full" in capsys.readouterr().err
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert "backup written" not in audit_details(env)


def test_the_archive_reader_checks_the_manifest_format(archive: Path, tmp_path: Path) -> None:
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    manifest["version"] = 99
    members["manifest.json"] = json.dumps(manifest).encode()
    newer = tmp_path / "newer.tar"
    with tarfile.open(newer, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(DatabaseCorrupt, match="version 99"):
        backup.read_archive(newer)
