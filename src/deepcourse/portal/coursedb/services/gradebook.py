"""The gradebook: audited grade changes, CSV import, report via the policy engine, Moodle export."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deepcourse.course import enrollment as rules
from deepcourse.course.csv_import import GradeChange, grades_parse
from deepcourse.course.gradebook import (
    COMPONENTS,
    ReportRow,
    Source,
    Value,
    grade_change,
    grade_parse,
    gradebook_report,
)
from deepcourse.course.moodle import moodle_csv
from deepcourse.portal.coursedb.models import (
    AuditEntry,
    GradeRecord,
    Student,
)
from deepcourse.portal.coursedb.services._base import (
    _audit,
    _offering,
    _student,
)
from deepcourse.portal.coursedb.services.groups import _domain_group, _group_of


def _record_value(record: GradeRecord | None) -> Value:
    if record is None:
        return None
    if record.component == "hw0":
        return record.outcome or None
    return record.value


def _write_grade(student: Student, component: str, value: Value, source: Source) -> None:
    defaults = {"source": source, "value": None, "outcome": ""}
    if component == "hw0":
        defaults["outcome"] = value or ""
    else:
        defaults["value"] = value
    GradeRecord.objects.update_or_create(student=student, component=component, defaults=defaults)


def grade_set(
    *,
    student_id: str,
    component: str,
    value: object,
    source: Source,
    actor: str,
    reason: str = "",
) -> Value:
    """Set one component of one student's grade; audited; a staff change needs a reason.

    Returns:
        The previous value.

    Raises:
        GradeError: unknown component, value out of range, staff change without a reason.
        RegistrationError: unknown student.
    """
    with transaction.atomic():
        _offering(lock=True)
        student = _student(student_id)
        new = grade_parse(component, value, student_id=student.student_id)
        record = GradeRecord.objects.filter(student=student, component=component).first()
        old = _record_value(record)
        entry = grade_change(
            student_id=student.student_id,
            component=component,
            old=old,
            new=new,
            source=Source(source),
            actor=actor,
            reason=reason,
            at=timezone.now(),
        )
        if entry is not None:
            _write_grade(student, component, new, Source(source))
            _audit(
                actor,
                "grade",
                entry.student_id,
                component,
                entry.old,
                entry.new,
                entry.reason,
                entry.source,
            )
    return old


def homework_grade_set(
    *, assignment: str, submitter: str, value: object, source: Source, actor: str, reason: str = ""
) -> tuple[str, ...]:
    """Grade a group's submission: every member of ``submitter``'s group gets the same grade.

    Returns:
        The members graded.
    """
    with transaction.atomic():
        offering = _offering(lock=True)
        row = _group_of(offering, assignment, _student(submitter).student_id)
        members = _domain_group(row).members
        for sid in members:
            grade_set(
                student_id=sid,
                component=assignment,
                value=value,
                source=source,
                actor=actor,
                reason=reason,
            )
    return members


def grades_import(
    *, text: str, apply: bool, actor: str, reason: str = "CSV import"
) -> list[GradeChange]:
    """Preview or apply a grades CSV: all cells or none, in one transaction, each audited."""
    with transaction.atomic():
        _offering(lock=True)
        known: dict[str, dict[str, Value]] = {
            sid: {} for sid in Student.objects.values_list("student_id", flat=True)
        }
        for record in GradeRecord.objects.select_related("student"):
            known[record.student.student_id][record.component] = _record_value(record)
        changes = grades_parse(text, known=known)
        if not apply:
            return changes
        students = {
            s.student_id: s
            for s in Student.objects.filter(student_id__in={c.student_id for c in changes})
        }
        records = {
            (r.student.student_id, r.component): r
            for r in GradeRecord.objects.filter(student__in=students.values()).select_related(
                "student"
            )
        }
        now = timezone.now()
        entries, to_create, to_update = [], [], []
        for c in changes:
            entry = grade_change(
                student_id=c.student_id,
                component=c.component,
                old=c.old,
                new=c.new,
                source=Source.IMPORT,
                actor=actor,
                reason=reason,
                at=now,
            )
            record = records.get((c.student_id, c.component))
            if record is None:
                record = GradeRecord(student=students[c.student_id], component=c.component)
                to_create.append(record)
            else:
                to_update.append(record)
            record.source = Source.IMPORT
            record.updated_at = now
            record.value = None if c.component == "hw0" else c.new
            record.outcome = (c.new or "") if c.component == "hw0" else ""
            entries.append(
                AuditEntry(
                    at=now,
                    actor=actor or "unknown",
                    action="grade",
                    student_id=c.student_id,
                    subject=c.component,
                    old_value=entry.old,
                    new_value=entry.new,
                    source=Source.IMPORT,
                    reason=entry.reason,
                )
            )
        GradeRecord.objects.bulk_create(to_create, batch_size=1000)
        GradeRecord.objects.bulk_update(
            to_update, ["value", "outcome", "source", "updated_at"], batch_size=1000
        )
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        return changes


def gradebook_rows(*, enrolled_only: bool = True) -> list[ReportRow]:
    """Every (enrolled) student's components and the policy engine's final grade."""
    from deepcourse.course import load_course

    offering = _offering(lock=False)
    qs = Student.objects.order_by("student_id")
    if enrolled_only:
        qs = qs.filter(
            registrations__offering=offering, registrations__state=rules.Placement.ENROLLED
        )
    students = list(qs.values_list("student_id", "name", "email"))
    grades: dict[str, dict[str, Value]] = {}
    for sid, component, value, outcome in GradeRecord.objects.values_list(
        "student__student_id", "component", "value", "outcome"
    ):
        grades.setdefault(sid, {})[component] = (outcome or None) if component == "hw0" else value
    policy = load_course().assessment.policy
    return gradebook_report(students=students, grades=grades, policy=policy)


def grades_export_moodle(*, enrolled_only: bool = True) -> str:
    return moodle_csv(gradebook_rows(enrolled_only=enrolled_only))


def audit_list(*, student_id: str | None = None) -> list[AuditEntry]:
    qs = AuditEntry.objects.order_by("id")
    if student_id:
        qs = qs.filter(student_id=student_id)
    return list(qs)


def grade_values(*, student_id: str) -> dict[str, Value]:
    student = _student(student_id)
    values: dict[str, Value] = dict.fromkeys(COMPONENTS)
    for record in GradeRecord.objects.filter(student=student):
        values[record.component] = _record_value(record)
    return values
