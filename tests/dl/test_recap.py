"""Unit 1 recap: splits and folds partition the data; ridge and lasso match scikit-learn;
gradient descent reaches the closed form; bias and variance trade off with model complexity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, LinearRegression, Ridge

from deepcourse.dl import recap
from deepcourse.dl.data import tabular


@settings(max_examples=30, deadline=None)
@given(n=st.integers(10, 200), k=st.integers(2, 10), seed=st.integers(0, 100))
def test_kfold_validation_folds_partition_the_samples(n, k, seed):
    folds = recap.kfold_indices(n, k, seed=seed)
    validation = np.concatenate([v for _, v in folds])
    assert sorted(validation.tolist()) == list(range(n))
    sizes = [len(v) for _, v in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, val in folds:
        assert not set(train) & set(val) and len(train) + len(val) == n


def test_train_validation_test_indices_are_disjoint_and_cover_everything():
    parts = recap.train_val_test_indices(101, seed=0)
    assert sum(len(p) for p in parts) == 101
    assert len(set(np.concatenate(parts))) == 101


def test_bad_fractions_and_fold_counts_are_refused():
    with pytest.raises(ValueError, match="summing to 1"):
        recap.train_val_test_indices(10, fractions=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="k must be"):
        recap.kfold_indices(5, 6)


@pytest.fixture(scope="module")
def diabetes():
    return tabular("diabetes")


def test_least_squares_and_ridge_match_scikit_learn(diabetes):
    X, y = diabetes
    w, b = recap.linear_regression(X, y)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-8)
    assert b == pytest.approx(ref.intercept_)
    for lam in [0.01, 1.0, 100.0]:
        w, b = recap.ridge(X, y, lam=lam)
        ref = Ridge(alpha=lam).fit(X, y)
        np.testing.assert_allclose(w, ref.coef_, rtol=1e-8, atol=1e-8)


def test_lasso_coordinate_descent_matches_scikit_learn_and_is_sparse(diabetes):
    X, y = diabetes
    for alpha in [0.01, 0.1, 1.0]:
        w, b = recap.lasso(X, y, alpha=alpha)
        ref = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
        np.testing.assert_allclose(w, ref.coef_, atol=1e-3)
        assert b == pytest.approx(ref.intercept_, abs=1e-3)
    assert (recap.lasso(X, y, alpha=1.0)[0] == 0).sum() >= 5


def test_ridge_path_shrinks_towards_zero(diabetes):
    X, y = recap.standardize(diabetes[0])[0], diabetes[1]
    path = recap.regularization_path(X, y, np.logspace(-2, 4, 7), kind="ridge")
    norms = np.linalg.norm(path, axis=1)
    assert (np.diff(norms) < 0).all()
    with pytest.raises(ValueError, match="ridge"):
        recap.regularization_path(X, y, [1.0], kind="elastic")


def test_gradient_descent_reaches_the_closed_form_on_scaled_features(diabetes):
    X = recap.standardize(diabetes[0])[0]
    y = diabetes[1]
    w_gd, b_gd, losses = recap.linear_regression_gd(X, y, lr=0.05, steps=20_000)
    w, b = recap.linear_regression(X, y)
    assert (np.diff(losses) <= 1e-9).all()
    np.testing.assert_allclose(w_gd, w, atol=0.5)  # coefficients are of order 10-30
    assert b_gd == pytest.approx(b, rel=1e-6)


def test_standardize_uses_training_statistics_only():
    train, test = np.array([[0.0, 5.0], [2.0, 5.0]]), np.array([[4.0, 6.0]])
    train_s, test_s = recap.standardize(train, test)
    np.testing.assert_allclose(train_s, [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(test_s, [[3.0, 1.0]])


def test_more_complex_models_have_less_bias_and_more_variance():
    def poly(degree):
        def fit_predict(x, y, x_test):
            w, b = recap.linear_regression(recap.polynomial_features(x, degree), y)
            return recap.polynomial_features(x_test, degree) @ w + b

        return fit_predict

    x_test = np.linspace(-0.9, 0.9, 30)
    simple = recap.bias_variance(poly(1), np.sin, x_test=x_test * 3, low=-3, high=3, num_refits=100)
    rich = recap.bias_variance(poly(5), np.sin, x_test=x_test * 3, low=-3, high=3, num_refits=100)
    assert rich.bias_squared < simple.bias_squared
    assert rich.variance > simple.variance
    for result in (simple, rich):
        total = result.bias_squared + result.variance + result.noise
        assert result.expected_error == pytest.approx(total, rel=0.15)
