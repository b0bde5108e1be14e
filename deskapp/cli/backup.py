"""`deskapp backup` and `deskapp restore`: the database and its key-slot file as one archive."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from deskapp.cli.auth import ask_secret, officer_id, open_desk
from deskapp.db.backup import read_archive, restore_backup, write_backup
from deskapp.domain.wording import count
from deskapp.runtime.paths import desk_path


def backup_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        manifest = write_backup(desk, Path(args.output), force=args.force)
    print(f"Backup of desk {manifest.desk_id} written to {args.output} ({manifest.taken_at}).")
    print("Keep it as you keep the desk: an officer's passphrase or the recovery key opens it.")
    return 0


def restore_cmd(args: argparse.Namespace) -> int:
    archive = Path(args.file)
    manifest, _db, _keys = read_archive(archive)  # a damaged file is refused before any prompt
    print(f"Backup of desk {manifest.desk_id}, taken {manifest.taken_at}: checksums match.")
    target = desk_path(args.db)
    who = officer_id(args.officer)
    passphrase = os.environ.get("DESKAPP_PASSPHRASE") or ask_secret(
        f"Passphrase for officer {who} (as it was when the backup was taken): "
    )
    done = restore_backup(archive, target, who, passphrase, force=args.force)
    print(
        f"Restored to {target}: the key-slot file opened, the audit log verified "
        f"({count(done.audit_events, 'event')})."
    )
    for path in done.set_aside:
        print(f"The file it replaced is kept as {path}.")
    return 0
