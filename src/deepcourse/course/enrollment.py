"""Registration: seats, the waiting list and prerequisites, as pure functions over dataclasses.

The course page: "the course can support 40 enrolled students. There is a registration waiting
list of students that were not able to register but want to join should students cancel their
registration." Prerequisites: 046195 *or* 236756.

The rules (each has a test named after it in ``tests/course/test_enrollment.py``):

- a request is checked against the prerequisites; it is rejected with the reason unless staff
  waive it (the waiver is recorded by the caller);
- while seats are free the student is enrolled, otherwise waitlisted in request order;
- when an enrolled student drops, the first waitlisted student is promoted at once;
- raising the capacity promotes that many; it can never go below the students already enrolled;
- a student is listed at most once (enrolled or waitlisted, not both, never twice).

Invariants (checked by hypothesis): ``len(enrolled) <= capacity``; no id appears twice; the
waiting list is non-empty only when the course is full.

Functions return a *new* :class:`Roster` and never mutate their input; the persistence layer
(:mod:`deepcourse.portal.coursedb.services`) loads a roster inside one locked transaction, calls
these, and writes the difference back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from deepcourse.course.exceptions import RegistrationError
from deepcourse.course.offering import Prerequisites

STUDENT_ID_PATTERN = re.compile(r"\d{9}")
COURSE_NUMBER_PATTERN = re.compile(r"\d{6}")


class Placement(StrEnum):
    """Where a registration stands."""

    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"


@dataclass(frozen=True)
class Student:
    """A student as registration sees them.

    Attributes:
        student_id: the 9-digit Technion id (a string: leading zeros matter).
        name: full name.
        email: where notifications go.
        completed: course numbers the student completed (e.g. ``{"046195"}``).
    """

    student_id: str
    name: str
    email: str
    completed: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Roster:
    """One offering's registrations: enrolled ids and the waiting list in request order."""

    capacity: int
    enrolled: tuple[str, ...] = ()
    waitlist: tuple[str, ...] = ()

    @property
    def free_seats(self) -> int:
        return max(self.capacity - len(self.enrolled), 0)

    def placement_of(self, student_id: str) -> Placement | None:
        if student_id in self.enrolled:
            return Placement.ENROLLED
        if student_id in self.waitlist:
            return Placement.WAITLISTED
        return None

    def waitlist_position(self, student_id: str) -> int | None:
        """1-based position on the waiting list, or None when not waitlisted."""
        try:
            return self.waitlist.index(student_id) + 1
        except ValueError:
            return None


@dataclass(frozen=True)
class RequestOutcome:
    roster: Roster
    placement: Placement
    position: int | None  # 1-based waiting-list position; None when enrolled
    waived: bool


@dataclass(frozen=True)
class DropOutcome:
    roster: Roster
    was: Placement
    promoted: str | None  # the waitlisted student who took the seat


@dataclass(frozen=True)
class CapacityOutcome:
    roster: Roster
    promoted: tuple[str, ...]


def student_id_validate(raw: str) -> str:
    """Return a clean 9-digit Technion id or raise naming the bad value.

    Raises:
        RegistrationError: not exactly nine digits.
    """
    text = str(raw).strip()
    if not STUDENT_ID_PATTERN.fullmatch(text):
        raise RegistrationError(
            f"student id {raw!r} is not a Technion id: expected exactly 9 digits (e.g. 012345678)",
            rule="student_id",
            student_id=text or None,
        )
    return text


def enrollment_request(
    *,
    roster: Roster,
    student: Student,
    prerequisites: Prerequisites,
    waived: bool = False,
) -> RequestOutcome:
    """Register ``student``: enrolled while seats are free, otherwise waitlisted in request order.

    Args:
        roster: the offering's current registrations.
        student: who asks.
        prerequisites: the offering's prerequisites (any one of 046195, 236756).
        waived: staff waived the prerequisites (the caller records who and why).

    Returns:
        The new roster, the placement and the waiting-list position (1-based).

    Raises:
        RegistrationError: already registered (rule ``once``), or prerequisites unmet and not
            waived (rule ``prerequisites``).
    """
    sid = student.student_id
    where = roster.placement_of(sid)
    if where is not None:
        raise RegistrationError(
            f"student {sid} is already {where.value}"
            + (
                f" (waiting-list position {roster.waitlist_position(sid)})"
                if where is Placement.WAITLISTED
                else ""
            )
            + ": a student registers once; drop first to register again",
            rule="once",
            student_id=sid,
        )
    if not waived and not prerequisites.satisfied_by(student.completed):
        have = ", ".join(sorted(student.completed)) or "none"
        raise RegistrationError(
            f"student {sid} does not meet the prerequisites: needs {prerequisites.describe()} "
            f"(completed: {have}); staff may waive this with a recorded reason",
            rule="prerequisites",
            student_id=sid,
        )
    if roster.free_seats > 0:
        new = replace(roster, enrolled=(*roster.enrolled, sid))
        return RequestOutcome(new, Placement.ENROLLED, None, waived)
    new = replace(roster, waitlist=(*roster.waitlist, sid))
    return RequestOutcome(new, Placement.WAITLISTED, len(new.waitlist), waived)


def enrollment_drop(*, roster: Roster, student_id: str) -> DropOutcome:
    """Remove a student; an enrolled student's seat goes at once to the first on the waiting list.

    Raises:
        RegistrationError: the student is not registered (rule ``registered``).
    """
    where = roster.placement_of(student_id)
    if where is None:
        raise RegistrationError(
            f"student {student_id} is not registered: nothing to drop (see `deepcourse roster`)",
            rule="registered",
            student_id=student_id,
        )
    if where is Placement.WAITLISTED:
        waitlist = tuple(s for s in roster.waitlist if s != student_id)
        return DropOutcome(replace(roster, waitlist=waitlist), where, None)
    enrolled = tuple(s for s in roster.enrolled if s != student_id)
    promoted = None
    waitlist = roster.waitlist
    if waitlist and len(enrolled) < roster.capacity:
        promoted, waitlist = waitlist[0], waitlist[1:]
        enrolled = (*enrolled, promoted)
    return DropOutcome(Roster(roster.capacity, enrolled, waitlist), where, promoted)


def capacity_set(*, roster: Roster, capacity: int) -> CapacityOutcome:
    """Change the number of seats; raising it promotes that many from the waiting list.

    Raises:
        RegistrationError: ``capacity`` is not a positive integer, or is below the number of
            students already enrolled (rule ``capacity``): drop students first.
    """
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise RegistrationError(
            f"capacity must be a positive whole number of seats, got {capacity!r}", rule="capacity"
        )
    if capacity < len(roster.enrolled):
        raise RegistrationError(
            f"capacity {capacity} is below the {len(roster.enrolled)} students already enrolled: "
            "enrolled students keep their seats; drop students first or choose at least "
            f"{len(roster.enrolled)}",
            rule="capacity",
        )
    free = capacity - len(roster.enrolled)
    promoted = roster.waitlist[:free]
    new = Roster(capacity, (*roster.enrolled, *promoted), roster.waitlist[len(promoted) :])
    return CapacityOutcome(new, tuple(promoted))


__all__ = [
    "CapacityOutcome",
    "DropOutcome",
    "Placement",
    "RequestOutcome",
    "Roster",
    "Student",
    "capacity_set",
    "enrollment_drop",
    "enrollment_request",
    "student_id_validate",
]
