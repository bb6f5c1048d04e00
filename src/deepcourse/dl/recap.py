r"""Unit 1, a recap of learning systems: splits and k-fold cross-validation, bias-variance
measured by refitting on resampled data, feature scaling, linear regression in closed form and by
gradient descent, ridge and lasso. numpy only; scikit-learn is the reference in the tests.
See ``course/tutorials/01-introduction.py``.

Conventions: ``X`` (n, d) features, ``y`` (n,) targets, ``w`` (d,) weights, ``b`` a scalar bias.
Regularisation follows scikit-learn's scaling so results compare one to one:
ridge minimises $\|y - Xw - b\|^2 + \lambda\|w\|^2$, lasso
$\frac1{2n}\|y - Xw - b\|^2 + \alpha\|w\|_1$; the bias is never penalised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BiasVariance",
    "bias_variance",
    "kfold_indices",
    "lasso",
    "linear_regression",
    "linear_regression_gd",
    "polynomial_features",
    "regularization_path",
    "ridge",
    "standardize",
    "train_val_test_indices",
]


def train_val_test_indices(
    num_samples: int, *, fractions: tuple[float, float, float] = (0.6, 0.2, 0.2), seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Disjoint shuffled index sets for training, validation (model choice) and test (final
    report, touched once).

    Raises:
        ValueError: if the fractions are not three positive numbers summing to 1.
    """
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1.0) > 1e-9:
        raise ValueError(f"fractions must be three positive numbers summing to 1, got {fractions}")
    order = np.random.default_rng(seed).permutation(num_samples)
    n_train = int(round(fractions[0] * num_samples))
    n_val = int(round(fractions[1] * num_samples))
    return order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]


def kfold_indices(
    num_samples: int, k: int, *, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """k-fold cross-validation: ``k`` (train, validation) pairs whose validation folds partition
    the shuffled samples (fold sizes differ by at most one).

    Raises:
        ValueError: unless ``2 <= k <= num_samples``.
    """
    if not 2 <= k <= num_samples:
        raise ValueError(f"k must be between 2 and num_samples={num_samples}, got {k}")
    order = np.random.default_rng(seed).permutation(num_samples)
    folds = np.array_split(order, k)
    return [(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(k)]


def standardize(X_train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    r"""$x \mapsto (x - \mu) / s$ with $\mu, s$ from the *training* set only (no leakage);
    constant features are only centred. Returns the scaled training set, then each other set."""
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return tuple((X - mean) / std for X in (X_train, *others))


def polynomial_features(x: np.ndarray, degree: int) -> np.ndarray:
    """Columns $x, x^2, \\dots, x^{degree}$ of a 1-D input (no constant: the bias is separate)."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    return np.stack([x**p for p in range(1, degree + 1)], axis=1)


def ridge(X: np.ndarray, y: np.ndarray, *, lam: float = 0.0) -> tuple[np.ndarray, float]:
    r"""Closed form on centred data: $w = (X_c^\top X_c + \lambda I)^{-1} X_c^\top y_c$,
    $b = \bar y - \bar x^\top w$. With ``lam=0`` this is ordinary least squares (via lstsq).

    Raises:
        ValueError: for a negative ``lam``.
    """
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    if lam == 0:
        w = np.linalg.lstsq(Xc, yc, rcond=None)[0]
    else:
        w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)


def linear_regression(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Ordinary least squares (the normal equations), same as ``ridge(X, y, lam=0)``."""
    return ridge(X, y, lam=0.0)


def linear_regression_gd(
    X: np.ndarray, y: np.ndarray, *, lr: float = 0.1, steps: int = 1000
) -> tuple[np.ndarray, float, np.ndarray]:
    r"""Gradient descent on $L(w, b) = \frac1n \|Xw + b - y\|^2$:
    $\nabla_w L = \frac2n X^\top r$, $\partial_b L = \frac2n \sum_i r_i$, $r = Xw + b - y$.

    Returns:
        ``w``, ``b`` and the loss before each step (length ``steps``).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    losses = np.empty(steps)
    for t in range(steps):
        r = X @ w + b - y
        losses[t] = r @ r / len(y)
        w = w - lr * 2.0 * X.T @ r / len(y)
        b = b - lr * 2.0 * r.mean()
    return w, b, losses


def lasso(
    X: np.ndarray, y: np.ndarray, *, alpha: float, sweeps: int = 1000, tol: float = 1e-10
) -> tuple[np.ndarray, float]:
    r"""Cyclic coordinate descent on $\frac1{2n}\|y_c - X_c w\|^2 + \alpha\|w\|_1$: each
    coordinate is set by soft-thresholding, $w_j = S(\rho_j, \alpha) / (\frac1n\|x_j\|^2)$ with
    $\rho_j = \frac1n x_j^\top(r + x_j w_j)$ and $S(\rho, \alpha) = \mathrm{sign}(\rho)\max(|\rho| - \alpha, 0)$.
    """
    if alpha < 0:
        raise ValueError(f"alpha must be non-negative, got {alpha}")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    col_sq = (Xc**2).sum(axis=0) / n
    w = np.zeros(X.shape[1])
    r = yc.copy()  # residual y - Xw
    for _ in range(sweeps):
        largest_change = 0.0
        for j in np.flatnonzero(col_sq > 0):
            rho = Xc[:, j] @ r / n + col_sq[j] * w[j]
            new = np.sign(rho) * max(abs(rho) - alpha, 0.0) / col_sq[j]
            r -= Xc[:, j] * (new - w[j])
            largest_change = max(largest_change, abs(new - w[j]))
            w[j] = new
        if largest_change < tol:
            break
    return w, float(y_mean - x_mean @ w)


def regularization_path(
    X: np.ndarray, y: np.ndarray, strengths: np.ndarray, *, kind: str = "ridge"
) -> np.ndarray:
    """Coefficients for each regularisation strength: an array (len(strengths), d) to plot.

    Raises:
        ValueError: for a ``kind`` other than "ridge" or "lasso".
    """
    if kind == "ridge":
        return np.array([ridge(X, y, lam=s)[0] for s in strengths])
    if kind == "lasso":
        return np.array([lasso(X, y, alpha=s)[0] for s in strengths])
    raise ValueError(f'kind must be "ridge" or "lasso", got {kind!r}')


@dataclass(frozen=True)
class BiasVariance:
    r"""Measured decomposition at test points: expected squared error
    $= \text{bias}^2 + \text{variance} + \sigma^2$ (averaged over the test points).

    ``noise`` is the noise *variance* $\sigma^2$, the square of :func:`bias_variance`'s ``noise``
    argument (a standard deviation); the three fields add up to ``expected_error`` up to sampling
    error.
    """

    bias_squared: float
    variance: float
    noise: float
    expected_error: float


def bias_variance(
    fit_predict: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    target: Callable[[np.ndarray], np.ndarray],
    *,
    x_test: np.ndarray,
    num_train: int = 30,
    noise: float = 0.3,
    num_refits: int = 200,
    low: float = -1.0,
    high: float = 1.0,
    seed: int = 0,
) -> BiasVariance:
    r"""Refit a model on ``num_refits`` fresh training sets $y = f(x) + \varepsilon$,
    $\varepsilon \sim N(0, \text{noise}^2)$, and measure at ``x_test``:
    bias$^2 = \overline{(\bar h(x) - f(x))^2}$, variance $= \overline{\mathrm{Var}[h(x)]}$, and the
    expected squared error against fresh noisy labels.

    Args:
        fit_predict: ``(x_train, y_train, x_test) -> predictions at x_test``.
        target: the true function $f$.
    """
    rng = np.random.default_rng(seed)
    x_test = np.asarray(x_test, dtype=np.float64)
    f_test = target(x_test)
    predictions = np.empty((num_refits, len(x_test)))
    for k in range(num_refits):
        x = rng.uniform(low, high, num_train)
        y = target(x) + noise * rng.standard_normal(num_train)
        predictions[k] = fit_predict(x, y, x_test)
    mean_prediction = predictions.mean(axis=0)
    bias_squared = float(((mean_prediction - f_test) ** 2).mean())
    variance = float(predictions.var(axis=0).mean())
    y_fresh = f_test + noise * rng.standard_normal((num_refits, len(x_test)))
    expected_error = float(((predictions - y_fresh) ** 2).mean())
    return BiasVariance(bias_squared, variance, noise**2, expected_error)
