"""Permuting and rescaling hidden units leave the function unchanged; gradient descent with a
small step conserves the layer balance, and a large step lets it drift."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcourse.dl.mlp import MLP, layer_balance, permute_hidden_units, rescale_hidden_units


def _model(seed=0, bias=True):
    torch.manual_seed(seed)
    return MLP(3, [6, 5], 2, bias=bias).double()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000), layer=st.integers(0, 1))
def test_permuting_hidden_units_leaves_the_function_unchanged(seed, layer):
    model = _model(seed)
    width = model.layers[layer].out_features
    perm = torch.randperm(width, generator=torch.Generator().manual_seed(seed))
    x = torch.randn(7, 3, dtype=torch.float64)
    torch.testing.assert_close(permute_hidden_units(model, layer, perm)(x), model(x))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000), scale=st.floats(0.05, 20.0))
def test_rescaling_relu_units_leaves_the_function_unchanged(seed, scale):
    model = _model(seed)
    scales = (
        scale * torch.rand(6, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        + 0.01
    )
    x = torch.randn(7, 3, dtype=torch.float64)
    torch.testing.assert_close(rescale_hidden_units(model, 0, scales)(x), model(x))


def test_rescaling_changes_the_function_of_a_tanh_network():
    torch.manual_seed(0)
    model = MLP(3, [6], 2, activation="tanh").double()
    x = torch.randn(7, 3, dtype=torch.float64)
    assert not torch.allclose(rescale_hidden_units(model, 0, 3.0)(x), model(x))


def test_negative_scales_and_bad_permutations_are_refused():
    model = _model()
    with pytest.raises(ValueError, match="positive"):
        rescale_hidden_units(model, 0, -1.0)
    with pytest.raises(ValueError, match="reorder"):
        permute_hidden_units(model, 0, torch.zeros(6, dtype=torch.long))
    with pytest.raises(ValueError, match="hidden layer"):
        permute_hidden_units(model, 2, torch.arange(2))


def _drift(lr, steps, bias):
    model = _model(3, bias=bias)
    g = torch.Generator().manual_seed(0)
    X = torch.randn(64, 3, generator=g, dtype=torch.float64)
    y = torch.randn(64, 2, generator=g, dtype=torch.float64)
    start = layer_balance(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(model(X), y).backward()
        optimizer.step()
    return np.abs(layer_balance(model) - start).max()


@pytest.mark.parametrize("bias", [False, True])
def test_layer_balance_drifts_like_the_step_size_squared(bias):
    # Same number of steps: the total drift per unit time scales like lr, per step like lr^2.
    small, large = _drift(1e-3, 200, bias), _drift(1e-2, 200, bias)
    assert small < 1e-3
    assert large / small > 30
