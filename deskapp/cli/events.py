"""`deskapp events`: campaign events from a shell (list, show, add, update, link, unlink).

Events are named by their id, their reference (E-…) or a unique id prefix. The place and
the organiser's details are masked unless ``--reveal`` (a logged consultation).
"""

from __future__ import annotations

import argparse
from typing import Any

from deskapp.cli.auth import open_desk
from deskapp.cli.output import print_changed, print_json, print_record, print_table
from deskapp.domain import events as rules
from deskapp.domain.wording import count
from deskapp.services import events

EVENT_COLUMNS = [
    ("ref", "REF"),
    ("starts_at", "STARTS"),
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


# The options given, by field name: the service's keyword arguments, each of its own type.
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
                shown = [{**row, "notice": "SHORT" if row["short_notice"] else ""} for row in rows]
                print_table(shown, EVENT_COLUMNS)
        elif args.action == "show":
            event = events.get_event(desk, args.id, reveal=args.reveal)
            if args.json:
                print_json(event)
            else:
                print_record(event)
                print(f"\n{count(len(event['people']), 'person', 'people')} linked:")
                print_table(event["people"], [("id", "ID"), ("name", "NAME"), ("risk", "RISK")])
        elif args.action == "add":
            new_id = events.add_event(desk, **_fields(args))
            ref = rules.event_ref(new_id)
            print_json({"id": new_id, "ref": ref}) if args.json else print(f"{ref}  {new_id}")
        elif args.action == "update":
            changed = events.update_event(desk, args.id, **_fields(args))
            print_changed(changed, as_json=args.json)
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
