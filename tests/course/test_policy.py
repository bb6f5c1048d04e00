"""The grade policy engine: one test per rule of the course page, boundaries, properties."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcourse.course import load_course
from deepcourse.course.policy import (
    Components,
    Rule,
    Status,
    compute_final,
    lowest_exam_for,
    round_half_up,
)

POLICY = load_course().assessment.policy


def grade(**kw) -> Components:
    base = dict(
        hw0="pass", hw1=D(80), hw2=D(80), hw3=D(80), project=D(80), exam=D(80), practice=D(0)
    )
    base.update(
        {
            k: (D(str(v)) if isinstance(v, int | float | str) and k != "hw0" else v)
            for k, v in kw.items()
        }
    )
    return Components(**base)


# Rule 1: pass mark 55.
def test_pass_mark_is_55_from_the_policy_data():
    assert POLICY.pass_mark == 55


# Rule 2: incomplete.
@pytest.mark.parametrize("missing", ["exam", "project"])
def test_a_missing_exam_or_project_makes_the_grade_incomplete(missing):
    result = compute_final(grade(**{missing: None}), POLICY)
    assert (result.final, result.status, result.rule) == (None, Status.INCOMPLETE, Rule.INCOMPLETE)
    assert f"no {missing} grade" in result.explanation


@pytest.mark.parametrize("hw0", [None, "fail", "FAIL"])
def test_hw0_must_be_passed_or_the_grade_is_incomplete(hw0):
    result = compute_final(grade(hw0=hw0), POLICY)
    assert result.status is Status.INCOMPLETE and result.final is None
    assert "HW0" in result.explanation


@pytest.mark.parametrize("word", ["pass", "Pass", "PASS", " pass "])
def test_hw0_pass_is_matched_case_insensitively(word):
    assert compute_final(grade(hw0=word), POLICY).status is Status.PASS


# Rule 3: the fail rule.
def test_failing_the_exam_gives_the_lower_of_exam_and_project_without_homework_or_bonus():
    result = compute_final(
        grade(exam=40, project=90, hw1=100, hw2=100, hw3=100, practice=100), POLICY
    )
    assert (result.final, result.status, result.rule) == (40, Status.FAIL, Rule.FAIL_RULE)
    assert result.contributions == {"exam": D(40)}


def test_failing_the_project_gives_the_lower_of_exam_and_project():
    result = compute_final(grade(exam=95, project=50), POLICY)
    assert (result.final, result.status) == (50, Status.FAIL)
    assert result.contributions == {"project": D(50)}


def test_failing_both_gives_the_lower_of_the_two():
    assert compute_final(grade(exam=30, project=45), POLICY).final == 30


def test_a_failed_exam_of_54_5_gives_54_never_a_rounded_up_pass():
    result = compute_final(grade(exam="54.5", project=90), POLICY)
    assert (result.final, result.status) == (54, Status.FAIL)


def test_the_fail_rule_rounds_half_up_below_the_cap_of_54():
    assert compute_final(grade(exam="40.5", project=90), POLICY).final == 41
    assert compute_final(grade(exam="40.49", project=90), POLICY).final == 40


# Rule 4: weighted grade and the HW3 opt-out.
def test_with_hw3_the_weights_are_10_10_10_30_40():
    result = compute_final(grade(hw1=100, hw2=90, hw3=80, project=70, exam=60), POLICY)
    # 10 + 9 + 8 + 21 + 24 = 72
    assert (result.final, result.rule, result.raw) == (72, Rule.WEIGHTED, D(72))


def test_an_empty_hw3_opts_out_and_moves_its_weight_to_the_exam():
    result = compute_final(grade(hw1=100, hw2=90, hw3=None, project=70, exam=60), POLICY)
    # 10 + 9 + 21 + 30 = 70
    assert (result.final, result.rule) == (70, Rule.WEIGHTED_HW3_OPT_OUT)
    assert "hw3" not in result.contributions and result.contributions["exam"] == D(30)


def test_an_empty_hw1_or_hw2_counts_as_zero():
    with_zero = compute_final(grade(hw1=0, hw2=0), POLICY)
    empty = compute_final(grade(hw1=None, hw2=None), POLICY)
    assert with_zero.final == empty.final == 64  # 8 + 24 + 32


def test_the_practice_bonus_adds_2_times_the_fraction_completed():
    assert compute_final(grade(practice=100), POLICY).raw == D(82)
    assert compute_final(grade(practice=50), POLICY).raw == D(81)
    assert compute_final(grade(practice=None), POLICY).raw == D(80)


# Rule 5: rounding half up, cap, status.
def test_84_5_rounds_up_to_85_exactly():
    # 8 + 8 + 8 + 0.3 x 85 + 0.4 x 87.5 = 24 + 25.5 + 35 = 84.5
    result = compute_final(grade(hw1=80, hw2=80, hw3=80, project=85, exam=87.5, practice=0), POLICY)
    assert result.raw == D("84.5") and result.final == 85


def test_round_half_up_is_exact_on_halves():
    assert [round_half_up(D(x)) for x in ("84.5", "84.49", "0.5", "54.5", "99.5")] == [
        85,
        84,
        1,
        55,
        100,
    ]


def test_the_final_is_capped_at_100():
    result = compute_final(
        grade(hw1=100, hw2=100, hw3=100, project=100, exam=100, practice=100), POLICY
    )
    assert result.raw == D(102) and result.final == 100 and "capped" in result.explanation


def test_exactly_55_in_exam_and_project_is_not_the_fail_rule():
    result = compute_final(grade(exam=55, project=55, hw1=55, hw2=55, hw3=55), POLICY)
    assert result.rule is Rule.WEIGHTED and (result.final, result.status) == (55, Status.PASS)


def test_a_weighted_grade_below_55_fails_even_with_exam_and_project_passed():
    result = compute_final(grade(exam=55, project=55, hw1=None, hw2=None, hw3=0), POLICY)
    assert (result.final, result.status, result.rule) == (
        39,
        Status.FAIL,
        Rule.WEIGHTED,
    )  # 38.5 -> 39


def test_a_weighted_54_5_rounds_to_a_55_pass():
    # 5.5 + 4.5 + 16.5 + 27.5 + 0.5 = 54.5 -> 55
    result = compute_final(
        grade(exam=55, project=55, hw1=55, hw2=45, hw3=None, practice="25"), POLICY
    )
    assert result.raw == D("54.5") and (result.final, result.status) == (55, Status.PASS)


# What-if.
def test_what_if_finds_the_lowest_exam_reaching_the_target():
    known = grade(hw1=90, hw2=85, hw3=80, project=88, exam=None, practice=50)
    need = lowest_exam_for(known, POLICY, 85)
    assert need.whole == 79
    assert compute_final(replace(known, exam=D(79)), POLICY).final == 85
    assert compute_final(replace(known, exam=D(78)), POLICY).final == 84


def test_what_if_with_hw3_opted_out_needs_a_different_exam():
    known = grade(hw1=90, hw2=85, hw3=None, project=88, exam=None, practice=50)
    need = lowest_exam_for(known, POLICY, 85)
    assert float(need.exam) == pytest.approx(79.2) and need.whole == 80


def test_what_if_says_not_reachable_when_even_100_is_too_low():
    known = grade(hw1=0, hw2=0, hw3=0, project=55, exam=None, practice=0)
    assert not lowest_exam_for(known, POLICY, 80).reachable


def test_what_if_with_a_failed_project_can_only_reach_the_project_grade():
    known = grade(project=50, exam=None)
    assert lowest_exam_for(known, POLICY, 50).whole == 50  # min(exam, 50) >= 49.5
    assert not lowest_exam_for(known, POLICY, 51).reachable


# Properties.
grades_ = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
maybe = st.one_of(st.none(), grades_)
passing = st.decimals(min_value=55, max_value=100, places=1)


@st.composite
def components(draw, exam=grades_, project=grades_):
    return Components(
        hw0="pass",
        hw1=draw(maybe),
        hw2=draw(maybe),
        hw3=draw(maybe),
        project=draw(project),
        exam=draw(exam),
        practice=draw(maybe),
    )


@settings(max_examples=300, deadline=None)
@given(components())
def test_the_final_is_always_an_integer_in_0_to_100(c):
    result = compute_final(c, POLICY)
    assert isinstance(result.final, int) and 0 <= result.final <= 100


@settings(max_examples=300, deadline=None)
@given(
    components(exam=passing, project=passing),
    st.sampled_from(["hw1", "hw2", "hw3", "project", "exam", "practice"]),
    grades_,
)
def test_raising_any_component_never_lowers_the_final_while_exam_and_project_pass(c, name, bump):
    before = getattr(c, name)
    if before is None:
        return  # empty -> a value changes the rule for hw3 (opt-out); covered elsewhere
    after = min(D(100), before + bump)
    assert (
        compute_final(replace(c, **{name: after}), POLICY).final >= compute_final(c, POLICY).final
    )


@settings(max_examples=300, deadline=None)
@given(
    components(exam=st.decimals(min_value=0, max_value="54.9", places=1)),
    maybe,
    maybe,
    maybe,
    maybe,
)
def test_the_fail_rule_ignores_homework_and_the_bonus(c, hw1, hw2, hw3, practice):
    other = replace(c, hw1=hw1, hw2=hw2, hw3=hw3, practice=practice)
    a, b = compute_final(c, POLICY), compute_final(other, POLICY)
    assert a.rule is b.rule is Rule.FAIL_RULE
    assert a.final == b.final <= 54


@settings(max_examples=200, deadline=None)
@given(components(exam=st.none()), st.integers(min_value=0, max_value=100))
def test_what_if_answers_are_the_lowest_whole_exam_that_reaches_the_target(c, target):
    need = lowest_exam_for(c, POLICY, target)
    finals = {x: compute_final(replace(c, exam=D(x)), POLICY).final for x in range(101)}
    reaching = [x for x, f in finals.items() if f >= target]
    assert need.whole == (min(reaching) if reaching else None)
