"""The merge rule alone, without a database: a replica's state is what merging the
changes it has seen gives, and it must not depend on their order, grouping or repeats."""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

from hypothesis import given
from hypothesis import strategies as st

from deskapp.protocol import merge_rule
from deskapp.protocol.merge_rule import FieldChange, RowChange, Version

State = dict[tuple[str, str, str], FieldChange | RowChange]

SITES = ("desk-a", "desk-b", "desk-c")


def _key(change: FieldChange | RowChange) -> tuple[str, str, str]:
    if isinstance(change, FieldChange):
        return (change.entity, change.row_id, change.field)
    return (change.entity, change.row_id, "")


def absorb(state: State, change: FieldChange | RowChange) -> State:
    out = dict(state)
    key = _key(change)
    held = out.get(key)
    if isinstance(change, FieldChange):
        assert held is None or isinstance(held, FieldChange)
        out[key] = change if held is None else merge_rule.winner(held, change)
    else:
        assert held is None or isinstance(held, RowChange)
        out[key] = merge_rule.merge_appended(held, change)
    return out


def merge(a: State, b: State) -> State:
    return reduce(absorb, b.values(), a)


def replica(changes: Iterable[FieldChange | RowChange]) -> State:
    return reduce(absorb, changes, {})


versions = st.builds(Version, st.integers(0, 40), st.sampled_from(SITES))


@st.composite
def field_changes(draw: st.DrawFn) -> FieldChange:
    version = draw(versions)
    # One write is one version: the same version always carries the same value.
    return FieldChange(
        "person", draw(st.sampled_from("xy")), draw(st.sampled_from(("name", "phone"))),
        f"{version.site}@{version.hlc}", version,
    )  # fmt: skip


@st.composite
def row_changes(draw: st.DrawFn) -> RowChange:
    row_id = draw(st.sampled_from(("n1", "n2")))
    erased = draw(st.booleans())
    values = None if erased else {"text": f"note {row_id}"}
    return RowChange("contact", row_id, values, draw(versions), erased=erased)


changes = st.lists(st.one_of(field_changes(), row_changes()), max_size=12)


@given(changes, changes)
def test_merge_is_commutative(
    a: list[FieldChange | RowChange], b: list[FieldChange | RowChange]
) -> None:
    assert _shown(merge(replica(a), replica(b))) == _shown(merge(replica(b), replica(a)))


@given(changes, changes, changes)
def test_merge_is_associative(
    a: list[FieldChange | RowChange],
    b: list[FieldChange | RowChange],
    c: list[FieldChange | RowChange],
) -> None:
    left = merge(merge(replica(a), replica(b)), replica(c))
    right = merge(replica(a), merge(replica(b), replica(c)))
    assert _shown(left) == _shown(right)


@given(changes)
def test_merge_is_idempotent(a: list[FieldChange | RowChange]) -> None:
    state = replica(a)
    assert _shown(merge(state, state)) == _shown(state)
    assert _shown(replica(a + a)) == _shown(state)


@given(changes, st.permutations(range(12)))
def test_order_does_not_matter(a: list[FieldChange | RowChange], order: list[int]) -> None:
    shuffled = [a[k] for k in order if k < len(a)]
    assert _shown(replica(shuffled)) == _shown(replica(a))


@given(changes, row_changes())
def test_erasure_wins_over_every_copy_made_before_it(
    a: list[FieldChange | RowChange], row: RowChange
) -> None:
    last = Version(40, SITES[-1])  # at or after every version drawn
    erasure = RowChange(row.entity, row.row_id, None, last, erased=True)
    for merged in (replica([*a, erasure]), replica([erasure, *a])):
        held = merged[_key(erasure)]
        assert isinstance(held, RowChange) and held.erased and held.values is None


def test_a_row_made_again_after_its_erasure_is_back() -> None:
    """A person taken off an event and linked again: the later link stays, in any order."""
    first = RowChange("event_person", "e:p", {"event_id": "e"}, Version(1, "desk-a"), False)
    off = RowChange("event_person", "e:p", None, Version(2, "desk-a"), erased=True)
    again = RowChange("event_person", "e:p", {"event_id": "e"}, Version(3, "desk-b"), False)
    for order in ([first, off, again], [again, off, first], [off, again, first]):
        held = replica(order)[_key(first)]
        assert isinstance(held, RowChange) and not held.erased
    assert replica([first, off])[_key(first)] is off
    assert replica([off, first])[_key(first)] is off  # a retried push brings nothing back


def _shown(state: State) -> dict[tuple[str, str, str], object]:
    """What a reader sees of a state: values, and an insert-only row's presence."""
    return {
        key: (c.value, c.version) if isinstance(c, FieldChange) else (c.erased, c.values)
        for key, c in state.items()
    }


def test_larger_version_wins_and_the_site_breaks_ties() -> None:
    assert merge_rule.wins(Version(2, "a"), Version(1, "z"))
    assert merge_rule.wins(Version(2, "b"), Version(2, "a"))
    assert not merge_rule.wins(Version(2, "a"), Version(2, "a"))
    assert merge_rule.wins(Version(0, "a"), None)


def _field(value: str, hlc: int, site: str) -> FieldChange:
    return FieldChange("person", "p1", "phone", value, Version(hlc, site))


def test_a_desk_is_told_when_its_edit_lost_to_one_made_without_sight_of_it() -> None:
    """The hub cannot read, so each desk tells its own losses: its edit replaced by a
    pulled one that was made without sight of it (``unseen``: ours unsent, or published
    after what the other desk had pulled)."""
    ours, theirs = Version(3, "desk-a"), Version(5, "desk-b")
    assert merge_rule.lost_on_desk(ours, theirs, site="desk-a", unseen=True)
    # Made having seen ours: it replaced it knowingly.
    assert not merge_rule.lost_on_desk(ours, theirs, site="desk-a", unseen=False)
    # Not this desk's edit, or ours won.
    assert not merge_rule.lost_on_desk(ours, theirs, site="desk-c", unseen=True)
    assert not merge_rule.lost_on_desk(theirs, ours, site="desk-b", unseen=True)


def test_an_erased_person_is_told_by_its_values() -> None:
    assert merge_rule.is_erased_person({"deleted": True, "name": merge_rule.ERASED_NAME})
    assert not merge_rule.is_erased_person({"deleted": True, "name": "Ann"})
    assert not merge_rule.is_erased_person({"deleted": False, "name": merge_rule.ERASED_NAME})
