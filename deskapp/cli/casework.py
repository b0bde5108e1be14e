"""`deskapp security`, `deskapp measures` and `deskapp subjects`: protective-security
casework from a shell (issue #19).

Findings, notes, providers and a subject's aliases, identifiers, facts and assessment
are masked unless ``--reveal`` (a logged consultation).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from deskapp.cli.arguments import given
from deskapp.cli.auth import erasure_confirmed, open_desk
from deskapp.cli.output import print_changed, print_json, print_record, print_table
from deskapp.domain import security as rules
from deskapp.domain.wording import count
from deskapp.services import security, subjects

SURVEY_COLUMNS = [
    ("id", "SURVEY"),
    ("place", "PLACE"),
    ("surveyed_on", "SURVEYED"),
    ("surveyed_by", "BY"),
    ("risk", "RISK"),
    ("next_review", "REVIEW"),
    ("findings", "FINDINGS"),
]
MEASURE_COLUMNS = [
    ("id", "MEASURE"),
    ("kind", "KIND"),
    ("status", "STATUS"),
    ("fitted_on", "FITTED"),
    ("next_review", "REVIEW"),
    ("notes", "NOTES"),
]
REFERRAL_COLUMNS = [
    ("id", "REFERRAL"),
    ("status", "STATUS"),
    ("requested_on", "REQUESTED"),
    ("provider", "PROVIDER"),
    ("cost", "COST (PENCE)"),
]
SUBJECT_COLUMNS = [
    ("ref", "REF"),
    ("name", "NAME OR DESCRIPTION"),
    ("risk", "RISK"),
    ("ftac", "FTAC"),
    ("plait", "PLAIT"),
    ("incidents", "INCIDENTS"),
]


# The options given, by field name: the service's keyword arguments, each of its own type.
def security_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "show":
            record = security.show_security(desk, args.person, reveal=args.reveal)
            if args.json:
                print_json(record)
                return 0
            print(f"Protective security of {record['name']}:")
            kinds: tuple[tuple[str, Sequence[Mapping[str, Any]], list[tuple[str, str]]], ...] = (
                ("Surveys", record["surveys"], SURVEY_COLUMNS),
                ("Measures", record["measures"], MEASURE_COLUMNS),
                ("Referrals for private security", record["referrals"], REFERRAL_COLUMNS),
            )
            for title, rows, columns in kinds:
                print(f"\n{title} ({len(rows)}):")
                print_table(rows, columns)
            return 0
        if args.survey or args.survey_id:
            fields = given(args, ("surveyed_on", "surveyed_by", "findings", "risk", "next_review"))
            if args.survey:
                row_id = security.add_record(
                    desk, "survey", args.person, place=args.survey, **fields
                )
                changed = sorted([*fields, "place"])
            else:
                changed = sorted(security.update_record(desk, "survey", args.survey_id, **fields))
                row_id = args.survey_id
        else:
            fields = given(args, ("provider", "cost", "notes"))
            row_id, changes = security.set_referral(
                desk, args.person, status=args.referral, **fields
            )
            changed = sorted(changes)
    if args.json:
        print_json({"id": row_id, "changed": changed})
    else:
        print(f"{row_id}  " + ("changed: " + ", ".join(changed) if changed else "nothing changed"))
    return 0


def measures_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = security.list_measures(
                desk, person=args.person, status=args.status, kind=args.kind, limit=args.limit
            )
            if args.json:
                print_json(rows)
            else:
                print_table(rows, [("person_name", "PERSON"), *MEASURE_COLUMNS])
            return 0
        fields = given(args, ("status", "next_review", "notes"))
        if args.on is not None:
            if not args.status:
                print("Give --status with --on: the date is the status's.")
                return 2
            fields[_status_date(args.status)] = args.on
        if args.action == "add":
            new_id = security.add_record(desk, "measure", args.person, kind=args.kind, **fields)
            print_json({"id": new_id}) if args.json else print(new_id)
        else:
            changed = security.update_record(desk, "measure", args.id, **fields)
            print_changed(changed, as_json=args.json)
    return 0


def _status_date(status: str) -> str:
    value = rules.clean("measure", {"status": status})["status"]
    return rules.MEASURE_STATUS_DATE[value]


SUBJECT_OPTIONS = (
    "name", "aliases", "identifiers", "risk", "ftac", "plait", "facts", "assessment",
    "review_date",
)  # fmt: skip


def subjects_cmd(args: argparse.Namespace) -> int:
    with open_desk(args.db) as desk:
        if args.action == "list":
            rows = subjects.list_subjects(desk, filter_text=args.filter or "", limit=args.limit)
            print_json(rows) if args.json else print_table(rows, SUBJECT_COLUMNS)
        elif args.action == "show":
            row = subjects.get_subject(desk, args.id, reveal=args.reveal)
            if args.json:
                print_json(row)
                return 0
            print_record({k: v for k, v in row.items() if k not in ("incidents", "people")})
            print(f"\n{count(len(row['incidents']), 'incident')} linked:")
            print_table(
                row["incidents"],
                [("ref", "INCIDENT"), ("category", "AS"), ("type", "TYPE"), ("status", "STATUS")],
            )
            print(f"\n{count(len(row['people']), 'person', 'people')} of those incidents:")
            print_table(
                row["people"],
                [
                    ("name", "NAME"),
                    ("role", "ROLE"),
                    ("organisation", "ORGANISATION"),
                    ("categories", "AS"),
                    ("incidents", "INCIDENTS"),
                ],
            )
        elif args.action == "add":
            new_id = subjects.add_subject(desk, **given(args, SUBJECT_OPTIONS))
            ref = rules.subject_ref(new_id)
            print_json({"id": new_id, "ref": ref}) if args.json else print(f"{ref}  {new_id}")
        elif args.action == "update":
            changed = subjects.update_subject(desk, args.id, **given(args, SUBJECT_OPTIONS))
            print_changed(changed, as_json=args.json)
        elif args.action == "link":
            made = subjects.link(desk, args.incident, args.category, subject=args.id)
            if args.json:
                print_json({"linked": made})
            else:
                print("Linked." if made else "Already linked so.")
        else:
            if not erasure_confirmed("subject", args.id, yes=args.yes):
                return 1
            erased = subjects.erase_subject(desk, args.id, args.reason)
            print_json({"erased": erased}) if args.json else print(f"Erased {erased}.")
    return 0
