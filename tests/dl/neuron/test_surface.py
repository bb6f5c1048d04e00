"""MSE of a linear neuron is convex; MSE of a sigmoid neuron is not, and the chord test shows it."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from deepcourse.dl.neuron import convexity_gap, loss_surface

rng = np.random.default_rng(0)
X = rng.standard_normal((50, 2))
y = (X @ np.array([1.0, -1.0]) > 0).astype(float)


def linear_mse(w):
    return float(((X @ w - y) ** 2).mean())


def sigmoid_mse(w):
    return float(((expit(X @ w) - y) ** 2).mean())


def test_linear_neuron_mse_has_no_convexity_violation():
    assert convexity_gap(linear_mse, [-5, -5], [5, 5], num_chords=300) <= 1e-12


def test_sigmoid_neuron_mse_violates_convexity():
    assert convexity_gap(sigmoid_mse, [-10, -10], [10, 10], num_chords=300) > 1e-3


def test_loss_surface_has_the_contour_layout():
    w1, w2 = np.linspace(-1, 1, 4), np.linspace(-2, 2, 3)
    Z = loss_surface(linear_mse, w1, w2)
    assert Z.shape == (3, 4)
    assert Z[2, 0] == linear_mse(np.array([w1[0], w2[2]]))
