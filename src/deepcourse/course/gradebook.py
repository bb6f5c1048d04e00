"""Gradebook records: each student's components, where each value came from, and the audit trail.

Components (the course page's grade structure): ``hw0`` (binary: ``"pass"``/``"fail"``),
``hw1``..``hw3``, ``project``, ``exam`` (0-100, decimals allowed, e.g. 54.5) and ``practice`` (the
percent of the Moodle practice questions done, 0-100; worth up to a 2% bonus).

Rules (tests in ``tests/course/test_gradebook.py``):

- a value must be in range (0-100; hw0 pass/fail); ``None`` clears it;
- every change has a source (autograder, staff, import) and yields an :class:`AuditEntry`
  (who, when, old value, new value, reason) that is appended, never edited;
- a staff change without a reason is refused.

Final grades come from the policy engine :func:`deepcourse.course.policy.compute_final` (the lead's
module); :func:`gradebook_report` is the only caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from deepcourse.course.exceptions import GradeError
from deepcourse.course.grade_value import GradeValueError, decimal_text, grade_value

COMPONENTS: tuple[str, ...] = ("hw0", "hw1", "hw2", "hw3", "project", "exam", "practice")
BINARY_COMPONENTS: frozenset[str] = frozenset({"hw0"})
BINARY_VALUES: tuple[str, ...] = ("pass", "fail")

#: A component's value: ``"pass"``/``"fail"`` for hw0, a Decimal for the rest, None when missing.
Value = str | Decimal | None


class Source(StrEnum):
    """Where a grade came from."""

    AUTOGRADER = "autograder"
    STAFF = "staff"
    IMPORT = "import"


@dataclass(frozen=True)
class AuditEntry:
    """One append-only line of the grade audit log."""

    at: datetime
    actor: str
    student_id: str
    component: str
    old: str
    new: str
    source: Source
    reason: str


def component_check(component: str) -> str:
    """Raise unless ``component`` is one of :data:`COMPONENTS`."""
    if component not in COMPONENTS:
        raise GradeError(
            f"unknown grade component {component!r}: expected one of {', '.join(COMPONENTS)}",
            rule="component",
        )
    return component


def grade_parse(component: str, raw: object, *, student_id: str | None = None) -> Value:
    """Parse and range-check a value for ``component``; ``None`` or ``""`` means "no grade".

    Args:
        component: one of :data:`COMPONENTS`.
        raw: ``"pass"``/``"fail"`` for hw0; a number 0-100 (``"54.5"``, ``Decimal``, ``int``)
            otherwise.

    Raises:
        GradeError: unknown component, not a number, or out of range.
    """
    component_check(component)
    who = f"student {student_id}: " if student_id else ""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if component in BINARY_COMPONENTS:
        text = str(raw).strip().lower()
        if text not in BINARY_VALUES:
            raise GradeError(
                f"{who}{component} is binary: expected 'pass' or 'fail', got {raw!r}",
                rule="range",
                student_id=student_id,
            )
        return text
    if isinstance(raw, float | bool):
        raise GradeError(
            f"{who}{component}: pass a string or Decimal, not {type(raw).__name__} {raw!r}",
            rule="range",
            student_id=student_id,
        )
    try:
        value = grade_value(str(raw))
    except GradeValueError as exc:
        problem = "is out of range" if exc.kind == "range" else "is not a number"
        raise GradeError(
            f"{who}{component}: {raw!r} {problem}: expected a number from 0 to 100",
            rule="range",
            student_id=student_id,
        ) from None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise GradeError(
            f"{who}{component}: {raw!r} has more than 2 decimal places: round it (e.g. 54.25)",
            rule="range",
            student_id=student_id,
        )
    return value


def grade_text(value: Value) -> str:
    """How a value is written in the audit log and in CSV files (``""`` for no grade)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)  # 54.50 -> "54.5", 100.00 -> "100"
    return value


def grade_change(
    *,
    student_id: str,
    component: str,
    old: Value,
    new: Value,
    source: Source,
    actor: str,
    reason: str,
    at: datetime,
) -> AuditEntry | None:
    """Check a change and return its audit entry (None when the value does not change).

    Raises:
        GradeError: a staff change without a reason (rule ``reason``).
    """
    component_check(component)
    if source is Source.STAFF and not (reason or "").strip():
        raise GradeError(
            f"student {student_id}: a staff change to {component} "
            f"({grade_text(old) or 'none'} -> {grade_text(new) or 'none'}) needs a reason "
            "(e.g. --reason 'regrade request')",
            rule="reason",
            student_id=student_id,
        )
    if grade_text(old) == grade_text(new):
        return None
    return AuditEntry(
        at=at,
        actor=actor,
        student_id=student_id,
        component=component,
        old=grade_text(old),
        new=grade_text(new),
        source=source,
        reason=(reason or "").strip(),
    )


@dataclass(frozen=True)
class ReportRow:
    student_id: str
    name: str
    email: str
    components: dict[str, Value]
    final: int | None
    status: str  # "pass" | "fail" | "incomplete"
    rule: str


def gradebook_report(
    *, students: Iterable[tuple[str, str, str]], grades: Mapping[str, Mapping[str, Value]], policy
) -> list[ReportRow]:
    """Each student's components and final grade, computed by the policy engine.

    Args:
        students: ``(student_id, name, email)`` in report order.
        grades: per student id, component -> value (missing components are None).
        policy: :class:`~deepcourse.course.assessment.PolicyParams`.
    """
    from deepcourse.course.policy import Components, compute_final  # the lead's engine

    rows = []
    for sid, name, email in students:
        values = {c: grades.get(sid, {}).get(c) for c in COMPONENTS}
        result = compute_final(Components(**values), policy)
        rows.append(ReportRow(sid, name, email, values, result.final, result.status, result.rule))
    return rows


__all__ = [
    "AuditEntry",
    "BINARY_COMPONENTS",
    "COMPONENTS",
    "ReportRow",
    "Source",
    "Value",
    "component_check",
    "grade_change",
    "grade_parse",
    "grade_text",
    "gradebook_report",
]
