"""`deskapp init|open|officer|audit|check`: setting up, opening and looking after a desk."""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import select

from deskapp.cli.auth import (
    ask,
    current_passphrase,
    new_passphrase,
    officer_id,
    open_desk,
)
from deskapp.cli.output import print_json, print_table
from deskapp.db import audit
from deskapp.db.checks import run_checks
from deskapp.db.desk import Desk
from deskapp.db.tables import AuditEvent
from deskapp.domain.errors import KeyringUnavailable, ValidationError
from deskapp.domain.validation import iso_date
from deskapp.domain.vocabulary import OfficerRole
from deskapp.domain.wording import count
from deskapp.runtime.paths import desk_path
from deskapp.services import monitor, officers

AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
#: `check` or `audit verify` found something wrong (distinct from failing to run).
EXIT_PROBLEM_FOUND = 14


def init_cmd(args: argparse.Namespace) -> int:
    path = desk_path(args.db)
    who = officer_id(args.officer)
    name = args.name or ask("Your name: ")

    passphrase = os.environ.get("DESKAPP_PASSPHRASE") or new_passphrase(
        "DESKAPP_PASSPHRASE", "your passphrase"
    )
    desk, recovery = Desk.init(path, who, name, passphrase)
    desk.close()
    print(f"Desk set up at {path} with supervisor {who}.")
    print("\nRECOVERY KEY — write it down and keep it in the force safe. It is shown only once")
    print("and opens the desk if every passphrase is lost:\n")
    print(f"    {recovery}\n")
    return 0


def officer_cmd(args: argparse.Namespace) -> int:
    if args.action == "passwd" and args.recovery:
        return _reset_with_recovery(args)
    # An auditor looks after their own passphrase like anyone; the rest is refused them.
    own = args.action in ("passwd", "remember", "forget")
    with open_desk(args.db, auditor_may=own) as desk:
        if args.action == "list":
            rows = [vars(r) for r in officers.list_officers(desk, include_removed=args.all)]
            print_json(rows) if args.json else print_table(
                rows, [("id", "ID"), ("name", "NAME"), ("role", "ROLE"), ("active", "ACTIVE")]
            )
        elif args.action == "add":
            secret = new_passphrase(who=f"a passphrase for officer {args.id}")
            role = (
                OfficerRole.SUPERVISOR
                if args.supervisor
                else OfficerRole.AUDITOR
                if args.auditor
                else OfficerRole.OFFICER
            )
            officers.add_officer(desk, args.id, args.name, secret, role)
            print(f"Officer {args.id} added as {role}.")
        elif args.action == "remove":
            if not args.yes:
                answer = ask(f"Remove officer {args.id} and re-key the desk? [y/N] ")
                if answer.strip().lower() not in ("y", "yes"):
                    print("Nothing changed.")
                    return 1
            officers.remove_officer(desk, args.id)
            print(f"Officer {args.id} removed; the desk has been re-keyed.")
        elif args.action == "passwd":
            old = current_passphrase(desk.officer.id)
            officers.change_passphrase(desk, old, new_passphrase())
            print("Passphrase changed.")
        elif args.action == "remember":
            secret = current_passphrase(desk.officer.id)
            if not desk.slots.remember(desk.officer.id, secret):
                raise KeyringUnavailable(
                    "No OS keyring is available on this terminal, so nothing was remembered; "
                    "you will be asked for your passphrase."
                )
            print("This terminal will unlock for you without a passphrase (OS keyring).")
        elif args.action == "forget":
            desk.slots.forget(desk.officer.id)
            print("This terminal no longer remembers you.")
    return 0


def _reset_with_recovery(args: argparse.Namespace) -> int:

    path = desk_path(args.db)
    who = officer_id(args.officer)
    recovery = os.environ.get("DESKAPP_RECOVERY_KEY") or ask("Recovery key: ")
    with Desk.open(path, who, recovery_key=recovery) as desk:
        officers.reset_passphrase(desk, who, new_passphrase())
    print(f"Passphrase for officer {who} reset with the recovery key.")
    return 0


def _verify_audit(desk: Desk, as_json: bool) -> int:
    """The desk's own chain, then the hub's copy of it (when a hub is remembered)."""
    from deskapp.sync.audit_anchor import compare_with_hub

    with desk.read() as conn:
        result = audit.verify(conn)
        mine = audit.chain(conn)
    hub = compare_with_hub(desk, mine)
    ok = result.ok and hub.ok
    if as_json:
        print_json({**vars(result), "ok": ok, "hub": {**vars(hub), "ok": hub.ok}})
        return 0 if ok else EXIT_PROBLEM_FOUND
    if result.ok:
        print(f"Audit log intact: {count(result.events, 'event')}, chain verified.")
    else:
        print(f"AUDIT LOG TAMPERED: {result.problem}.", file=sys.stderr)
    if not hub.compared:
        print(f"Not compared with the hub's copy: {hub.skipped}.")
    elif hub.ok:
        print(f"The hub's copy ({count(hub.events, 'event')}) matches.")
    else:
        print(f"AUDIT LOG TAMPERED: {hub.problem}.", file=sys.stderr)
    return 0 if ok else EXIT_PROBLEM_FOUND


def audit_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db, auditor_may=True) as desk:
        if args.action == "verify":
            return _verify_audit(desk, args.json)
        officers.require_reviewer(desk, "read the audit log")
        if args.action == "who":
            return _who(desk, args.person, args.json)
        if args.action == "monitor":
            return _monitor(desk, args)
        query = select(AUDIT).order_by(AUDIT.c.seq.desc() if args.latest else AUDIT.c.seq)
        if args.limit:
            query = query.limit(args.limit)
        with desk.read() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        if args.json:
            print_json(rows)
        else:
            print_table(
                rows,
                [
                    ("seq", "SEQ"),
                    ("at", "AT"),
                    ("officer_id", "OFFICER"),
                    ("action", "ACTION"),
                    ("entity", "ENTITY"),
                    ("entity_id", "RECORD"),
                    ("fields", "FIELDS"),
                    ("recipient", "RECIPIENT"),
                    ("detail", "DETAIL"),
                ],
            )
    return 0


def _who(desk: Desk, person: str, as_json: bool) -> int:
    person_id, rows = monitor.who(desk, person)
    keep = (
        "seq",
        "at",
        "officer_id",
        "officer_name",
        "what",
        "entity",
        "ref",
        "fields",
        "recipient",
        "detail",
    )
    rows = [{k: row[k] for k in keep} for row in rows]
    if as_json:
        print_json({"person_id": person_id, "events": rows})
        return 0
    print(f"Person {person_id}: {count(len(rows), 'event')} in the audit log.")
    print_table(
        rows,
        [
            ("at", "AT"),
            ("officer_id", "OFFICER"),
            ("officer_name", "NAME"),
            ("what", "WHAT"),
            ("ref", "INCIDENT"),
            ("fields", "FIELDS"),
            ("recipient", "RECIPIENT"),
            ("detail", "DETAIL"),
        ],
    )
    return 0


def _hours(text: str) -> tuple[int, int]:
    start, sep, end = text.partition("-")
    if not (sep and start.strip().isdigit() and end.strip().isdigit()):
        raise ValidationError("Working hours are given as FROM-TO in whole hours, e.g. 07-19.")
    return int(start), int(end)


def _monitor(desk: Desk, args: argparse.Namespace) -> int:
    since = iso_date(args.since or "", field="--from")
    until = iso_date(args.until or "", field="--to")
    start, end = _hours(args.hours)
    rules = monitor.Rules(
        reveals_per_hour=args.reveals_per_hour,
        working_from=start,
        working_to=end,
        bulk_people=args.bulk,
        failed_unlocks=args.failed_unlocks,
    )
    findings = monitor.monitor(desk, since, until, rules)
    if args.json:
        print_json([f.as_dict() for f in findings])
    elif not findings:
        print("Nothing flagged.")
    else:
        print(f"{count(len(findings), 'finding')}:")
        print_table(
            [f.as_dict() for f in findings],
            [
                ("at", "AT"),
                ("rule", "RULE"),
                ("officer_id", "OFFICER"),
                ("count", "COUNT"),
                ("person_id", "PERSON"),
                ("detail", "DETAIL"),
            ],
            max_width=70,
        )
    return EXIT_PROBLEM_FOUND if findings else 0


def check_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        report = run_checks(desk)
    if args.json:
        print_json(report)
    else:
        for name, (ok, detail) in report["checks"].items():
            print(f"{'ok  ' if ok else 'FAIL'}  {name}: {detail}")
    return 0 if report["ok"] else EXIT_PROBLEM_FOUND
