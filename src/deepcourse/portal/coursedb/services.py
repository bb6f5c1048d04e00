"""Course database services: each change is one transaction that calls the framework-free rules.

Every function here is keyword-only and named ``<entity>_<action>``. A change:

1. opens a transaction and locks the offering row (``SELECT ... FOR UPDATE`` on PostgreSQL; on
   SQLite the transaction itself starts with ``BEGIN IMMEDIATE``, which takes the write lock), so
   concurrent processes changing seats, groups or grades queue instead of racing;
2. loads the state the rule needs into :mod:`deepcourse.course` dataclasses;
3. calls the rule, which returns the new state or raises a
   :class:`~deepcourse.course.exceptions.RuleViolation` naming the student and the rule;
4. writes the difference and the audit entries; emails go out only after the commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from deepcourse.course import enrollment as rules
from deepcourse.course import groups as pair_rules
from deepcourse.course.csv_import import GradeChange, StudentChange, grades_parse, students_parse
from deepcourse.course.exceptions import GroupError, RegistrationError
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
from deepcourse.course.offering import PrerequisiteCourse, Prerequisites, Role
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

#: Django permission sets per staff role (codenames in the coursedb app).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.LECTURER: ("view", "add", "change", "delete"),
    Role.HEAD_TA: ("view", "add", "change", "delete"),
    Role.GRADER: ("view",),
}
GRADER_EXTRA = ("change_graderecord", "add_graderecord")
STUDENT_GROUP = "students"


# ---------------------------------------------------------------- loading the course


def course_load(*, course) -> Offering:
    """Create or refresh the offering, the staff users and their permission groups (idempotent).

    An existing offering keeps its capacity (staff may have raised it); names and prerequisites are
    refreshed from ``course/``.
    """
    o = course.offering
    prereq = ";".join(f"{c.number}={c.name_en}" for c in o.prerequisites.courses)
    User = get_user_model()
    with transaction.atomic():
        offering, created = Offering.objects.get_or_create(
            number=o.number,
            semester=o.semester,
            defaults={"name": o.name_en, "capacity": o.capacity, "prerequisites": prereq},
        )
        if not created and (offering.name, offering.prerequisites) != (o.name_en, prereq):
            offering.name, offering.prerequisites = o.name_en, prereq
            offering.save(update_fields=["name", "prerequisites"])
        perms = Permission.objects.filter(content_type__app_label="coursedb")
        for role, verbs in ROLE_PERMISSIONS.items():
            group, _ = AuthGroup.objects.get_or_create(name=role.value)
            wanted = [p for p in perms if p.codename.split("_", 1)[0] in verbs]
            if role is Role.GRADER:
                wanted += [p for p in perms if p.codename in GRADER_EXTRA]
            # No one gets to change or delete audit entries, whatever the role.
            wanted = [
                p for p in wanted if p.codename not in ("change_auditentry", "delete_auditentry")
            ]
            group.permissions.set(wanted)
        AuthGroup.objects.get_or_create(name=STUDENT_GROUP)
        for member in o.staff:
            username = _username(member.name)
            user, made = User.objects.get_or_create(
                username=username, defaults={"email": "", "is_staff": True}
            )
            if made:  # staff set a password with `deepcourse db manage changepassword NAME`
                user.set_unusable_password()
            first, _, last = member.name.partition(" ")
            user.first_name, user.last_name, user.is_staff = first, last, True
            user.save()
            user.groups.add(AuthGroup.objects.get(name=member.role.value))
            StaffMember.objects.update_or_create(
                user=user, defaults={"name": member.name, "role": member.role.value}
            )
    return offering


def _username(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")


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


@dataclass(frozen=True)
class OfferingSummary:
    number: str = ""
    name: str = ""
    semester: str = ""
    capacity: int = 0
    enrolled: int = 0
    waitlisted: int = 0


def offering_summary() -> OfferingSummary:
    offering = Offering.objects.order_by("id").first()
    if offering is None:
        return OfferingSummary()
    regs = Registration.objects.filter(offering=offering)
    return OfferingSummary(
        offering.number,
        offering.name,
        offering.semester,
        offering.capacity,
        regs.filter(state=rules.Placement.ENROLLED).count(),
        regs.filter(state=rules.Placement.WAITLISTED).count(),
    )


# ---------------------------------------------------------------- students


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


def students_import(*, text: str, apply: bool) -> list[StudentChange]:
    """Preview (``apply=False``) or apply a roster CSV, all rows or none, in one transaction.

    Raises:
        ImportRejected: any bad row (nothing is applied).
    """
    with transaction.atomic():
        existing = {s.student_id: _as_domain(s) for s in Student.objects.all()}
        changes = students_parse(text, existing=existing)
        if not apply:
            return changes
        User = get_user_model()
        students_group, _ = AuthGroup.objects.get_or_create(name=STUDENT_GROUP)
        adds = [c.student for c in changes if c.action == "add"]
        users = []
        for s in adds:
            first, _, last = s.name.partition(" ")
            user = User(
                username=s.student_id, email=s.email, first_name=first[:150], last_name=last[:150]
            )
            user.set_unusable_password()
            users.append(user)
        taken = set(
            User.objects.filter(username__in=[s.student_id for s in adds]).values_list(
                "username", flat=True
            )
        )
        User.objects.bulk_create([u for u in users if u.username not in taken], batch_size=500)
        by_name = {
            u.username: u for u in User.objects.filter(username__in=[s.student_id for s in adds])
        }
        Student.objects.bulk_create(
            [
                Student(
                    user=by_name[s.student_id],
                    student_id=s.student_id,
                    name=s.name,
                    email=s.email,
                    completed=";".join(sorted(s.completed)),
                )
                for s in adds
            ],
            batch_size=500,
        )
        students_group.user_set.add(*by_name.values())
        for c in changes:
            if c.action == "update":
                Student.objects.filter(student_id=c.student.student_id).update(
                    name=c.student.name,
                    email=c.student.email,
                    completed=";".join(sorted(c.student.completed)),
                )
                User.objects.filter(username=c.student.student_id).update(email=c.student.email)
        return changes


# ---------------------------------------------------------------- registration


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
        outcome = rules.enrollment_request(
            roster=roster, student=domain, prerequisites=_prerequisites(offering), waived=waived
        )
        recorded_waiver = waived and not _prerequisites(offering).satisfied_by(domain.completed)
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
            AuditEntry.objects.create(
                at=timezone.now(),
                actor=actor,
                action="registration.waive",
                student_id=student.student_id,
                subject="prerequisites",
                new_value="waived",
                source=Source.STAFF,
                reason=waiver_reason.strip(),
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


# ---------------------------------------------------------------- pairs


def _assignments() -> tuple[str, ...]:
    return tuple(c for c in COMPONENTS if c.startswith("hw"))


def _domain_group(group: HomeworkGroup) -> pair_rules.Group:
    members = tuple(m.student.student_id for m in group.members.select_related("student"))
    return pair_rules.Group(
        group.assignment, members, pair_rules.GroupState(group.state), group.locked, group.reason
    )


def _groups(offering: Offering, assignment: str) -> list[pair_rules.Group]:
    return [
        _domain_group(g)
        for g in HomeworkGroup.objects.filter(offering=offering, assignment=assignment)
    ]


def _enrolled_ids(offering: Offering) -> frozenset[str]:
    return frozenset(
        Registration.objects.filter(offering=offering, state=rules.Placement.ENROLLED).values_list(
            "student__student_id", flat=True
        )
    )


def _group_create(offering: Offering, group: pair_rules.Group) -> HomeworkGroup:
    row = HomeworkGroup.objects.create(
        offering=offering, assignment=group.assignment, state=group.state, reason=group.reason
    )
    students = {s.student_id: s for s in Student.objects.filter(student_id__in=group.members)}
    for position, sid in enumerate(group.members):
        GroupMember.objects.create(
            group=row, student=students[sid], assignment=group.assignment, position=position
        )
    return row


def _group_of(offering: Offering, assignment: str, student_id: str) -> HomeworkGroup:
    member = (
        GroupMember.objects.filter(
            group__offering=offering, assignment=assignment, student__student_id=student_id
        )
        .select_related("group")
        .first()
    )
    if member is None:
        raise GroupError(
            f"student {student_id} has no group for {assignment}",
            rule="member",
            student_id=student_id,
        )
    return member.group


def group_propose(*, assignment: str, proposer: str, partner: str) -> pair_rules.Group:
    """``proposer`` proposes a pair with ``partner`` for ``assignment``; the partner confirms."""
    with transaction.atomic():
        offering = _offering(lock=True)
        p1, p2 = _student(proposer), _student(partner)
        group = pair_rules.group_propose(
            assignment=assignment,
            proposer=p1.student_id,
            partner=p2.student_id,
            enrolled=_enrolled_ids(offering),
            groups=_groups(offering, assignment),
            assignments=_assignments(),
        )
        _group_create(offering, group)
    return group


def group_confirm(*, assignment: str, student_id: str) -> pair_rules.Group:
    """The invited partner confirms the proposed pair."""
    with transaction.atomic():
        offering = _offering(lock=True)
        row = _group_of(offering, assignment, _student(student_id).student_id)
        group = pair_rules.group_confirm(group=_domain_group(row), by=student_id)
        row.state = group.state
        row.save(update_fields=["state"])
    return group


def group_approve_single(
    *, assignment: str, student_id: str, reason: str, actor: str
) -> pair_rules.Group:
    """Staff approve a single-member group (the reason is required and audited)."""
    with transaction.atomic():
        offering = _offering(lock=True)
        sid = _student(student_id).student_id
        group = pair_rules.group_approve_single(
            assignment=assignment,
            student_id=sid,
            reason=reason,
            enrolled=_enrolled_ids(offering),
            groups=_groups(offering, assignment),
            assignments=_assignments(),
        )
        _group_create(offering, group)
        _audit(actor, "group.approve_single", sid, assignment, "", sid, reason)
    return group


def group_leave(
    *, assignment: str, student_id: str, actor: str = "", staff: bool = False, reason: str = ""
) -> pair_rules.Group:
    """Dissolve ``student_id``'s group for ``assignment`` (all members become free).

    Students may do so until the group has a submission; staff may also change a locked group,
    with a reason, and that change is audited.
    """
    with transaction.atomic():
        offering = _offering(lock=True)
        sid = _student(student_id).student_id
        row = _group_of(offering, assignment, sid)
        group = _domain_group(row)
        pair_rules.group_leave_check(group=group, student_id=sid, staff=staff, reason=reason)
        row.delete()
        if staff:
            _audit(actor, "group.dissolve", sid, assignment, " + ".join(group.members), "", reason)
    return group


def group_submit(*, assignment: str, student_id: str) -> pair_rules.Group:
    """Record that ``student_id`` submitted for their group: the group is locked from now on."""
    with transaction.atomic():
        offering = _offering(lock=True)
        row = _group_of(offering, assignment, _student(student_id).student_id)
        group = _domain_group(row)
        pair_rules.group_submit_check(group=group, student_id=student_id)
        row.locked = True
        row.save(update_fields=["locked"])
    return _domain_group(row)


def group_list(*, assignment: str | None = None) -> list[pair_rules.Group]:
    offering = _offering(lock=False)
    qs = HomeworkGroup.objects.filter(offering=offering).order_by("assignment", "id")
    if assignment:
        qs = qs.filter(assignment=assignment)
    return [_domain_group(g) for g in qs.prefetch_related("members__student")]


# ---------------------------------------------------------------- gradebook


def _audit(actor, action, student_id, subject, old, new, reason, source=Source.STAFF) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor or "unknown",
        action=action,
        student_id=student_id,
        subject=subject,
        old_value=old,
        new_value=new,
        source=source,
        reason=reason.strip(),
    )


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


__all__ = [
    "audit_list",
    "course_load",
    "enrollment_drop",
    "enrollment_request",
    "enrollment_request_many",
    "grade_set",
    "grade_values",
    "gradebook_rows",
    "grades_export_moodle",
    "grades_import",
    "group_approve_single",
    "group_confirm",
    "group_leave",
    "group_list",
    "group_propose",
    "group_submit",
    "homework_grade_set",
    "offering_capacity_set",
    "offering_summary",
    "roster_list",
    "students_import",
]
