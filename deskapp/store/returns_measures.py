"""The return's section on protective measures fitted and private-security referrals.

Kept apart because its tables (``security_measure``, ``security_referral``: casework,
issue #19) arrive in another change: on a desk without them the section says the figures
are not recorded here rather than reporting zeros that would read as "none fitted".
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import Connection, text

from deskapp.core.returns import Table, count, plain, pounds

TITLE = "Protective measures and private security referrals"
NOT_RECORDED = "Not recorded on this desk."
REFERRAL_STATUSES = ("requested", "approved", "declined", "in_place", "ended")


def _has_tables(conn: Connection, *names: str) -> bool:
    found = conn.execute(
        text(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
            "(SELECT value FROM json_each(:names))"
        ),
        {"names": json.dumps(names)},
    ).scalar()
    return found == len(names)


def measures_table(conn: Connection) -> Table:
    """Measures fitted, by kind, and referrals by status with their cost, as things
    stand now (the tables hold no date a period could select on)."""
    table = Table(TITLE, ("Measure or referral", "Number", "Cost (£)"))
    if not _has_tables(conn, "security_measure", "security_referral"):
        table.note = NOT_RECORDED
        return table
    fitted = Counter(
        str(kind)
        for (kind,) in conn.execute(
            text("SELECT kind FROM security_measure WHERE status = 'fitted'")
        )
    )
    for kind in sorted(fitted):
        table.add(f"Fitted: {kind}", count(fitted[kind]), plain(None))
    referrals: Counter[str] = Counter()
    cost: Counter[str] = Counter()
    for status, pence in conn.execute(text("SELECT status, cost FROM security_referral")):
        referrals[str(status)] += 1
        cost[str(status)] += int(pence or 0)
    for status in REFERRAL_STATUSES:
        table.add(
            f"Private security referral: {status}",
            count(referrals[status]),
            pounds(cost[status]),
        )
    table.note = "Measures and referrals as recorded now, whatever the period."
    return table
