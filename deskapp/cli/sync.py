"""`deskapp hub init|status`, `deskapp sync` and `deskapp conflicts`: sync from a shell."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from deskapp.cli.auth import ask, ask_secret, current_passphrase, open_desk
from deskapp.cli.output import print_json, print_record, print_table
from deskapp.db import access_log
from deskapp.domain.errors import AuthError, ConfigError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.domain.wording import count
from deskapp.services import incidents
from deskapp.sync import conflicts as conflict_service
from deskapp.sync import enrolment, service
from deskapp.sync.hub import Hub, open_hub
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


OFFICER_COLUMNS = [
    ("id", "ID"),
    ("role", "ROLE"),
    ("status", "STATUS"),
    ("root", "ROOT"),
    ("fingerprint", "FINGERPRINT"),
]


def _confirmed(args: argparse.Namespace, question: str) -> bool:
    return bool(args.yes) or ask(question).strip().lower() in ("y", "yes")


def hub_init(args: argparse.Namespace) -> int:
    """Create the hub's schema and make the signed-in supervisor its root."""
    target = parse_hub_url(args.url)
    with open_desk(args.db) as desk:
        enrolment.require_supervisor(desk, "set up a hub")
        created_file = (
            target.kind == "file" and target.path is not None and not target.path.exists()
        )
        _ensure_secret(args.url, new=created_file)
        hub = open_hub(args.url)
        created = hub.initialise()  # a hub of an older schema says how to move off it
        root = enrolment.init_root(hub, desk, current_passphrase(desk.officer.id))
        service.remember_url(desk, hub.display)
    if args.json:
        print_json(
            {
                "hub": target.display,
                "created": created or root.created,
                "schema_version": SCHEMA_VERSION,
                "root": root.root_officer,
                "root_fingerprint": root.root_fingerprint,
            }
        )
    else:
        done = created or root.created
        print(
            f"Hub ready at {target.display}"
            + ("" if done else " (it was already set up; nothing changed)")
            + f". Root: supervisor {root.root_officer}, fingerprint {root.root_fingerprint}."
        )
        if done:
            print(
                "Other desks join with `deskapp hub join URL`; approve each with "
                "`deskapp hub approve OFFICER_ID` after comparing fingerprints by phone."
            )
    return 0


def _hub_of(args: argparse.Namespace, desk: Any) -> Hub:
    url = args.hub or service.remembered_hub(desk)
    if not url:
        raise ConfigError("No hub is set for this desk: give one with --hub URL.")
    _ensure_secret(url)
    return open_hub(url)


def hub_join(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        _ensure_secret(args.url)
        hub = open_hub(args.url)
        joined = enrolment.join(hub, desk, current_passphrase(desk.officer.id))
        service.remember_url(desk, hub.display)
    if args.json:
        print_json({"hub": hub.display, **vars(joined)})
        return 0
    print(
        f"Hub {hub.display}: root supervisor {joined.root_officer}, fingerprint "
        f"{joined.root_fingerprint} (pinned on this desk)."
    )
    if joined.adopted:
        print(
            f"Officer {joined.officer_id} is approved there with the keys of your other desk, "
            "kept on the hub under your passphrase: this desk uses them now, and "
            "`deskapp sync` works."
        )
    elif joined.status == "approved":
        print(f"Officer {joined.officer_id} is already approved there; `deskapp sync` works.")
    else:
        if joined.elsewhere:
            print(
                f"Officer {joined.officer_id} is approved there from another desk, but this "
                "desk's passphrase does not open the keys kept on the hub. Use the same "
                "passphrase as on that desk (`deskapp officer passwd`) and join again, or:"
            )
        print(
            f"Asked to join as officer {joined.officer_id}, fingerprint {joined.fingerprint}.\n"
            f"Next: phone a supervisor, read them this fingerprint, and ask them to run "
            f"`deskapp hub approve {joined.officer_id}`; then run `deskapp sync`."
        )
    return 0


def hub_approve(args: argparse.Namespace) -> int:
    role = OfficerRole(args.role)
    with open_desk(args.db) as desk:
        hub = _hub_of(args, desk)

        def confirm(fingerprint: str) -> bool:
            if args.yes:
                return True
            print(f"Officer {args.officer_id} asks to join with fingerprint {fingerprint}.")
            return _confirmed(args, f"Does it match what they read out? Approve as {role}? [y/N] ")

        cert = enrolment.approve(hub, desk, args.officer_id, role, confirm)
    if cert is None:
        print("Nothing changed.")
        return 1
    if args.json:
        print_json({"id": cert.officer_id, "role": str(cert.role), "fingerprint": cert.fingerprint})
    else:
        print(f"Officer {cert.officer_id} approved as {cert.role} on {hub.display}.")
    return 0


def hub_remove(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        hub = _hub_of(args, desk)

        def confirm(fingerprint: str) -> bool:
            return _confirmed(
                args,
                f"Remove officer {args.officer_id} (fingerprint {fingerprint}) from the hub "
                "and rotate its key? [y/N] ",
            )

        key_id = enrolment.remove(hub, desk, args.officer_id, confirm)
    if key_id is None:
        print("Nothing changed.")
        return 1
    if args.json:
        print_json({"removed": args.officer_id, "key_id": key_id})
    else:
        print(
            f"Officer {args.officer_id} removed from {hub.display}; the hub key was rotated "
            f"(key {key_id}), so their keys cannot read anything written from now on."
        )
    return 0


def hub_officers(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        rows = enrolment.officers(_hub_of(args, desk), desk)
    if args.json:
        print_json(rows)
    else:
        print_table(
            [{k: ("yes" if v is True else "" if v is False else _cell(v)) for k, v in r.items()}
             for r in rows],
            OFFICER_COLUMNS,
        )  # fmt: skip
    return 0


def hub_cmd(args: argparse.Namespace) -> int:
    commands = {
        "init": hub_init,
        "join": hub_join,
        "approve": hub_approve,
        "remove": hub_remove,
        "officers": hub_officers,
    }
    if args.action in commands:
        return commands[args.action](args)
    _ensure_secret(args.url)
    info: dict[str, Any] = open_hub(args.url).describe()
    if getattr(args, "db", None):
        # The desk's own view beside the hub's figures: its quarantine (pulled changes
        # held back), and the enrolment as verified from the root this desk pinned.
        with open_desk(args.db) as desk:
            info["desk_quarantined"] = service.status(desk).quarantined
            info["officers"] = enrolment.officers(open_hub(args.url), desk)
    if args.json:
        print_json(info)
    else:
        print_record({k: v for k, v in info.items() if k not in ("sites", "warnings", "officers")})
        print(f"Desks that have pushed to this hub: {len(info['sites'])}")
        if "officers" in info:
            print("Officers, as verified from this desk's pinned root:")
            print_table(
                [{k: ("yes" if v is True else "" if v is False else _cell(v))
                  for k, v in r.items()} for r in info["officers"]],
                OFFICER_COLUMNS,
            )  # fmt: skip
        for warning in info["warnings"]:
            print(f"Warning: {warning}")
    return 0


def quarantine_cmd(args: argparse.Namespace) -> int:
    """`deskapp sync quarantine`: the pulled changes held back, with their reasons."""
    from deskapp.sync import quarantine

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
        access_log.synced(desk, result.pushed, result.pulled)
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
