"""Shared helpers of the services: the locked offering, students, audit entries."""

from __future__ import annotations

from django.utils import timezone

from deepcourse.course import enrollment as rules
from deepcourse.course.exceptions import RegistrationError
from deepcourse.course.gradebook import Source
from deepcourse.course.offering import PrerequisiteCourse, Prerequisites
from deepcourse.portal.coursedb.models import (
    AuditEntry,
    Offering,
    Student,
)


def _offering(*, lock: bool) -> Offering:
    qs = Offering.objects.order_by("id")
    if lock:
        qs = qs.select_for_update()
    offering = qs.first()
    if offering is None:
        raise RegistrationError(
            "no course is loaded in this database: run `deepcourse db migrate` (it loads course/)",
            rule="course_loaded",
        )
    return offering


def _prerequisites(offering: Offering) -> Prerequisites:
    courses = []
    for item in filter(None, offering.prerequisites.split(";")):
        number, _, name = item.partition("=")
        courses.append(PrerequisiteCourse(number, name or number, name or number))
    return Prerequisites(tuple(courses), rule="any")


def _as_domain(student: Student) -> rules.Student:
    return rules.Student(student.student_id, student.name, student.email, student.completed_set)


def _student(student_id: str) -> Student:
    sid = rules.student_id_validate(student_id)
    try:
        return Student.objects.get(student_id=sid)
    except Student.DoesNotExist:
        raise RegistrationError(
            f"unknown student {sid}: import them first (`deepcourse students import FILE.csv`)",
            rule="known_student",
            student_id=sid,
        ) from None


def _audit_entry(
    actor, action, student_id, subject, old, new, reason, source=Source.STAFF, *, at=None
) -> AuditEntry:
    """An unsaved audit entry (for ``bulk_create``); :func:`_audit` saves one at once."""
    return AuditEntry(
        at=at or timezone.now(),
        actor=actor or "unknown",
        action=action,
        student_id=student_id,
        subject=subject,
        old_value=old,
        new_value=new,
        source=source,
        reason=reason.strip(),
    )


def _audit(actor, action, student_id, subject, old, new, reason, source=Source.STAFF) -> None:
    _audit_entry(actor, action, student_id, subject, old, new, reason, source).save()
