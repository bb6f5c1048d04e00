"""Typed reads from parsed TOML with errors that name the file and the key path.

A :class:`Table` wraps one TOML table and knows where it came from, so that every mistake is
reported as ``course/course.toml: staff[2].role: expected one of ..., got 'janitor'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deepcourse.course.exceptions import MISSING, CourseDataError

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Table:
    """A TOML table read from ``file`` at ``path`` (``""`` for the document root)."""

    data: dict[str, Any]
    file: str
    path: str = ""

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, expected: str, got: object = MISSING) -> CourseDataError:
        return CourseDataError(self.file, self._key(key), expected, got)

    def _get(self, key: str, default: object) -> object:
        value = self.data.get(key, MISSING)
        if value is MISSING and default is not MISSING:
            return default
        return value

    def str(self, key: str, default: object = MISSING, *, choices: Sequence[str] | None = None) -> str:
        value = self._get(key, default)
        if choices is not None and value not in choices:
            raise self.error(key, "one of " + ", ".join(repr(c) for c in choices), value)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "a non-empty string", value)
        return value

    def opt_str(self, key: str) -> str | None:
        return None if key not in self.data else self.str(key)

    def bool(self, key: str, default: object = MISSING) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self.error(key, "true or false", value)
        return value

    def int(self, key: str, default: object = MISSING, *, minimum: int | None = None) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "an integer", value)
        if minimum is not None and value < minimum:
            raise self.error(key, f"an integer >= {minimum}", value)
        return value

    def decimal(self, key: str, default: object = MISSING, *, minimum: Decimal | int = 0) -> Decimal:
        """A non-negative number, returned exactly (``0.1`` becomes ``Decimal('0.1')``)."""
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "a number", value)
        exact = Decimal(str(value))
        if exact < minimum:
            raise self.error(key, f"a number >= {minimum}", value)
        return exact

    def time(self, key: str) -> str:
        value = self.str(key)
        if not _TIME.match(value):
            raise self.error(key, "a 24-hour time HH:MM", value)
        return value

    def str_list(self, key: str, default: object = MISSING) -> tuple[str, ...]:
        value = self._get(key, default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, "a list of non-empty strings", value)
        return tuple(value)

    def int_list(self, key: str, default: object = MISSING) -> tuple[int, ...]:
        value = self._get(key, default)
        ok = isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
        if not ok:
            raise self.error(key, "a list of integers", value)
        return tuple(value)

    def table(self, key: str) -> Table:
        value = self.data.get(key, MISSING)
        if not isinstance(value, dict):
            raise self.error(key, "a table", value)
        return Table(value, self.file, self._key(key))

    def tables(self, key: str, *, min_count: int = 1) -> Iterator[Table]:
        """The array of tables at ``key`` (``[[key]]`` in TOML)."""
        value = self.data.get(key, MISSING)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, "an array of tables ([[" + self._key(key) + "]])", value)
        if len(value) < min_count:
            raise self.error(key, f"at least {min_count} entries", value)
        for i, item in enumerate(value):
            yield Table(item, self.file, f"{self._key(key)}[{i}]")

    def number_map(self, key: str) -> dict[str, Decimal]:
        """A table whose values are all non-negative numbers, read exactly."""
        sub = self.table(key)
        return {name: sub.decimal(name) for name in sub.data}
