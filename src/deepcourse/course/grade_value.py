"""How a grade is written: a plain decimal number from 0 to 100 (``87``, ``54.5``).

One rule for every reader of grades (grade sheets, the gradebook, the CLI), so that a value one
accepts the other accepts too. Exponents (``1e1``), ``NaN`` and infinities are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal

MIN_GRADE = Decimal(0)
MAX_GRADE = Decimal(100)
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")


class GradeValueError(ValueError):
    """A grade that is not a plain number (``kind="number"``) or not in 0-100 (``kind="range"``)."""

    def __init__(self, text: str, kind: str) -> None:
        self.text, self.kind = text, kind
        super().__init__(
            f"{text!r} is not a number" if kind == "number" else f"{text} is out of range 0-100"
        )

    def __reduce__(self):
        return (type(self), (self.text, self.kind))


def decimal_text(value: Decimal) -> str:
    """A number as people write it, exactly: ``54.50`` -> ``54.5``, ``1E+2`` -> ``100``."""
    return format(value.normalize(), "f")


def grade_value(text: str) -> Decimal:
    """Parse a grade written as a plain decimal from 0 to 100, exactly.

    Raises:
        GradeValueError: ``kind`` says whether it is not a number or out of range.
    """
    value = text.strip()
    if not _PLAIN_DECIMAL.match(value):
        raise GradeValueError(value, "number")
    grade = Decimal(value)
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise GradeValueError(value, "range")
    return grade
