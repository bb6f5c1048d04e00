"""The offering: who teaches what, when, where, for how many, and who may register.

Plain dataclasses, loaded from ``course/course.toml`` by :mod:`deepcourse.course.loader`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A staff member's role, as the course page names them."""

    LECTURER = "lecturer"  # "lectures will be given by Prof. Daniel Soudry"
    HEAD_TA = "head_ta"  # "tutorials will be given by Tal Daniel (Head TA)"
    GRADER = "grader"  # "the HW will be graded by Noam Kasten"

    @property
    def label(self) -> str:
        return {"lecturer": "Lecturer", "head_ta": "Head TA", "grader": "HW grader"}[self.value]


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: Role
    title: str | None = None
    gives: tuple[str, ...] = ()
    contact_for: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}" if self.title else self.name


@dataclass(frozen=True)
class Session:
    """A weekly teaching slot (lecture or tutorial)."""

    kind: str
    day: str
    start: str
    end: str
    room: str
    given_by: str


@dataclass(frozen=True)
class PrerequisiteCourse:
    number: str
    name_en: str
    name_he: str


@dataclass(frozen=True)
class Prerequisites:
    """Registration requires *any* one of ``courses`` (046195 or 236756)."""

    courses: tuple[PrerequisiteCourse, ...]
    rule: str = "any"
    note_en: str = ""
    note_he: str = ""

    def satisfied_by(self, completed: set[str] | frozenset[str]) -> bool:
        """Whether a student who completed ``completed`` (course numbers) may register."""
        have = [c.number in completed for c in self.courses]
        return any(have) if self.rule == "any" else all(have)

    def describe(self) -> str:
        joiner = " or " if self.rule == "any" else " and "
        return joiner.join(f"{c.number} {c.name_en}" for c in self.courses)


@dataclass(frozen=True)
class Resource:
    title: str
    authors: str
    year: int
    publisher: str | None = None


@dataclass(frozen=True)
class Channels:
    forum: str
    forum_note: str
    materials: str
    notebooks: str
    recordings: str
    recordings_note: str
    office_hours: str
    reserve_duty: str


@dataclass(frozen=True)
class Outcome:
    en: str
    he: str


@dataclass(frozen=True)
class Offering:
    number: str
    name_en: str
    name_he: str
    faculty: str
    semester: str
    weeks: int
    language: str
    capacity: int
    waiting_list: bool
    leave_notice: str
    description_en: str
    description_he: str
    staff: tuple[StaffMember, ...]
    sessions: tuple[Session, ...]
    prerequisites: Prerequisites
    resources: tuple[Resource, ...]
    channels: Channels
    outcomes: tuple[Outcome, ...]

    def staff_with_role(self, role: Role) -> tuple[StaffMember, ...]:
        return tuple(s for s in self.staff if s.role is role)
