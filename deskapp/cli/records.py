"""`deskapp people|advisers|incidents`: the roster, advisers and the queue from a shell."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypedDict

from deskapp.cli.arguments import given
from deskapp.cli.auth import erasure_confirmed, open_desk
from deskapp.cli.output import print_changed, print_json, print_record, print_table, say
from deskapp.db.desk import Desk
from deskapp.db.rows import typed_rows
from deskapp.domain import thrive
from deskapp.domain.grading import format_due
from deskapp.domain.wording import count
from deskapp.runtime.clock import local, utcnow
from deskapp.services import advisers, incidents, people, subjects
from deskapp.services.caseload import ReviewRow

PERSON_COLUMNS = [
    ("id", "ID"),
    ("name", "NAME"),
    ("role", "ROLE"),
    ("party", "PARTY"),
    ("post", "POST"),
    ("risk", "RISK"),
    ("adviser", "ADVISER"),
    ("phone", "PHONE"),
    ("email", "EMAIL"),
]
ADVISER_COLUMNS = [
    ("id", "ID"),
    ("name", "NAME"),
    ("area", "AREA"),
    ("areas", "COVERS"),
    ("capacity", "CAP"),
    ("people", "PEOPLE"),
    ("open_incidents", "OPEN"),
    ("phone", "PHONE"),
    ("email", "EMAIL"),
]
QUEUE_COLUMNS = [
    ("ref", "REF"),
    ("grade", "G"),
    ("due", "DUE"),
    ("status", "STATUS"),
    ("type", "TYPE"),
    ("person_name", "PERSON"),
    ("adviser", "ADVISER"),
    ("summary", "SUMMARY"),
]


def with_adviser_labels(desk: Desk, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with an "adviser" cell: the adviser's name beside a short id to type back.
    The cells printed are any listing's columns and this label, so a plain dict."""
    with desk.read() as conn:
        labels = advisers.adviser_labels(conn)
    return [{**row, "adviser": labels.get(row["adviser_id"] or "")} for row in rows]


# -- people --------------------------------------------------------------------------
PERSON_OPTS = [
    "name",
    "role",
    "party",
    "org",
    "post",
    "phone",
    "email",
    "address",
    "risk",
    "adviser",
    "briefing",
    "review_date",
    "ballot",
    "election_date",
]
PERSON_FIELD = {
    "adviser": "adviser_id",
    "briefing": "briefing_status",
    "ballot": "ballot_paper_id",
    "org": "organisation_id",
}


# The options given, by field name: the service's keyword arguments, each of its own type.
def _person_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields = given(args, PERSON_OPTS)
    if getattr(args, "withhold_address", False):
        fields["address_withheld"] = True
    return {PERSON_FIELD.get(k, k): v for k, v in fields.items()}


def people_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = people.list_people(
                desk,
                filter_text=args.filter or "",
                limit=args.limit,
                reveal=args.reveal,
                reason=args.reason or "",
            )
            if args.json:
                print_json(rows)
            else:
                print_table(with_adviser_labels(desk, rows), PERSON_COLUMNS)
        elif args.action == "show":
            row = people.get_person(desk, args.id, reveal=args.reveal, reason=args.reason or "")
            if args.json:
                print_json(row)
            else:
                print_record(row)
                print(
                    f"\n{count(len(row['candidacies']), 'candidacy')}, "
                    f"{count(len(row['contacts']), 'contact')}, "
                    f"{count(len(row['incidents']), 'incident')}"
                )
        elif args.action == "add":
            new_id = people.add_person(desk, **_person_fields(args))
            print_json({"id": new_id}) if args.json else print(new_id)
        elif args.action == "update":
            changed = people.update_person(
                desk, args.id, reason=args.reason or "", **_person_fields(args)
            )
            print_changed(changed, as_json=args.json)
        elif args.action == "erase":
            if not erasure_confirmed("person", args.id, yes=args.yes):
                return 1
            person_id = people.erase_person(desk, args.id, args.reason)
            print_json({"erased": person_id}) if args.json else print(f"Erased {person_id}.")
    return 0


class DueForReview(TypedDict):
    """What ``review`` lists (and ``--json`` prints): the records at their review date."""

    people: list[people.PersonReviewDue]
    incidents: list[incidents.IncidentReviewDue]
    casework: list[ReviewRow]


def review_cmd(args: argparse.Namespace) -> int:
    """Records whose s.39 review date has come: keep (set a new date) or erase."""
    with open_desk(args.db) as desk:
        on = utcnow().date()
        due: DueForReview = {
            "people": people.people_due_for_review(desk, on),
            "incidents": incidents.incidents_due_for_review(desk, on),
            "casework": casework_due_for_review(desk, on),
        }
    if args.json:
        print_json(due)
    else:
        print(
            f"Due for review: {count(len(due['people']), 'person', 'people')} and "
            f"{count(len(due['incidents']), 'incident')}."
        )
        print_table(
            due["people"][: args.limit or None],
            [("id", "PERSON"), ("name", "NAME"), ("review_date", "REVIEW DUE")],
        )
        print_table(
            due["incidents"][: args.limit or None],
            [("ref", "INCIDENT"), ("status", "STATUS"), ("review_date", "REVIEW DUE")],
        )
        print(f"Subjects, surveys and measures: {len(due['casework'])}.")
        print_table(
            due["casework"][: args.limit or None],
            [("kind", "KIND"), ("id", "ID"), ("label", "RECORD"), ("review_date", "REVIEW DUE")],
        )
    return 0


def casework_due_for_review(desk: Desk, on: date) -> list[ReviewRow]:
    """Subjects at their retention review, surveys and standing measures at their
    protective review (the review list's other kinds)."""
    from deskapp.services.caseload import review_query

    with desk.read() as conn:
        rows = conn.execute(review_query(on)).mappings()
        kinds = ("subject", "survey", "measure")
        return typed_rows(ReviewRow, (r for r in rows if r["kind"] in kinds))


# -- advisers -----------------------------------------------------------------------
def advisers_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = advisers.list_advisers(desk, limit=args.limit, reveal=args.reveal)
            print_json(rows) if args.json else print_table(rows, ADVISER_COLUMNS)
        elif args.action == "add":
            new_id = advisers.add_adviser(
                desk, **given(args, ["name", "area", "areas", "phone", "email", "capacity"])
            )
            print_json({"id": new_id}) if args.json else print(new_id)
        elif args.action == "update":
            changed = advisers.update_adviser(
                desk,
                args.id,
                **given(args, ["name", "area", "areas", "phone", "email", "capacity"]),
            )
            print_changed(changed, as_json=args.json)
    return 0


# -- incidents ----------------------------------------------------------------------
def incidents_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = incidents.list_incidents(
                desk,
                filter_text=args.filter or "",
                include_closed=args.all,
                status=args.status,
                grade=args.grade,
                limit=args.limit,
            )
            if args.json:
                print_json(rows)
            else:
                now = utcnow()
                shown = [{**row, "due": format_due(row["due_at"], now)} for row in rows]
                print_table(with_adviser_labels(desk, shown), QUEUE_COLUMNS)
        elif args.action == "show":
            row = incidents.get_incident(desk, args.id, consult=True)
            assessed = thrive.from_json(row["thrive"])
            if args.json:
                print_json({**row, "thrive": thrive.as_object(assessed)})
            else:
                print_record({**row, "thrive": thrive.describe(assessed)})
                print("\nTimeline:")
                for entry in row["timeline"]:
                    say(
                        f"  {local(entry['at']):%Y-%m-%d %H:%M}  {entry['officer_id']:<8} "
                        f"{entry['kind']:<9} {entry['text']}"
                    )
        elif args.action == "add":
            new_id = incidents.add_incident(
                desk,
                person=args.person,
                type=args.type,
                grade=args.grade,
                summary=args.summary,
                description=args.description or "",
                thrive=thrive.parse_spec(args.thrive) if args.thrive else None,
                adviser=args.assign,
                location=args.location or "",
                event=args.event,
            )
            if args.json:
                print_json({"id": new_id, "ref": incidents.make_ref(new_id)})
            else:
                print(f"{incidents.make_ref(new_id)}  {new_id}")
        elif args.action == "update":
            if args.link:
                subjects.link(desk, args.id, args.category, person=args.link)
            lines = incidents.update_incident(
                desk,
                args.id,
                grade=args.grade,
                status=args.status,
                adviser=args.assign,
                crime_ref=args.crime_ref,
                cad_ref=args.cad_ref,
                operation=args.operation,
                thrive=thrive.parse_spec(args.thrive) if args.thrive else None,
                summary=args.summary,
            )
            if args.json:
                print_json({"timeline": lines})
            else:
                say("\n".join(lines) if lines else "Nothing changed.")
        elif args.action == "note":
            incident_id = incidents.add_note(desk, args.id, args.text)
            print_json({"id": incident_id}) if args.json else print("Note added.")
    return 0
