"""One archive holding a desk's database and its key-slot file, and putting it back.

The archive is a tar file of three members: ``desk.db`` (a copy made with SQLite's online
backup API, so it is consistent even while the desk is in use; its pages stay encrypted
under the desk's data key), ``desk.db.keys`` (the key-slot file: only wrapped keys) and
``manifest.json`` (format, the desk's id, when it was taken, and each member's size and
SHA-256). Nothing in it is readable without a passphrase or the recovery key.

A restore reads the archive into a folder beside the desk, checks the manifest, opens the
copy with the officer's passphrase and verifies its audit chain before anything is
replaced; what it replaces is moved aside (``*.replaced-<UTC time>``), never deleted.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deskapp.db import audit
from deskapp.db.desk import Desk
from deskapp.db.engine import connect_raw, translate_errors
from deskapp.db.keyslots import KeySlots
from deskapp.domain.errors import (
    AuthError,
    DatabaseCorrupt,
    DeskError,
    StorageFull,
    ValidationError,
)
from deskapp.domain.vocabulary import AuditAction
from deskapp.runtime.clock import utcnow
from deskapp.runtime.paths import slots_path

FORMAT = "deskapp-backup"
VERSION = 1
DB, KEYS, MANIFEST = "desk.db", "desk.db.keys", "manifest.json"
#: A manifest is a few hundred bytes; anything much larger is not one of ours.
MANIFEST_MAX = 64 * 1024


@dataclass(frozen=True)
class Manifest:
    desk_id: str
    taken_at: str
    files: dict[str, dict[str, int | str]]


def _digest(data: bytes) -> dict[str, int | str]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@contextlib.contextmanager
def _disk_errors(path: Path) -> Iterator[None]:
    """A full disk says so; the caller has left nothing half-written."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageFull.at(path, "nothing has been changed") from exc
        raise DeskError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def write_backup(desk: Desk, output: Path, *, force: bool = False) -> Manifest:
    """Write the archive of ``desk`` to ``output`` (refused if it exists, unless forced).

    The backup is logged in the desk's audit log once the archive is in place."""
    output = output.expanduser()
    if output.exists() and not force:
        raise ValidationError(
            f"The file {output} already exists; it has not been changed. Give another file, "
            "or --force to replace it."
        )
    if output.resolve() in (desk.path.resolve(), slots_path(desk.path).resolve()):
        raise ValidationError("The backup cannot be written over the desk's own files.")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".deskapp-backup-", dir=output.parent) as tmp:
        copy = Path(tmp) / DB
        with desk.slots.held() as keys, _disk_errors(output):
            _copy_database(desk, copy)
        db_bytes = copy.read_bytes()
        manifest = Manifest(
            desk.slots.db_id,
            utcnow().isoformat(timespec="seconds"),
            {DB: _digest(db_bytes), KEYS: _digest(keys)},
        )
        body = json.dumps(
            {"format": FORMAT, "version": VERSION, **vars(manifest)}, indent=2
        ).encode()
        partial = Path(tmp) / "archive.tar"
        with _disk_errors(output):
            with tarfile.open(partial, "w") as tar:
                for name, data in ((MANIFEST, body), (DB, db_bytes), (KEYS, keys)):
                    info = tarfile.TarInfo(name)
                    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
                    tar.addfile(info, io.BytesIO(data))
            _fsync(partial)
            os.replace(partial, output)
    desk.log(AuditAction.CONSULTATION, "desk", detail="backup written")
    return manifest


def _copy_database(desk: Desk, target: Path) -> None:
    """A consistent copy through SQLite's backup API, keyed as the desk is: the pages are
    encrypted again as they are written, so no plaintext page reaches the disk."""
    with translate_errors(desk.path):
        source = connect_raw(desk.path, desk.data_key)
        try:
            dest = connect_raw(target, desk.data_key)
            try:
                source.backup(dest)
                # One file: the copy's WAL folded back in before it is read.
                dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            source.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_archive(archive: Path) -> tuple[Manifest, bytes, bytes]:
    """The manifest and the two files of an archive, each checked against the manifest.

    Any damage (truncation, a flipped byte, another kind of file) is refused with a
    sentence naming the archive; nothing is extracted onto the disk."""
    archive = archive.expanduser()

    def damaged(why: str) -> DatabaseCorrupt:
        return DatabaseCorrupt(
            f"The file {archive} is not a usable deskapp backup ({why}). Nothing has been changed."
        )

    if not archive.is_file():
        raise ValidationError(f"No backup file at {archive}.")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:") as tar:
            for info in tar:
                if info.name not in (DB, KEYS, MANIFEST) or not info.isreg():
                    raise damaged(f"it holds an unexpected entry {info.name!r}")
                if info.name in members:
                    raise damaged(f"{info.name} appears twice")
                if info.name == MANIFEST and info.size > MANIFEST_MAX:
                    raise damaged("the manifest is too large")
                handle = tar.extractfile(info)
                if handle is None:
                    raise damaged(f"{info.name} cannot be read")
                members[info.name] = handle.read()
    except (tarfile.TarError, EOFError) as exc:
        raise damaged("it is truncated or not a backup archive") from exc
    except OSError as exc:
        raise damaged(f"it cannot be read: {exc.strerror or exc}") from exc
    missing = [n for n in (MANIFEST, DB, KEYS) if n not in members]
    if missing:
        raise damaged(f"{', '.join(missing)} missing")
    try:
        raw = json.loads(members[MANIFEST])
        ok = isinstance(raw, dict) and raw.get("format") == FORMAT
        manifest = Manifest(str(raw["desk_id"]), str(raw["taken_at"]), dict(raw["files"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise damaged("its manifest cannot be read") from exc
    if not ok:
        raise damaged("its manifest is not a deskapp backup's")
    if raw.get("version") != VERSION:
        raise damaged(f"it is backup format version {raw.get('version')!r}, not {VERSION}")
    for name in (DB, KEYS):
        if _digest(members[name]) != manifest.files.get(name):
            raise damaged(f"{name} does not match its checksum: the file is damaged")
    return manifest, members[DB], members[KEYS]


@dataclass(frozen=True)
class Restored:
    desk_id: str
    taken_at: str
    audit_events: int
    set_aside: list[Path]


def restore_backup(
    archive: Path, target: Path, officer_id: str, passphrase: str, *, force: bool = False
) -> Restored:
    """Check ``archive`` and put it at ``target`` (with its key-slot file).

    Checked first, in a folder beside ``target``: the manifest and checksums, that the
    key-slot file opens with this officer's passphrase, that the database opens, and
    that its audit chain verifies. Only then are the desk's current files (if any, and
    only with ``force``) moved aside and the restored ones moved in."""
    manifest, db_bytes, keys_bytes = read_archive(archive)
    target = target.expanduser()
    keys_target = slots_path(target)
    present = [p for p in (target, keys_target) if p.exists()]
    if present and not force:
        raise ValidationError(
            f"A desk already exists at {target}; it has not been changed. Give --force to "
            "replace it (its files are kept beside it, renamed)."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix=".deskapp-restore-", dir=target.parent) as tmp,
        _disk_errors(target),
    ):
        staged = Path(tmp) / target.name
        staged.write_bytes(db_bytes)
        slots_path(staged).write_bytes(keys_bytes)
        events = _check_staged(staged, manifest, officer_id, passphrase)
        set_aside = _swap_in(staged, target, present)
    return Restored(manifest.desk_id, manifest.taken_at, events, set_aside)


def _check_staged(staged: Path, manifest: Manifest, officer_id: str, passphrase: str) -> int:
    slots = KeySlots.load(slots_path(staged))
    if slots.db_id != manifest.desk_id:
        raise DatabaseCorrupt(
            "The backup's key-slot file belongs to another desk than its manifest names. "
            "Nothing has been changed."
        )
    try:
        desk = Desk.open(staged, officer_id, passphrase)
    except AuthError as exc:
        raise AuthError(
            f"The backup of desk {manifest.desk_id} (taken {manifest.taken_at}) does not "
            f"open for officer {officer_id} with that passphrase: {exc} Nothing has been "
            "changed."
        ) from exc
    with desk:
        with desk.read() as conn:
            verified = audit.verify(conn)
        if not verified.ok:
            raise DatabaseCorrupt(
                f"The backup's audit log does not verify ({verified.problem}). "
                "Nothing has been changed."
            )
        desk.log(
            AuditAction.ALTERATION,
            "desk",
            detail=f"restored from a backup taken {manifest.taken_at}",
        )
        with desk.read() as conn:
            return audit.verify(conn).events


def _swap_in(staged: Path, target: Path, present: list[Path]) -> list[Path]:
    """Move the current files aside and the staged ones in; if a move fails, the files
    moved aside are put back."""
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S")
    companions = [
        target.with_name(target.name + suffix) for suffix in ("-wal", "-shm")
    ]  # the old database's WAL belongs with it
    moved: list[tuple[Path, Path]] = []
    try:
        for path in [*present, *(c for c in companions if c.exists())]:
            aside = path.with_name(f"{path.name}.replaced-{stamp}")
            os.replace(path, aside)
            moved.append((aside, path))
        shutil.move(str(slots_path(staged)), slots_path(target))
        shutil.move(str(staged), target)
    except BaseException:
        for aside, path in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(aside, path)
        raise
    return [aside for aside, _ in moved]
