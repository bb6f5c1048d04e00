"""The gradebook: audited grade changes, CSV import, report via the policy engine, Moodle export."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deepcourse.course import enrollment as rules
from deepcourse.course.csv_import import GradeChange, grades_parse
from deepcourse.course.gradebook import (
    BINARY_COMPONENTS,
    COMPONENTS,
    ReportRow,
    Source,
    Value,
    grade_change,
    grade_parse,
    gradebook_report,
)
from deepcourse.course.groups import group_submit_check
from deepcourse.course.moodle import moodle_csv
from deepcourse.portal.coursedb.models import (
    AuditEntry,
    GradeRecord,
    Student,
)
from deepcourse.portal.coursedb.services._base import (
    _audit,
    _audit_entry,
    _offering,
    _student,
)
from deepcourse.portal.coursedb.services.groups import _domain_group, _group_of


def _from_columns(component: str, value, outcome: str) -> Value:
    """A stored grade: a binary component (hw0) lives in ``outcome``, the rest in ``value``."""
    return (outcome or None) if component in BINARY_COMPONENTS else value


def _to_columns(component: str, value: Value) -> dict[str, object]:
    """The ``value`` and ``outcome`` columns that store ``value`` (see :func:`_from_columns`)."""
    if component in BINARY_COMPONENTS:
        return {"value": None, "outcome": value or ""}
    return {"value": value, "outcome": ""}


def _record_value(record: GradeRecord | None) -> Value:
    if record is None:
        return None
    return _from_columns(record.component, record.value, record.outcome)


def _write_grade(student: Student, component: str, value: Value, source: Source) -> None:
    defaults = {"source": source, **_to_columns(component, value)}
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

    Raises:
        GroupError: ``submitter`` has no group for ``assignment``, or the pair is still a
            proposal (its partner has not confirmed, so cannot be given the grade).
    """
    with transaction.atomic():
        offering = _offering(lock=True)
        submitter_id = _student(submitter).student_id
        group = _domain_group(_group_of(offering, assignment, submitter_id))
        group_submit_check(group=group, student_id=submitter_id)
        members = group.members
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
        students = {s.student_id: s for s in Student.objects.all()}
        known: dict[str, dict[str, Value]] = {sid: {} for sid in students}
        records: dict[tuple[str, str], GradeRecord] = {}
        for record in GradeRecord.objects.select_related("student"):
            sid = record.student.student_id
            known[sid][record.component] = _record_value(record)
            records[(sid, record.component)] = record
        changes = grades_parse(text, known=known)
        if not apply:
            return changes
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
            columns = _to_columns(c.component, c.new)
            record.value, record.outcome = columns["value"], columns["outcome"]
            entries.append(
                _audit_entry(
                    actor,
                    "grade",
                    c.student_id,
                    c.component,
                    entry.old,
                    entry.new,
                    entry.reason,
                    Source.IMPORT,
                    at=now,
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
    from deepcourse.course import default_course

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
        grades.setdefault(sid, {})[component] = _from_columns(component, value, outcome)
    policy = default_course().assessment.policy
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
