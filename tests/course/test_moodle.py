"""Moodle export: an `ID number` column and one numeric column per grade item."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from deepcourse.course.gradebook import ReportRow
from deepcourse.course.moodle import moodle_csv


def row(sid, final, **components):
    values = dict.fromkeys(("hw0", "hw1", "hw2", "hw3", "project", "exam", "practice"))
    values.update(components)
    return ReportRow(sid, "N", f"{sid}@t.ac.il", values, final, "pass", "weighted")


def test_the_export_has_an_id_number_column_and_one_column_per_grade_item():
    text = moodle_csv([row("012345678", 87, hw0="pass", exam=Decimal("54.50"))])
    records = list(csv.DictReader(io.StringIO(text)))
    assert list(records[0]) == [
        "ID number", "Email address", "HW0", "HW1", "HW2", "HW3", "Project", "Exam", "Practice",
        "Final grade",
    ]  # fmt: skip
    assert records[0]["ID number"] == "012345678"
    assert (
        records[0]["HW0"] == "1"
        and records[0]["Exam"] == "54.5"
        and records[0]["Final grade"] == "87"
    )


def test_every_exported_cell_is_a_number_or_empty_so_moodle_accepts_the_file():
    text = moodle_csv([row("012345678", None, hw0="fail", hw1=Decimal(90)), row("112345678", 55)])
    for record in csv.DictReader(io.StringIO(text)):
        for column, cell in record.items():
            if column not in ("ID number", "Email address") and cell:
                float(cell)
