"""A statistics return as data: tables of figures, with the suppression rule police
statistics use, and the order statistics it reports. Pure: the store computes the
figures, ``io/returns_file.py`` writes them as Markdown, CSV or xlsx.

Every figure carries the number of records it rests on (its *basis*). A figure resting
on one to four records is suppressed: a count of 1-4 can point at a person, and so can a
median of 1-4 times. Money and hours are not suppressed: they are what a special-grant
claim adds up, and a claim needs them whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

#: Figures resting on this many records or fewer (but more than none) are suppressed.
SUPPRESS_AT_MOST = 4
#: What a suppressed figure shows (the Office for National Statistics' mark).
SUPPRESSED = "[c]"
SUPPRESSION_NOTE = (
    f"Figures resting on 1 to {SUPPRESS_AT_MOST} records are shown as {SUPPRESSED} "
    "(suppressed, as police statistics do); money and hours are not suppressed."
)

Value = int | float | str | None


@dataclass(frozen=True)
class Figure:
    """One cell. ``basis``: how many records it rests on (None: never suppressed)."""

    value: Value
    basis: int | None = None
    places: int = 1  # decimal places shown (money: 2)

    @property
    def suppressed(self) -> bool:
        return self.basis is not None and 1 <= self.basis <= SUPPRESS_AT_MOST

    def shown(self) -> Value:
        """The value as a return prints it: suppressed, or rounded to its places."""
        if self.suppressed:
            return SUPPRESSED
        if isinstance(self.value, float):
            return round(self.value, self.places)
        return self.value


def count(n: int) -> Figure:
    return Figure(n, n)


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
