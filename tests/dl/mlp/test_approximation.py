"""The hand-built bump network interpolates its target, with error shrinking like 1/width^2."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepcourse.dl.mlp import bump, bump_network


def test_bump_is_a_hat_of_three_relus():
    x = torch.tensor([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    torch.testing.assert_close(bump(x, 0.0, 1.0), torch.tensor([0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0]))


def test_bump_network_interpolates_at_the_knots_and_error_shrinks_quadratically():
    errors = []
    x = torch.linspace(-3, 3, 2001, dtype=torch.float64)[:, None]
    for knots in [9, 17, 33, 65]:
        net = bump_network(np.sin, low=-3, high=3, num_knots=knots, dtype=torch.float64)
        knot_x = torch.linspace(-3, 3, knots, dtype=torch.float64)[:, None]
        torch.testing.assert_close(net(knot_x), torch.sin(knot_x), atol=1e-12, rtol=0)
        error = (net(x) - torch.sin(x)).abs().max().item()
        h = 6 / (knots - 1)
        assert error <= h**2 / 8 + 1e-12  # max|sin''| = 1
        errors.append(error)
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert (ratios > 3.0).all()  # halving h divides the error by about 4


def test_bump_network_refuses_a_single_knot():
    with pytest.raises(ValueError, match="num_knots"):
        bump_network(np.sin, low=0, high=1, num_knots=1)
