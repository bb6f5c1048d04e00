"""Synthetic sets have the promised shapes, labels and geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcourse.dl.data import (
    blobs,
    circles,
    linearly_separable,
    moons,
    regression_1d,
    regression_2d,
    spirals,
    xor,
)


@pytest.mark.parametrize("make", [moons, circles, xor, spirals])
def test_binary_sets_have_two_dimensional_points_and_zero_one_labels(make):
    X, y = make(101, seed=0)
    assert X.shape == (101, 2)
    assert set(np.unique(y)) == {0, 1}


def test_blobs_have_one_label_per_class():
    _, y = blobs(90, num_classes=3)
    assert set(np.unique(y)) == {0, 1, 2}


@settings(max_examples=25, deadline=None)
@given(margin=st.floats(0.01, 2.0), seed=st.integers(0, 10_000), dim=st.integers(2, 5))
def test_linearly_separable_data_respect_the_margin(margin, seed, dim):
    X, y, w_true = linearly_separable(50, margin=margin, dim=dim, seed=seed)
    assert np.linalg.norm(w_true) == pytest.approx(1.0)
    assert (y * (X @ w_true)).min() >= margin - 1e-9


def test_regression_sets_follow_their_targets_without_noise():
    x, y = regression_1d(np.cos, 50)
    np.testing.assert_allclose(y, np.cos(x))
    X, y2 = regression_2d(num_samples=30)
    np.testing.assert_allclose(y2[:, 0], np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1]))


def test_too_few_samples_are_refused():
    with pytest.raises(ValueError, match="at least 2"):
        xor(1)
