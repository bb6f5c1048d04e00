"""The grade policy engine: the course page's grade structure, exactly.

The numbers (weights, pass mark, bonus size, cap) come from ``course/assessment.toml``
(:class:`~deepcourse.course.assessment.PolicyParams`); the structure of the rules is code, quoted
from the course page below. All arithmetic is exact (:class:`~decimal.Decimal`): 84.5 rounds to 85,
never to 84 through a float that reads 84.4999.

The rules, in order (Winter 2024, pass mark $p = 55$):

1. **Incomplete.** No exam grade, no project grade, or HW0 not passed ("HW0 binary ... must
   pass"): no final grade.
2. **Fail rule.** "The final grade of students that fail either the final exam or the final
   project will be the lower between the two (no HW/project/bonus consideration)":
   if $\\text{exam} < p$ or $\\text{project} < p$, then
   $\\text{final} = \\min(\\operatorname{round}(\\min(\\text{exam}, \\text{project})), p - 1)$;
   a failed exam or project never rounds up to a pass (54.5 gives 54).
3. **Weighted grade.** "HW - 30% (HW1-3 10% each), Project - 30%, Final Exam - 40%";
   "Winter 2024: students can choose not to submit HW3, changing the HW weight to 20% (HW 1-2)
   and the exam to 50%": an empty HW3 is that opt-out. An empty HW1 or HW2 counts as 0.
   $s = \\sum_c w_c x_c / 100 + b \\cdot \\text{practice} / 100$ with the bonus $b = 2$
   ("Preparation/Practice exercises on Moodle - 2% Bonus (must pass the final exam)").
4. **Rounding and cap.** $\\text{final} = \\min(\\operatorname{round\\_half\\_up}(s), 100)$;
   status ``pass`` when $\\text{final} \\ge p$, else ``fail``.

Explained in plain words, with worked examples, in the README ("The grade policy").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from deepcourse.course.assessment import PolicyParams
from deepcourse.course.grade_value import decimal_text

HW_COMPONENTS = ("hw1", "hw2", "hw3")


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"


class Rule(StrEnum):
    """Which rule of the policy decided a grade."""

    INCOMPLETE = "incomplete"
    FAIL_RULE = "fail_rule"
    WEIGHTED = "weighted"
    WEIGHTED_HW3_OPT_OUT = "weighted_hw3_opt_out"


@dataclass(frozen=True)
class Components:
    """One student's grade components. ``None`` means empty (not submitted / not graded).

    Attributes:
        hw0: ``"pass"`` or ``"fail"`` (binary), or ``None``.
        hw1, hw2, hw3, project, exam: grades in 0-100 (decimals allowed), or ``None``.
        practice: percent of the practice questions completed, 0-100; ``None`` counts as 0.
    """

    hw0: str | None = None
    hw1: Decimal | None = None
    hw2: Decimal | None = None
    hw3: Decimal | None = None
    project: Decimal | None = None
    exam: Decimal | None = None
    practice: Decimal | None = None


@dataclass(frozen=True)
class GradeResult:
    """A final grade and how it was reached.

    Attributes:
        final: the integer final grade, or ``None`` when incomplete.
        status: pass, fail or incomplete.
        rule: the rule that applied.
        explanation: that rule in words, with this student's numbers.
        contributions: points each component added (``bonus`` for practice); for the fail rule,
            the one grade that decided it.
        raw: the exact sum before rounding and the cap (``None`` when incomplete).
    """

    final: int | None
    status: Status
    rule: Rule
    explanation: str
    contributions: dict[str, Decimal] = field(default_factory=dict)
    raw: Decimal | None = None


def round_half_up(value: Decimal) -> int:
    """Round to the nearest integer, halves away from zero: 84.5 -> 85, 54.49 -> 54."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _highest_failing_integer(pass_mark: Decimal) -> int:
    return math.ceil(pass_mark) - 1


def compute_final(components: Components, policy: PolicyParams) -> GradeResult:
    """Apply the grade policy to one student's components.

    Args:
        components: the student's grades (already validated to lie in 0-100).
        policy: the policy numbers, e.g. ``load_course().assessment.policy``.

    Returns:
        The final grade with its status, rule and explanation.
    """
    c = components
    p = policy.pass_mark
    missing = [name for name in ("exam", "project") if getattr(c, name) is None]
    hw0_passed = c.hw0 is not None and c.hw0.strip().lower() == "pass"
    if missing or not hw0_passed:
        reasons = [f"no {name} grade" for name in missing]
        if not hw0_passed:
            reasons.append("HW0 not passed" if c.hw0 else "HW0 not submitted")
        return GradeResult(
            final=None,
            status=Status.INCOMPLETE,
            rule=Rule.INCOMPLETE,
            explanation="incomplete: "
            + ", ".join(reasons)
            + " (HW0, the exam and the project are required)",
        )

    exam, project = c.exam, c.project  # both present: checked above
    if exam < p or project < p:
        lower_name = "exam" if exam <= project else "project"
        lower = min(exam, project)
        final = min(round_half_up(lower), _highest_failing_integer(p))
        failed = " and ".join(n for n, v in (("exam", exam), ("project", project)) if v < p)
        return GradeResult(
            final=final,
            status=Status.FAIL,
            rule=Rule.FAIL_RULE,
            explanation=(
                f"fail rule: {failed} below {decimal_text(p)}, so the final is the lower of exam "
                f"({decimal_text(exam)}) and project ({decimal_text(project)}) = {decimal_text(lower)} -> {final}; "
                "no homework or bonus counts"
            ),
            contributions={lower_name: lower},
            raw=lower,
        )

    opted_out = c.hw3 is None
    weights = policy.hw3_opt_out if opted_out else policy.weights
    hundred = Decimal(100)
    contributions = {
        name: weight * (getattr(c, name) or Decimal(0)) / hundred
        for name, weight in weights.items()
    }
    contributions["bonus"] = policy.bonus_percent * (c.practice or Decimal(0)) / hundred
    raw = sum(contributions.values(), Decimal(0))
    final = min(round_half_up(raw), int(policy.final_cap))
    status = Status.PASS if final >= p else Status.FAIL
    terms = " + ".join(
        f"{decimal_text(weights[name])}% x {decimal_text(getattr(c, name) or Decimal(0))}"
        for name in weights
    )
    rule = Rule.WEIGHTED_HW3_OPT_OUT if opted_out else Rule.WEIGHTED
    head = "weighted, HW3 opted out" if opted_out else "weighted"
    return GradeResult(
        final=final,
        status=status,
        rule=rule,
        explanation=(
            f"{head}: {terms} + bonus {decimal_text(policy.bonus_percent)} x "
            f"{decimal_text(c.practice or Decimal(0))}% = {decimal_text(raw)} -> {final}"
            + (
                f" (capped at {decimal_text(policy.final_cap)})"
                if round_half_up(raw) > policy.final_cap
                else ""
            )
        ),
        contributions=contributions,
        raw=raw,
    )


@dataclass(frozen=True)
class ExamNeeded:
    """The answer to "what exam grade do I need?".

    Attributes:
        exam: the exact lowest exam grade reaching the target, or ``None`` if not reachable.
        whole: the lowest whole-number exam grade reaching it, or ``None``.
    """

    exam: Fraction | None
    whole: int | None

    @property
    def reachable(self) -> bool:
        return self.exam is not None


def lowest_exam_for(components: Components, policy: PolicyParams, target: int) -> ExamNeeded:
    """The lowest exam grade in 0-100 whose final grade is at least ``target``.

    The final is not monotone in the exam (a weighted grade just above the pass mark can be lower
    than a failing exam's), so both branches of the policy are solved exactly and the lower
    threshold wins; the result is then confirmed with :func:`compute_final`.

    Args:
        components: the known components (``exam`` is ignored).
        policy: the policy numbers.
        target: the final grade wanted, an integer.
    """
    p = Fraction(policy.pass_mark)
    threshold = Fraction(target) - Fraction(1, 2)  # round_half_up(s) >= t  <=>  s >= t - 1/2
    candidates: list[Fraction] = []
    project = Fraction(components.project) if components.project is not None else None
    if project is None or components.hw0 is None or components.hw0.strip().lower() != "pass":
        return ExamNeeded(None, None)
    # Fail branch: exam < p; final = min(round(min(exam, project)), p - 1).
    if target <= _highest_failing_integer(policy.pass_mark) and project >= threshold:
        candidates.append(max(threshold, Fraction(0)))
    # Weighted branch: exam >= p and project >= p; final = round(base + w_exam * exam / 100).
    if project >= p and target <= policy.final_cap:
        weights = policy.hw3_opt_out if components.hw3 is None else policy.weights
        base = (
            sum(
                (
                    Fraction(w) * Fraction(getattr(components, n) or 0) / 100
                    for n, w in weights.items()
                    if n != "exam"
                ),
                Fraction(0),
            )
            + Fraction(policy.bonus_percent) * Fraction(components.practice or 0) / 100
        )
        need = (threshold - base) * 100 / Fraction(weights["exam"])
        candidates.append(max(need, p))
    best = min((x for x in candidates if x <= 100), default=None)
    if best is None:
        return ExamNeeded(None, None)
    whole = math.ceil(best)
    # Confirm the whole-number answer with the engine itself (the single source of truth).
    check = compute_final(replace(components, exam=Decimal(whole)), policy)
    if check.final is None or check.final < target:  # pragma: no cover (a bug, not bad input)
        raise ArithmeticError(f"what-if disagrees with the policy at exam={whole}")
    return ExamNeeded(best, whole)
