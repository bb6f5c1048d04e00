"""Synthetic 2-D classification sets and 1-D/2-D regression targets, seeded and offline."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "blobs",
    "circles",
    "linearly_separable",
    "moons",
    "regression_1d",
    "regression_2d",
    "spirals",
    "xor",
]


def _check_n(num_samples: int) -> None:
    if num_samples < 2:
        raise ValueError(f"num_samples must be at least 2, got {num_samples}")


def moons(num_samples: int = 200, *, noise: float = 0.1, seed: int = 0):
    """Two interleaving half circles; returns ``X`` (n, 2) and labels ``y`` in {0, 1}."""
    _check_n(num_samples)
    from sklearn.datasets import make_moons

    return make_moons(num_samples, noise=noise, random_state=seed)


def circles(num_samples: int = 200, *, noise: float = 0.05, factor: float = 0.5, seed: int = 0):
    """A small circle inside a large one; labels in {0, 1} (1 = inner)."""
    _check_n(num_samples)
    from sklearn.datasets import make_circles

    return make_circles(num_samples, noise=noise, factor=factor, random_state=seed)


def blobs(num_samples: int = 200, *, num_classes: int = 3, spread: float = 1.0, seed: int = 0):
    """Isotropic Gaussian blobs, one per class; labels in {0, ..., num_classes-1}."""
    _check_n(num_samples)
    from sklearn.datasets import make_blobs

    return make_blobs(num_samples, centers=num_classes, cluster_std=spread, random_state=seed)


def xor(num_samples: int = 200, *, noise: float = 0.1, seed: int = 0):
    """Four Gaussian clusters at (+-1, +-1); label 1 where the coordinates' signs differ."""
    _check_n(num_samples)
    rng = np.random.default_rng(seed)
    corners = rng.choice([-1.0, 1.0], size=(num_samples, 2))
    X = corners + noise * rng.standard_normal((num_samples, 2))
    y = (corners[:, 0] != corners[:, 1]).astype(np.int64)
    return X, y


def spirals(num_samples: int = 200, *, num_classes: int = 2, noise: float = 0.2, seed: int = 0):
    """Interleaved spiral arms of one and a half turns; not linearly separable."""
    _check_n(num_samples)
    rng = np.random.default_rng(seed)
    y = np.arange(num_samples) % num_classes
    r = rng.uniform(0.05, 1.0, num_samples)
    theta = 3 * np.pi * r + 2 * np.pi * y / num_classes + noise * rng.standard_normal(num_samples)
    X = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    return X, y.astype(np.int64)


def linearly_separable(num_samples: int = 100, *, margin: float = 0.5, dim: int = 2, seed: int = 0):
    """Points separable through the origin by a random unit normal, with a guaranteed margin.

    Labels are in {-1, +1} (the convention of the margin and the SVM); every point satisfies
    ``y * <w_true, x> >= margin``.

    Returns:
        ``X`` (n, dim), ``y`` (n,) in {-1, +1}, and the generating unit normal ``w_true``.
    """
    _check_n(num_samples)
    if margin <= 0:
        raise ValueError(f"margin must be positive, got {margin}")
    rng = np.random.default_rng(seed)
    w_true = rng.standard_normal(dim)
    w_true /= np.linalg.norm(w_true)
    X = rng.standard_normal((num_samples, dim))
    y = np.where(rng.random(num_samples) < 0.5, -1.0, 1.0)
    along = X @ w_true
    X += np.outer(y * (margin + np.abs(along)) - along, w_true)  # push to the right side
    return X, y, w_true


def regression_1d(
    target: Callable[[np.ndarray], np.ndarray] = np.sin,
    num_samples: int = 100,
    *,
    low: float = -np.pi,
    high: float = np.pi,
    noise: float = 0.0,
    seed: int = 0,
):
    """Samples ``x ~ U[low, high]`` and ``y = target(x) + noise * N(0, 1)``, shapes (n, 1)."""
    _check_n(num_samples)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, num_samples))[:, None]
    return x, target(x) + noise * rng.standard_normal(x.shape)


def regression_2d(
    target: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    num_samples: int = 400,
    *,
    noise: float = 0.0,
    seed: int = 0,
):
    """Samples on ``[-1, 1]^2``; default target ``sin(pi x1) cos(pi x2)``. Returns X (n,2), y (n,1)."""
    _check_n(num_samples)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (num_samples, 2))
    if target is None:

        def target(a, b):
            return np.sin(np.pi * a) * np.cos(np.pi * b)

    y = target(X[:, 0], X[:, 1])[:, None]
    return X, y + noise * rng.standard_normal(y.shape)
