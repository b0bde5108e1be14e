"""The pure checks on pulled rows: types, allowed values, sizes, keys, versions, clock."""

from __future__ import annotations

from deskapp.protocol import hlc
from deskapp.protocol.wire_checks import (
    ALLOWED,
    DRIFT,
    MALFORMED,
    MAX_ROW_BYTES,
    MAX_TEXT,
    FieldRule,
    Kind,
    ahead,
    data_problems,
    key_problem,
    missing_required,
    parse_each,
    size_problem,
    value_problem,
    versions_problem,
)

GRADE = FieldRule(Kind.INT, nullable=False, allowed=ALLOWED[("incident", "grade")])
STATUS = FieldRule(Kind.TEXT, nullable=False, allowed=ALLOWED[("incident", "status")])
RULES = {
    "grade": GRADE,
    "status": STATUS,
    "summary": FieldRule(Kind.TEXT, nullable=False),
    "closed_at": FieldRule(Kind.TIME),
    "review_date": FieldRule(Kind.DATE),
    "deleted": FieldRule(Kind.BOOL, nullable=False),
}


def test_values_of_the_wrong_type_or_outside_the_vocabulary_fail() -> None:
    assert value_problem("grade", GRADE, 2) is None
    for bad in ("abc", "2", 2.0, True, 5, 0, [], {}):
        assert value_problem("grade", GRADE, bad) is not None, bad
    assert value_problem("status", STATUS, "in-progress") is None
    assert value_problem("status", STATUS, "pwned") == "status: not one of the allowed values"
    assert value_problem("status", STATUS, None) == "status: empty"
    assert value_problem("summary", RULES["summary"], 12) == "summary: not text"
    assert value_problem("closed_at", RULES["closed_at"], "2026-05-07T10:00:00+00:00") is None
    for bad in ("not-a-date", "2026-05-07T10:00:00", "2026-13-01T00:00:00+00:00", 7):
        assert value_problem("closed_at", RULES["closed_at"], bad) is not None, bad
    assert (
        value_problem("review_date", RULES["review_date"], "2026-02-30")
        == "review_date: not a date"
    )
    assert value_problem("deleted", RULES["deleted"], True) is None
    assert value_problem("deleted", RULES["deleted"], "yes") is not None


def test_sizes_are_capped_per_field_and_per_row() -> None:
    summary = RULES["summary"]
    assert value_problem("summary", summary, "x" * 10_000) is None  # a long note is fine
    assert value_problem("summary", summary, "x" * (MAX_TEXT + 1)) is not None
    assert size_problem(1000, 100) is None
    assert size_problem(MAX_ROW_BYTES + 1, 100) is not None
    assert size_problem(None, 100) is None  # an erased insert-only row
    assert size_problem(100, None) is not None


def test_reasons_never_quote_a_value_or_a_name_from_the_hub() -> None:
    data = {"status": "\x1b]0;pwned\x07", "\x1b[2Jevil": 1, "grade": "Siân Evans"}
    problems = data_problems(data, RULES)
    assert set(problems) == {"status", "grade", ""}
    text = " ".join(problems.values())
    assert "\x1b" not in text and "pwned" not in text and "Siân" not in text
    assert "evil" not in text
    assert data_problems(["not", "a", "row"], RULES) == {"": "values that are not a map of fields"}
    assert data_problems(MALFORMED, RULES) == {"": "values that are not JSON"}
    assert missing_required({"grade": 2}, {"summary", "grade"}) == "summary: missing"


def test_keys_and_versions_must_be_plain() -> None:
    assert key_problem("0190a1b2-c3d4", 1) is None
    assert key_problem("a:b", 2) is None
    assert key_problem("a:b:c", 2) is not None
    assert key_problem(":b", 2) is not None
    assert key_problem("\x1b]0;x\x07", 1) is not None
    assert key_problem("x" * 201, 1) is not None
    good = {"*": [1, "site-a", 3], "grade": [2, "site-b", 4, 1, "site-a"]}
    assert versions_problem(good, RULES) is None
    for bad in (
        [],
        {},
        {"*": [1]},
        {"*": ["1", "site"]},
        {"*": [True, "site"]},
        {"*": [-1, "site"]},
        {"*": [1 << 64, "site"]},
        {"*": [1, "\x1b[2J"]},
        {"unknown": [1, "site"]},
    ):
        assert versions_problem(bad, RULES) is not None, bad


def test_a_version_past_the_allowed_drift_is_ahead() -> None:
    now = 1_800_000_000_000
    near = hlc.encode(now + hlc.MAX_DRIFT_MS, 7)
    far = hlc.encode(now + hlc.MAX_DRIFT_MS + 1, 0)
    assert ahead({"*": (near, "a"), "grade": (far, "b")}, now) == ["grade"]
    assert "ahead of this desk's clock" in DRIFT


def test_parse_each_never_lets_one_text_spill_into_the_next() -> None:
    assert parse_each(['{"a":1}', "[2]", "null"]) == [{"a": 1}, [2], None]
    # One text holding two values would shift the rest if parsed as one array.
    assert parse_each(['{"a":1},{"b":2}', '{"c":3}']) == [MALFORMED, {"c": 3}]
    assert parse_each(['{"a":', "1}"]) == [MALFORMED, MALFORMED]
    assert parse_each([]) == []
