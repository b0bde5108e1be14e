"""`deskapp check`: is the desk healthy? Reads only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from deskapp.db import audit, migrate
from deskapp.db.desk import Desk
from deskapp.domain.wording import count


def duplicate_dc_people(desk: Desk) -> dict[str, list[str]]:
    """Democracy Club ids held by more than one record on the roster, each with its
    records' ids in the order imports prefer them (the first is the one updated).

    Two desks that import the same list before syncing each make a record of every
    candidate; sync keeps both (see migration 0005). A supervisor combines them."""
    found: dict[str, list[str]] = {}
    with desk.read() as conn:
        for dc_id, person_id in conn.exec_driver_sql(
            "SELECT dc_person_id, id FROM person WHERE deleted = 0 AND dc_person_id IN "
            "(SELECT dc_person_id FROM person WHERE deleted = 0 AND dc_person_id IS NOT NULL "
            "GROUP BY dc_person_id HAVING count(*) > 1) ORDER BY dc_person_id, id"
        ):
            found.setdefault(str(dc_id), []).append(str(person_id))
    return found


def run_checks(desk: Desk) -> dict[str, Any]:
    checks: dict[str, tuple[bool, str]] = {}
    with desk.read() as conn:
        problems = [r[0] for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
        checks["cipher"] = (
            not problems,
            "every page authenticates"
            if not problems
            else f"HMAC fails on {count(len(problems), 'page')}",
        )
        result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        checks["sqlite"] = (result == ["ok"], "ok" if result == ["ok"] else "; ".join(result[:5]))
        verification = audit.verify(conn)
        checks["audit"] = (
            verification.ok,
            f"{count(verification.events, 'event')} chained"
            if verification.ok
            else verification.problem,
        )
        current = migrate.current_revision(conn)
        head = migrate.head_revision()
        checks["schema"] = (current == head, f"revision {current} (latest {head})")
        version = conn.execute(text("PRAGMA cipher_version")).scalar()
        checks["cipher_version"] = (bool(version), f"SQLCipher {version}")
    twins = duplicate_dc_people(desk)
    checks["duplicates"] = (
        not twins,
        "no Democracy Club id is held twice"
        if not twins
        else f"{count(len(twins), 'Democracy Club id')} held by more than one record each "
        "(imported on two desks before a sync): "
        + "; ".join(f"{dc}: {', '.join(ids)}" for dc, ids in list(twins.items())[:5])
        + (" …" if len(twins) > 5 else ""),
    )
    return {"ok": all(ok for ok, _ in checks.values()), "checks": checks}
