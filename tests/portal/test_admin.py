"""The Django admin (issue 15): no server errors, students with accounts, waiting-list positions.

Each test drives the real admin URLs with Django's test client, logged in as a superuser or as
the head TA that ``deepcourse db migrate`` creates from ``course/`` (staff, in the ``head_ta``
permission group).
"""

from __future__ import annotations

import re
import zoneinfo

import pytest

pytestmark = pytest.mark.integration

HEADER = "student_id,name,email,completed\n"
HEAD_TA = "tal.daniel"


def sid(i: int) -> str:
    return f"{i:09d}"


def roster_csv(n: int) -> str:
    rows = [f"{sid(i)},Student {i},s{i}@campus.technion.ac.il,046195" for i in range(1, n + 1)]
    return HEADER + "\n".join(rows) + "\n"


def client_for(username: str | None = None):
    """A test client logged in as ``username`` (a new superuser when None)."""
    from django.contrib.auth.models import User
    from django.test import Client

    if username is None:
        user = User.objects.create_superuser("admin", "admin@t.ac.il", "pw")
    else:
        user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def course(coursedb):
    """Five students, two seats: 1 and 2 enrolled, 3, 4, 5 waitlisted; a group, a grade."""
    coursedb.students_import(text=roster_csv(5), apply=True)
    coursedb.offering_capacity_set(capacity=2)
    for i in range(1, 6):
        coursedb.enrollment_request(student_id=sid(i))
    coursedb.group_propose(assignment="hw1", proposer=sid(1), partner=sid(2))
    coursedb.grade_set(
        student_id=sid(1),
        component="exam",
        value="70",
        source="staff",
        actor=HEAD_TA,
        reason="exam",
    )
    return coursedb


# --- 1. the offering, and no admin page answers with a server error ---------------------------


def test_issue15_add_offering_is_refused_not_a_server_error(course):
    from deepcourse.portal.coursedb.models import Offering

    client = client_for()
    assert client.get("/admin/coursedb/offering/add/").status_code == 403
    assert client.post("/admin/coursedb/offering/add/", {"number": "046211"}).status_code == 403
    assert Offering.objects.count() == 1
    listing = client.get("/admin/coursedb/offering/")
    assert listing.status_code == 200
    assert b"/admin/coursedb/offering/add/" not in listing.content


def test_issue15_editing_the_offering_number_cannot_make_a_second_offering(course):
    from deepcourse.course import load_course
    from deepcourse.portal.coursedb.models import Offering

    offering = Offering.objects.get()
    url = f"/admin/coursedb/offering/{offering.pk}/change/"
    client = client_for()
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="number"' not in page.content  # shown, not editable
    response = client.post(
        url,
        {
            "number": "999999",
            "semester": offering.semester,
            "name": offering.name,
            "capacity": "40",
            "prerequisites": offering.prerequisites,
        },
    )
    assert response.status_code == 403
    course.course_load(course=load_course())  # what `deepcourse db migrate` does next
    assert list(Offering.objects.values_list("number", "capacity")) == [(offering.number, 2)]


def test_issue15_staff_members_come_from_course_and_are_read_only_in_the_admin(course):
    from deepcourse.portal.coursedb.models import StaffMember

    member = StaffMember.objects.get(user__username=HEAD_TA)
    client = client_for()
    assert client.get("/admin/coursedb/staffmember/add/").status_code == 403
    url = f"/admin/coursedb/staffmember/{member.pk}/change/"
    assert client.post(url, {"name": member.name, "role": "lecturer"}).status_code == 403
    assert StaffMember.objects.get(pk=member.pk).role == "head_ta"


FIELD = re.compile(r'<(?:input|select|textarea)[^>]*? name="([^"]+)"')
NOT_FIELDS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother"}


def _invalid_post(page) -> dict[str, str]:
    """Every field of the page's form set to ``"x"`` (invalid for most of them, not all)."""
    names = set(FIELD.findall(page.content.decode())) - NOT_FIELDS
    return {name: "x" for name in names if "__prefix__" not in name}


@pytest.mark.parametrize("who", ["superuser", "head TA"])
def test_issue15_every_admin_add_and_change_page_answers_without_a_server_error(course, who):
    """GET, an empty POST and an invalid POST on every registered model's add and change page."""
    from django.contrib import admin

    client = client_for(None if who == "superuser" else HEAD_TA)
    walked = []
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        urls = [f"{base}add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(f"{base}{obj.pk}/change/")
        for url in urls:
            page = client.get(url)
            assert page.status_code < 500, (who, url, page.status_code)
            for data in ({}, _invalid_post(page)):
                # the test client re-raises a view's exception, so a crash fails here too
                status = client.post(url, data).status_code
                assert status < 500, (who, url, data, status)
            walked.append(meta.model_name)
    assert {"offering", "student", "staffmember", "registration", "homeworkgroup"} <= set(walked)
    assert {"graderecord", "auditentry"} <= set(walked)


# --- 2. students, with their accounts --------------------------------------------------------


def test_issue15_the_head_ta_adds_a_student_and_the_student_gets_an_account(course):
    from django.contrib.auth.models import User

    from deepcourse.portal.coursedb.models import Student

    client = client_for(HEAD_TA)
    page = client.get("/admin/coursedb/student/add/")
    assert page.status_code == 200
    assert b'name="user"' not in page.content  # no existing account to pick
    response = client.post(
        "/admin/coursedb/student/add/",
        {
            "student_id": "123456789",
            "name": "Dana Levi",
            "email": "dana@campus.technion.ac.il",
            "completed": "046195; 236756",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    student = Student.objects.get(student_id="123456789")
    assert (student.name, student.email, student.completed) == (
        "Dana Levi",
        "dana@campus.technion.ac.il",
        "046195;236756",
    )
    user = User.objects.get(username="123456789")
    assert student.user == user
    assert user.email == "dana@campus.technion.ac.il"
    assert not user.has_usable_password()  # until the password-reset flow
    assert [g.name for g in user.groups.all()] == ["students"]
    # the new student is known to the services at once
    assert course.enrollment_request(student_id="123456789").student_id == "123456789"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"student_id": "12345", "completed": ""}, "9 digits"),
        ({"student_id": "123456789", "completed": "46195"}, "not 6 digits"),
        ({"student_id": sid(1), "completed": ""}, "already exists"),
    ],
    ids=["short id", "bad completed course", "existing id"],
)
def test_issue15_the_student_form_applies_the_roster_import_rules(course, data, message):
    from django.contrib.auth.models import User

    from deepcourse.portal.coursedb.models import Student

    before = (Student.objects.count(), User.objects.count())
    response = client_for(HEAD_TA).post(
        "/admin/coursedb/student/add/",
        {"name": "Dana Levi", "email": "dana@campus.technion.ac.il", **data},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Student.objects.count(), User.objects.count()) == before


def test_issue15_changing_a_students_email_in_the_admin_changes_their_account_too(course):
    from deepcourse.portal.coursedb.models import Student

    student = Student.objects.get(student_id=sid(3))
    response = client_for(HEAD_TA).post(
        f"/admin/coursedb/student/{student.pk}/change/",
        {"name": 'Three, "the third"', "email": "three@t.ac.il", "completed": "046195"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    student.refresh_from_db()
    assert (student.student_id, student.name, student.email) == (
        sid(3),
        'Three, "the third"',  # a comma and quotes survive the one-row roster
        "three@t.ac.il",
    )
    assert student.user.email == "three@t.ac.il"


# --- 3. the registration list: waiting-list positions ----------------------------------------

ROW = re.compile(
    r'<tr>.*?<th class="field-student[^"]*"><a [^>]*>(\d{9}) [^<]*</a></th>'
    r'<td class="field-state">(\w+)</td><td class="field-position">([^<]*)</td>',
    re.S,
)


def _rows(client, query: str = "") -> list[tuple[str, str, str]]:
    response = client.get(f"/admin/coursedb/registration/{query}")
    assert response.status_code == 200
    return ROW.findall(response.content.decode())


def test_issue15_the_registration_list_shows_waiting_list_positions_not_the_sequence(course):
    course.enrollment_drop(student_id=sid(1))  # 3 is promoted: 4 and 5 wait, seq 4 and 5
    client = client_for(HEAD_TA)
    assert _rows(client) == [
        (sid(2), "enrolled", ""),
        (sid(3), "enrolled", ""),
        (sid(4), "waitlisted", "1"),
        (sid(5), "waitlisted", "2"),
    ]
    # a filtered or searched page still shows the place on the whole waiting list
    assert _rows(client, f"?q={sid(5)}") == [(sid(5), "waitlisted", "2")]
    assert _rows(client, "?state__exact=waitlisted") == [
        (sid(4), "waitlisted", "1"),
        (sid(5), "waitlisted", "2"),
    ]
    lines = course.roster_list()
    assert [(ln.student_id, ln.position) for ln in lines if ln.position] == [
        (sid(4), 1),
        (sid(5), 2),
    ]


def test_issue15_the_registration_detail_page_shows_the_waiting_list_position(course):
    from deepcourse.portal.coursedb.models import Registration

    course.enrollment_drop(student_id=sid(3))
    reg = Registration.objects.get(student__student_id=sid(5))
    page = client_for(HEAD_TA).get(f"/admin/coursedb/registration/{reg.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    found = re.search(r"Waiting-list position:</label>\s*<div class=\"readonly\">(\w*)</div>", text)
    assert found and found.group(1) == "2"
    assert "Seq" not in text


def test_issue15_the_registration_list_does_not_query_per_row(course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(HEAD_TA)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/coursedb/registration/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    course.students_import(text=roster_csv(25), apply=True)
    for i in range(6, 26):
        course.enrollment_request(student_id=sid(i))
    assert len(_rows(client)) == 25
    assert queries() == few


def test_issue15_admin_times_show_their_time_zone(course):
    from django.conf import settings

    from deepcourse.portal.coursedb.models import AuditEntry, Registration

    client = client_for(HEAD_TA)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    reg = Registration.objects.get(student__student_id=sid(4))
    shown = reg.requested_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    assert re.search(r" [A-Z]{3,4}$", shown)  # the zone's abbreviation, e.g. IST or IDT
    assert shown in client.get("/admin/coursedb/registration/").content.decode()
    detail = client.get(f"/admin/coursedb/registration/{reg.pk}/change/")
    assert shown in detail.content.decode()
    entry = AuditEntry.objects.get()
    shown = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    assert shown in client.get("/admin/coursedb/auditentry/").content.decode()
