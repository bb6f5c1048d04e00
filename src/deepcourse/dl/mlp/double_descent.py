r"""Double descent in its simplest setting: a two-layer ReLU network whose first layer is random
and frozen, $\phi(x) = \mathrm{ReLU}(Vx)$ with $V_{ij} \sim N(0, 1/d)$, and whose output layer is
the minimum-norm least-squares fit $\beta = \Phi^+ Y$ (the point gradient descent from zero
converges to). As the width $p$ passes the number of training samples $n$ the test error
rises to a peak at $p = n$, where the fit interpolates with a huge norm, then descends again
(Belkin, Hsu, Ma and Mandal, PNAS 2019). See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["random_features_test_error"]


def random_features_test_error(
    X_train: np.ndarray,
    Y_train: np.ndarray,
    X_test: np.ndarray,
    Y_test: np.ndarray,
    widths: Sequence[int],
    *,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Train and test mean squared errors of the min-norm random-ReLU-features fit per width.

    The widths share one random first layer (the first $p$ of $\max p$ features), so the curve
    varies only in $p$.

    Args:
        X_train, X_test: inputs (n, d).
        Y_train, Y_test: targets (n, k), e.g. one-hot labels.
        widths: hidden widths $p$ to try.

    Returns:
        ``(train_mse, test_mse)``, each of shape (len(widths),).

    Raises:
        ValueError: for non-positive widths.
    """
    if min(widths) < 1:
        raise ValueError(f"widths must be positive integers, got {list(widths)}")
    rng = np.random.default_rng(seed)
    V = rng.standard_normal((X_train.shape[1], max(widths))) / np.sqrt(X_train.shape[1])
    train_mse, test_mse = [], []
    for p in widths:
        features = np.maximum(X_train @ V[:, :p], 0.0)  # (n, p)
        beta = np.linalg.lstsq(features, Y_train, rcond=None)[0]  # minimum-norm solution
        train_mse.append(np.mean((features @ beta - Y_train) ** 2))
        test_mse.append(np.mean((np.maximum(X_test @ V[:, :p], 0.0) @ beta - Y_test) ** 2))
    return np.array(train_mse), np.array(test_mse)
