"""Expected versus actual in the grader, with tolerances."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from deepcourse.grader.compare import compare


def test_floats_within_the_relative_tolerance_are_equal():
    assert compare(1.0, 1.0 + 1e-9).ok
    assert not compare(1.0, 1.1).ok
    assert compare(1.0, 1.1, rtol=0.2).ok


def test_nan_equals_nan():
    assert compare(math.nan, math.nan).ok
    assert compare(np.array([np.nan, 1.0]), np.array([np.nan, 1.0])).ok


def test_an_infinity_equals_only_itself():
    assert compare(math.inf, math.inf).ok
    assert not compare(math.inf, 3.0).ok
    assert not compare(math.inf, -math.inf).ok
    assert not compare(1.0, math.inf).ok


def test_an_int_too_large_for_a_float_is_a_mismatch_not_a_crash():
    assert not compare(1.5, 10**400).ok
    assert not compare(10**400, 1.5).ok
    assert compare(10**400, 10**400).ok


def test_an_array_where_a_list_of_strings_is_expected_is_a_mismatch_not_a_crash():
    result = compare(["a", "b"], np.array([1.0, 2.0]))
    assert not result.ok and "'a'" in result.message


def test_a_shape_mismatch_names_both_shapes():
    result = compare(np.zeros(3), np.zeros((3, 1)))
    assert not result.ok and "(3,)" in result.message and "(3, 1)" in result.message


def test_a_nested_difference_says_where():
    result = compare({"a": [1, 2]}, {"a": [1, 3]})
    assert not result.ok and "['a'][1]" in result.message


def test_booleans_are_not_numbers():
    assert not compare(True, 1).ok
    assert not compare(1, True).ok


def test_a_list_matches_an_expected_array_of_the_same_values():
    assert compare(np.array([1.0, 2.0]), [1.0, 2.0]).ok


def test_integers_compare_exactly():
    assert not compare(10**20, 10**20 + 1).ok


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_every_finite_float_equals_itself(x):
    assert compare(x, x).ok
