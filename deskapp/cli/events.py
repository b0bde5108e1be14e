"""`deskapp events`: campaign events from a shell (list, show, add, update, link, unlink).

Events are named by their id, their reference (E-…) or a unique id prefix. The place and
the organiser's details are masked unless ``--reveal`` (a logged consultation).
"""

from __future__ import annotations

import argparse
from typing import Any

from deskapp.cli.auth import open_desk
from deskapp.cli.output import print_json, print_record, print_table
from deskapp.core import events as rules
from deskapp.core.wording import count
from deskapp.store import events

EVENT_COLUMNS = [
    ("ref", "REF"),
    ("starts_at", "STARTS (UTC)"),
    ("kind", "KIND"),
    ("title", "TITLE"),
    ("risk", "RISK"),
    ("people", "PEOPLE"),
    ("notice", "NOTICE"),
    ("patrol_requested", "PATROL"),
    ("place", "PLACE"),
]
#: Options and the event field each sets.
OPTIONS = {
    "title": "title",
    "kind": "kind",
    "starts": "starts_at",
    "ends": "ends_at",
    "place": "place",
    "organiser": "organiser",
    "organiser_contact": "organiser_contact",
    "notice_received": "notice_received_at",
    "risk": "risk",
    "risk_reason": "risk_reason",
    "patrol_hours": "patrol_minutes",
    "additional_cost": "patrol_additional_pence",
    "opportunity_cost": "patrol_opportunity_pence",
    "attendance": "attendance",
    "notes": "notes",
    "outcome": "outcome",
}


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    fields = {
        field: getattr(args, option)
        for option, field in OPTIONS.items()
        if getattr(args, option, None) is not None
    }
    if getattr(args, "patrol", None) is not None:
        fields["patrol_requested"] = args.patrol
    return fields


def events_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = events.list_events(desk, filter_text=args.filter or "", limit=args.limit)
            if args.json:
                print_json(rows)
            else:
                for row in rows:
                    row["notice"] = "SHORT" if row["short_notice"] else ""
                print_table(rows, EVENT_COLUMNS)
        elif args.action == "show":
            row = events.get_event(desk, args.id, reveal=args.reveal)
            if args.json:
                print_json(row)
            else:
                print_record(row)
                print(f"\n{count(len(row['people']), 'person', 'people')} linked:")
                print_table(row["people"], [("id", "ID"), ("name", "NAME"), ("risk", "RISK")])
        elif args.action == "add":
            new_id = events.add_event(desk, **_fields(args))
            ref = rules.event_ref(new_id)
            print_json({"id": new_id, "ref": ref}) if args.json else print(f"{ref}  {new_id}")
        elif args.action == "update":
            changed = events.update_event(desk, args.id, **_fields(args))
            if args.json:
                print_json({"changed": sorted(changed)})
            else:
                print("Changed: " + ", ".join(sorted(changed)) if changed else "Nothing changed.")
        else:
            act = events.link_people if args.action == "link" else events.unlink_people
            event_id, done = act(desk, args.id, args.people)
            if args.json:
                print_json({"id": event_id, args.action + "ed": done})
            else:
                verb = "Linked" if args.action == "link" else "Unlinked"
                print(
                    f"{verb} {count(len(done), 'person', 'people')} "
                    f"({'to' if args.action == 'link' else 'from'} {rules.event_ref(event_id)})."
                )
    return 0


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    e = sub.add_parser("events", help="campaign events: hustings, canvassing, counts, surgeries")
    es = e.add_subparsers(dest="action", required=True)
    el = es.add_parser("list", parents=[common])
    el.add_argument("--json", action="store_true", help="print a JSON array")
    el.add_argument("--limit", type=int, help="at most this many rows")
    el.add_argument("--filter", help="words of the title or kind")
    sh = es.add_parser("show", parents=[common])
    sh.add_argument("id", help="id, reference (E-…) or id prefix")
    sh.add_argument("--json", action="store_true")
    sh.add_argument(
        "--reveal", action="store_true", help="show place and organiser's details (logged)"
    )
    for name in ("add", "update"):
        q = es.add_parser(name, parents=[common])
        if name == "update":
            q.add_argument("id", help="id, reference (E-…) or id prefix")
        q.add_argument("--title", required=name == "add")
        q.add_argument(
            "--kind",
            required=name == "add",
            help="hustings|canvassing|count|surgery|briefing|other",
        )
        q.add_argument(
            "--starts",
            required=name == "add",
            metavar="ISO-TIME",
            help="e.g. 2026-05-07T19:00 (UTC) or with an offset: 2026-05-07T19:00+01:00",
        )
        q.add_argument("--ends", metavar="ISO-TIME")
        q.add_argument("--place", help="venue and address (sensitive: masked, logged)")
        q.add_argument("--organiser", help="who organises it (sensitive)")
        q.add_argument("--organiser-contact", help="the organiser's phone or email (sensitive)")
        q.add_argument(
            "--notice-received",
            metavar="ISO-TIME",
            help="when the police were told (the protocol expects 48 hours before the start)",
        )
        q.add_argument("--risk", help="low|medium|high (medium and high need --risk-reason)")
        q.add_argument("--risk-reason")
        patrol = q.add_mutually_exclusive_group()
        patrol.add_argument(
            "--patrol", dest="patrol", action="store_true", default=None, help="patrol requested"
        )
        patrol.add_argument("--no-patrol", dest="patrol", action="store_false")
        q.add_argument("--patrol-hours", help="hours of patrol, e.g. 2.5 or 1:30")
        q.add_argument("--additional-cost", metavar="POUNDS", help="additional patrol cost")
        q.add_argument("--opportunity-cost", metavar="POUNDS", help="opportunity patrol cost")
        q.add_argument("--attendance", help="expected attendance")
        q.add_argument("--notes")
        q.add_argument("--outcome", help="what happened")
        q.add_argument("--json", action="store_true")
    for name, what in (("link", "link people to"), ("unlink", "take people off")):
        q = es.add_parser(name, parents=[common], help=f"{what} an event")
        q.add_argument("id", metavar="EVENT_ID", help="id, reference (E-…) or id prefix")
        q.add_argument("people", metavar="PERSON_ID", nargs="+", help="person id or id prefix")
        q.add_argument("--json", action="store_true")
    e.set_defaults(func=events_cmd)
