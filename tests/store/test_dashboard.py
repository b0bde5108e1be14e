"""The dashboard's figures on the desk of known data (tests/store/returns_desk.py), for
twelve weeks ending in the week of 30 April 2026 (weeks from Monday 9 February)."""

from __future__ import annotations

from datetime import date

from deskapp.db.desk import Desk
from deskapp.services.dashboard import dashboard
from tests.store.returns_desk import fill


def test_dashboard_figures(desk: Desk) -> None:
    fill(desk)
    dash = dashboard(desk, date(2026, 4, 30))
    assert dash.weeks[0] == date(2026, 2, 9) and dash.weeks[-1] == date(2026, 4, 27)
    week = {d: i for i, d in enumerate(dash.weeks)}
    g2 = [0] * 12
    g2[week[date(2026, 3, 16)]] = 1  # reported 20 March (the deleted one is not counted)
    g2[week[date(2026, 4, 6)]] = 6
    assert dash.by_grade[2] == g2
    assert dash.by_grade[3][week[date(2026, 4, 13)]] == 5 and sum(dash.by_grade[3]) == 5
    assert dash.by_grade[1][week[date(2026, 4, 20)]] == 1 and sum(dash.by_grade[4]) == 0
    # G2 responded after 30,40,50,60,90,120 min against 60; G3 three at 1000 against 2880.
    assert dash.within_target == {1: (0, 0), 2: (4, 6), 3: (3, 3), 4: (0, 0)}
    # Councillors since January; candidates and MPs from the week of 30 March; the one
    # arriving in May is after the weeks shown.
    assert dash.roster == [5] * 7 + [13] * 5
    assert dash.contacted == [0] * 7 + [3] + [6] * 4  # first contacts 3-8 April
    # Briefed: the two candidates who came with their briefing done, not the three with
    # only a security-briefing contact (5-7 April).
    assert dash.briefed == [0] * 7 + [2] * 5
    assert dash.open_by_adviser == [("(no adviser)", 6)]
