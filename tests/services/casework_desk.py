"""A desk with protective-security records and subjects of concern, for the service tests of
security, subjects and review, and what they read back."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Table, func, select

from deskapp.db.desk import Desk
from deskapp.db.tables import AUDIT_EVENT
from deskapp.services import incidents, people, subjects

TODAY = date(2026, 5, 7)


def audit_rows(desk: Desk) -> list[dict[str, Any]]:
    table = AUDIT_EVENT
    with desk.read() as conn:
        return [dict(r) for r in conn.execute(select(table).order_by(table.c.seq)).mappings()]


def council(desk: Desk, slug: str, name: str) -> str:
    with desk.write() as tx:
        return tx.insert("organisation", {"slug": slug, "name": name})


def count(desk: Desk, table: Table, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with desk.read() as conn:
        return int(conn.execute(query).scalar_one())


def cross_victim_desk(desk: Desk) -> dict[str, str]:
    """One subject, three councillors in two councils, an MP who only witnessed."""
    cardiff = council(desk, "cardiff", "Cardiff Council")
    newport = council(desk, "newport", "Newport City Council")
    cllr = {"role": "councillor"}
    ids = {
        "ann": people.add_person(desk, name="Ann Cardiff", organisation_id=cardiff, **cllr),
        "bob": people.add_person(desk, name="Bob Cardiff", organisation_id=cardiff, **cllr),
        "cat": people.add_person(desk, name="Cat Newport", organisation_id=newport, **cllr),
        "dai": people.add_person(desk, name="Dai Witness", role="mp"),
    }
    ids["subject"] = subjects.add_subject(
        desk, name="Unknown male, 40s", aliases="'Watcher'", identifiers="X handle @w",
        facts="Letters posted by hand", assessment="Fixated; escalating", risk="high",
        ftac="referred",
    )  # fmt: skip
    for who in ("ann", "bob", "cat"):
        ids[f"i_{who}"] = incident_for(desk, ids[who])
        assert subjects.link(desk, ids[f"i_{who}"], "suspect", subject=ids["subject"])
    assert subjects.link(desk, ids["i_cat"], "witness", person=ids["dai"])
    ids["lone"] = incident_for(desk, ids["dai"], "Unrelated")
    return ids


def incident_for(desk: Desk, person_id: str, summary: str = "Threatening letters") -> str:
    return incidents.add_incident(
        desk, person=person_id, type="harassment", grade=3, summary=summary
    )
