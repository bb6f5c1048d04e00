"""Random-features regression interpolates from p = n on and peaks in test error there."""

from __future__ import annotations

import numpy as np
import pytest

from deepcourse.dl.mlp import random_features_test_error


def test_test_error_peaks_at_the_interpolation_threshold():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((330, 10))
    Y = np.sin(X[:, :1]) + 0.3 * rng.standard_normal((330, 1))
    widths = [5, 15, 30, 60, 600]
    train_mse, test_mse = random_features_test_error(X[:30], Y[:30], X[30:], Y[30:], widths)
    assert int(np.argmax(test_mse)) == widths.index(30)
    assert train_mse[widths.index(30) :].max() < 1e-10
    assert test_mse[-1] < test_mse[widths.index(30)] / 5


def test_non_positive_widths_are_refused():
    with pytest.raises(ValueError, match="positive"):
        random_features_test_error(
            np.zeros((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)), [0]
        )
