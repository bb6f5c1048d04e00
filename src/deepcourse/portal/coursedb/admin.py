"""The Django admin over the course database.

Registrations, groups, grades and the audit log are read-only here: their changes go through the
services (``deepcourse enroll|groups|grades ...``) so the rules run and every change is audited.
The capacity is read-only too (raising it must promote from the waiting list). Students and the
offering cannot be deleted here: the deletion would cascade to grades (unaudited) and to
registrations (without promoting from the waiting list); a student's id cannot be edited, since
the audit log refers to it.
"""

from django.contrib import admin

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
class OfferingAdmin(NoDelete, admin.ModelAdmin):
    list_display = ("number", "name", "semester", "capacity")
    readonly_fields = ("capacity",)


@admin.register(Student)
class StudentAdmin(NoDelete, admin.ModelAdmin):
    list_display = ("student_id", "name", "email", "completed")
    search_fields = ("student_id", "name", "email")

    def get_readonly_fields(self, request, obj=None):
        return ("student_id",) if obj is not None else ()


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "user")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("student", "state", "seq", "requested_at", "waived_by")
    list_filter = ("state",)
    search_fields = ("student__student_id", "student__name")


class GroupMemberInline(ReadOnly, admin.TabularInline):
    model = GroupMember
    extra = 0


@admin.register(HomeworkGroup)
class HomeworkGroupAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "assignment", "state", "locked")
    list_filter = ("assignment", "state", "locked")
    inlines = [GroupMemberInline]

    def get_queryset(self, request):  # __str__ lists the members
        return super().get_queryset(request).prefetch_related("members__student")


@admin.register(GradeRecord)
class GradeRecordAdmin(ReadOnlyAdmin):
    """Read-only here: grade changes go through the services (or the CLI) so they are audited."""

    list_display = ("student", "component", "value", "outcome", "source", "updated_at")
    list_filter = ("component", "source")
    search_fields = ("student__student_id",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
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
