"""The audit log is append-only: the model refuses, the database triggers refuse, the admin is read-only."""

from __future__ import annotations

import sqlite3

import pytest
from coursedb_fixtures import run_cli
from django.db import DatabaseError, transaction

pytestmark = pytest.mark.integration


@pytest.fixture
def entry(coursedb):
    coursedb.students_import(
        text="student_id,name,email,completed\n000000001,A,a@t.ac.il,046195\n", apply=True
    )
    coursedb.enrollment_request(student_id="000000001")
    coursedb.grade_set(
        student_id="000000001",
        component="exam",
        value="70",
        source="staff",
        actor="tal.daniel",
        reason="exam",
    )
    return coursedb.audit_list()[0]


def test_the_model_refuses_to_change_an_audit_entry(entry):
    from deepcourse.portal.coursedb.models import AuditLogIsAppendOnly

    entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly, match="append-only"):
        entry.save()


def test_the_model_refuses_to_delete_an_audit_entry(entry):
    from deepcourse.portal.coursedb.models import AuditLogIsAppendOnly

    with pytest.raises(AuditLogIsAppendOnly, match="cannot be deleted"):
        entry.delete()


def test_the_database_refuses_bulk_updates_and_deletes_of_the_audit_log(entry):
    from deepcourse.portal.coursedb.models import AuditEntry

    for attempt in (
        lambda: AuditEntry.objects.update(reason="x"),
        lambda: AuditEntry.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get().reason == "exam"


def test_the_admin_shows_the_audit_log_read_only(entry):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from deepcourse.portal.coursedb.models import AuditEntry, GradeRecord, Registration

    request = RequestFactory().get("/admin/")
    for model in (AuditEntry, GradeRecord, Registration):
        admin = site._registry[model]
        assert not admin.has_change_permission(request, entry)
        assert not admin.has_delete_permission(request, entry)
        assert not admin.has_add_permission(request)


def test_the_admin_cannot_delete_a_student_or_the_offering_which_would_drop_grades_unaudited(
    entry,
):
    from django.contrib.admin.sites import site
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    from deepcourse.portal.coursedb.models import Offering, Student

    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("admin", "admin@t.ac.il", "pw")
    student = Student.objects.get()
    for model, obj in ((Student, student), (Offering, Offering.objects.get())):
        assert not site._registry[model].has_delete_permission(request, obj), model
        assert "delete_selected" not in site._registry[model].get_actions(request), model
    assert "student_id" in site._registry[Student].get_readonly_fields(request, student)


def test_raw_sql_cannot_edit_the_audit_log_on_either_database(db_url, tmp_path):
    run_cli(db_url, tmp_path, "students", "import", str(_roster(tmp_path)))
    run_cli(db_url, tmp_path, "enroll", "request", "000000001")
    run_cli(
        db_url,
        tmp_path,
        "grades",
        "set",
        "000000001",
        "exam",
        "70",
        "--reason",
        "exam",
        "--by",
        "tal.daniel",
    )
    for sql in ("UPDATE coursedb_auditentry SET reason = 'x'", "DELETE FROM coursedb_auditentry"):
        with pytest.raises(Exception, match="append-only"):
            _execute(db_url, sql)
    if db_url.startswith("postgresql"):
        with pytest.raises(Exception, match="append-only"):
            _execute(db_url, "TRUNCATE coursedb_auditentry")


def _roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name,email,completed\n000000001,A,a@t.ac.il,046195\n")
    return path


def _execute(url: str, sql: str) -> None:
    from deepcourse.portal.config import database_settings

    s = database_settings(url)
    if s["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(s["NAME"]) as conn:
            conn.execute(sql)
        return
    import psycopg

    with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"]) as conn:
        conn.execute(sql)
