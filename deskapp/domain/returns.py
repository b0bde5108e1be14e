"""A statistics return as data: tables of figures, with the suppression rule police
statistics use, and the order statistics it reports. Pure: the store computes the
figures, ``exporting/returns_file.py`` writes them as Markdown, CSV or xlsx.

Every figure carries the number of records it rests on (its *basis*). A figure resting
on one to four records is suppressed: a count of 1-4 can point at a person, and so can a
median of 1-4 times. Money and hours are not suppressed: they are what a special-grant
claim adds up, and a claim needs them whole.

Suppressing those cells alone (primary suppression) is not enough where a table shows a
total: the total minus the cells shown gives a single hidden cell back, and two hidden
cells that the total says add up to 2 must both be 1. So, as official statistics do
(secondary suppression), ``protect`` applies this rule to every column of counts that
adds up to a total row:

    if any count in the column is hidden, at least two are, and together they come to
    more than ``SUPPRESS_AT_MOST``; while that is not so, the smallest count still shown
    that is not zero is hidden too (zeros tell nothing and are always shown); should no
    such count be left, the total is hidden.

A reader then knows only that the hidden counts add up to five or more, each being at
least one: no hidden count can be worked out, and no hidden group of 1-4 people either.
The rule works table by table: a figure also shown in another table (the incidents'
total, the same incidents by status and by outcome) is not protected across them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

#: Figures resting on this many records or fewer (but more than none) are suppressed.
SUPPRESS_AT_MOST = 4
#: What a suppressed figure shows (the Office for National Statistics' mark).
SUPPRESSED = "[c]"
SUPPRESSION_NOTE = (
    f"Figures resting on 1 to {SUPPRESS_AT_MOST} records are shown as {SUPPRESSED} "
    "(suppressed, as police statistics do), and so are the smallest other counts of a "
    "column with a total, so that the total cannot give them away: the hidden counts of "
    f"such a column add up to more than {SUPPRESS_AT_MOST}; a count hidden in one table is "
    "hidden in every table that shows the same incidents. Money and hours are not "
    "suppressed."
)

Value = int | float | str | None


@dataclass(frozen=True)
class Figure:
    """One cell. ``basis``: how many records it rests on (None: never suppressed)."""

    value: Value
    basis: int | None = None
    places: int = 1  # decimal places shown (money: 2)
    #: A count, which adds up with the others of its column to a total.
    additive: bool = False
    #: Hidden so that a total does not give another hidden figure away (see ``protect``).
    withheld: bool = False

    @property
    def suppressed(self) -> bool:
        small = self.basis is not None and 1 <= self.basis <= SUPPRESS_AT_MOST
        return small or self.withheld

    def shown(self) -> Value:
        """The value as a return prints it: suppressed, or rounded to its places."""
        if self.suppressed:
            return SUPPRESSED
        if isinstance(self.value, float):
            return round(self.value, self.places)
        return self.value


def count(n: int) -> Figure:
    return Figure(n, n, additive=True)


def plain(value: Value) -> Figure:
    return Figure(value)


def pounds(pence: int) -> Figure:
    """Money, never suppressed: a special-grant claim adds it up."""
    return Figure(pence / 100, places=2)


def based(value: Value, basis: int) -> Figure:
    """A figure computed from ``basis`` records (a median, a share)."""
    return Figure(value if basis else None, basis)


@dataclass
class Table:
    """One section of a return: a first column of labels and columns of figures."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, tuple[Figure, ...]]] = field(default_factory=list)
    note: str = ""
    #: The label of the row whose counts are the sums of the other rows' ("": none).
    total: str = ""

    def add(self, label: str, *figures: Figure) -> None:
        assert len(figures) == len(self.columns) - 1, (self.title, label)
        self.rows.append((label, figures))

    def figure(self, label: str, column: str) -> Figure:
        """The figure in row ``label`` and column ``column`` (what tests read)."""
        at = self.columns.index(column) - 1
        for name, figures in self.rows:
            if name == label:
                return figures[at]
        raise KeyError(label)

    def withhold(self, label: str, column: str) -> None:
        """Hide the figure in row ``label`` and column ``column`` (secondary suppression)."""
        at = self.columns.index(column) - 1
        self.rows = [
            (name, tuple(replace(f, withheld=True) if i == at else f for i, f in enumerate(figs)))
            if name == label
            else (name, figs)
            for name, figs in self.rows
        ]


#: One cell of a return: (table title, row label, column heading).
Cell = tuple[str, str, str]


def protect(table: Table) -> None:
    """Secondary suppression of ``table``, by the rule in this module's docstring: in
    every column of counts adding up to the total row, hide counts (smallest first) until
    no hidden count can be worked out from the total."""
    totals = [i for i, (label, _) in enumerate(table.rows) if label == table.total]
    if not table.total or not totals:
        return
    at_total = totals[0]
    cells = [list(figures) for _, figures in table.rows]
    for column in range(len(table.columns) - 1):
        total = cells[at_total][column]
        parts = [i for i, row in enumerate(cells) if i != at_total and row[column].additive]
        if not total.additive or total.suppressed:
            continue  # a hidden total gives nothing away
        while True:
            hidden = [cells[i][column] for i in parts if cells[i][column].suppressed]
            amount = sum(int(f.value or 0) for f in hidden)
            if not hidden or (len(hidden) >= 2 and amount > SUPPRESS_AT_MOST):
                break
            shown = [
                (int(cells[i][column].value or 0), i)
                for i in parts
                if not cells[i][column].suppressed and cells[i][column].value
            ]
            if not shown:
                cells[at_total][column] = replace(total, withheld=True)
                break
            _, smallest = min(shown)
            cells[smallest][column] = replace(cells[smallest][column], withheld=True)
    table.rows = [(label, tuple(row)) for (label, _), row in zip(table.rows, cells, strict=True)]


def protect_together(tables: Sequence[Table], same: Sequence[tuple[Cell, Cell]]) -> None:
    """``protect`` every table, and hide alike the cells of different tables that count
    the same records (``same``): a count hidden in one table and printed in another
    would be given away by the second, and through it the cells hidden beside it in the
    first. Hiding one may make its own column need more hidden, so this runs until
    nothing changes (it only ever hides, so it ends)."""
    by_title = {table.title: table for table in tables}
    while True:
        for table in tables:
            protect(table)
        changed = False
        for one, other in same:
            cells = [(by_title[title], label, column) for title, label, column in (one, other)]
            hidden = [table.figure(label, column).suppressed for table, label, column in cells]
            if any(hidden) and not all(hidden):
                for (table, label, column), is_hidden in zip(cells, hidden, strict=True):
                    if not is_hidden:
                        table.withhold(label, column)
                changed = True
        if not changed:
            return


@dataclass
class Return:
    title: str
    period: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, title: str) -> Table:
        for table in self.tables:
            if table.title == title:
                return table
        raise KeyError(title)


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value at or below which ``p`` per cent
    of the values lie (what a reader can check by counting, unlike interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def share(part: int, whole: int) -> Figure:
    """``part`` of ``whole`` as a percentage, resting on ``whole`` records."""
    return based(100.0 * part / whole if whole else None, whole)
