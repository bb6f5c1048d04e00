"""``assert L == R`` in test cells becomes a graded comparison."""

from __future__ import annotations

from deepcourse.grader.rewrite import rewrite_test


def test_an_equality_assert_becomes_a_graded_call():
    assert (
        rewrite_test("assert f(3) == [0, 1, 4]")
        == "_deepcourse_assert_eq(f(3), [0, 1, 4], 'f(3) == [0, 1, 4]')"
    )


def test_other_asserts_and_chains_are_left_alone():
    code = "assert ok\nassert a == b == c\nassert x < 3"
    assert rewrite_test(code) == code


def test_code_that_does_not_parse_is_returned_unchanged():
    assert rewrite_test("assert (") == "assert ("
