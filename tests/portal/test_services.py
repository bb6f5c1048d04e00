"""The course database services: each course rule, through Django, one transaction per change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deepcourse.course.exceptions import GradeError, GroupError, ImportRejected, RegistrationError

pytestmark = pytest.mark.integration

HEADER = "student_id,name,email,completed\n"


def roster_csv(n: int, start: int = 1, completed: str = "046195") -> str:
    rows = [
        f"{i:09d},Student {i},s{i}@campus.technion.ac.il,{completed}"
        for i in range(start, start + n)
    ]
    return HEADER + "\n".join(rows) + "\n"


def sid(i: int) -> str:
    return f"{i:09d}"


@pytest.fixture
def svc(coursedb):
    coursedb.students_import(text=roster_csv(6), apply=True)
    coursedb.offering_capacity_set(capacity=2)
    return coursedb


def states(svc) -> list[tuple[str, str, int | None]]:
    return [(line.student_id, line.state.value, line.position) for line in svc.roster_list()]


def test_loading_the_course_creates_the_staff_as_users_with_their_roles(coursedb):
    from django.contrib.auth.models import User

    from deepcourse.course import load_course

    coursedb.course_load(course=load_course())  # idempotent
    staff = {
        u.username: sorted(g.name for g in u.groups.all())
        for u in User.objects.filter(is_staff=True)
    }
    assert staff == {
        "daniel.soudry": ["lecturer"],
        "tal.daniel": ["head_ta"],
        "noam.kasten": ["grader"],
    }
    grader = User.objects.get(username="noam.kasten")
    assert grader.has_perm("coursedb.change_graderecord")
    assert not grader.has_perm("coursedb.change_registration")
    assert not User.objects.get(username="daniel.soudry").has_perm("coursedb.change_auditentry")


def test_reloading_the_course_after_a_role_change_leaves_only_the_new_role(coursedb):
    from dataclasses import replace

    from django.contrib.auth.models import User

    from deepcourse.course import load_course
    from deepcourse.course.offering import Role

    course = load_course()
    staff = tuple(
        replace(m, role=Role.GRADER) if m.role is Role.HEAD_TA else m for m in course.offering.staff
    )
    coursedb.course_load(course=replace(course, offering=replace(course.offering, staff=staff)))
    user = User.objects.get(username="tal.daniel")
    assert [g.name for g in user.groups.all()] == ["grader"]
    assert not user.has_perm("coursedb.delete_student")


def test_the_loaded_offering_has_forty_seats(coursedb):
    assert coursedb.offering_summary().capacity == 40


def test_students_are_django_users(svc):
    from django.contrib.auth.models import User

    assert User.objects.filter(username=sid(1), groups__name="students").exists()


def test_a_registration_while_seats_are_free_enrolls_then_waitlists_in_request_order(svc):
    for i in (1, 2, 3, 4):
        svc.enrollment_request(student_id=sid(i))
    assert states(svc) == [
        (sid(1), "enrolled", None), (sid(2), "enrolled", None),
        (sid(3), "waitlisted", 1), (sid(4), "waitlisted", 2),
    ]  # fmt: skip


def test_a_request_without_prerequisites_is_rejected_naming_the_student_and_the_rule(coursedb):
    coursedb.students_import(text=roster_csv(1, completed=""), apply=True)
    with pytest.raises(RegistrationError, match=f"{sid(1)} does not meet the prerequisites"):
        coursedb.enrollment_request(student_id=sid(1))
    assert coursedb.roster_list() == []


def test_a_prerequisite_waiver_is_recorded_with_who_and_why(coursedb):
    from deepcourse.portal.coursedb.models import Registration

    coursedb.students_import(text=roster_csv(1, completed=""), apply=True)
    result = coursedb.enrollment_request(
        student_id=sid(1), actor="tal.daniel", waiver_reason="took it abroad"
    )
    assert result.waived
    reg = Registration.objects.get(student__student_id=sid(1))
    assert (reg.waived_by, reg.waiver_reason) == ("tal.daniel", "took it abroad")
    entry = coursedb.audit_list(student_id=sid(1))[0]
    assert (entry.action, entry.actor, entry.reason) == (
        "registration.waive",
        "tal.daniel",
        "took it abroad",
    )


def test_an_unknown_student_is_named_in_the_error(svc):
    with pytest.raises(RegistrationError, match="unknown student 999999999.*students import"):
        svc.enrollment_request(student_id="999999999")


def test_dropping_a_student_promotes_the_first_on_the_waitlist_and_emails_them(svc):
    from django.core import mail

    for i in (1, 2, 3, 4):
        svc.enrollment_request(student_id=sid(i))
    result = svc.enrollment_drop(student_id=sid(1))
    assert result.promoted == sid(3)
    assert states(svc) == [
        (sid(2), "enrolled", None),
        (sid(3), "enrolled", None),
        (sid(4), "waitlisted", 1),
    ]
    assert [m.to for m in mail.outbox] == [["s3@campus.technion.ac.il"]]
    assert "you are enrolled" in mail.outbox[0].subject


def test_raising_the_capacity_promotes_that_many(svc):
    for i in range(1, 7):
        svc.enrollment_request(student_id=sid(i))
    assert svc.offering_capacity_set(capacity=5) == (sid(3), sid(4), sid(5))
    assert [s for s in states(svc) if s[1] == "waitlisted"] == [(sid(6), "waitlisted", 1)]


def test_a_student_cannot_register_twice(svc):
    svc.enrollment_request(student_id=sid(1))
    with pytest.raises(RegistrationError, match="already enrolled"):
        svc.enrollment_request(student_id=sid(1))


def test_a_roster_import_applies_nothing_when_one_row_is_bad(coursedb):
    text = roster_csv(3) + "000000002,Again,again@t.ac.il,\n"
    with pytest.raises(ImportRejected, match="row 5: duplicate student id 000000002"):
        coursedb.students_import(text=text, apply=True)
    from deepcourse.portal.coursedb.models import Student

    assert Student.objects.count() == 0


def test_a_roster_preview_changes_nothing(coursedb):
    changes = coursedb.students_import(text=roster_csv(3), apply=False)
    assert [c.action for c in changes] == ["add"] * 3
    from deepcourse.portal.coursedb.models import Student

    assert Student.objects.count() == 0


# ---- pairs


@pytest.fixture
def enrolled(svc):
    svc.offering_capacity_set(capacity=5)
    for i in range(1, 6):
        svc.enrollment_request(student_id=sid(i))
    return svc


def test_a_pair_is_proposed_and_confirmed(enrolled):
    enrolled.group_propose(assignment="hw1", proposer=sid(1), partner=sid(2))
    group = enrolled.group_confirm(assignment="hw1", student_id=sid(2))
    assert group.state.value == "confirmed" and group.members == (sid(1), sid(2))


def test_a_pair_is_confirmed_and_submitted_by_an_id_written_with_spaces(enrolled):
    enrolled.group_propose(assignment="hw1", proposer=sid(1), partner=sid(2))
    assert enrolled.group_confirm(assignment="hw1", student_id=f" {sid(2)} ").state.value == (
        "confirmed"
    )
    assert enrolled.group_submit(assignment="hw1", student_id=f"{sid(1)} ").locked


def test_listing_groups_takes_the_same_number_of_queries_for_one_group_or_many(enrolled):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            enrolled.group_list()
        return len(ctx.captured_queries)

    enrolled.group_propose(assignment="hw1", proposer=sid(1), partner=sid(2))
    one = queries()
    for hw in ("hw2", "hw3"):
        enrolled.group_propose(assignment=hw, proposer=sid(3), partner=sid(4))
    enrolled.group_approve_single(assignment="hw1", student_id=sid(5), reason="x", actor="t")
    assert queries() == one


def test_both_members_of_a_pair_must_be_enrolled(svc):
    svc.enrollment_request(student_id=sid(1))
    svc.enrollment_request(student_id=sid(2))
    svc.enrollment_request(student_id=sid(3))  # waitlisted
    with pytest.raises(GroupError, match=f"{sid(3)} is not enrolled"):
        svc.group_propose(assignment="hw1", proposer=sid(1), partner=sid(3))


def test_a_student_is_in_at_most_one_group_per_assignment(enrolled):
    enrolled.group_propose(assignment="hw1", proposer=sid(1), partner=sid(2))
    with pytest.raises(GroupError, match="at most one group per assignment"):
        enrolled.group_propose(assignment="hw1", proposer=sid(3), partner=sid(1))
    enrolled.group_propose(assignment="hw2", proposer=sid(3), partner=sid(1))  # new pair, new hw


def test_staff_may_approve_a_single_member_group_with_a_reason_which_is_audited(enrolled):
    group = enrolled.group_approve_single(
        assignment="hw1", student_id=sid(5), reason="reserve duty", actor="tal.daniel"
    )
    assert group.members == (sid(5),)
    assert enrolled.audit_list(student_id=sid(5))[-1].action == "group.approve_single"


def test_a_group_is_locked_once_it_has_a_submission_and_staff_changes_are_audited(enrolled):
    enrolled.group_propose(assignment="hw1", proposer=sid(1), partner=sid(2))
    enrolled.group_confirm(assignment="hw1", student_id=sid(2))
    enrolled.group_submit(assignment="hw1", student_id=sid(1))
    with pytest.raises(GroupError, match="locked"):
        enrolled.group_leave(assignment="hw1", student_id=sid(2))
    enrolled.group_leave(
        assignment="hw1", student_id=sid(2), staff=True, actor="tal.daniel", reason="partner left"
    )
    entry = enrolled.audit_list(student_id=sid(2))[-1]
    assert (entry.action, entry.old_value, entry.reason) == (
        "group.dissolve",
        f"{sid(1)} + {sid(2)}",
        "partner left",
    )


def test_one_member_submits_and_both_get_the_grade(enrolled):
    enrolled.group_propose(assignment="hw2", proposer=sid(1), partner=sid(2))
    enrolled.group_confirm(assignment="hw2", student_id=sid(2))
    members = enrolled.homework_grade_set(
        assignment="hw2", submitter=sid(2), value="88.5", source="autograder", actor="autograder"
    )
    assert members == (sid(1), sid(2))
    assert enrolled.grade_values(student_id=sid(1))["hw2"] == Decimal("88.5")


def test_an_unconfirmed_pair_is_not_graded_so_the_invited_partner_gets_nothing(enrolled):
    enrolled.group_propose(assignment="hw2", proposer=sid(1), partner=sid(2))
    with pytest.raises(GroupError, match="not confirmed yet"):
        enrolled.homework_grade_set(
            assignment="hw2", submitter=sid(1), value="88.5", source="autograder", actor="grader"
        )
    assert enrolled.grade_values(student_id=sid(2))["hw2"] is None
    assert enrolled.audit_list() == []


# ---- gradebook


def test_a_staff_grade_change_without_a_reason_is_refused(enrolled):
    with pytest.raises(GradeError, match="needs a reason"):
        enrolled.grade_set(
            student_id=sid(1), component="exam", value="70", source="staff", actor="tal.daniel"
        )
    assert enrolled.audit_list() == []


def test_every_staff_grade_change_is_audited_with_who_old_new_and_reason(enrolled):
    enrolled.grade_set(
        student_id=sid(1),
        component="exam",
        value="54.5",
        source="staff",
        actor="tal.daniel",
        reason="exam",
    )
    enrolled.grade_set(
        student_id=sid(1),
        component="exam",
        value="56",
        source="staff",
        actor="daniel.soudry",
        reason="appeal",
    )
    trail = [
        (e.actor, e.old_value, e.new_value, e.source, e.reason)
        for e in enrolled.audit_list(student_id=sid(1))
    ]
    assert trail == [
        ("tal.daniel", "", "54.5", "staff", "exam"),
        ("daniel.soudry", "54.5", "56", "staff", "appeal"),
    ]


def test_a_grade_import_previews_then_applies_all_with_the_import_source(enrolled):
    from deepcourse.portal.coursedb.models import GradeRecord

    text = f"student_id,hw0,exam\n{sid(1)},pass,80\n{sid(2)},fail,54.5\n"
    preview = enrolled.grades_import(text=text, apply=False, actor="tal.daniel")
    assert len(preview) == 4 and GradeRecord.objects.count() == 0
    enrolled.grades_import(text=text, apply=True, actor="tal.daniel")
    assert set(GradeRecord.objects.values_list("source", flat=True)) == {"import"}
    assert enrolled.grade_values(student_id=sid(2))["exam"] == Decimal("54.5")
    assert len(enrolled.audit_list()) == 4


def test_a_grade_import_with_one_bad_row_applies_nothing(enrolled):
    text = f"student_id,exam\n{sid(1)},80\n{sid(2)},101\n{sid(1)},70\n"
    with pytest.raises(ImportRejected) as info:
        enrolled.grades_import(text=text, apply=True, actor="tal.daniel")
    assert [row for row, _ in info.value.errors] == [3, 4]
    assert enrolled.grade_values(student_id=sid(1))["exam"] is None


def test_the_gradebook_report_takes_final_grades_from_the_policy_engine(enrolled):
    from deepcourse.course import load_course
    from deepcourse.course.policy import Components, compute_final

    text = f"student_id,hw0,hw1,hw2,hw3,project,exam,practice\n{sid(1)},pass,90,80,70,85,54.5,100\n"
    enrolled.grades_import(text=text, apply=True, actor="tal.daniel")
    rows = {r.student_id: r for r in enrolled.gradebook_rows()}
    expected = compute_final(
        Components(
            "pass",
            Decimal(90),
            Decimal(80),
            Decimal(70),
            Decimal(85),
            Decimal("54.5"),
            Decimal(100),
        ),
        load_course().assessment.policy,
    )
    assert (rows[sid(1)].final, rows[sid(1)].status) == (expected.final, expected.status)
    assert rows[sid(2)].status == "incomplete"


def test_the_moodle_export_has_an_id_number_column_per_enrolled_student(enrolled):
    enrolled.grades_import(text=f"student_id,exam\n{sid(1)},80\n", apply=True, actor="x")
    lines = enrolled.grades_export_moodle().splitlines()
    assert lines[0].startswith("ID number,Email address,HW0,HW1")
    assert lines[1].startswith(f"{sid(1)},s1@campus.technion.ac.il,,,,,,80,")
    assert len(lines) == 6


def test_a_second_grade_import_updates_the_records_and_audits_the_old_values(enrolled):
    enrolled.grades_import(text=f"student_id,hw0,exam\n{sid(1)},fail,50\n", apply=True, actor="a")
    changes = enrolled.grades_import(
        text=f"student_id,hw0,exam\n{sid(1)},pass,50.00\n", apply=True, actor="b"
    )
    assert [(c.component, c.old, c.new) for c in changes] == [("hw0", "fail", "pass")]
    assert enrolled.grade_values(student_id=sid(1))["hw0"] == "pass"
    last = enrolled.audit_list(student_id=sid(1))[-1]
    assert (last.actor, last.old_value, last.new_value, last.source) == (
        "b",
        "fail",
        "pass",
        "import",
    )
