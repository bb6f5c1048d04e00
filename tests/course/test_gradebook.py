"""Gradebook records: ranges, sources, audit entries, staff reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deepcourse.course.exceptions import GradeError
from deepcourse.course.gradebook import Source, grade_change, grade_parse, grade_text

NOW = datetime(2024, 2, 1, tzinfo=UTC)


def test_grades_keep_their_decimals():
    assert grade_parse("exam", "54.5") == Decimal("54.5")


@pytest.mark.parametrize("raw", ["-1", "100.01", "abc", "NaN", "Infinity"])
def test_a_value_out_of_range_is_refused(raw):
    with pytest.raises(GradeError, match="exam"):
        grade_parse("exam", raw, student_id="000000001")


def test_hw0_is_pass_or_fail():
    assert grade_parse("hw0", " PASS ") == "pass"
    with pytest.raises(GradeError, match="binary"):
        grade_parse("hw0", "80")


def test_an_unknown_component_is_refused():
    with pytest.raises(GradeError, match="unknown grade component 'hw4'"):
        grade_parse("hw4", "80")


def test_an_empty_value_means_no_grade():
    assert grade_parse("project", "") is None


def test_a_staff_grade_change_without_a_reason_is_refused():
    with pytest.raises(GradeError, match="needs a reason") as info:
        grade_change(
            student_id="000000001", component="exam", old=Decimal(50), new=Decimal(55),
            source=Source.STAFF, actor="tal.daniel", reason="", at=NOW,
        )  # fmt: skip
    assert info.value.student_id == "000000001"


def test_every_change_yields_an_audit_entry_with_who_when_old_new_and_why():
    entry = grade_change(
        student_id="000000001", component="exam", old=Decimal(50), new=Decimal("54.5"),
        source=Source.STAFF, actor="tal.daniel", reason="regrade", at=NOW,
    )  # fmt: skip
    assert (entry.actor, entry.at, entry.old, entry.new, entry.reason) == (
        "tal.daniel", NOW, "50", "54.5", "regrade",
    )  # fmt: skip


def test_an_autograder_change_needs_no_reason_and_a_no_op_yields_nothing():
    kwargs = dict(
        student_id="000000001",
        component="hw1",
        source=Source.AUTOGRADER,
        actor="grader",
        reason="",
        at=NOW,
    )
    assert grade_change(old=None, new=Decimal(90), **kwargs) is not None
    assert grade_change(old=Decimal("90.00"), new=Decimal(90), **kwargs) is None


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_a_grade_within_0_to_100_round_trips_through_text(value):
    assert grade_parse("exam", grade_text(value)) == value


def test_the_same_grade_written_with_trailing_zeros_is_not_a_change():
    assert grade_text(Decimal("54.50")) == grade_text(Decimal("54.5")) == "54.5"
    assert grade_text(Decimal("100.00")) == "100"
