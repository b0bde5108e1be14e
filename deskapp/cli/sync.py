"""`deskapp hub init|status`, `deskapp sync` and `deskapp conflicts`: sync from a shell."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deskapp.cli.auth import ask_secret, open_desk
from deskapp.cli.output import print_json, print_record, print_table
from deskapp.core.errors import AuthError
from deskapp.core.wording import count
from deskapp.store import incidents
from deskapp.sync import conflicts as conflict_service
from deskapp.sync import service
from deskapp.sync.hub import open_hub
from deskapp.sync.hub_schema import SCHEMA_VERSION
from deskapp.sync.hub_secrets import find_secret, remember_secret
from deskapp.sync.hub_url import parse_hub_url, require_hub_file

QUARANTINE_COLUMNS = [
    ("hub_seq", "HUB SEQ"),
    ("entity", "ENTITY"),
    ("row_id", "ROW"),
    ("fields", "FIELDS"),
    ("reason", "REASON"),
    ("received_at", "RECEIVED"),
]
CONFLICT_COLUMNS = [
    ("id", "ID"),
    ("entity", "ENTITY"),
    ("ref", "REF"),
    ("row_id", "ROW"),
    ("field", "FIELD"),
    ("local_value", "LOCAL"),
    ("remote_value", "REMOTE"),
    ("detected_at", "DETECTED"),
    ("resolution", "KEPT"),
]


def _ensure_secret(url: str, *, new: bool = False) -> None:
    """Ask for a file hub's passphrase when neither the environment nor the keyring has it."""
    target = parse_hub_url(url)
    if not new:
        require_hub_file(target)
    if target.kind != "file" or find_secret(target) is not None:
        return
    secret = ask_secret(f"Passphrase for the hub {target.display}: ")
    if new and ask_secret("Repeat the hub passphrase: ") != secret:
        raise AuthError("The two passphrases differ; no hub was set up.")
    remember_secret(target, secret)


def hub_cmd(args: argparse.Namespace) -> int:
    if args.action == "init":
        target = parse_hub_url(args.url)
        created_file = (
            target.kind == "file" and target.path is not None and not target.path.exists()
        )
        _ensure_secret(args.url, new=created_file)
        created = open_hub(args.url).initialise()
        if args.json:
            print_json(
                {"hub": target.display, "created": created, "schema_version": SCHEMA_VERSION}
            )
        else:
            print(
                f"Hub ready at {target.display}"
                + ("" if created else " (it was already set up; nothing changed)")
            )
        return 0
    _ensure_secret(args.url)
    info: dict[str, Any] = open_hub(args.url).describe()
    if getattr(args, "db", None):
        # The desk's own quarantine beside the hub's figures: pulled changes held back.
        with open_desk(args.db) as desk:
            info["desk_quarantined"] = service.status(desk).quarantined
    if args.json:
        print_json(info)
    else:
        print_record({k: v for k, v in info.items() if k not in ("rows", "sites", "warnings")})
        for entity, count in sorted(info["rows"].items()):
            print(f"  {entity}: {count}")
        print(f"Desks that have pushed to this hub: {len(info['sites'])}")
        for warning in info["warnings"]:
            print(f"Warning: {warning}")
    return 0


def quarantine_cmd(args: argparse.Namespace) -> int:
    """`deskapp sync quarantine`: the pulled changes held back, with their reasons."""
    from deskapp.store import quarantine

    with open_desk(args.db) as desk:
        rows = quarantine.list_quarantined(desk)
    if args.json:
        print_json(rows)
    else:
        print_table([{k: _cell(v) for k, v in r.items()} for r in rows], QUARANTINE_COLUMNS)
    return 0


def sync_cmd(args: argparse.Namespace) -> int:
    if args.action == "quarantine":
        return quarantine_cmd(args)
    with open_desk(args.db) as desk:
        url = args.hub or service.remembered_hub(desk)
        if url:
            _ensure_secret(url)
        show = sys.stderr.isatty() and not args.json

        def progress(p: service.SyncProgress) -> None:
            if show:
                sys.stderr.write(f"\r{p.phase}: {p.done}/{p.total}   ")
                sys.stderr.flush()

        result = service.run_sync(desk, url, progress=progress, batch_size=args.batch_size)
        if show:
            sys.stderr.write("\n")
        if args.json:
            print_json(result.as_dict())
        else:
            print(
                f"Synced with {result.hub_url}: pushed {result.pushed}, pulled {result.pulled}, "
                f"{count(result.conflicts, 'new conflict')}, {result.quarantined} quarantined "
                f"({result.duration_s:.2f} s)."
            )
            for warning in result.skew:
                print(f"Warning: {warning}")
            if result.unconfirmed:
                print(
                    f"Warning: the hub did not hold {count(result.unconfirmed, 'change')} "
                    "after the push; they stay on this desk and go again at the next sync."
                )
            now = service.status(desk)
            if now.conflicts_waiting:
                verb = "waits" if now.conflicts_waiting == 1 else "wait"
                print(
                    f"{count(now.conflicts_waiting, 'conflict')} {verb} for a supervisor: "
                    "`deskapp conflicts list`."
                )
            if result.quarantined:
                print(
                    f"{count(result.quarantined, 'pulled change')} failed its checks and "
                    f"{'was' if result.quarantined == 1 else 'were'} quarantined "
                    f"({now.quarantined} in all): `deskapp sync quarantine`."
                )
        return 0


def _cell(value: Any) -> Any:
    return "-" if value is None else value


def _with_ref(row: dict[str, Any]) -> dict[str, Any]:
    """An incident's conflict names it as officers do: by its reference (I-…)."""
    ref = incidents.make_ref(row["row_id"]) if row["entity"] == "incident" else None
    return {**row, "ref": ref}


def conflicts_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = [
                _with_ref(r)
                for r in conflict_service.list_conflicts(desk, include_resolved=args.all)
            ]
            if args.json:
                print_json(rows)
            else:
                print_table([{k: _cell(v) for k, v in r.items()} for r in rows], CONFLICT_COLUMNS)
        elif args.action == "show":
            row = _with_ref(conflict_service.get_conflict(desk, args.id))
            print_json(row) if args.json else print_record(row)
        else:
            row = conflict_service.resolve_conflict(desk, args.id, args.keep)
            if args.json:
                print_json(row)
            else:
                print(f"Conflict {row['id']} resolved: kept the {args.keep} value.")
    return 0


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("hub", help="set up or inspect a sync hub (file or PostgreSQL)")
    hs = p.add_subparsers(dest="action", required=True)
    for name, text in (("init", "set up a hub"), ("status", "what a hub holds")):
        q = hs.add_parser(name, parents=[common], help=text)
        q.add_argument("url", help="a file path, sqlite:///path or postgresql://user@host/db")
        q.add_argument("--json", action="store_true")
    p.set_defaults(func=hub_cmd)

    p = sub.add_parser("sync", parents=[common], help="push and pull changes with the hub")
    p.add_argument(
        "action",
        nargs="?",
        choices=["quarantine"],
        help="quarantine: list pulled changes that failed their checks (supervisors)",
    )
    p.add_argument("--hub", help="hub URL (remembered for this desk)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=sync_cmd)

    p = sub.add_parser("conflicts", help="edits that lost at sync, kept for a supervisor")
    cs = p.add_subparsers(dest="action", required=True)
    q = cs.add_parser("list", parents=[common])
    q.add_argument("--all", action="store_true", help="include resolved conflicts")
    q.add_argument("--json", action="store_true")
    q = cs.add_parser("show", parents=[common])
    q.add_argument("id")
    q.add_argument("--json", action="store_true")
    q = cs.add_parser("resolve", parents=[common], help="(supervisor) keep one value")
    q.add_argument("id")
    q.add_argument("--keep", required=True, choices=["local", "remote"])
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=conflicts_cmd)
