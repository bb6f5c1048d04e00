"""Homework pairs: propose, confirm, single-member approval, leave, submit (locks the group)."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.db.models import prefetch_related_objects

from deepcourse.course import enrollment as rules
from deepcourse.course import groups as pair_rules
from deepcourse.course.exceptions import GroupError
from deepcourse.course.gradebook import (
    COMPONENTS,
)
from deepcourse.portal.coursedb.models import (
    GroupMember,
    HomeworkGroup,
    Offering,
    Registration,
    Student,
)
from deepcourse.portal.coursedb.services._base import (
    _audit,
    _offering,
    _student,
)


def _assignments() -> tuple[str, ...]:
    return tuple(c for c in COMPONENTS if c.startswith("hw"))


#: What :func:`_domain_group` reads; fetch it with the groups (two queries for any number of them).
MEMBERS = "members__student"


def _domain_group(group: HomeworkGroup) -> pair_rules.Group:
    """The rules' view of ``group``; prefetch :data:`MEMBERS` first (``members.all()`` uses it)."""
    members = tuple(m.student.student_id for m in group.members.all())
    return pair_rules.Group(
        group.assignment, members, pair_rules.GroupState(group.state), group.locked, group.reason
    )


def _groups(offering: Offering, assignment: str) -> list[pair_rules.Group]:
    return [
        _domain_group(g)
        for g in HomeworkGroup.objects.filter(
            offering=offering, assignment=assignment
        ).prefetch_related(MEMBERS)
    ]


def _enrolled_ids(offering: Offering) -> frozenset[str]:
    return frozenset(
        Registration.objects.filter(offering=offering, state=rules.Placement.ENROLLED).values_list(
            "student__student_id", flat=True
        )
    )


def _group_create(offering: Offering, group: pair_rules.Group) -> HomeworkGroup:
    row = HomeworkGroup.objects.create(
        offering=offering, assignment=group.assignment, state=group.state, reason=group.reason
    )
    students = {s.student_id: s for s in Student.objects.filter(student_id__in=group.members)}
    for position, sid in enumerate(group.members):
        GroupMember.objects.create(
            group=row, student=students[sid], assignment=group.assignment, position=position
        )
    return row


def _group_of(offering: Offering, assignment: str, student_id: str) -> HomeworkGroup:
    member = (
        GroupMember.objects.filter(
            group__offering=offering, assignment=assignment, student__student_id=student_id
        )
        .select_related("group")
        .first()
    )
    if member is None:
        raise GroupError(
            f"student {student_id} has no group for {assignment}",
            rule="member",
            student_id=student_id,
        )
    prefetch_related_objects([member.group], MEMBERS)
    return member.group


def group_propose(*, assignment: str, proposer: str, partner: str) -> pair_rules.Group:
    """``proposer`` proposes a pair with ``partner`` for ``assignment``; the partner confirms."""
    with transaction.atomic():
        offering = _offering(lock=True)
        p1, p2 = _student(proposer), _student(partner)
        group = pair_rules.group_propose(
            assignment=assignment,
            proposer=p1.student_id,
            partner=p2.student_id,
            enrolled=_enrolled_ids(offering),
            groups=_groups(offering, assignment),
            assignments=_assignments(),
        )
        _group_create(offering, group)
    return group


def group_confirm(*, assignment: str, student_id: str) -> pair_rules.Group:
    """The invited partner confirms the proposed pair."""
    with transaction.atomic():
        offering = _offering(lock=True)
        sid = _student(student_id).student_id
        row = _group_of(offering, assignment, sid)
        group = pair_rules.group_confirm(group=_domain_group(row), by=sid)
        row.state = group.state
        row.save(update_fields=["state"])
    return group


def group_approve_single(
    *, assignment: str, student_id: str, reason: str, actor: str
) -> pair_rules.Group:
    """Staff approve a single-member group (the reason is required and audited)."""
    with transaction.atomic():
        offering = _offering(lock=True)
        sid = _student(student_id).student_id
        group = pair_rules.group_approve_single(
            assignment=assignment,
            student_id=sid,
            reason=reason,
            enrolled=_enrolled_ids(offering),
            groups=_groups(offering, assignment),
            assignments=_assignments(),
        )
        _group_create(offering, group)
        _audit(actor, "group.approve_single", sid, assignment, "", sid, reason)
    return group


def group_leave(
    *, assignment: str, student_id: str, actor: str = "", staff: bool = False, reason: str = ""
) -> pair_rules.Group:
    """Dissolve ``student_id``'s group for ``assignment`` (all members become free).

    Students may do so until the group has a submission; staff may also change a locked group,
    with a reason, and that change is audited.
    """
    with transaction.atomic():
        offering = _offering(lock=True)
        sid = _student(student_id).student_id
        row = _group_of(offering, assignment, sid)
        group = _domain_group(row)
        pair_rules.group_leave_check(group=group, student_id=sid, staff=staff, reason=reason)
        row.delete()
        if staff:
            _audit(actor, "group.dissolve", sid, assignment, " + ".join(group.members), "", reason)
    return group


def group_submit(*, assignment: str, student_id: str) -> pair_rules.Group:
    """Record that ``student_id`` submitted for their group: the group is locked from now on."""
    with transaction.atomic():
        offering = _offering(lock=True)
        sid = _student(student_id).student_id
        row = _group_of(offering, assignment, sid)
        group = _domain_group(row)
        pair_rules.group_submit_check(group=group, student_id=sid)
        row.locked = True
        row.save(update_fields=["locked"])
    return replace(group, locked=True)


def group_list(*, assignment: str | None = None) -> list[pair_rules.Group]:
    offering = _offering(lock=False)
    qs = HomeworkGroup.objects.filter(offering=offering).order_by("assignment", "id")
    if assignment:
        qs = qs.filter(assignment=assignment)
    return [_domain_group(g) for g in qs.prefetch_related(MEMBERS)]
