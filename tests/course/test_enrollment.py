"""Registration rules: seats, the waiting list, prerequisites (the course page's numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcourse.course import load_course
from deepcourse.course.enrollment import (
    Placement,
    Roster,
    Student,
    capacity_set,
    enrollment_drop,
    enrollment_request,
    student_id_validate,
)
from deepcourse.course.exceptions import RegistrationError

PREREQ = load_course().offering.prerequisites


def student(n: int, completed=("046195",)) -> Student:
    sid = f"{n:09d}"
    return Student(sid, f"Student {n}", f"s{n}@campus.technion.ac.il", frozenset(completed))


def full_roster(capacity: int, waiting: int = 0) -> Roster:
    roster = Roster(capacity)
    for n in range(1, capacity + waiting + 1):
        roster = enrollment_request(roster=roster, student=student(n), prerequisites=PREREQ).roster
    return roster


def test_the_course_offers_forty_seats():
    assert load_course().offering.capacity == 40


def test_a_student_is_enrolled_while_seats_are_free():
    outcome = enrollment_request(roster=Roster(40), student=student(1), prerequisites=PREREQ)
    assert outcome.placement is Placement.ENROLLED and outcome.position is None
    assert outcome.roster.enrolled == ("000000001",)


def test_the_41st_student_is_waitlisted_in_request_order():
    roster = full_roster(40, waiting=2)
    assert len(roster.enrolled) == 40
    assert roster.waitlist == ("000000041", "000000042")
    assert roster.waitlist_position("000000042") == 2


@pytest.mark.parametrize("completed", [("046195",), ("236756",), ("046195", "236756")])
def test_either_prerequisite_course_suffices(completed):
    outcome = enrollment_request(
        roster=Roster(40), student=student(1, completed), prerequisites=PREREQ
    )
    assert outcome.placement is Placement.ENROLLED


def test_a_request_without_the_prerequisites_is_rejected_with_the_reason():
    with pytest.raises(
        RegistrationError, match=r"000000001 does not meet the prerequisites.*046195.*236756"
    ) as info:
        enrollment_request(roster=Roster(40), student=student(1, ()), prerequisites=PREREQ)
    assert info.value.rule == "prerequisites" and info.value.student_id == "000000001"


def test_staff_may_waive_the_prerequisites():
    outcome = enrollment_request(
        roster=Roster(40), student=student(1, ()), prerequisites=PREREQ, waived=True
    )
    assert outcome.placement is Placement.ENROLLED and outcome.waived


def test_a_student_cannot_register_twice():
    roster = full_roster(1, waiting=1)
    for n in (1, 2):
        with pytest.raises(RegistrationError, match="already") as info:
            enrollment_request(roster=roster, student=student(n), prerequisites=PREREQ)
        assert info.value.rule == "once"


def test_dropping_a_student_promotes_the_first_on_the_waitlist():
    roster = full_roster(2, waiting=2)
    outcome = enrollment_drop(roster=roster, student_id="000000001")
    assert outcome.promoted == "000000003"
    assert outcome.roster.enrolled == ("000000002", "000000003")
    assert outcome.roster.waitlist == ("000000004",)


def test_dropping_a_waitlisted_student_moves_the_ones_behind_up():
    roster = full_roster(1, waiting=3)
    outcome = enrollment_drop(roster=roster, student_id="000000002")
    assert outcome.promoted is None and outcome.was is Placement.WAITLISTED
    assert outcome.roster.waitlist_position("000000004") == 2


def test_dropping_an_unregistered_student_names_the_student():
    with pytest.raises(RegistrationError, match="000000009 is not registered"):
        enrollment_drop(roster=full_roster(2), student_id="000000009")


def test_raising_the_capacity_promotes_that_many():
    roster = full_roster(2, waiting=5)
    outcome = capacity_set(roster=roster, capacity=5)
    assert outcome.promoted == ("000000003", "000000004", "000000005")
    assert outcome.roster.waitlist == ("000000006", "000000007")


def test_the_capacity_cannot_go_below_the_students_enrolled():
    with pytest.raises(RegistrationError, match="below the 3 students already enrolled"):
        capacity_set(roster=full_roster(3), capacity=2)


@pytest.mark.parametrize("bad", [0, -1, True, "40"])
def test_the_capacity_is_a_positive_whole_number(bad):
    with pytest.raises(RegistrationError, match="positive whole number"):
        capacity_set(roster=Roster(3), capacity=bad)


@pytest.mark.parametrize("raw", ["12345678", "1234567890", "12345678a", ""])
def test_a_student_id_has_nine_digits(raw):
    with pytest.raises(RegistrationError, match="expected exactly 9 digits"):
        student_id_validate(raw)


def test_a_student_id_keeps_its_leading_zeros():
    assert student_id_validate(" 012345678 ") == "012345678"


operations = st.lists(
    st.one_of(
        st.tuples(st.just("request"), st.integers(1, 30)),
        st.tuples(st.just("drop"), st.integers(1, 30)),
        st.tuples(st.just("capacity"), st.integers(1, 12)),
    ),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(capacity=st.integers(1, 10), ops=operations)
def test_the_course_never_holds_more_than_its_capacity_and_no_student_is_listed_twice(
    capacity, ops
):
    roster = Roster(capacity)
    for op, arg in ops:
        try:
            if op == "request":
                roster = enrollment_request(
                    roster=roster, student=student(arg), prerequisites=PREREQ
                ).roster
            elif op == "drop":
                roster = enrollment_drop(roster=roster, student_id=f"{arg:09d}").roster
            else:
                roster = capacity_set(roster=roster, capacity=arg).roster
        except RegistrationError:
            pass
        listed = roster.enrolled + roster.waitlist
        assert len(roster.enrolled) <= roster.capacity
        assert len(listed) == len(set(listed))
        # the waiting list only exists while the course is full
        assert not roster.waitlist or len(roster.enrolled) == roster.capacity
