"""Secondary suppression (domain/returns.py: protect): a reader who differences a column's
total against the counts shown must not get a hidden count back. ``worked_out`` is that
reader; each case is one where primary suppression alone gives a count away."""

from __future__ import annotations

import pytest

from deskapp.domain.returns import (
    SUPPRESSED,
    Figure,
    Table,
    count,
    plain,
    pounds,
    protect,
    protect_together,
)


def column(*counts: int, total: int | None = None) -> Table:
    table = Table("T", ("Label", "Number"), total="Total")
    for i, n in enumerate(counts):
        table.add(f"row {i}", count(n))
    table.add("Total", count(sum(counts) if total is None else total))
    return table


def shown(table: Table) -> list[object]:
    return [figures[0].shown() for _, figures in table.rows]


def number(value: object) -> int:
    """A shown count: a number (a hidden one is the marker, never None)."""
    assert isinstance(value, int | float | str), value
    return int(value)


def worked_out(table: Table) -> dict[str, int]:
    """What a reader learns from the shown column: hidden counts they can pin down, or a
    group of hidden rows holding 1-4 between them. They know the rule's note (a hidden
    count is at least 1), not which cells were small."""
    labels = [label for label, _ in table.rows if label != table.total]
    cells = dict(zip(labels, shown(table), strict=False))
    total = dict(table.rows)[table.total][0].shown()
    hidden = [label for label in labels if cells[label] == SUPPRESSED]
    if total == SUPPRESSED or not hidden:
        return {}
    rest = number(total) - sum(number(v) for v in cells.values() if v != SUPPRESSED)
    if len(hidden) == 1:
        return {hidden[0]: rest}
    if rest == len(hidden):  # each is at least 1: all are 1
        return dict.fromkeys(hidden, 1)
    if rest <= 4:  # a small group, if not who is in it
        return {" + ".join(hidden): rest}
    return {}


@pytest.mark.parametrize(
    "counts",
    [
        (6, 5, 1),  # one hidden: total - shown
        (1, 1, 9, 7),  # two hidden adding up to 2: both 1
        (3, 20, 0, 0),  # one hidden beside zeros
        (2, 2, 50, 6),  # two hidden adding up to 4: the pair is a group of 4
    ],
)
def test_primary_suppression_alone_gives_counts_away_and_protect_does_not(
    counts: tuple[int, ...],
) -> None:
    table = column(*counts)
    assert worked_out(table)
    protect(table)
    assert worked_out(table) == {}
    hidden = [n for n, v in zip(counts, shown(table), strict=False) if v == SUPPRESSED]
    assert len(hidden) >= 2 and sum(hidden) > 4


def test_the_smallest_count_shown_is_hidden_and_zeros_are_left_alone() -> None:
    table = column(9, 0, 3, 7, 0, 12)
    protect(table)
    assert shown(table) == [9, 0, SUPPRESSED, SUPPRESSED, 0, 12, 31]


def test_enough_hidden_already_changes_nothing() -> None:
    for counts in [(2, 3, 10), (1, 1, 1, 1, 1, 8), (7, 8, 9), (0, 0, 5)]:
        table = column(*counts)
        before = shown(table)
        protect(table)
        assert shown(table) == before


def test_a_small_total_is_hidden_itself_and_its_column_is_left() -> None:
    table = column(2, 0, 1)
    protect(table)
    assert shown(table) == [SUPPRESSED, 0, SUPPRESSED, SUPPRESSED]


def test_a_total_that_cannot_be_protected_otherwise_is_hidden() -> None:
    # Inconsistent on purpose (the parts do not add up): nothing shown is left to hide.
    table = column(3, 0, total=9)
    protect(table)
    assert shown(table) == [SUPPRESSED, 0, SUPPRESSED]


def test_each_column_is_protected_on_its_own_and_money_is_never_hidden() -> None:
    table = Table("T", ("Kind", "Events", "Patrols", "Cost (£)"), total="Total")
    table.add("a", count(6), count(2), pounds(12345))
    table.add("b", count(1), count(8), pounds(500))
    table.add("c", count(9), count(0), pounds(0))
    table.add("Total", count(16), count(10), pounds(12845))
    protect(table)
    rows = {label: tuple(f.shown() for f in figures) for label, figures in table.rows}
    assert rows == {
        "a": (SUPPRESSED, SUPPRESSED, 123.45),
        "b": (SUPPRESSED, SUPPRESSED, 5.0),
        "c": (9, 0, 0.0),
        "Total": (16, 10, 128.45),
    }


def test_tables_without_a_total_and_figures_that_are_not_counts_are_left() -> None:
    table = Table("T", ("Label", "Number", "Median"))
    table.add("a", count(1), Figure(3.0, 1))
    table.add("b", count(9), plain("x"))
    protect(table)
    assert [tuple(f.shown() for f in figures) for _, figures in table.rows] == [
        (SUPPRESSED, SUPPRESSED),
        (9, "x"),
    ]


def _counted(title: str, rows: dict[str, int]) -> Table:
    table = Table(title, ("Label", "Incidents"), total="Total")
    for label, n in rows.items():
        table.add(label, count(n))
    table.add("Total", count(sum(rows.values())))
    return table


def test_a_count_hidden_in_one_table_is_hidden_where_another_table_prints_it() -> None:
    # By status, 'referred' (9) is hidden beside 'escalated' (3) so the total cannot give
    # 3 away; by outcome the same 9 incidents are printed. Protected one at a time, a
    # reader takes 9 from the outcome table and works 'escalated' back out of the status
    # table's total. Protected together, 'referred' is hidden in both.
    status = {"new": 30, "escalated": 3, "referred": 9, "resolved": 40}
    outcome = {"open": 33, "referred": 9, "resolved": 40}
    same = [(("By status", "referred", "Incidents"), ("By outcome", "referred", "Incidents"))]

    alone = [_counted("By status", status), _counted("By outcome", outcome)]
    for table in alone:
        protect(table)
    by_status, by_outcome = alone
    assert by_status.figure("referred", "Incidents").suppressed
    assert by_outcome.figure("referred", "Incidents").shown() == 9  # the leak

    together = [_counted("By status", status), _counted("By outcome", outcome)]
    protect_together(together, same)
    by_status, by_outcome = together
    assert by_outcome.figure("referred", "Incidents").shown() == SUPPRESSED
    assert worked_out(by_status) == {}
    # The outcome table's own column is protected again after the extra hiding.
    assert worked_out(by_outcome) == {}
