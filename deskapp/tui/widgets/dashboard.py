"""The dashboard pane (5): four charts drawn in the terminal, and their numbers on `t`.

Charts are textual-plotext's ``PlotextPlot`` (Textualize's wrapper of plotext): incidents
a week by grade, the share responded to within target by grade, coverage through the
campaign against the roster, and open incidents by adviser. At 80x24 each chart gets a
quarter of the pane, so titles are short and axes carry few labels; the numbers behind
every chart are one key away, as a table.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Static
from textual_plotext import PlotextPlot

from deskapp.domain.text import visible

if TYPE_CHECKING:
    from deskapp.services.dashboard import Dashboard

GRADE_COLOURS = {1: "red", 2: "orange", 3: "blue", 4: "green"}
PREFETCH_AFTER_S = 3.0
#: How often the read-ahead looks again for the officer's pause.
READ_AHEAD_POLL_S = 0.25


class DashboardPane(Vertical, can_focus=True):
    """``5 Dashboard`` in the border; charts, or their numbers after `t`."""

    DEFAULT_CSS = """
    DashboardPane Grid { grid-size: 2 2; grid-gutter: 0 1; }
    DashboardPane PlotextPlot { height: 1fr; min-height: 5; }
    DashboardPane #dashboard-numbers { display: none; }
    DashboardPane.-numbers Grid { display: none; }
    DashboardPane.-numbers #dashboard-numbers { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "numbers", "Numbers", id="dashboard.numbers"),
    ]

    def __init__(self, number: int, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.number = number
        self.border_title = f"{number} Dashboard"
        self.data: Dashboard | None = None
        #: When the pane was asked to show, and how long until its charts were drawn.
        self.asked_at = 0.0
        self.painted_after: float | None = None
        #: What the first drawing after it was asked showed: "held" figures (as they
        #: were, while fresh ones are read), "fresh" ones, or "counting" (none held yet).
        self.first_painted: str | None = None
        self._reading = False  # a read of the figures is under way

    def compose(self) -> ComposeResult:
        with Grid():
            yield PlotextPlot(id="chart-weekly")
            yield PlotextPlot(id="chart-target")
            yield PlotextPlot(id="chart-coverage")
            yield PlotextPlot(id="chart-advisers")
        with VerticalScroll(id="dashboard-numbers"):
            yield Static("", id="dashboard-table")

    def action_numbers(self) -> None:
        self.toggle_class("-numbers")

    def on_mount(self) -> None:
        # Read ahead, so that `5` draws at once: not before the lists' first windows and
        # ranked orders have had the machine (a 100k desk takes seconds to count), and
        # then in the officer's first pause (``DeskApp.paused``), not while they type:
        # the read holds a core and the interpreter for seconds at 100,000 people, and
        # each filter keystroke's answer would share them with it.
        self.set_timer(PREFETCH_AFTER_S, self._read_ahead)

    def _read_ahead(self) -> None:
        from deskapp.tui.screens.base import DeskScreen

        screen = self.screen
        if not isinstance(screen, DeskScreen):
            return
        if not screen.desk_app.paused():
            self.set_timer(READ_AHEAD_POLL_S, self._read_ahead)
            return
        self.load(draw=False)

    def load(self, *, draw: bool = True) -> None:
        """Draw at once what is held (the figures, marked as being updated when anything
        they rest on has changed since, or "counting" when none are held yet), and read
        them again on a worker if they are stale; ``draw``: the pane is being shown.
        Never waits for a read (at 100,000 people one takes seconds), and never starts a
        second while one is under way: its figures are drawn when they come."""
        from deskapp.services.dashboard import generation
        from deskapp.tui.screens.base import DeskScreen

        screen = self.screen
        if not isinstance(screen, DeskScreen) or screen.desk_app.desk is None:
            return
        desk = screen.desk_app.desk
        held = self.data
        stale = held is None or held.generation != generation(desk)
        if draw:
            self.asked_at = time.perf_counter()
            self.painted_after = None
            self.first_painted = None
            if held is None:
                self._counting()
            else:
                self.show(held, stale=stale)
        if not stale or self._reading:
            return
        today = screen.desk_app.now().date()

        def work(desk: Any) -> Dashboard:
            from deskapp.services.dashboard import dashboard

            return dashboard(desk, today)

        def done(data: Dashboard) -> None:
            self._reading = False
            self.data = data
            if self.display:
                self.show(data, stale=data.generation != generation(desk))
                if data.generation != generation(desk):
                    self.load(draw=False)  # written to while it was read: once more

        def failed(exc: BaseException) -> None:
            self._reading = False
            self.border_subtitle = "figures could not be read"

        self._reading = True
        screen.background(work, done, failed=failed, group="dashboard")

    def _counting(self) -> None:
        """The pane before any figures are held: the charts' frames, titled as counting."""
        for chart in self.query(PlotextPlot):
            chart.plt.clear_figure()
            chart.plt.title("counting...")
            chart.refresh()
        self.border_subtitle = "counting"
        self._painted_as("counting")

    def _painted_as(self, what: str) -> None:
        if self.first_painted is None:
            self.first_painted = what
        self.call_after_refresh(self._painted)

    def show(self, data: Dashboard, *, stale: bool = False) -> None:
        """Draw ``data``; ``stale``: something it rests on has changed since it was read
        (the fresh figures follow)."""
        self.border_subtitle = "updating" if stale else ""
        labels = [w.strftime("%d/%m") for w in data.weeks]
        xs = list(range(1, len(labels) + 1))
        tick_at: list[float] = [float(x) for x in xs[::4]]

        weekly = self.query_one("#chart-weekly", PlotextPlot)
        plt = weekly.plt
        plt.clear_figure()
        plt.title("Incidents a week")
        for grade, counts in data.by_grade.items():
            plt.plot(xs, counts, label=f"G{grade}", color=GRADE_COLOURS[grade])
        plt.xticks(tick_at, labels[::4])
        top = max((max(c, default=0) for c in data.by_grade.values()), default=0)
        _count_axis(plt, "y", top)
        weekly.refresh()

        target = self.query_one("#chart-target", PlotextPlot)
        plt = target.plt
        plt.clear_figure()
        plt.title("% within target")
        shares = [100 * met / done if done else 0 for met, done in data.within_target.values()]
        plt.bar([f"G{g}" for g in data.within_target], shares, color="green")
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100])
        target.refresh()

        coverage = self.query_one("#chart-coverage", PlotextPlot)
        plt = coverage.plt
        plt.clear_figure()
        plt.title("Coverage")
        plt.plot(xs, data.roster, label="roster", color="white")
        plt.plot(xs, data.contacted, label="contacted", color="cyan")
        plt.plot(xs, data.briefed, label="briefed", color="green")
        plt.xticks(tick_at, labels[::4])
        _count_axis(plt, "y", max(data.roster, default=0))
        coverage.refresh()

        advisers = self.query_one("#chart-advisers", PlotextPlot)
        plt = advisers.plt
        plt.clear_figure()
        plt.title("Open by adviser")
        # plotext draws the first bar at the bottom: the most loaded goes last, on top.
        ranked = list(reversed(data.open_by_adviser))
        names = [visible(name)[:14] for name, _ in ranked] or ["none"]
        counts = [n for _, n in ranked] or [0]
        plt.bar(names, counts, orientation="horizontal", color="orange")
        _count_axis(plt, "x", max(counts))
        advisers.refresh()

        self.query_one("#dashboard-table", Static).update(_numbers(data))
        self._painted_as("held" if stale else "fresh")

    def _painted(self) -> None:
        if self.painted_after is None:  # the first drawing after the key counts
            self.painted_after = time.perf_counter() - self.asked_at


def count_ticks(top: int, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 past ``top``, at most ``most`` of them, a round step apart
    (1, 2 or 5 times a power of ten): counts read at a glance, never as 12.8 or 55.8."""
    step = 1
    while top / step > most - 1:
        for factor in (2, 5 / 2, 2):  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step = int(step * factor)
            if top / step <= most - 1:
                break
    return list(range(0, top + step, step)) if top > 0 else [0, 1]


def _count_axis(plt: Any, axis: str, top: int) -> None:
    """A count axis from 0 to the last round tick, labelled with whole numbers."""
    ticks = count_ticks(top)
    if axis == "y":
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks)
    else:
        plt.xlim(0, ticks[-1])
        plt.xticks(ticks)


def _numbers(data: Dashboard) -> Table:
    """Every figure the charts draw, as one table per chart."""
    grid = Table.grid(padding=(0, 2))
    weekly = Table("Week of", "G1", "G2", "G3", "G4", title="Incidents a week", box=None)
    for i, week in enumerate(data.weeks):
        weekly.add_row(week.isoformat(), *(str(data.by_grade[g][i]) for g in (1, 2, 3, 4)))
    target = Table("Grade", "Within target", "Responded", "%", title="Response", box=None)
    for grade, (met, done) in data.within_target.items():
        share = f"{100 * met / done:.0f}" if done else "-"
        target.add_row(f"G{grade}", str(met), str(done), share)
    coverage = Table("Week of", "Roster", "Contacted", "Briefed", title="Coverage", box=None)
    for i, week in enumerate(data.weeks):
        coverage.add_row(
            week.isoformat(), str(data.roster[i]), str(data.contacted[i]), str(data.briefed[i])
        )
    advisers = Table("Adviser", "Open", title="Open incidents", box=None)
    for name, n in data.open_by_adviser:
        advisers.add_row(Text(visible(name)), str(n))
    grid.add_row(weekly, target)
    grid.add_row(coverage, advisers)
    return grid
