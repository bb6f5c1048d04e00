"""Bulk import: every bad row reported with its row number; a preview of every change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deepcourse.course.csv_import import grades_parse, students_parse
from deepcourse.course.enrollment import Student
from deepcourse.course.exceptions import ImportRejected

HEADER = "student_id,name,email,completed\n"
ADA = Student("123456789", "Ada Lovelace", "ada@t.ac.il", frozenset({"046195"}))


def test_a_roster_preview_lists_every_addition_and_update():
    text = (
        HEADER
        + "123456789,Ada Lovelace,ada@t.ac.il,046195;236756\n223456789,Alan Turing,alan@t.ac.il,\n"
    )
    changes = students_parse(text, existing={ADA.student_id: ADA})
    assert [(c.row, c.action) for c in changes] == [(2, "update"), (3, "add")]
    assert changes[0].student.completed == {"046195", "236756"}


def test_an_unchanged_student_is_previewed_as_unchanged():
    changes = students_parse(
        HEADER + "123456789,Ada Lovelace,ada@t.ac.il,046195\n", existing={ADA.student_id: ADA}
    )
    assert changes[0].action == "unchanged"


def test_a_duplicate_id_is_reported_with_its_row_number():
    text = HEADER + "123456789,A,a@t.ac.il,\n223456789,B,b@t.ac.il,\n123456789,C,c@t.ac.il,\n"
    with pytest.raises(
        ImportRejected, match=r"row 4: duplicate student id 123456789 \(first on row 2\)"
    ) as info:
        students_parse(text, existing={})
    assert info.value.errors == [(4, "duplicate student id 123456789 (first on row 2)")]


def test_every_bad_row_is_reported_not_just_the_first():
    text = HEADER + "12345,A,a@t.ac.il,\n223456789,,b@t.ac.il,\n323456789,C,not-an-email,4619\n"
    with pytest.raises(ImportRejected) as info:
        students_parse(text, existing={})
    rows = [row for row, _ in info.value.errors]
    assert rows == [2, 3, 4, 4]
    assert "nothing applied" in str(info.value)


def test_a_roster_with_wrong_columns_names_the_expected_header():
    with pytest.raises(
        ImportRejected,
        match="missing column.*completed.*expected header student_id,name,email,completed",
    ):
        students_parse("student_id,name,email\n", existing={})


def test_a_grades_preview_lists_only_the_cells_that_change():
    known = {"123456789": {"exam": Decimal(50)}, "223456789": {}}
    text = "student_id,exam,hw0\n123456789,50,pass\n223456789,54.5,\n"
    changes = grades_parse(text, known=known)
    assert [(c.row, c.student_id, c.component, c.new) for c in changes] == [
        (2, "123456789", "hw0", "pass"),
        (3, "223456789", "exam", Decimal("54.5")),
    ]


def test_an_unknown_student_in_a_grades_file_is_reported_with_its_row_number():
    with pytest.raises(ImportRejected, match=r"row 3: unknown student '999999999'"):
        grades_parse("student_id,exam\n123456789,70\n999999999,80\n", known={"123456789": {}})


def test_a_grade_out_of_range_is_reported_with_its_row_number():
    with pytest.raises(
        ImportRejected, match=r"row 2: student 123456789: exam: '101' is out of range"
    ):
        grades_parse("student_id,exam\n123456789,101\n", known={"123456789": {}})


def test_an_unknown_grade_column_is_refused():
    with pytest.raises(ImportRejected, match=r"unknown: quiz"):
        grades_parse("student_id,quiz\n123456789,1\n", known={"123456789": {}})
