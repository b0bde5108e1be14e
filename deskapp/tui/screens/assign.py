"""Auto-assign: give everyone without a named contact an adviser, after a preview.

The plan (``deskapp.services.assign.plan_auto_assign``) is made on a worker and writes
nothing but a consultation event; ``y`` asks to confirm, then applies it on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskapp.domain.text import visible
from deskapp.tui.background import Background, failure_message
from deskapp.tui.keymap import key_hint

if TYPE_CHECKING:
    from deskapp.db.desk import Desk
    from deskapp.services.assign import AssignPlan

T = TypeVar("T")

#: People outside every area listed on screen; the CLI's plan lists them all.
MAX_OUTSIDE_SHOWN = 50


def plan_text(plan: AssignPlan) -> Text:
    text = Text()
    if not plan.unassigned:
        text.append("Everyone on the roster has a named contact. Nothing to do.")
        return text
    n = len(plan.assignments)
    text.append(f"{plan.unassigned} people have no named contact. ", "bold")
    text.append(f"The plan gives {n} of them an adviser")
    text.append(f" ({plan.by_area} by area, {n - plan.by_area - plan.overflow} by load")
    if plan.overflow:
        text.append(", ")
        text.append(f"{plan.overflow} over capacity", "bold reverse")
    text.append(").\n")
    if plan.left_unassigned:
        text.append(
            f"{plan.left_unassigned} stay without one: there is no active adviser.\n", "bold"
        )
    outside = plan.outside_area
    if outside:
        # As `deskapp assign --auto` lists them: nobody covers these places, so the
        # officer sees who got a contact from elsewhere and may add an adviser's area.
        text.append(f"\n{len(outside)} are outside every adviser's area", "bold")
        text.append(" and go to the adviser with most room:\n")
        for given in outside[:MAX_OUTSIDE_SHOWN]:
            where = given.organisation or "no organisation"
            text.append(visible(f"  {given.person_name} ({where}) → {given.adviser_name}\n"))
        if len(outside) > MAX_OUTSIDE_SHOWN:
            text.append(
                f"  … and {len(outside) - MAX_OUTSIDE_SHOWN} more "
                "(deskapp assign --auto --dry-run lists all)\n",
                "dim",
            )
    text.append("\n")
    text.append(f"{'Adviser':<24}{'area':<16}{'now':>5}{'+':>5}{'after':>7}{'cap':>6}\n", "bold")
    for a in plan.advisers:
        gained = a.after - a.before
        if not gained and not a.over_capacity:
            continue
        text.append(visible(f"{a.name[:23]:<24}{(a.area or '—')[:15]:<16}{a.before:>5}"))
        text.append(f"{'+' + str(gained) if gained else '':>5}", "bold" if gained else "")
        text.append(f"{a.after:>7}", "bold reverse" if a.over_capacity else "")
        text.append(f"{a.capacity:>6}\n")
    text.rstrip()
    return text


class AutoAssignScreen(Background, ModalScreen[int | None]):
    """Preview an automatic assignment, confirm, apply. Dismisses with the count assigned."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "apply", "Assign", id="assign.apply"),
        Binding("escape,n", "close", "Close", id="assign.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: AssignPlan | None = None
        self.busy = True
        self.assigned: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog assign"):
            yield Static("[b]Auto-assign named contacts[/b]", classes="dialog-title")
            with VerticalScroll(id="assign-scroll"):
                yield Static("Making a plan (nothing is changed yet)…", id="assign-plan")
            yield Static(
                key_hint(self.app, "assign.close", "close"), classes="dialog-keys", id="assign-keys"
            )

    def on_mount(self) -> None:
        self._run(_plan, self._planned)

    def _run(self, fn: Callable[[Desk], T], then: Callable[[T], None]) -> None:
        def done(value: T) -> None:
            self.busy = False
            then(value)

        if self.background(fn, done, failed=self._failed, group="assign") is not None:
            self.busy = True

    def _failed(self, exc: BaseException) -> None:
        """Shown in place of the plan."""
        self.busy = False
        self.query_one("#assign-plan", Static).update(Text(failure_message(exc), "bold"))
        self.query_one("#assign-keys", Static).update(key_hint(self.app, "assign.close", "close"))

    def _planned(self, plan: AssignPlan) -> None:
        self.plan = plan
        self.query_one("#assign-plan", Static).update(plan_text(plan))
        keys = key_hint(self.app, "assign.close", "close")
        if plan.assignments:
            keys = (
                key_hint(self.app, "assign.apply", f"assign {len(plan.assignments)} people   ")
                + keys
            )
        self.query_one("#assign-keys", Static).update(keys)

    def action_apply(self) -> None:
        plan = self.plan
        if plan is None or self.busy or not plan.assignments or self.assigned is not None:
            return
        from deskapp.tui.screens.modals import ConfirmScreen

        question = f"Give {len(plan.assignments)} people a named contact as planned?"
        if plan.overflow:
            question += f" {plan.overflow} of them take an adviser over capacity."

        def answer(yes: bool | None) -> None:
            if yes:
                self.query_one("#assign-keys", Static).update("Assigning…")
                self._run(lambda desk: _apply(desk, plan), self._applied)

        self.app.push_screen(ConfirmScreen(question, yes="Assign", no="Not now"), answer)

    def _applied(self, count: int) -> None:
        self.assigned = count
        self.desk_app.refresh_pending()
        plan = self.plan
        skipped = (len(plan.assignments) if plan else 0) - count
        text = Text()
        text.append(f"Assigned {count} people a named contact.", "bold")
        if skipped:
            text.append(
                f"\n{skipped} were left alone: they were given a contact, or their planned "
                "adviser stopped being active, since the plan was made."
            )
        self.query_one("#assign-plan", Static).update(text)
        self.query_one("#assign-keys", Static).update(key_hint(self.app, "assign.close", "close"))
        self.notify(f"Assigned {count} people a named contact.", title="Auto-assign")

    def action_close(self) -> None:
        if self.busy and self.plan is not None:
            return  # applying: wait for it
        self.dismiss(self.assigned)


def _plan(desk: Any) -> AssignPlan:
    from deskapp.services.assign import plan_auto_assign

    return plan_auto_assign(desk)


def _apply(desk: Any, plan: AssignPlan) -> int:
    from deskapp.services.assign import apply

    return apply(desk, plan)
