"""Optimisation surfaces of a single neuron: evaluate a loss on a grid of two parameters, and
measure (non-)convexity along random chords. See ``course/tutorials/04-single-neuron.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["convexity_gap", "loss_surface"]


def loss_surface(loss: Callable[[np.ndarray], float], w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """``Z[i, j] = loss([w1[j], w2[i]])`` over the grid (the layout ``plt.contour`` expects)."""
    return np.array([[loss(np.array([a, b])) for a in w1] for b in w2])


def convexity_gap(
    loss: Callable[[np.ndarray], float],
    low: np.ndarray,
    high: np.ndarray,
    *,
    num_chords: int = 500,
    seed: int = 0,
) -> float:
    r"""The largest violation of convexity found on random chords in the box [low, high]:
    $\max\; L(\tfrac{u+v}2) - \tfrac{L(u) + L(v)}2$.

    A convex loss gives a value $\le 0$ (up to rounding); a positive value proves non-convexity.
    """
    rng = np.random.default_rng(seed)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    gap = -np.inf
    for _ in range(num_chords):
        u, v = rng.uniform(low, high), rng.uniform(low, high)
        gap = max(gap, loss((u + v) / 2) - (loss(u) + loss(v)) / 2)
    return float(gap)
