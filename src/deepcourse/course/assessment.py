"""The assessment plan: homework, project, exam, practice bonus, and the grade policy numbers.

The numbers live in ``course/assessment.toml``; the rules that use them (the fail rule, the HW3
opt-out) are code in :mod:`deepcourse.course.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Homework:
    """One homework assignment. HW0 is binary (must pass); HW1-HW3 have dry and wet parts."""

    id: str
    title: str
    grading: str  # "binary" or "points"
    weight_percent: Decimal
    parts: tuple[str, ...]
    group_size: int
    submission: str
    must_pass: bool = False
    optional: bool = False
    dry_as_pdf_allowed: bool = False
    handwritten_allowed: bool = False


@dataclass(frozen=True)
class Project:
    weight_percent: Decimal
    group_size: int
    must_pass: bool
    orientation: str
    proposal_weeks: tuple[int, ...]
    proposals: str
    presentations: str
    submission: str


@dataclass(frozen=True)
class Exam:
    weight_percent: Decimal
    must_pass: bool


@dataclass(frozen=True)
class Practice:
    bonus_percent: Decimal
    platform: str
    mandatory: bool
    requires_exam_pass: bool


@dataclass(frozen=True)
class PolicyParams:
    """The grade policy's numbers.

    Attributes:
        pass_mark: a grade at or above it passes (55).
        final_cap: the final grade never exceeds it (100).
        weights: percent of the final grade per component when HW3 is submitted.
        hw3_opt_out: the weights when a student opts out of HW3 (Winter 2024).
        bonus_percent: the practice bonus at 100% of practice questions (2).
    """

    pass_mark: Decimal
    final_cap: Decimal
    rounding: str
    fail_rule: str
    weights: dict[str, Decimal]
    hw3_opt_out: dict[str, Decimal]
    bonus_percent: Decimal


@dataclass(frozen=True)
class AssessmentPlan:
    homework: tuple[Homework, ...]
    project: Project
    exam: Exam
    practice: Practice
    policy: PolicyParams

    def homework_by_id(self, hw_id: str) -> Homework:
        for hw in self.homework:
            if hw.id == hw_id:
                return hw
        known = ", ".join(h.id for h in self.homework)
        raise KeyError(f"no homework {hw_id!r} (known: {known})")
