"""`deskapp people|advisers|incidents`: the roster, advisers and the queue from a shell."""

from __future__ import annotations

import argparse
from typing import Any

from deskapp.cli.auth import ask, open_desk
from deskapp.cli.output import print_json, print_record, print_table, say
from deskapp.core import thrive
from deskapp.core.clock import utcnow
from deskapp.core.grading import format_due
from deskapp.core.wording import count
from deskapp.store import advisers, incidents, people
from deskapp.store.desk import Desk

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


def with_adviser_labels(desk: Desk, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with an "adviser" cell: the adviser's name beside a short id to type back."""
    with desk.read() as conn:
        labels = advisers.adviser_labels(conn)
    return [{**row, "adviser": labels.get(row["adviser_id"] or "")} for row in rows]


def _given(args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


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


def _person_fields(args: argparse.Namespace) -> dict[str, Any]:
    fields = _given(args, PERSON_OPTS)
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
            changed = people.update_person(desk, args.id, **_person_fields(args))
            _report_changes(args, changed)
        elif args.action == "erase":
            if not args.yes:
                answer = ask(
                    f"Erase all personal data of person {args.id}? This cannot be "
                    "undone. Type ERASE to confirm: "
                )
                if answer.strip() != "ERASE":
                    print("Nothing erased.")
                    return 1
            person_id = people.erase_person(desk, args.id, args.reason)
            print_json({"erased": person_id}) if args.json else print(f"Erased {person_id}.")
    return 0


def review_cmd(args: argparse.Namespace) -> int:
    """Records whose s.39 review date has come: keep (set a new date) or erase."""
    with open_desk(args.db) as desk:
        on = utcnow().date()
        due = {
            "people": people.people_due_for_review(desk, on),
            "incidents": incidents.incidents_due_for_review(desk, on),
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
    return 0


def _report_changes(args: argparse.Namespace, changed: dict[str, Any]) -> None:
    if args.json:
        print_json({"changed": sorted(changed)})
    else:
        print("Changed: " + ", ".join(sorted(changed)) if changed else "Nothing changed.")


# -- advisers -----------------------------------------------------------------------
def advisers_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = advisers.list_advisers(desk, limit=args.limit, reveal=args.reveal)
            print_json(rows) if args.json else print_table(rows, ADVISER_COLUMNS)
        elif args.action == "add":
            new_id = advisers.add_adviser(
                desk, **_given(args, ["name", "area", "phone", "email", "capacity"])
            )
            print_json({"id": new_id}) if args.json else print(new_id)
        elif args.action == "update":
            changed = advisers.update_adviser(
                desk, args.id, **_given(args, ["name", "area", "phone", "email", "capacity"])
            )
            _report_changes(args, changed)
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
                for row in rows:
                    row["due"] = format_due(row["due_at"], now)
                print_table(with_adviser_labels(desk, rows), QUEUE_COLUMNS)
        elif args.action == "show":
            row = incidents.get_incident(desk, args.id)
            if args.json:
                print_json(row)
            else:
                print_record(row)
                print("\nTimeline:")
                for entry in row["timeline"]:
                    say(
                        f"  {entry['at']:%Y-%m-%d %H:%M}  {entry['officer_id']:<8} "
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
            )
            if args.json:
                print_json({"id": new_id, "ref": incidents.make_ref(new_id)})
            else:
                print(f"{incidents.make_ref(new_id)}  {new_id}")
        elif args.action == "update":
            if args.link:
                incidents.link_person(desk, args.id, args.link)
            lines = incidents.update_incident(
                desk,
                args.id,
                grade=args.grade,
                status=args.status,
                adviser=args.assign,
                crime_ref=args.crime_ref,
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


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    listing = argparse.ArgumentParser(add_help=False)
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.add_argument("--limit", type=int, help="at most this many rows")
    listing.add_argument("--filter", help="type-ahead filter (name, party, post, ...)")

    p = sub.add_parser("people", help="the roster of representatives and candidates")
    ps = p.add_subparsers(dest="action", required=True)
    pl = ps.add_parser("list", parents=[common, listing])
    pl.add_argument("--reveal", action="store_true", help="show phone/email/address (logged)")
    pl.add_argument("--reason", help="why the sensitive fields are needed (logged)")
    sh = ps.add_parser("show", parents=[common])
    sh.add_argument("id")
    sh.add_argument("--json", action="store_true")
    sh.add_argument("--reveal", action="store_true", help="show phone/email/address (logged)")
    sh.add_argument("--reason", help="why the sensitive fields are needed (logged)")
    for name in ("add", "update"):
        q = ps.add_parser(name, parents=[common])
        if name == "update":
            q.add_argument("id")
        q.add_argument("--name", required=name == "add")
        q.add_argument("--role", help="candidate|councillor|mayor|pcc|mp|other")
        q.add_argument("--party")
        q.add_argument("--org", dest="org", help="organisation id")
        q.add_argument("--post", help="ward / division / constituency")
        q.add_argument("--phone")
        q.add_argument("--email")
        q.add_argument("--address")
        q.add_argument("--withhold-address", action="store_true")
        q.add_argument("--risk", help="low|medium|high")
        q.add_argument("--adviser", help="adviser: name, start of a name, or id")
        q.add_argument("--briefing", help="none|offered|booked|done|declined")
        q.add_argument("--ballot", help="ballot paper id")
        q.add_argument("--election-date")
        q.add_argument("--review-date")
        q.add_argument("--json", action="store_true")
    q = ps.add_parser("erase", parents=[common], help="(supervisor) erase a person's data")
    q.add_argument("id")
    q.add_argument("--reason", required=True, help="why (kept in the audit log)")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=people_cmd)

    r = sub.add_parser(
        "review", parents=[common], help="records due for their retention review (DPA s.39)"
    )
    r.add_argument("--json", action="store_true")
    r.add_argument("--limit", type=int)
    r.set_defaults(func=review_cmd)

    a = sub.add_parser("advisers", help="Force Elected-Official Advisers")
    as_ = a.add_subparsers(dest="action", required=True)
    al = as_.add_parser("list", parents=[common, listing])
    al.add_argument("--reveal", action="store_true")
    for name in ("add", "update"):
        q = as_.add_parser(name, parents=[common])
        if name == "update":
            q.add_argument("id", help="adviser: name, start of a name, or id")
        q.add_argument("--name", required=name == "add")
        q.add_argument("--area")
        q.add_argument("--phone")
        q.add_argument("--email")
        q.add_argument("--capacity", type=int)
        q.add_argument("--json", action="store_true")
    a.set_defaults(func=advisers_cmd)

    i = sub.add_parser("incidents", help="the incident queue")
    is_ = i.add_subparsers(dest="action", required=True)
    il = is_.add_parser("list", parents=[common, listing])
    il.add_argument("--all", action="store_true", help="include resolved and closed")
    il.add_argument("--status")
    il.add_argument("--grade", type=int, choices=[1, 2, 3, 4])
    ish = is_.add_parser("show", parents=[common])
    ish.add_argument("id", help="id, ref (I-…) or id prefix")
    ish.add_argument("--json", action="store_true")
    ia = is_.add_parser("add", parents=[common])
    ia.add_argument("--person", required=True, help="person id")
    ia.add_argument("--type", required=True)
    ia.add_argument("--grade", type=int, required=True, choices=[1, 2, 3, 4])
    ia.add_argument("--summary", required=True)
    ia.add_argument("--description")
    ia.add_argument("--location")
    ia.add_argument("--thrive", help="threat=high,harm=medium:note,…")
    ia.add_argument("--assign", help="adviser: name, start of a name, or id")
    ia.add_argument("--json", action="store_true")
    iu = is_.add_parser("update", parents=[common])
    iu.add_argument("id")
    iu.add_argument("--grade", type=int, choices=[1, 2, 3, 4])
    iu.add_argument("--status")
    iu.add_argument("--assign", help="adviser: name, start of a name, or id ('' to unassign)")
    iu.add_argument("--crime-ref")
    iu.add_argument("--operation", help="none|ford|bridger")
    iu.add_argument(
        "--thrive", help="threat=high,harm=medium:note,… (no :note keeps the note; : clears it)"
    )
    iu.add_argument("--summary")
    iu.add_argument("--link", help="link another person (id) to the incident")
    iu.add_argument("--json", action="store_true")
    inote = is_.add_parser("note", parents=[common])
    inote.add_argument("id")
    inote.add_argument("text")
    inote.add_argument("--json", action="store_true")
    i.set_defaults(func=incidents_cmd)
