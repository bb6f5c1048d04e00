"""Errors raised by :mod:`deepcourse.course`.

Hierarchy::

    CourseError                    anything the course domain refuses
    ├── CourseDataError            a file under course/ is missing, malformed or inconsistent
    └── CourseDirNotFound          no course/ folder where one was looked for
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


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
MISSING = _MISSING
