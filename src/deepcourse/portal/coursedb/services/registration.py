"""Registration: seat requests, drops, the capacity, the roster (offering row locked)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max

from deepcourse.course import enrollment as rules
from deepcourse.course.exceptions import RegistrationError
from deepcourse.portal.coursedb.models import (
    Offering,
    Registration,
    Student,
)
from deepcourse.portal.coursedb.services._base import (
    _as_domain,
    _audit,
    _offering,
    _prerequisites,
    _student,
)


def _roster(offering: Offering) -> rules.Roster:
    enrolled, waitlist = [], []
    for sid, state in (
        Registration.objects.filter(offering=offering)
        .order_by("seq")
        .values_list("student__student_id", "state")
    ):
        (enrolled if state == rules.Placement.ENROLLED else waitlist).append(sid)
    return rules.Roster(offering.capacity, tuple(enrolled), tuple(waitlist))


def _notify_promoted(student_ids: Iterable[str], offering: Offering) -> None:
    ids = list(student_ids)
    if not ids:
        return
    people = list(
        Student.objects.filter(student_id__in=ids).values_list("student_id", "name", "email")
    )

    def send() -> None:
        for sid, name, email in people:
            send_mail(
                f"{offering.number} {offering.name}: you are enrolled",
                f"Dear {name},\n\nA seat became free in {offering.number} {offering.name} "
                f"({offering.semester}) and you ({sid}) moved from the waiting list into the "
                "course. You are now enrolled.\n",
                None,
                [email],
            )

    transaction.on_commit(send)


@dataclass(frozen=True)
class RequestResult:
    student_id: str
    placement: rules.Placement
    position: int | None
    waived: bool


def enrollment_request(
    *, student_id: str, actor: str = "", waiver_reason: str = ""
) -> RequestResult:
    """Register a student: enrolled while seats are free, else waitlisted in request order.

    Args:
        student_id: the 9-digit Technion id (the student must have been imported).
        actor: who acts (a staff username when waiving).
        waiver_reason: non-empty when staff waive the prerequisites; recorded with ``actor``.

    Raises:
        RegistrationError: unknown student, already registered, prerequisites unmet.
    """
    waived = bool(waiver_reason.strip())
    if waived and not actor:
        raise RegistrationError(
            f"student {student_id}: a prerequisite waiver needs the staff member who grants it",
            rule="prerequisites",
            student_id=student_id,
        )
    with transaction.atomic():
        offering = _offering(lock=True)
        student = _student(student_id)
        roster = _roster(offering)
        domain = _as_domain(student)
        prerequisites = _prerequisites(offering)
        outcome = rules.enrollment_request(
            roster=roster, student=domain, prerequisites=prerequisites, waived=waived
        )
        recorded_waiver = waived and not prerequisites.satisfied_by(domain.completed)
        seq = (Registration.objects.filter(offering=offering).aggregate(m=Max("seq"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                Registration.objects.create(
                    offering=offering,
                    student=student,
                    state=outcome.placement,
                    seq=seq,
                    waived_by=actor if recorded_waiver else "",
                    waiver_reason=waiver_reason.strip() if recorded_waiver else "",
                )
        except IntegrityError:  # a concurrent request for the same student won the race
            raise RegistrationError(
                f"student {student.student_id} is already registered: a student registers once",
                rule="once",
                student_id=student.student_id,
            ) from None
        if recorded_waiver:
            _audit(
                actor,
                "registration.waive",
                student.student_id,
                "prerequisites",
                "",
                "waived",
                waiver_reason,
            )
    return RequestResult(student.student_id, outcome.placement, outcome.position, recorded_waiver)


def enrollment_request_many(*, student_ids: Iterable[str]) -> list[RequestResult]:
    """Register many students in one transaction (bulk import of a MOOC-sized roster).

    Same rules as :func:`enrollment_request`, applied in the given order.
    """
    ids = [rules.student_id_validate(s) for s in student_ids]
    with transaction.atomic():
        offering = _offering(lock=True)
        students = {s.student_id: s for s in Student.objects.filter(student_id__in=ids)}
        roster = _roster(offering)
        prereq = _prerequisites(offering)
        seq = Registration.objects.filter(offering=offering).aggregate(m=Max("seq"))["m"] or 0
        results, new_rows = [], []
        for sid in ids:
            if sid not in students:
                _student(sid)  # raises naming the student
            outcome = rules.enrollment_request(
                roster=roster, student=_as_domain(students[sid]), prerequisites=prereq
            )
            roster = outcome.roster
            seq += 1
            new_rows.append(
                Registration(
                    offering=offering, student=students[sid], state=outcome.placement, seq=seq
                )
            )
            results.append(RequestResult(sid, outcome.placement, outcome.position, False))
        Registration.objects.bulk_create(new_rows, batch_size=1000)
    return results


@dataclass(frozen=True)
class DropResult:
    student_id: str
    was: rules.Placement
    promoted: str | None


def enrollment_drop(*, student_id: str) -> DropResult:
    """Drop a student; if they held a seat, the first waitlisted student is promoted and emailed.

    Raises:
        RegistrationError: unknown or unregistered student.
    """
    with transaction.atomic():
        offering = _offering(lock=True)
        student = _student(student_id)
        outcome = rules.enrollment_drop(roster=_roster(offering), student_id=student.student_id)
        Registration.objects.filter(offering=offering, student=student).delete()
        if outcome.promoted:
            Registration.objects.filter(
                offering=offering, student__student_id=outcome.promoted
            ).update(state=rules.Placement.ENROLLED)
            _notify_promoted([outcome.promoted], offering)
    return DropResult(student.student_id, outcome.was, outcome.promoted)


def offering_capacity_set(*, capacity: int) -> tuple[str, ...]:
    """Set the number of seats; raising it promotes that many (each is emailed).

    Returns:
        The promoted student ids, in waiting-list order.

    Raises:
        RegistrationError: not positive, or below the number enrolled.
    """
    with transaction.atomic():
        offering = _offering(lock=True)
        outcome = rules.capacity_set(roster=_roster(offering), capacity=capacity)
        offering.capacity = capacity
        offering.save(update_fields=["capacity"])
        if outcome.promoted:
            Registration.objects.filter(
                offering=offering, student__student_id__in=outcome.promoted
            ).update(state=rules.Placement.ENROLLED)
            _notify_promoted(outcome.promoted, offering)
    return outcome.promoted


@dataclass(frozen=True)
class RosterLine:
    student_id: str
    state: rules.Placement
    position: int | None  # 1-based on the waiting list; None when enrolled


def roster_list() -> list[RosterLine]:
    """Enrolled students (request order), then the waiting list with 1-based positions."""
    offering = _offering(lock=False)
    roster = _roster(offering)
    lines = [RosterLine(s, rules.Placement.ENROLLED, None) for s in roster.enrolled]
    lines += [
        RosterLine(s, rules.Placement.WAITLISTED, i) for i, s in enumerate(roster.waitlist, 1)
    ]
    return lines
