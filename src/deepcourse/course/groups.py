"""Homework pairs: one group per student per assignment, proposed by one and confirmed by the other.

The course page: "Submission is only in pairs. You can change pairs between assignments. For each
assignment, you will need to create a group ... and then submit through this group (so only one of
the pair can submit and both of you will get the grade)."

Rules (tests in ``tests/course/test_groups.py`` are named after them):

- a student proposes a group with one partner for an assignment; the partner confirms;
- both must be enrolled;
- a student is in at most one group per assignment (a pending proposal counts);
- staff may approve a single-member group, with a reason;
- a group is locked once it has a submission: students can no longer leave it; staff may still
  change it, with a reason, and the change is audited by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from deepcourse.course.exceptions import GroupError


class GroupState(StrEnum):
    PROPOSED = "proposed"  # waiting for the partner to confirm
    CONFIRMED = "confirmed"  # a pair
    SINGLE = "single"  # one member, approved by staff with a reason


@dataclass(frozen=True)
class Group:
    """A homework group for one assignment."""

    assignment: str
    members: tuple[str, ...]  # proposer first
    state: GroupState
    locked: bool = False  # has a submission
    reason: str = ""  # why staff approved a single-member group

    @property
    def proposer(self) -> str:
        return self.members[0]


def _check_assignment(assignment: str, assignments: Iterable[str]) -> None:
    known = tuple(assignments)
    if assignment not in known:
        raise GroupError(
            f"no assignment {assignment!r}: expected one of {', '.join(known)}", rule="assignment"
        )


def _check_free(student_id: str, assignment: str, groups: Iterable[Group]) -> None:
    for g in groups:
        if g.assignment == assignment and student_id in g.members:
            raise GroupError(
                f"student {student_id} is already in a {g.state.value} group for {assignment} "
                f"({' + '.join(g.members)}): a student is in at most one group per assignment; "
                "leave that group first",
                rule="one_group_per_assignment",
                student_id=student_id,
            )


def _check_enrolled(student_id: str, enrolled: frozenset[str] | set[str]) -> None:
    if student_id not in enrolled:
        raise GroupError(
            f"student {student_id} is not enrolled: both members of a group must be enrolled",
            rule="enrolled",
            student_id=student_id,
        )


def group_propose(
    *,
    assignment: str,
    proposer: str,
    partner: str,
    enrolled: frozenset[str] | set[str],
    groups: Iterable[Group],
    assignments: Iterable[str],
) -> Group:
    """Propose a pair for ``assignment``; the partner must confirm it.

    Raises:
        GroupError: unknown assignment, a student paired with themselves, either student not
            enrolled, or either already in a group for this assignment.
    """
    _check_assignment(assignment, assignments)
    if proposer == partner:
        raise GroupError(
            f"student {proposer} cannot pair with themselves: submission is only in pairs "
            "(staff may approve a single-member group with a reason)",
            rule="pairs",
            student_id=proposer,
        )
    groups = tuple(groups)
    for sid in (proposer, partner):
        _check_enrolled(sid, enrolled)
    for sid in (proposer, partner):
        _check_free(sid, assignment, groups)
    return Group(assignment, (proposer, partner), GroupState.PROPOSED)


def group_confirm(*, group: Group, by: str) -> Group:
    """The partner confirms a proposed pair.

    Raises:
        GroupError: the group is not waiting for confirmation, or ``by`` is not the partner.
    """
    if group.state is not GroupState.PROPOSED:
        raise GroupError(
            f"the {group.assignment} group {' + '.join(group.members)} is already {group.state.value}",
            rule="confirm",
            student_id=by,
        )
    if by != group.members[1]:
        raise GroupError(
            f"student {by} cannot confirm the {group.assignment} group {' + '.join(group.members)}: "
            f"only the invited partner ({group.members[1]}) confirms",
            rule="confirm",
            student_id=by,
        )
    return replace(group, state=GroupState.CONFIRMED)


def group_approve_single(
    *,
    assignment: str,
    student_id: str,
    reason: str,
    enrolled: frozenset[str] | set[str],
    groups: Iterable[Group],
    assignments: Iterable[str],
) -> Group:
    """Staff approve a single-member group; the reason is required and recorded.

    Raises:
        GroupError: no reason, student not enrolled, or already in a group for the assignment.
    """
    _check_assignment(assignment, assignments)
    if not reason or not reason.strip():
        raise GroupError(
            f"a single-member {assignment} group for student {student_id} needs a reason "
            "(e.g. --reason 'reserve duty'): submission is otherwise only in pairs",
            rule="single_needs_reason",
            student_id=student_id,
        )
    _check_enrolled(student_id, enrolled)
    _check_free(student_id, assignment, groups)
    return Group(assignment, (student_id,), GroupState.SINGLE, reason=reason.strip())


def group_leave_check(*, group: Group, student_id: str, staff: bool, reason: str = "") -> None:
    """May ``student_id``'s group be dissolved? Students: only while unlocked; staff: with a reason.

    Raises:
        GroupError: the group is locked by a submission and this is not a staff change, or a
            staff change on a locked group has no reason.
    """
    if group.locked and not staff:
        raise GroupError(
            f"the {group.assignment} group {' + '.join(group.members)} is locked: it has a "
            "submission; ask staff to change it",
            rule="locked",
            student_id=student_id,
        )
    if group.locked and staff and not reason.strip():
        raise GroupError(
            f"changing the locked {group.assignment} group {' + '.join(group.members)} needs a "
            "reason (it is audited)",
            rule="locked",
            student_id=student_id,
        )


def group_submit_check(*, group: Group, student_id: str) -> None:
    """One member submits for the group; a proposal not yet confirmed cannot submit.

    Raises:
        GroupError: the group is still a proposal, or ``student_id`` is not a member.
    """
    if student_id not in group.members:
        raise GroupError(
            f"student {student_id} is not in the {group.assignment} group "
            f"{' + '.join(group.members)}",
            rule="member",
            student_id=student_id,
        )
    if group.state is GroupState.PROPOSED:
        raise GroupError(
            f"the {group.assignment} group {' + '.join(group.members)} is not confirmed yet: the "
            f"partner {group.members[1]} must confirm before submitting",
            rule="confirm",
            student_id=student_id,
        )


__all__ = [
    "Group",
    "GroupState",
    "group_approve_single",
    "group_confirm",
    "group_leave_check",
    "group_propose",
    "group_submit_check",
]
