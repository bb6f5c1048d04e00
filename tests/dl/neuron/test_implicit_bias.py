"""Gradient descent on the logistic loss turns towards the hard-margin SVM (Soudry et al. 2018);
our QP's SVM agrees with scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.svm import SVC

from deepcourse.dl.data import linearly_separable
from deepcourse.dl.neuron import angle_between, hard_margin_svm, logistic_gd_path


@pytest.fixture(scope="module")
def symmetric_data():
    """Separable data closed under x -> -x, so scikit-learn's SVM has intercept 0 exactly."""
    X, y, _ = linearly_separable(40, margin=0.3, seed=1)
    return np.vstack([X, -X]), np.concatenate([y, -y])


def test_the_qp_svm_agrees_with_scikit_learn(symmetric_data):
    X, y = symmetric_data
    w = hard_margin_svm(X, y)
    reference = SVC(kernel="linear", C=1e8).fit(X, y)
    assert angle_between(w, reference.coef_[0]) < 1e-4
    assert (y * (X @ w)).min() == pytest.approx(1.0, abs=1e-6)  # support vectors at margin 1


def test_gradient_descent_direction_approaches_the_svm_monotonically(symmetric_data):
    X, y = symmetric_data
    path = logistic_gd_path(X, y, lr=1.0, num_steps=5000, num_snapshots=10)
    angles = path.angles_to(hard_margin_svm(X, y))
    assert (np.diff(angles) < 0).all()
    assert (np.diff(path.losses) < 0).all()
    assert np.linalg.norm(path.weights[-1]) > np.linalg.norm(path.weights[0])


def test_svm_refuses_data_that_are_not_separable():
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="not linearly separable"):
        hard_margin_svm(X, np.array([1.0, -1.0]))


def test_gradient_descent_refuses_a_step_beyond_two_over_the_smoothness(symmetric_data):
    X, y = symmetric_data
    with pytest.raises(ValueError, match="2/beta"):
        logistic_gd_path(X, y, lr=1e6)


def test_angle_between_parallel_and_opposite_vectors():
    assert angle_between(np.array([1.0, 1.0]), np.array([2.0, 2.0])) == pytest.approx(
        0.0, abs=1e-12
    )
    assert angle_between(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == pytest.approx(np.pi)
