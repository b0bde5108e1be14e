"""A desk with known data for the statistics return: every figure of April 2026 is
worked out by hand in tests/store/test_returns.py. Rows go in through the write path
(``WriteTx.insert``/``append``) with their times given, as a desk that has run for a
month would hold them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskapp.db.desk import Desk
from deskapp.protocol.ids import uuid7
from deskapp.services.incidents import make_ref

APRIL = (datetime(2026, 4, 1, tzinfo=UTC).date(), datetime(2026, 4, 30, tzinfo=UTC).date())

#: Every person's name: none may appear in a return file.
NAMES: list[str] = []


def at(day: int, hour: int = 10, minute: int = 0, month: int = 4) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _person(
    desk: Desk, name: str, role: str, party: str, created: datetime, **extra: object
) -> str:
    NAMES.append(name)
    with desk.write() as tx:
        return tx.insert(
            "person",
            {
                "name": name,
                "role": role,
                "party": party,
                "created_at": created,
                "updated_at": created,
                **extra,
            },
        )


def _adviser(desk: Desk) -> str:
    with desk.write() as tx:
        return tx.insert(
            "adviser", {"name": "Dee Adviser", "created_at": at(1), "updated_at": at(1)}
        )


def _incident(
    desk: Desk,
    person: str,
    kind: str,
    grade: int,
    target_min: int,
    reported: datetime,
    status: str,
    moves: list[tuple[int, str]],
    *,
    crime_ref: str = "",
    operation: str = "none",
    deleted: bool = False,
) -> str:
    """An incident with its status moves: (minutes after the report, new status)."""
    incident_id = uuid7()
    with desk.write() as tx:
        tx.insert(
            "incident",
            {
                "id": incident_id,
                "ref": make_ref(incident_id),
                "person_id": person,
                "type": kind,
                "summary": "Known incident",
                "grade": grade,
                "status": status,
                "crime_ref": crime_ref,
                "operation": operation,
                "reported_at": reported,
                "due_at": reported + timedelta(minutes=target_min),
                "deleted": deleted,
            },
        )
        before = "new"
        for minutes, after in moves:
            tx.append(
                "timeline_entry",
                {
                    "id": uuid7(),
                    "incident_id": incident_id,
                    "at": reported + timedelta(minutes=minutes),
                    "officer_id": tx.officer_id,
                    "kind": "status",
                    "text": f"Status {before} -> {after}",
                },
            )
            before = after
    return incident_id


def _contact(desk: Desk, person: str, when: datetime, kind: str) -> None:
    with desk.write() as tx:
        tx.append(
            "contact",
            {
                "id": uuid7(),
                "person_id": person,
                "officer_id": tx.officer_id,
                "at": when,
                "channel": "phone",
                "kind": kind,
            },
        )


def _event(
    desk: Desk,
    kind: str,
    starts: datetime,
    notice_hours: float | None,
    *,
    patrol: bool = False,
) -> None:
    with desk.write() as tx:
        tx.insert(
            "event",
            {
                "title": f"{kind} at the hall",
                "kind": kind,
                "starts_at": starts,
                "place": "Secret Hall, 1 Hidden Lane",
                "notice_received_at": (
                    starts - timedelta(hours=notice_hours) if notice_hours is not None else None
                ),
                "patrol_requested": patrol,
                "patrol_minutes": 90 if patrol else 0,
                "patrol_additional_pence": 10000 if patrol else 0,
                "patrol_opportunity_pence": 5050 if patrol else 0,
            },
        )


def _council(desk: Desk, name: str, status: str, kind: str = "council") -> None:
    with desk.write() as tx:
        tx.insert(
            "organisation",
            {
                "slug": name.lower().replace(" ", "-"),
                "name": name,
                "kind": kind,
                "ro_name": "Ronald Returning-Officer",
                "share_request_status": status,
            },
        )


def fill(desk: Desk) -> None:
    NAMES.clear()
    adviser = _adviser(desk)
    # Six candidates (Green) arrive on 2 April; five have a named contact; each is first
    # contacted 1..6 days later; two marked briefed, three more by a briefing contact.
    candidates = []
    for i in range(6):
        person = _person(
            desk,
            f"Candidate Zephyrine{i}",
            "candidate",
            "Green",
            at(2),
            adviser_id=adviser if i < 5 else None,
            briefing_status="done" if i < 2 else "none",
        )
        candidates.append(person)
        _contact(
            desk,
            person,
            at(2 + i + 1),
            "security-briefing" if 2 <= i < 5 else "introduction",
        )
    # Five councillors (Labour), on the desk since January, all with a named contact.
    councillors = [
        _person(
            desk,
            f"Councillor Quillon{i}",
            "councillor",
            "Labour",
            at(5, month=1),
            adviser_id=adviser,
        )
        for i in range(5)
    ]
    # Two MPs (Reform), arrived 3 April, named contact, never contacted.
    mps = [
        _person(desk, f"Member Xanthippe{i}", "mp", "Reform", at(3), adviser_id=adviser)
        for i in range(2)
    ]
    # One arriving after the period: on no figure of April.
    _person(desk, "Latecomer Yevgenia", "candidate", "Green", at(10, month=5))

    # Grade 2 (60 min), Operation Ford: triaged after 10..70 min, responded 30..120 min.
    triage = [10, 20, 30, 40, 50, 70]
    response = [30, 40, 50, 60, 90, 120]
    finals = ["resolved", "resolved", "resolved", "resolved", "referred", "in-progress"]
    for i, person in enumerate(candidates):
        moves = [(triage[i], "triaged")]
        if finals[i] == "referred":
            moves.append((response[i], "referred"))
        else:
            moves.append((response[i], "in-progress"))
        if finals[i] == "resolved":
            moves.append((response[i] + 60, "resolved"))
        _incident(
            desk,
            person,
            "threat",
            2,
            60,
            at(10),
            finals[i],
            moves,
            crime_ref="CR/1" if i < 2 else "",
            operation="ford",
        )
    # Grade 3 (48 h): all triaged at 100 min; three responded at 1000 min and closed.
    for i, person in enumerate(councillors):
        if i < 3:
            moves = [(100, "triaged"), (1000, "in-progress"), (2000, "resolved"), (2100, "closed")]
            status = "closed"
        else:
            moves, status = [(100, "triaged")], "triaged"
        _incident(desk, person, "harassment", 3, 2880, at(15), status, moves)
    # One grade 1 for an MP, Operation Bridger, still new.
    _incident(desk, mps[0], "online-abuse", 1, 15, at(20), "new", [], operation="bridger")
    # Outside the return: reported in March; and one deleted.
    _incident(desk, mps[1], "threat", 2, 60, at(20, month=3), "new", [])
    _incident(desk, mps[1], "threat", 2, 60, at(21), "new", [], deleted=True)

    # Events in April: five hustings with patrols (3 short notice, 1 none, 1 ample),
    # one canvassing session without; one hustings in May.
    for notice in (24, 24, 24, None, 72):
        _event(desk, "hustings", at(12, 19), notice, patrol=True)
    _event(desk, "canvassing", at(13, 11), 72)
    _event(desk, "hustings", at(2, 19, month=5), 24, patrol=True)

    _council(desk, "Alderford Council", "agreed")
    _council(desk, "Brackenmoor Council", "requested")
    _council(desk, "Coldharbour Council", "not-requested")
    _council(desk, "Alderford North", "agreed", kind="constituency")
