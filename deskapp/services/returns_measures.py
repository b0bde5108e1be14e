"""The return's section on protective measures fitted and private-security referrals.

Counted from casework's tables (issue #19): measures fitted in the period, by kind, and
the referrals for private security requested in the period, by where they stand now,
with their cost (special-grant claims ask for the money, so it is never suppressed).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from deskapp.domain.returns import Table, count, plain, pounds
from deskapp.domain.vocabulary import MeasureKind, ReferralStatus

if TYPE_CHECKING:
    from deskapp.services.returns import Period

TITLE = "Protective measures and private security referrals"


def measures_table(conn: Connection, period: Period) -> Table:
    """Measures fitted in the period by kind; referrals requested in it by status."""
    table = Table(TITLE, ("Measure or referral", "Number", "Cost (£)"))
    days = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    fitted = Counter(
        str(kind)
        for (kind,) in conn.execute(
            text(
                "SELECT kind FROM security_measure WHERE deleted = 0 AND fitted_on IS NOT NULL "
                "AND fitted_on >= :start AND fitted_on <= :end"
            ),
            days,
        )
    )
    for kind in MeasureKind:
        table.add(f"Fitted: {kind.value}", count(fitted[kind.value]), plain(None))
    referrals: Counter[str] = Counter()
    cost: Counter[str] = Counter()
    for status, pence in conn.execute(
        text(
            "SELECT status, cost FROM security_referral WHERE deleted = 0 "
            "AND requested_on >= :start AND requested_on <= :end"
        ),
        days,
    ):
        referrals[str(status)] += 1
        cost[str(status)] += int(pence or 0)
    for status in ReferralStatus:
        table.add(
            f"Private security referral: {status.value}",
            count(referrals[status.value]),
            pounds(cost[status.value]),
        )
    table.note = (
        "Measures fitted in the period, by kind; referrals for private security requested "
        "in the period, by where they stand now, with their cost."
    )
    return table
