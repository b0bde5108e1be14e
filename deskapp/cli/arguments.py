"""Every command's arguments: the parser alone, light to import.

Each command names the function that runs it as ``"module:function"``; ``deskapp.cli.main``
imports that module only once the command is chosen, so ``deskapp``, ``deskapp open`` and
every ``--help`` start without loading the database layers the other commands need.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from deskapp.domain.vocabulary import (
    EXPORT_FORMATS,
    EXPORT_KINDS,
    RETURN_FORMATS,
    SHARE_STATUSES,
    LinkCategory,
    MeasureKind,
    MeasureStatus,
    ReferralStatus,
    Risk,
    SpecialistReferral,
    SurveyPlace,
)

LINK_CATEGORIES = tuple(c.value for c in LinkCategory)


def desk_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("init", parents=[common], help="set up a new desk")
    p.add_argument("--officer", help="your staff/collar number")
    p.add_argument("--name", help="your name")
    p.set_defaults(func="deskapp.cli.desk:init_cmd")

    p = sub.add_parser("open", parents=[common], help="open the desk in the terminal UI")
    p.set_defaults(func="deskapp.cli.app:open_cmd")

    p = sub.add_parser("officer", help="officers and their passphrases")
    ps = p.add_subparsers(dest="action", required=True)
    q = ps.add_parser("list", parents=[common])
    q.add_argument("--json", action="store_true")
    q.add_argument("--all", action="store_true", help="include removed officers")
    q.add_argument("--limit", type=int)
    q = ps.add_parser("add", parents=[common], help="(supervisor) add an officer")
    q.add_argument("id")
    q.add_argument("--name", required=True)
    role = q.add_mutually_exclusive_group()
    role.add_argument("--supervisor", action="store_true")
    role.add_argument(
        "--auditor",
        action="store_true",
        help="a data protection officer: the audit log, its monitoring and the returns only",
    )
    q = ps.add_parser("remove", parents=[common], help="(supervisor) remove and re-key")
    q.add_argument("id")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q = ps.add_parser("passwd", parents=[common], help="change your passphrase")
    q.add_argument(
        "--recovery", action="store_true", help="reset a forgotten passphrase with the recovery key"
    )
    q.add_argument("--officer")
    ps.add_parser("remember", parents=[common], help="unlock on this terminal via the OS keyring")
    ps.add_parser("forget", parents=[common], help="stop remembering this terminal")
    p.set_defaults(func="deskapp.cli.desk:officer_cmd")

    p = sub.add_parser("audit", help="the DPA 2018 s.62 audit log")
    ps = p.add_subparsers(dest="action", required=True)
    q = ps.add_parser("verify", parents=[common])
    q.add_argument("--json", action="store_true")
    q = ps.add_parser("list", parents=[common], help="(supervisor, auditor) list audit events")
    q.add_argument("--json", action="store_true")
    q.add_argument("--limit", type=int)
    q.add_argument("--latest", action="store_true", help="newest first")
    q = ps.add_parser(
        "who",
        parents=[common],
        help="(supervisor, auditor) who consulted, altered or disclosed a person's data",
    )
    q.add_argument("person", metavar="PERSON", help="person id, id prefix or full name")
    q.add_argument("--json", action="store_true")
    q = ps.add_parser(
        "monitor",
        parents=[common],
        help="(supervisor, auditor) patterns a reviewer must see",
        description="Flags reveals by one officer above a rate, consultations out of "
        "hours, bulk exports, failed unlocks in a row, and people consulted who have no "
        "incident or contact. Exits 14 when anything is flagged.",
    )
    q.add_argument("--from", dest="since", metavar="DATE", help="first day (YYYY-MM-DD)")
    q.add_argument("--to", dest="until", metavar="DATE", help="last day (YYYY-MM-DD)")
    q.add_argument("--reveals-per-hour", type=int, default=20, metavar="N")
    q.add_argument("--hours", default="07-19", metavar="FROM-TO", help="working hours, local time")
    q.add_argument("--bulk", type=int, default=100, metavar="N", help="people in a bulk export")
    q.add_argument("--failed-unlocks", type=int, default=3, metavar="N")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func="deskapp.cli.desk:audit_cmd")

    p = sub.add_parser(
        "check", parents=[common], help="cipher and SQLite integrity, audit chain, migration level"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func="deskapp.cli.desk:check_cmd")

    p = sub.add_parser(
        "backup", parents=[common], help="write the database and its key file as one archive"
    )
    p.add_argument("--output", required=True, help="the archive to write")
    p.add_argument("--force", action="store_true", help="replace the archive if it exists")
    p.set_defaults(func="deskapp.cli.backup:backup_cmd")

    p = sub.add_parser(
        "restore", parents=[common], help="check a backup archive, then put the desk back from it"
    )
    p.add_argument("file", help="an archive written by `deskapp backup`")
    p.add_argument("--officer", help="whose passphrase opens the backup (default: asked)")
    p.add_argument(
        "--force", action="store_true", help="replace an existing desk (its files are kept aside)"
    )
    p.set_defaults(func="deskapp.cli.backup:restore_cmd")


def report_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("report", help="statistics returns (aggregates only)")
    ps = p.add_subparsers(dest="what", required=True)
    q = ps.add_parser(
        "returns",
        parents=[common],
        help="the statistics return for the Home Office and the NPCC",
        description="Incidents by type, grade, status, outcome, role and party; Operation "
        "Ford and Bridger; time to triage and response by grade; coverage; protective "
        "measures; returning officers' data sharing; events and patrols. Aggregates only: "
        "no names, no ids; figures resting on 1-4 records are suppressed. Logged.",
    )
    q.add_argument("--from", dest="since", required=True, metavar="DATE", help="YYYY-MM-DD")
    q.add_argument("--to", dest="until", required=True, metavar="DATE", help="YYYY-MM-DD")
    q.add_argument(
        "--format", choices=RETURN_FORMATS, help="md, csv or xlsx (default: the file's suffix)"
    )
    q.add_argument("--output", "-o", required=True, metavar="FILE")
    q.add_argument("--force", action="store_true", help="replace an existing file")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func="deskapp.cli.report:report_cmd")


def records_commands(
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
        if name == "update":
            q.add_argument("--reason", help="why the risk level changed (needed with --risk)")
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
    p.set_defaults(func="deskapp.cli.records:people_cmd")

    r = sub.add_parser(
        "review", parents=[common], help="records due for their retention review (DPA s.39)"
    )
    r.add_argument("--json", action="store_true")
    r.add_argument("--limit", type=int)
    r.set_defaults(func="deskapp.cli.records:review_cmd")

    a = sub.add_parser("advisers", help="Force Elected-Official Advisers")
    as_ = a.add_subparsers(dest="action", required=True)
    al = as_.add_parser("list", parents=[common, listing])
    al.add_argument("--reveal", action="store_true")
    for name in ("add", "update"):
        q = as_.add_parser(name, parents=[common])
        if name == "update":
            q.add_argument("id", help="adviser: name, start of a name, or id")
        q.add_argument("--name", required=name == "add")
        q.add_argument("--area", help="the area's name, as people say it")
        q.add_argument(
            "--areas",
            metavar="CODES",
            help="the places covered: council slugs and constituency GSS codes, "
            "e.g. 'cardiff,W07000101'",
        )
        q.add_argument("--phone")
        q.add_argument("--email")
        q.add_argument("--capacity", type=int)
        q.add_argument("--json", action="store_true")
    a.set_defaults(func="deskapp.cli.records:advisers_cmd")

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
    ia.add_argument("--event", help="the event it happened at: its reference (E-…) or id")
    ia.add_argument("--json", action="store_true")
    iu = is_.add_parser("update", parents=[common])
    iu.add_argument("id")
    iu.add_argument("--grade", type=int, choices=[1, 2, 3, 4])
    iu.add_argument("--status")
    iu.add_argument("--assign", help="adviser: name, start of a name, or id ('' to unassign)")
    iu.add_argument("--crime-ref")
    iu.add_argument("--cad-ref", help="the force's command-and-control log reference")
    iu.add_argument("--operation", help="none|ford|bridger")
    iu.add_argument(
        "--thrive", help="threat=high,harm=medium:note,… (no :note keeps the note; : clears it)"
    )
    iu.add_argument("--summary")
    iu.add_argument("--link", metavar="PERSON", help="link another person (id) to the incident")
    iu.add_argument(
        "--category",
        choices=LINK_CATEGORIES,
        help="the linked person's category (required with --link)",
    )
    iu.add_argument("--json", action="store_true")
    inote = is_.add_parser("note", parents=[common])
    inote.add_argument("id")
    inote.add_argument("text")
    inote.add_argument("--json", action="store_true")
    i.set_defaults(func="deskapp.cli.records:incidents_cmd")


def events_commands(
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
            help="local time, e.g. 2026-05-07T19:00, or with an offset: 2026-05-07T19:00+01:00",
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
    e.set_defaults(func="deskapp.cli.events:events_cmd")


def _values(enum: type[Risk] | type[SurveyPlace] | Any) -> str:
    return "|".join(str(e.value) for e in enum)


def casework_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Protective security (surveys, measures, referrals) and subjects of concern."""
    s = sub.add_parser(
        "security", help="a person's protective security: surveys, measures, referrals"
    )
    ss = s.add_subparsers(dest="action", required=True)
    sh = ss.add_parser("show", parents=[common], help="a person's surveys, measures, referrals")
    sh.add_argument("person", metavar="PERSON", help="person id or id prefix")
    sh.add_argument(
        "--reveal", action="store_true", help="show findings, notes and provider (logged)"
    )
    sh.add_argument("--json", action="store_true")
    su = ss.add_parser(
        "update",
        parents=[common],
        help="record a survey (--survey PLACE) or a referral for private security (--referral)",
    )
    su.add_argument("person", metavar="PERSON", help="person id or id prefix")
    what = su.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--survey", metavar="PLACE", help=f"a new survey of the {_values(SurveyPlace)}"
    )
    what.add_argument("--survey-id", metavar="ID", help="change this survey")
    what.add_argument(
        "--referral",
        metavar="STATUS",
        help=f"a referral for private security ({_values(ReferralStatus)}): changes the "
        "person's latest referral, or starts one",
    )
    su.add_argument("--surveyed-on", metavar="DATE", help="when surveyed (default: today)")
    su.add_argument("--by", dest="surveyed_by", help="who surveyed")
    su.add_argument("--findings", help="what the survey found (sensitive: masked, logged)")
    su.add_argument("--risk", help=_values(Risk))
    su.add_argument("--next-review", metavar="DATE", help="default: 12 months on (settings)")
    su.add_argument("--provider", help="the private-security provider (sensitive)")
    su.add_argument("--cost", metavar="POUNDS", help="the referral's cost")
    su.add_argument("--notes", help="the referral's notes (sensitive)")
    su.add_argument("--json", action="store_true")
    s.set_defaults(func="deskapp.cli.casework:security_cmd")

    m = sub.add_parser("measures", help="protective measures recommended and fitted")
    ms = m.add_subparsers(dest="action", required=True)
    ml = ms.add_parser("list", parents=[common])
    ml.add_argument("person", metavar="PERSON", nargs="?", help="only this person's")
    ml.add_argument("--status", help=_values(MeasureStatus))
    ml.add_argument("--kind", help=_values(MeasureKind))
    ml.add_argument("--limit", type=int)
    ml.add_argument("--json", action="store_true")
    for name in ("add", "update"):
        q = ms.add_parser(name, parents=[common])
        if name == "add":
            q.add_argument("person", metavar="PERSON", help="person id or id prefix")
            q.add_argument("--kind", required=True, help=_values(MeasureKind))
        else:
            q.add_argument("id", metavar="MEASURE_ID", help="measure id or id prefix")
        q.add_argument(
            "--status",
            required=name == "add",
            help=f"{_values(MeasureStatus)} (the status's date is today unless --on)",
        )
        q.add_argument("--on", metavar="DATE", help="the date of this status")
        q.add_argument("--next-review", metavar="DATE", help="default: 12 months after fitting")
        q.add_argument("--notes", help="sensitive: masked, logged")
        q.add_argument("--json", action="store_true")
    m.set_defaults(func="deskapp.cli.casework:measures_cmd")

    j = sub.add_parser("subjects", help="subjects of concern, linked to incidents across victims")
    js = j.add_subparsers(dest="action", required=True)
    jl = js.add_parser("list", parents=[common])
    jl.add_argument("--filter", help="words of the name")
    jl.add_argument("--limit", type=int)
    jl.add_argument("--json", action="store_true")
    jsh = js.add_parser("show", parents=[common], help="a subject, their incidents and people")
    jsh.add_argument("id", metavar="SUBJECT_ID", help="id, reference (S-…) or id prefix")
    jsh.add_argument("--reveal", action="store_true", help="show aliases, identifiers, notes")
    jsh.add_argument("--json", action="store_true")
    for name in ("add", "update"):
        q = js.add_parser(name, parents=[common])
        if name == "update":
            q.add_argument("id", metavar="SUBJECT_ID", help="id, reference (S-…) or id prefix")
        q.add_argument("--name", required=name == "add", help="a name, or a description")
        q.add_argument("--aliases", help="sensitive")
        q.add_argument("--identifiers", help="date of birth, PNC id, handles (sensitive)")
        q.add_argument("--risk", help=_values(Risk))
        q.add_argument(
            "--ftac", help=f"Fixated Threat Assessment Centre: {_values(SpecialistReferral)}"
        )
        q.add_argument(
            "--plait",
            help=f"Parliamentary Liaison and Investigation Team: {_values(SpecialistReferral)}",
        )
        q.add_argument("--facts", help="what is known as fact (sensitive)")
        q.add_argument("--assessment", help="what is assessed, kept apart from facts (sensitive)")
        q.add_argument("--review-date", metavar="DATE", help="retention review (default: 6 years)")
        q.add_argument("--json", action="store_true")
    jk = js.add_parser("link", parents=[common], help="link a subject to an incident")
    jk.add_argument("id", metavar="SUBJECT_ID")
    jk.add_argument("incident", metavar="INCIDENT_ID", help="id, ref (I-…) or id prefix")
    jk.add_argument("--category", required=True, choices=LINK_CATEGORIES)
    jk.add_argument("--json", action="store_true")
    je = js.add_parser("erase", parents=[common], help="(supervisor) erase a subject's data")
    je.add_argument("id", metavar="SUBJECT_ID")
    je.add_argument("--reason", required=True, help="why (kept in the audit log)")
    je.add_argument("--yes", action="store_true", help="do not ask")
    je.add_argument("--json", action="store_true")
    j.set_defaults(func="deskapp.cli.casework:subjects_cmd")


def demo_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("demo", parents=[common], help="open a desk full of invented data")
    p.add_argument("--people", type=int, default=1200)
    p.add_argument("--incidents", type=int, default=300)
    p.add_argument("--no-tui", action="store_true", help="build the demo desk only")
    p.add_argument("--fresh", action="store_true", help="rebuild the demo desk from scratch")
    p.set_defaults(func="deskapp.cli.demo:demo_cmd")


def sync_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("hub", help="set up or inspect a sync hub (file or PostgreSQL)")
    hs = p.add_subparsers(dest="action", required=True)
    for name, text in (
        ("init", "(supervisor) set up a hub, with you as its root"),
        ("status", "what a hub holds"),
        ("join", "ask to join a hub: records this desk's public keys, pins the hub's root"),
    ):
        q = hs.add_parser(name, parents=[common], help=text)
        q.add_argument("url", help="a file path, sqlite:///path or postgresql://user@host/db")
        q.add_argument("--json", action="store_true")
    q = hs.add_parser("approve", parents=[common], help="(supervisor) approve a join request")
    q.add_argument("officer_id")
    q.add_argument("--role", choices=["officer", "supervisor"], default="officer")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.add_argument("--hub", help="hub URL (default: this desk's)")
    q.add_argument("--json", action="store_true")
    q = hs.add_parser(
        "remove", parents=[common], help="(supervisor) revoke an officer; rotates the hub key"
    )
    q.add_argument("officer_id")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.add_argument("--hub", help="hub URL (default: this desk's)")
    q.add_argument("--json", action="store_true")
    q = hs.add_parser("officers", parents=[common], help="officers on the hub and their status")
    q.add_argument("--hub", help="hub URL (default: this desk's)")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func="deskapp.cli.sync:hub_cmd")

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
    p.set_defaults(func="deskapp.cli.sync:sync_cmd")

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
    p.set_defaults(func="deskapp.cli.sync:conflicts_cmd")


def imports_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    imp = sub.add_parser("import", help="import candidates (Democracy Club or generic CSV)")
    imps = imp.add_subparsers(dest="what", required=True)
    c = imps.add_parser(
        "candidates",
        parents=[common],
        help="import a candidates CSV into the roster",
        description="Import a candidates CSV. A file with any problem is refused whole "
        "(every problem listed, nothing written) unless --skip-bad.",
    )
    c.add_argument("file", help="the CSV file")
    c.add_argument(
        "--format",
        choices=("democracyclub", "csv"),
        help="file format (default: detected from the columns)",
    )
    c.add_argument(
        "--map",
        metavar="COLUMN=field,...",
        help="map the file's columns to fields, e.g. 'Candidate Name=name,Ward=post'",
    )
    c.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    c.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the good rows and write the bad ones to a reject file",
    )
    c.add_argument(
        "--rejects",
        metavar="PATH",
        help="where to write the reject file (it holds personal data; default: beside "
        "the input file, NAME.rejects.csv)",
    )
    c.add_argument("--force", action="store_true", help="replace an existing reject file")
    c.add_argument(
        "--all-areas",
        action="store_true",
        help="take every candidacy, not only those in the desk's [area] setting",
    )
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.set_defaults(func="deskapp.cli.imports:import_cmd")
    r = imps.add_parser(
        "redirects",
        parents=[common],
        help="follow Democracy Club's person redirects (merged people)",
        description="Read a CSV of old_person_id,new_person_id and merge each person held "
        "under an old id into the one holding the new id, keeping every incident, contact "
        "and audit event.",
    )
    r.add_argument("file", help="the redirects CSV")
    r.add_argument("--json", action="store_true", help="print the counts as JSON")
    r.set_defaults(func="deskapp.cli.imports:redirects_cmd")

    a = sub.add_parser(
        "assign", parents=[common], help="give everyone without a named contact an adviser"
    )
    a.add_argument(
        "--auto",
        action="store_true",
        help="match advisers' areas to organisations and balance the load",
    )
    a.add_argument("--dry-run", action="store_true", help="show the plan; write nothing")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func="deskapp.cli.imports:assign_cmd")

    e = sub.add_parser("export", help="export the roster, caseloads, incidents or a briefing")
    es = e.add_subparsers(dest="kind", required=True)
    disclose = argparse.ArgumentParser(add_help=False)
    disclose.add_argument(
        "--disclose-to",
        metavar="RECIPIENT",
        help="(supervisor) include home address, phone and email; logged as a disclosure",
    )
    disclose.add_argument("--force", action="store_true", help="replace an existing file")
    disclose.add_argument("--json", action="store_true")
    for kind in EXPORT_KINDS:
        q = es.add_parser(kind, parents=[common, disclose], help=f"export the {kind}")
        q.add_argument("--output", "-o", required=True, metavar="FILE")
        q.add_argument("--format", choices=EXPORT_FORMATS, help="csv (default) or md")
        q.add_argument("--adviser", metavar="ADVISER", help="only this adviser's (name or id)")
    b = es.add_parser("briefing", parents=[common, disclose], help="an event's briefing pack")
    b.add_argument("event", metavar="EVENT_ID")
    b.add_argument("--output", "-o", metavar="FILE", help="default: briefing-DATE-ID.md here")
    b.add_argument("--format", choices=EXPORT_FORMATS, help="md (default) or csv")
    e.set_defaults(func="deskapp.cli.imports:export_cmd")

    o = sub.add_parser("organisations", help="councils and authorities, and their RO contacts")
    os_ = o.add_subparsers(dest="action", required=True)
    ol = os_.add_parser("list", parents=[common])
    ol.add_argument("--json", action="store_true")
    ol.add_argument("--limit", type=int)
    ol.add_argument("--filter")
    ol.add_argument("--reveal", action="store_true", help="show RO phone/email (logged)")
    ol.add_argument("--reason", help="why the contact details are needed (logged)")
    ou = os_.add_parser("update", parents=[common])
    ou.add_argument("id", help="organisation id, id prefix or slug")
    ou.add_argument("--name")
    ou.add_argument("--kind")
    ou.add_argument("--ro-name", help="returning officer's name")
    ou.add_argument("--ro-phone")
    ou.add_argument("--ro-email")
    ou.add_argument(
        "--council",
        metavar="COUNCIL",
        help="a constituency's council whose returning officer acts for it "
        "(slug, id or id prefix; 'none' to clear)",
    )
    ou.add_argument(
        "--share-status",
        choices=SHARE_STATUSES,
        help="the request to share candidates' contact details",
    )
    ou.add_argument("--json", action="store_true")
    o.set_defaults(func="deskapp.cli.imports:organisations_cmd")


def given(args: argparse.Namespace, names: Iterable[str]) -> dict[str, Any]:
    """The options among ``names`` that were given, by name: a service's keyword
    arguments (an option left out is not passed, so the service keeps the value held)."""
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
