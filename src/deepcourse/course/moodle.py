"""Export grades as a CSV that Moodle's grade import accepts.

Moodle's "Import grades > CSV file" maps one column to identify users (here ``ID number``, the
user field ``idnumber``, which the Technion fills with the 9-digit student id) and one column per
grade item. Moodle aborts the whole file on one bad cell, so every cell is either a plain number
with a ``.`` decimal point or empty (an empty cell is skipped by the import):

- ``HW0`` is binary: ``1`` (pass) or ``0`` (fail), for a grade item with maximum 1;
- ``HW1``..``HW3``, ``Project``, ``Exam``, ``Practice``: 0-100;
- ``Final grade``: the policy engine's integer, empty while the record is incomplete.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from deepcourse.course.gradebook import COMPONENTS, ReportRow, grade_text

ID_COLUMN = "ID number"
ITEM_COLUMNS: dict[str, str] = {
    "hw0": "HW0",
    "hw1": "HW1",
    "hw2": "HW2",
    "hw3": "HW3",
    "project": "Project",
    "exam": "Exam",
    "practice": "Practice",
}
FINAL_COLUMN = "Final grade"


def _cell(component: str, value) -> str:
    if component == "hw0":
        return {"pass": "1", "fail": "0"}.get(value or "", "")
    return grade_text(value)


def moodle_csv(rows: Iterable[ReportRow], *, with_final: bool = True) -> str:
    """The gradebook as Moodle grade-import CSV (header ``ID number,HW0,...,Final grade``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = [ID_COLUMN, "Email address", *(ITEM_COLUMNS[c] for c in COMPONENTS)]
    writer.writerow([*header, FINAL_COLUMN] if with_final else header)
    for row in rows:
        cells = [row.student_id, row.email, *(_cell(c, row.components.get(c)) for c in COMPONENTS)]
        if with_final:
            cells.append("" if row.final is None else str(row.final))
        writer.writerow(cells)
    return buf.getvalue()


__all__ = ["FINAL_COLUMN", "ID_COLUMN", "ITEM_COLUMNS", "moodle_csv"]
