r"""Implicit ("hidden") regularisation of gradient descent.

On linearly separable data, gradient descent on the logistic loss of a linear predictor
(no bias) drives $\|w(t)\| \to \infty$, and its *direction* converges to the hard-margin SVM
solution $\hat w = \arg\min \|w\|^2$ s.t. $y_i w^\top x_i \ge 1$:
$w(t) = \hat w \log t + \rho(t)$ with $\rho$ bounded, so the angle to $\hat w$ shrinks like
$1/\log t$ (Soudry, Hoffer, Nacson, Gunasekar and Srebro, *The Implicit Bias of Gradient Descent
on Separable Data*, JMLR 2018). See ``course/tutorials/04-single-neuron.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from deepcourse.dl.neuron._labels import check_signed_labels

__all__ = ["GDPath", "angle_between", "hard_margin_svm", "logistic_gd_path"]


def _check(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"expected X (n, d) and y (n,), got {X.shape} and {y.shape}")
    check_signed_labels(y, where="implicit bias")
    return X, y


def hard_margin_svm(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""The homogeneous hard-margin SVM $\min_w \tfrac12\|w\|^2$ s.t. $y_i w^\top x_i \ge 1$,
    solved as a quadratic program (SLSQP). Its margin is $1/\|\hat w\|$.

    Raises:
        ValueError: if the data are not linearly separable through the origin.
    """
    from scipy.optimize import minimize  # 0.7 s to import: only when an SVM is solved

    X, y = _check(X, y)
    A = y[:, None] * X  # constraint rows: A w >= 1
    start = np.linalg.lstsq(A, np.ones(len(y)), rcond=None)[0]
    result = minimize(
        lambda w: 0.5 * w @ w,
        start,
        jac=lambda w: w,
        constraints=[{"type": "ineq", "fun": lambda w: A @ w - 1.0, "jac": lambda w: A}],
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    if not result.success or (A @ result.x).min() < 1.0 - 1e-6:
        raise ValueError("hard_margin_svm: the data are not linearly separable through the origin")
    return result.x


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """The angle between two vectors, in radians (robust near 0)."""
    u = np.asarray(u, dtype=np.float64) / np.linalg.norm(u)
    v = np.asarray(v, dtype=np.float64) / np.linalg.norm(v)
    return float(2.0 * np.arctan2(np.linalg.norm(u - v), np.linalg.norm(u + v)))


@dataclass(frozen=True)
class GDPath:
    """Snapshots of gradient descent: ``steps[j]`` is $t$, ``weights[j]`` is $w(t)$,
    ``losses[j]`` the mean logistic loss there."""

    steps: np.ndarray
    weights: np.ndarray
    losses: np.ndarray

    def angles_to(self, direction: np.ndarray) -> np.ndarray:
        """Angle (radians) between each $w(t)$ and ``direction``."""
        return np.array([angle_between(w, direction) for w in self.weights])


def logistic_gd_path(
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr: float = 1.0,
    num_steps: int = 100_000,
    num_snapshots: int = 30,
) -> GDPath:
    r"""Gradient descent $w \leftarrow w - \eta \nabla L(w)$ from $w = 0$ on the mean logistic loss
    $L(w) = \frac1n \sum_i \log(1 + e^{-y_i w^\top x_i})$, with
    $\nabla L(w) = -\frac1n \sum_i \sigma(-y_i w^\top x_i)\, y_i x_i$.

    Snapshots are taken at ``num_snapshots`` log-spaced steps (to see the $1/\log t$ rate).
    The theorem needs $\eta < 2/\beta$, $\beta = \sigma_{\max}(X)^2 / (4n)$ the smoothness.

    Raises:
        ValueError: for a step size beyond $2/\beta$ or bad labels.
    """
    X, y = _check(X, y)
    beta = np.linalg.norm(X, 2) ** 2 / (4.0 * len(y))
    if not 0 < lr < 2.0 / beta:
        raise ValueError(f"lr must be in (0, 2/beta) = (0, {2.0 / beta:.4g}) to converge, got {lr}")
    A = y[:, None] * X  # (n, d): margins are A @ w
    marks = np.unique(np.geomspace(1, num_steps, num_snapshots).astype(int))
    w = np.zeros(X.shape[1])
    steps, weights, losses = [], [], []
    next_mark = 0
    for t in range(1, num_steps + 1):
        w = w + lr * (expit(-(A @ w)) @ A) / len(y)
        if t == marks[next_mark]:
            steps.append(t)
            weights.append(w.copy())
            losses.append(float(np.logaddexp(0.0, -(A @ w)).mean()))
            next_mark += 1
    return GDPath(np.array(steps), np.array(weights), np.array(losses))
