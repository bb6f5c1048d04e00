"""The Django admin over the course database; the audit log is read-only for everyone."""

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


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "semester", "capacity")


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("student_id", "name", "email", "completed")
    search_fields = ("student_id", "name", "email")


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "user")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("student", "state", "seq", "requested_at", "waived_by")
    list_filter = ("state",)
    search_fields = ("student__student_id", "student__name")


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0


@admin.register(HomeworkGroup)
class HomeworkGroupAdmin(admin.ModelAdmin):
    list_display = ("__str__", "assignment", "state", "locked")
    list_filter = ("assignment", "state", "locked")
    inlines = [GroupMemberInline]


@admin.register(GradeRecord)
class GradeRecordAdmin(admin.ModelAdmin):
    """Read-only here: grade changes go through the services (or the CLI) so they are audited."""

    list_display = ("student", "component", "value", "outcome", "source", "updated_at")
    list_filter = ("component", "source")
    search_fields = ("student__student_id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
