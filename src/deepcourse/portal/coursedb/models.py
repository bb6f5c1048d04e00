"""Persistence for the course rules. The rules live in :mod:`deepcourse.course`; models only store.

Database-level guarantees (beyond what the services check):

- ``Registration``: one row per (offering, student): no student is listed twice;
- ``GroupMember``: one row per (assignment, student): at most one group per assignment;
- ``GradeRecord``: one row per (student, component);
- ``AuditEntry``: append-only; ``save()`` refuses updates and ``delete()`` refuses, and migration
  0002 adds triggers (SQLite and PostgreSQL) that raise on UPDATE or DELETE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from deepcourse.course.enrollment import Placement
from deepcourse.course.gradebook import COMPONENTS, Source
from deepcourse.course.groups import GroupState
from deepcourse.course.offering import Role


def _choices(enum) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class Offering(models.Model):
    """A course offering (one row per course number and semester); its row is the seat lock."""

    number = models.CharField(max_length=6)
    semester = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField()
    prerequisites = models.CharField(
        max_length=200, blank=True, help_text="';'-separated course numbers; any one suffices"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["number", "semester"], name="offering_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name} ({self.semester})"


class Student(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="student"
    )
    student_id = models.CharField("Technion id", max_length=9, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    completed = models.CharField(
        max_length=500, blank=True, help_text="';'-separated course numbers"
    )

    class Meta:
        ordering = ["student_id"]

    def __str__(self) -> str:
        return f"{self.student_id} {self.name}"

    @property
    def completed_set(self) -> frozenset[str]:
        return frozenset(c for c in self.completed.split(";") if c)


class StaffMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_staff"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=_choices(Role))

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class Registration(models.Model):
    """A student's place: enrolled, or waitlisted (ordered by ``seq``, the request order)."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="registrations")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="registrations")
    state = models.CharField(max_length=12, choices=_choices(Placement))
    seq = models.PositiveBigIntegerField(help_text="request order (the waiting list's order)")
    requested_at = models.DateTimeField(auto_now_add=True)
    waived_by = models.CharField(max_length=150, blank=True)
    waiver_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "student"], name="registration_once"),
            models.UniqueConstraint(fields=["offering", "seq"], name="registration_seq_unique"),
        ]
        indexes = [models.Index(fields=["offering", "state", "seq"])]

    def __str__(self) -> str:
        return f"{self.student.student_id} {self.state}"


class HomeworkGroup(models.Model):
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="groups")
    assignment = models.CharField(max_length=10)
    state = models.CharField(max_length=12, choices=_choices(GroupState))
    locked = models.BooleanField(default=False, help_text="has a submission")
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        members = " + ".join(m.student.student_id for m in self.members.all())
        return f"{self.assignment}: {members} ({self.state})"


class GroupMember(models.Model):
    group = models.ForeignKey(HomeworkGroup, on_delete=models.CASCADE, related_name="members")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="group_members")
    assignment = models.CharField(max_length=10)  # copied from the group for the constraint
    position = models.PositiveSmallIntegerField()  # 0 = proposer

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="one_group_per_assignment"
            ),
        ]


class GradeRecord(models.Model):
    """One component of one student's grade; hw0 uses ``outcome``, the rest ``value``."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="grades")
    component = models.CharField(max_length=10, choices=[(c, c) for c in COMPONENTS])
    value = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(max_length=4, blank=True, help_text="hw0: pass or fail")
    source = models.CharField(max_length=12, choices=_choices(Source))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "component"], name="grade_once"),
        ]

    def __str__(self) -> str:
        return f"{self.student.student_id} {self.component}"


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntry(models.Model):
    """Append-only: who, when, what (old -> new), why. Never updated, never deleted."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=40)  # "grade", "group.dissolve", "registration.waive", ...
    student_id = models.CharField(max_length=9)
    subject = models.CharField(max_length=20, blank=True)  # component or assignment
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=12, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["student_id", "subject"])]

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise AuditLogIsAppendOnly(
                f"audit entry {self.pk} cannot be changed: the audit log is append-only; "
                "record a new change instead"
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(
            f"audit entry {self.pk} cannot be deleted: the audit log is append-only"
        )

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor}: {self.action} {self.student_id}"
