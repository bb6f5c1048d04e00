"""The Django admin over the course database.

Registrations, groups, grades and the audit log are read-only here: their changes go through the
services (``deepcourse enroll|groups|grades ...``) so the rules run and every change is audited.

The offering and the staff come from ``course/`` (``deepcourse db migrate`` loads them), so they
are read-only here too: an edited course number would make the next ``db migrate`` create a second
offering, and an edited role would not change the staff member's permissions. The capacity is set
with ``deepcourse enroll capacity`` (raising it must promote from the waiting list).

Students are added and changed through the roster import service
(:func:`~deepcourse.portal.coursedb.services.students_import`): the same checks as a CSV row, and
a new student gets their account (username = the student id, an unusable password until they
reset it). Students cannot be deleted here: the deletion would cascade to grades (unaudited) and
to registrations (without promoting from the waiting list); a student's id cannot be edited, since
the audit log refers to it.

Every date-time is shown with its time zone (e.g. ``2026-10-20 09:00 IDT``).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

from deepcourse.course.csv_import import STUDENT_COLUMNS
from deepcourse.course.exceptions import ImportRejected
from deepcourse.portal.coursedb.models import (
    AuditEntry,
    GradeRecord,
    GroupMember,
    HomeworkGroup,
    Offering,
    Registration,
    StaffMember,
    Student,
)
from deepcourse.portal.coursedb.services import roster_list, students_import


def zoned(value: datetime | None) -> str:
    """``value`` in the site's time zone, with the zone: ``2026-10-20 09:00 IDT``."""
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value), "Y-m-d H:i T")


class NoDelete:
    """Refuse deletion in the admin (mix into a ModelAdmin or an inline)."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(NoDelete):
    """Refuse every change in the admin: view only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


@admin.register(Offering)
class OfferingAdmin(ReadOnlyAdmin):
    """View only: the offering comes from ``course/``; the capacity is set with the CLI."""

    list_display = ("number", "name", "semester", "capacity")


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    """View only: staff and their roles come from ``course/`` (``deepcourse db migrate``)."""

    list_display = ("name", "role", "user")


class StudentForm(forms.ModelForm):
    """A student as one roster row: validated (and later saved) by the roster import service."""

    class Meta:
        model = Student
        fields = ("student_id", "name", "email", "completed")

    def roster_csv(self) -> str:
        """The form as a one-row roster CSV (the id is the instance's on the change form)."""
        data = self.cleaned_data
        row = {
            "student_id": data.get("student_id") or self.instance.student_id,
            "name": data.get("name", ""),
            "email": data.get("email", ""),
            "completed": data.get("completed", ""),
        }
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=STUDENT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
        return out.getvalue()

    def clean(self):
        data = super().clean()
        if not self.errors:  # the fields are there: let the import's rules judge the row
            try:
                students_import(text=self.roster_csv(), apply=False)
            except ImportRejected as exc:
                raise ValidationError([msg for _, msg in exc.errors]) from None
        return data


@admin.register(Student)
class StudentAdmin(NoDelete, admin.ModelAdmin):
    form = StudentForm
    list_display = ("student_id", "name", "email", "completed")
    search_fields = ("student_id", "name", "email")

    def get_fields(self, request, obj=None):
        fields = ("student_id", "name", "email", "completed")
        return fields if obj is None else ("user", *fields)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "student_id") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        """Add or update through the roster import: a new student gets their account too."""
        students_import(text=form.roster_csv(), apply=True)
        obj.pk = Student.objects.values_list("pk", flat=True).get(student_id=obj.student_id)
        obj.refresh_from_db()


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Enrolled students, then the waiting list with each student's position on it."""

    list_display = ("student", "state", "position", "requested", "waived_by")
    list_filter = ("state",)
    list_select_related = ("student",)
    search_fields = ("student__student_id", "student__name")
    ordering = ("state", "seq")  # enrolled first, then the waiting list in its order
    fields = (
        "offering",
        "student",
        "state",
        "position",
        "requested",
        "waived_by",
        "waiver_reason",
    )
    readonly_fields = ("position", "requested")

    @staticmethod
    def _positions() -> dict[str, int | None]:
        """Student id -> waiting-list position (None when enrolled), from the roster service."""
        if not Offering.objects.exists():
            return {}
        return {line.student_id: line.position for line in roster_list()}

    def get_changelist_instance(self, request):
        """Attach each shown row's position, computed once for the page (no query per row)."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # evaluates (and caches) the page's rows
        if rows:
            positions = self._positions()
            for row in rows:
                row.waitlist_position = positions.get(row.student.student_id)
        return changelist

    @admin.display(description="waiting-list position", empty_value="")
    def position(self, obj: Registration) -> int | None:
        """1, 2, ... on the waiting list; blank when enrolled."""
        if not hasattr(obj, "waitlist_position"):  # the detail page: one row
            obj.waitlist_position = self._positions().get(obj.student.student_id)
        return obj.waitlist_position

    @admin.display(description="requested at", ordering="requested_at")
    def requested(self, obj: Registration) -> str:
        return zoned(obj.requested_at)


class GroupMemberInline(ReadOnly, admin.TabularInline):
    model = GroupMember
    extra = 0


@admin.register(HomeworkGroup)
class HomeworkGroupAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "assignment", "state", "locked", "created")
    list_filter = ("assignment", "state", "locked")
    fields = ("offering", "assignment", "state", "locked", "reason", "created")
    readonly_fields = ("created",)
    inlines = [GroupMemberInline]

    def get_queryset(self, request):  # __str__ lists the members
        return super().get_queryset(request).prefetch_related("members__student")

    @admin.display(description="created at", ordering="created_at")
    def created(self, obj: HomeworkGroup) -> str:
        return zoned(obj.created_at)


@admin.register(GradeRecord)
class GradeRecordAdmin(ReadOnlyAdmin):
    """Read-only here: grade changes go through the services (or the CLI) so they are audited."""

    list_display = ("student", "component", "value", "outcome", "source", "updated")
    list_filter = ("component", "source")
    list_select_related = ("student",)
    search_fields = ("student__student_id",)
    fields = ("student", "component", "value", "outcome", "source", "updated")
    readonly_fields = ("updated",)

    @admin.display(description="updated at", ordering="updated_at")
    def updated(self, obj: GradeRecord) -> str:
        return zoned(obj.updated_at)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "when",
        "actor",
        "action",
        "student_id",
        "subject",
        "old_value",
        "new_value",
        "reason",
    )
    list_filter = ("action", "source")
    search_fields = ("student_id", "actor", "reason")
    fields = (
        "when",
        "actor",
        "action",
        "student_id",
        "subject",
        "old_value",
        "new_value",
        "source",
        "reason",
    )
    readonly_fields = ("when",)

    @admin.display(description="at", ordering="at")
    def when(self, obj: AuditEntry) -> str:
        return zoned(obj.at)
