"""Homework pairs: proposed by one, confirmed by the other, one group per assignment."""

from __future__ import annotations

import pytest

from deepcourse.course.exceptions import GroupError
from deepcourse.course.groups import (
    Group,
    GroupState,
    group_approve_single,
    group_confirm,
    group_leave_check,
    group_propose,
    group_submit_check,
)

HW = ("hw0", "hw1", "hw2", "hw3")
ENROLLED = {"000000001", "000000002", "000000003", "000000004"}


def propose(a="000000001", b="000000002", assignment="hw1", groups=()):
    return group_propose(
        assignment=assignment,
        proposer=a,
        partner=b,
        enrolled=ENROLLED,
        groups=groups,
        assignments=HW,
    )


def test_a_student_proposes_a_pair_and_the_partner_confirms():
    group = propose()
    assert group.state is GroupState.PROPOSED
    assert group_confirm(group=group, by="000000002").state is GroupState.CONFIRMED


def test_only_the_invited_partner_confirms():
    with pytest.raises(GroupError, match="only the invited partner"):
        group_confirm(group=propose(), by="000000001")


def test_both_members_must_be_enrolled():
    with pytest.raises(GroupError, match="000000009 is not enrolled") as info:
        propose(b="000000009")
    assert info.value.rule == "enrolled"


def test_a_student_is_in_at_most_one_group_per_assignment():
    first = propose()
    with pytest.raises(GroupError, match="000000002 is already in a proposed group for hw1"):
        propose("000000003", "000000002", groups=[first])


def test_students_may_change_pairs_between_assignments():
    first = propose()
    assert propose("000000003", "000000002", assignment="hw2", groups=[first]).members == (
        "000000003",
        "000000002",
    )


def test_a_student_cannot_pair_with_themselves():
    with pytest.raises(GroupError, match="cannot pair with themselves"):
        propose(b="000000001")


def test_an_unknown_assignment_is_refused():
    with pytest.raises(GroupError, match="no assignment 'hw9'"):
        propose(assignment="hw9")


def test_staff_may_approve_a_single_member_group_with_a_reason():
    group = group_approve_single(
        assignment="hw1", student_id="000000001", reason="reserve duty", enrolled=ENROLLED,
        groups=(), assignments=HW,
    )  # fmt: skip
    assert group.state is GroupState.SINGLE and group.reason == "reserve duty"


def test_a_single_member_group_needs_a_reason():
    with pytest.raises(GroupError, match="needs a reason"):
        group_approve_single(
            assignment="hw1", student_id="000000001", reason=" ", enrolled=ENROLLED, groups=(),
            assignments=HW,
        )  # fmt: skip


def test_a_group_is_locked_once_it_has_a_submission():
    locked = Group("hw1", ("000000001", "000000002"), GroupState.CONFIRMED, locked=True)
    with pytest.raises(GroupError, match="locked: it has a submission"):
        group_leave_check(group=locked, student_id="000000001", staff=False)


def test_staff_may_change_a_locked_group_with_a_reason():
    locked = Group("hw1", ("000000001", "000000002"), GroupState.CONFIRMED, locked=True)
    group_leave_check(group=locked, student_id="000000001", staff=True, reason="appeal")
    with pytest.raises(GroupError, match="needs a reason"):
        group_leave_check(group=locked, student_id="000000001", staff=True, reason="")


def test_an_unconfirmed_pair_cannot_submit():
    with pytest.raises(GroupError, match="not confirmed yet"):
        group_submit_check(group=propose(), student_id="000000001")
