"""Reading a grade sheet (CSV) into validated :class:`~deepcourse.course.policy.Components`.

Columns: ``student_id, hw0, hw1, hw2, hw3, project, exam`` are required, ``practice`` is
optional, extra columns are ignored. An empty cell means "not submitted". Nothing is guessed: a
value out of 0-100, a non-number, an unknown HW0 word, a duplicate ``student_id`` or a missing
column raises :class:`GradeSheetError` naming the line, the column and the value.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from deepcourse.course.exceptions import CourseError
from deepcourse.course.grade_value import GradeValueError, grade_value
from deepcourse.course.policy import Components

REQUIRED_COLUMNS = ("student_id", "hw0", "hw1", "hw2", "hw3", "project", "exam")
OPTIONAL_COLUMNS = ("practice",)
HW0_WORDS = ("pass", "fail")


class GradeSheetError(CourseError):
    """A grade sheet cell or header is wrong.

    Attributes:
        line: the 1-based line in the file (the header is line 1), or ``None`` for the header.
        column: the column name.
        value: the offending text.
    """

    def __init__(
        self, message: str, *, line: int | None = None, column: str = "", value: str = ""
    ) -> None:
        self.line, self.column, self.value = line, column, value
        where = f"line {line}, column {column!r}: " if line is not None else ""
        super().__init__(where + message)

    def __reduce__(self):
        return (_rebuild_error, (str(self), self.line, self.column, self.value))


def _rebuild_error(text: str, line: int | None, column: str, value: str) -> GradeSheetError:
    err = GradeSheetError.__new__(GradeSheetError)
    CourseError.__init__(err, text)
    err.line, err.column, err.value = line, column, value
    return err


@dataclass(frozen=True)
class GradeRow:
    student_id: str
    components: Components
    line: int


def parse_grade(text: str, *, line: int, column: str) -> Decimal | None:
    """A grade in 0-100 (decimals allowed), or ``None`` for an empty cell."""
    value = text.strip()
    if not value:
        return None
    try:
        return grade_value(value)
    except GradeValueError as exc:
        reason = (
            f"{value!r} is not a number; write a grade from 0 to 100 such as 87 or 54.5, "
            "or leave the cell empty"
            if exc.kind == "number"
            else f"{value} is out of range; grades are from 0 to 100"
        )
        raise GradeSheetError(reason, line=line, column=column, value=value) from None


def parse_hw0(text: str, *, line: int) -> str | None:
    value = text.strip().lower()
    if not value:
        return None
    if value not in HW0_WORDS:
        raise GradeSheetError(
            f"{text.strip()!r} is not a HW0 result; HW0 is binary: write pass or fail, "
            "or leave the cell empty",
            line=line,
            column="hw0",
            value=text,
        )
    return value


def read_grade_sheet(text: str) -> list[GradeRow]:
    """Parse and validate a whole grade sheet; raises on the first mistake.

    Raises:
        GradeSheetError: naming the line, column and value.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise GradeSheetError(
            "the file is empty; expected a header row: "
            + ",".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        )
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise GradeSheetError(
            f"missing column(s) {', '.join(missing)} in the header; required: "
            + ",".join(REQUIRED_COLUMNS)
            + " (practice is optional)",
            line=1,
            column=missing[0],
        )
    rows: list[GradeRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            raise GradeSheetError(
                "more cells than header columns; check for an unquoted comma",
                line=line,
                column="(extra)",
                value=",".join(record[None]),
            )
        get = {k: (v or "") for k, v in record.items()}
        if not any(v.strip() for v in get.values()):
            continue  # a blank line
        sid = get["student_id"].strip()
        if not sid:
            raise GradeSheetError(
                "empty student_id; every row needs one", line=line, column="student_id"
            )
        if sid in seen:
            raise GradeSheetError(
                f"duplicate student_id {sid} (first on line {seen[sid]}); keep one row per student",
                line=line,
                column="student_id",
                value=sid,
            )
        seen[sid] = line
        comps = Components(
            hw0=parse_hw0(get["hw0"], line=line),
            **{
                c: parse_grade(get[c], line=line, column=c)
                for c in ("hw1", "hw2", "hw3", "project", "exam")
            },
            practice=parse_grade(get.get("practice", ""), line=line, column="practice"),
        )
        rows.append(GradeRow(sid, comps, line))
    return rows
