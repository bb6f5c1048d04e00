"""The course-database commands: thin over the services; errors exit 2 naming student and rule."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from deepcourse.cli import app

pytestmark = pytest.mark.integration

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "DEEPCOURSE_ACTOR": "tal.daniel"})


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(
        "student_id,name,email,completed\n"
        "000000001,Ada Lovelace,ada@t.ac.il,046195\n"
        "000000002,Alan Turing,alan@t.ac.il,236756;094412\n"
        "000000003,Grace Hopper,grace@t.ac.il,\n"
    )
    return path


@pytest.fixture
def imported(coursedb, roster_file):
    assert invoke("students", "import", str(roster_file)).exit_code == 0
    return coursedb


def test_students_import_dry_run_shows_the_preview_and_changes_nothing(coursedb, roster_file):
    result = invoke("students", "import", str(roster_file), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "row 2: add 000000001 Ada Lovelace" in result.output
    assert "would apply: 3 added" in result.output
    assert invoke("roster", "--format", "csv").output == "student_id,state,position\n"


def test_a_bad_roster_row_exits_2_with_its_row_number(coursedb, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "student_id,name,email,completed\n000000001,A,a@t.ac.il,\n000000001,B,b@t.ac.il,\n"
    )
    result = invoke("students", "import", str(bad))
    assert result.exit_code == 2
    assert "row 3: duplicate student id 000000001" in result.output


@pytest.mark.parametrize("command", [("students", "import"), ("grades", "import")])
def test_an_input_file_that_is_not_utf8_or_not_a_file_exits_2_saying_what_to_do(
    coursedb, tmp_path, command
):
    windows = tmp_path / "hebrew.csv"
    windows.write_bytes(
        "student_id,name,email,completed\n000000001,אדה,a@t.ac.il,\n".encode("cp1255")
    )
    result = invoke(*command, str(windows))
    assert result.exit_code == 2 and "save the sheet as CSV UTF-8" in result.output
    result = invoke(*command, str(tmp_path))
    assert result.exit_code == 2 and f"cannot read {tmp_path}" in result.output


def test_a_roster_saved_by_excel_with_a_byte_order_mark_imports(coursedb, roster_file):
    roster_file.write_text(roster_file.read_text(), encoding="utf-8-sig")
    result = invoke("students", "import", str(roster_file))
    assert result.exit_code == 0 and "3 added" in result.output, result.output


def test_enroll_request_drop_and_capacity_drive_the_roster_csv(imported):
    assert invoke("enroll", "capacity", "1").exit_code == 0
    assert "000000001 enrolled" in invoke("enroll", "request", "000000001").output
    assert "waitlisted at position 1" in invoke("enroll", "request", "000000002").output
    text = invoke("roster", "--format", "csv").output
    assert list(csv.reader(io.StringIO(text))) == [
        ["student_id", "state", "position"],
        ["000000001", "enrolled", ""],
        ["000000002", "waitlisted", "1"],
    ]
    result = invoke("enroll", "drop", "000000001")
    assert "000000002 promoted from the waiting list" in result.output
    assert invoke("roster", "--format", "csv").output.splitlines()[1:] == ["000000002,enrolled,"]


def test_a_refused_request_exits_2_naming_the_student_and_the_rule(imported):
    result = invoke("enroll", "request", "000000003")
    assert result.exit_code == 2
    assert "000000003 does not meet the prerequisites" in result.output


def test_staff_waive_the_prerequisites_from_the_command_line(imported):
    result = invoke("enroll", "request", "000000003", "--waive-prerequisites", "completed abroad")
    assert result.exit_code == 0 and "prerequisites waived" in result.output


def test_groups_commands_follow_the_pair_rules(imported):
    invoke("enroll", "request", "000000001")
    invoke("enroll", "request", "000000002")
    assert invoke("groups", "propose", "hw1", "000000001", "000000002").exit_code == 0
    assert "confirmed" in invoke("groups", "confirm", "hw1", "000000002").output
    result = invoke("groups", "single", "hw1", "000000001", "--reason", "x")
    assert result.exit_code == 2 and "at most one group per assignment" in result.output
    assert "locked" in invoke("groups", "submit", "hw1", "000000001").output


def test_grades_import_export_and_report(imported, tmp_path):
    invoke("enroll", "request", "000000001")
    grades = tmp_path / "grades.csv"
    grades.write_text(
        "student_id,hw0,hw1,hw2,hw3,project,exam,practice\n000000001,pass,90,80,70,85,54.5,100\n"
    )
    preview = invoke("grades", "import", str(grades), "--dry-run")
    assert "would change 7 grade(s)" in preview.output
    assert "row 2: 000000001 exam: - -> 54.5" in preview.output
    assert invoke("grades", "import", str(grades)).exit_code == 0
    export = invoke("grades", "export").output
    assert (
        export.splitlines()[0]
        == "ID number,Email address,HW0,HW1,HW2,HW3,Project,Exam,Practice,Final grade"
    )
    assert export.splitlines()[1].startswith("000000001,ada@t.ac.il,1,90,80,70,85,54.5,100,")
    report = invoke("grades", "report", "--format", "csv").output
    assert report.splitlines()[0].startswith("student_id,hw0,hw1")


def test_a_staff_grade_change_without_a_reason_exits_2(imported):
    result = invoke("grades", "set", "000000001", "exam", "70")
    assert result.exit_code == 2 and "needs a reason" in result.output
    assert invoke("grades", "set", "000000001", "exam", "70", "--reason", "exam").exit_code == 0
    assert "tal.daniel" in invoke("grades", "audit", "000000001").output


def test_a_database_without_tables_says_to_migrate(django_ready, tmp_path):
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(tmp_path / "empty.sqlite3")
    try:
        result = invoke("roster")
        assert result.exit_code == 2 and "deepcourse db migrate" in result.output
    finally:
        connection.close()
