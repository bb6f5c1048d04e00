"""Bulk import from CSV: parse, validate every row, and preview every change before applying.

Two files:

- a student roster, columns ``student_id,name,email,completed`` (``completed`` is a
  ``;``-separated list of course numbers, e.g. ``046195;236756``);
- grade columns, ``student_id`` plus one or more of ``hw0,hw1,hw2,hw3,project,exam,practice``.

In a grades file an empty cell leaves that grade unchanged. Rows are numbered as a spreadsheet shows them (the header is row 1). Every bad row is collected
(a duplicate id, an unknown student, a value out of range, ...) and reported together in one
:class:`~deepcourse.course.exceptions.ImportRejected`; the caller then applies nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from deepcourse.course.enrollment import COURSE_NUMBER_PATTERN, Student, student_id_validate
from deepcourse.course.exceptions import ImportRejected, RuleViolation
from deepcourse.course.gradebook import COMPONENTS, Value, grade_parse, grade_text

STUDENT_COLUMNS = ("student_id", "name", "email", "completed")


@dataclass(frozen=True)
class StudentChange:
    row: int
    student: Student
    action: str  # "add" | "update" | "unchanged"
    before: Student | None


@dataclass(frozen=True)
class GradeChange:
    row: int
    student_id: str
    component: str
    old: Value
    new: Value


def _reader(text: str, what: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = text.lstrip("\ufeff")  # Excel's byte-order mark
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportRejected([(1, "the file is empty: expected a header row")], what=what) from None
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        if len(cells) > len(header):
            row["\0extra"] = ",".join(cells[len(header) :])
        rows.append((reader.line_num, row))
    return header, rows


def students_parse(text: str, *, existing: Mapping[str, Student]) -> list[StudentChange]:
    """Parse a roster CSV and compare it with ``existing`` students (by id).

    Returns:
        One change per row, in file order (``add``, ``update`` or ``unchanged``).

    Raises:
        ImportRejected: wrong columns or any bad row (all listed, with row numbers).
    """
    what = "students import"
    header, rows = _reader(text, what)
    missing = [c for c in STUDENT_COLUMNS if c not in header]
    if missing:
        raise ImportRejected(
            [
                (
                    1,
                    f"missing column(s) {', '.join(missing)}: expected header "
                    f"{','.join(STUDENT_COLUMNS)} (got {','.join(header)})",
                )
            ],
            what=what,
        )
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    changes = []
    for line, row in rows:
        problems = []
        if "\0extra" in row:
            problems.append(f"more cells than the {len(header)} columns of the header")
        try:
            sid = student_id_validate(row["student_id"])
        except RuleViolation as exc:
            errors.append((line, str(exc)))
            continue
        if sid in seen:
            errors.append((line, f"duplicate student id {sid} (first on row {seen[sid]})"))
            continue
        seen[sid] = line
        name, email = row["name"], row["email"]
        if not name:
            problems.append(f"student {sid}: the name is empty")
        if "@" not in email or " " in email:
            problems.append(f"student {sid}: email {email!r} is not an address like a@b.c")
        numbers = [c.strip() for c in row["completed"].split(";") if c.strip()]
        bad = [n for n in numbers if not COURSE_NUMBER_PATTERN.fullmatch(n)]
        if bad:
            problems.append(
                f"student {sid}: completed course number(s) {', '.join(bad)} are not 6 digits "
                "(separate courses with ';', e.g. 046195;236756)"
            )
        if problems:
            errors.extend((line, p) for p in problems)
            continue
        student = Student(sid, name, email, frozenset(numbers))
        before = existing.get(sid)
        action = "add" if before is None else ("unchanged" if before == student else "update")
        changes.append(StudentChange(line, student, action, before))
    if errors:
        raise ImportRejected(errors, what=what)
    return changes


def grades_parse(text: str, *, known: Mapping[str, Mapping[str, Value]]) -> list[GradeChange]:
    """Parse a grades CSV against ``known`` students (id -> their current component values).

    Returns:
        The cells whose value changes, in file order (unchanged cells are left out).

    Raises:
        ImportRejected: no ``student_id`` or no component column, an unknown column, or any bad
            row: unknown student, duplicate id, value out of range (all listed).
    """
    what = "grades import"
    header, rows = _reader(text, what)
    components = [h for h in header if h != "student_id"]
    unknown = [h for h in components if h not in COMPONENTS]
    if "student_id" not in header or not components or unknown:
        raise ImportRejected(
            [
                (
                    1,
                    f"bad header {','.join(header)}: expected student_id and one or more of "
                    f"{', '.join(COMPONENTS)}"
                    + (f" (unknown: {', '.join(unknown)})" if unknown else ""),
                )
            ],
            what=what,
        )
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    changes = []
    for line, row in rows:
        sid = row["student_id"]
        if sid in seen:
            errors.append((line, f"duplicate student id {sid} (first on row {seen[sid]})"))
            continue
        seen[sid] = line
        if sid not in known:
            errors.append((line, f"unknown student {sid!r}: import the roster first"))
            continue
        for component in components:
            if not row[component]:
                continue  # an empty cell leaves the grade as it is (as Moodle's import does)
            try:
                new = grade_parse(component, row[component], student_id=sid)
            except RuleViolation as exc:
                errors.append((line, str(exc)))
                continue
            old = known[sid].get(component)
            if grade_text(old) != grade_text(new):
                changes.append(GradeChange(line, sid, component, old, new))
    if errors:
        raise ImportRejected(errors, what=what)
    return changes


__all__ = ["GradeChange", "StudentChange", "grades_parse", "students_parse"]
