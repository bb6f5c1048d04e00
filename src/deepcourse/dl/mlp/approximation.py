r"""Universal approximation, constructively: one hidden ReLU layer builds any piecewise-linear
interpolant, from "bumps" (hat functions) made of three ReLUs each.

A hat of half-width $h$ at $c$: $\mathrm{hat}(x) = [\,\mathrm{ReLU}(x - c + h) - 2\,\mathrm{ReLU}(x - c)
+ \mathrm{ReLU}(x - c - h)\,] / h$. A sum $\sum_k f(c_k)\,\mathrm{hat}_k$ over a grid of knots
interpolates $f$ linearly between them; for a twice-differentiable $f$ the error is at most
$h^2 \max|f''| / 8$, so it shrinks as the width (number of knots) grows.
See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

__all__ = ["bump", "bump_network"]


def bump(x: torch.Tensor, center: float, half_width: float) -> torch.Tensor:
    """The hat function from three ReLUs: 1 at ``center``, 0 outside ``center +- half_width``."""
    relu = torch.relu
    return (
        relu(x - center + half_width) - 2.0 * relu(x - center) + relu(x - center - half_width)
    ) / half_width


def bump_network(
    target: Callable[[np.ndarray], np.ndarray],
    *,
    low: float,
    high: float,
    num_knots: int,
    dtype: torch.dtype | None = None,
) -> nn.Sequential:
    r"""A ``Linear(1, H) -> ReLU -> Linear(H, 1)`` network, weights written by hand, that
    interpolates ``target`` linearly between ``num_knots`` equally spaced knots on [low, high].

    Its hidden layer has one ReLU per knot: $g(x) = f(c_0) + \sum_k a_k \mathrm{ReLU}(x - c_k)$
    where $a_k$ is the change of slope at knot $c_k$ (the sum of the hats, telescoped).

    ``dtype`` is that of the weights (default: torch's default dtype).

    Raises:
        ValueError: for fewer than 2 knots or an empty interval.
    """
    if num_knots < 2 or not high > low:
        raise ValueError(f"need num_knots >= 2 and high > low, got {num_knots}, [{low}, {high}]")
    knots = np.linspace(low, high, num_knots)
    values = np.asarray(target(knots), dtype=np.float64)
    slopes = np.diff(values) / np.diff(knots)  # slope on each segment
    changes = np.diff(np.concatenate([[0.0], slopes]))  # slope change at knots[:-1]
    hidden = num_knots - 1
    net = nn.Sequential(
        nn.Linear(1, hidden, dtype=dtype), nn.ReLU(), nn.Linear(hidden, 1, dtype=dtype)
    )
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[0].bias.copy_(torch.as_tensor(-knots[:-1]))
        net[2].weight.copy_(torch.as_tensor(changes)[None])
        net[2].bias.fill_(float(values[0]))
    return net
