"""MLP and ResidualMLP have the announced structure."""

from __future__ import annotations

import pytest
import torch

from deepcourse.dl.mlp import MLP, ResidualMLP


def test_mlp_layers_have_the_requested_sizes_and_flatten_images():
    model = MLP(64, [32, 16], 10)
    assert [(l.in_features, l.out_features) for l in model.layers] == [(64, 32), (32, 16), (16, 10)]  # noqa: E741
    assert model(torch.zeros(5, 8, 8)).shape == (5, 10)


def test_mlp_without_hidden_layers_is_linear():
    model = MLP(3, [], 1, bias=False)
    x = torch.randn(4, 3)
    torch.testing.assert_close(model(2 * x), 2 * model(x))


def test_residual_blocks_add_to_the_identity():
    torch.manual_seed(0)
    model = ResidualMLP(4, 8, 3, 2)
    for block in model.blocks:
        torch.nn.init.zeros_(block[1].weight)
        torch.nn.init.zeros_(block[1].bias)
    x = torch.randn(5, 4)
    torch.testing.assert_close(model(x), model.out(model.inp(x)))


def test_bad_sizes_and_activations_are_refused():
    with pytest.raises(ValueError, match="positive"):
        MLP(3, [0], 1)
    with pytest.raises(ValueError, match="'relu'"):
        MLP(3, [4], 1, activation="swishy")
