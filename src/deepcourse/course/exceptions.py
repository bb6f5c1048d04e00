"""Errors raised by :mod:`deepcourse.course`.

Hierarchy::

    CourseError                    anything the course domain refuses
    ├── CourseDataError            a file under course/ is missing, malformed or inconsistent
    ├── CourseDirNotFound          no course/ folder where one was looked for
    └── RuleViolation              a course rule refuses a change (names the student and the rule)
        ├── RegistrationError      prerequisites, double registration, capacity, unknown student
        ├── GroupError             pairs: enrolment, one group per assignment, locked groups
        ├── GradeError             a value out of range, a staff change without a reason
        └── ImportRejected         a CSV import with bad rows (all rows listed; nothing applied)
"""

from __future__ import annotations


class CourseError(Exception):
    """Base class of every error the course domain raises."""


class CourseDataError(CourseError):
    """A course data file is wrong: names the file, the key path, what was expected and got.

    Example message::

        course/course.toml: offering.capacity: expected a positive integer, got -3
    """

    def __init__(self, file: str, key_path: str, expected: str, got: object = None) -> None:
        self.file = str(file)
        self.key_path = key_path
        self.expected = expected
        self.got = got
        got_text = "nothing (the key is missing)" if got is _MISSING else repr(got)
        super().__init__(f"{self.file}: {key_path}: expected {expected}, got {got_text}")

    def __reduce__(self):  # survive pickling (e.g. across worker processes)
        return (type(self), (self.file, self.key_path, self.expected, self.got))


class CourseDirNotFound(CourseError):
    """No course definition folder could be found."""


class RuleViolation(CourseError):
    """A course rule refuses a change.

    Attributes:
        rule: a short name of the rule (``"prerequisites"``, ``"capacity"``, ...).
        student_id: the student concerned, when there is one.
    """

    def __init__(self, message: str, *, rule: str, student_id: str | None = None) -> None:
        self.rule = rule
        self.student_id = student_id
        super().__init__(message)

    def __reduce__(self):  # survive pickling (worker processes)
        return (_rebuild_violation, (type(self), str(self), self.rule, self.student_id))


def _rebuild_violation(cls, message, rule, student_id):
    return cls(message, rule=rule, student_id=student_id)


class RegistrationError(RuleViolation):
    """Registration refused: prerequisites unmet, already registered, not registered, capacity."""


class GroupError(RuleViolation):
    """A pair (homework group) change refused."""


class GradeError(RuleViolation):
    """A grade value or a grade change refused."""


class ImportRejected(RuleViolation):
    """A CSV import with bad rows; ``errors`` lists every one as ``(row_number, message)``.

    Nothing is applied when this is raised.
    """

    def __init__(self, errors: list[tuple[int, str]], *, what: str = "import") -> None:
        self.errors = list(errors)
        self.what = what
        lines = "\n".join(f"  row {row}: {msg}" for row, msg in self.errors)
        super().__init__(
            f"{what}: {len(self.errors)} bad row(s), nothing applied; fix them and re-run:\n{lines}",
            rule="import",
        )

    def __reduce__(self):
        return (_rebuild_import, (self.errors, self.what))


def _rebuild_import(errors, what):
    return ImportRejected(errors, what=what)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
MISSING = _MISSING
