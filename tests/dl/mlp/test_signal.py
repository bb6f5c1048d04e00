"""Through 50 ReLU layers, Kaiming keeps activations and gradients of order one; others do not."""

from __future__ import annotations

import pytest

from deepcourse.dl.mlp import signal_propagation

pytestmark = pytest.mark.slow


def test_kaiming_keeps_relu_signal_alive_through_fifty_layers():
    stats = signal_propagation("kaiming_normal", depth=50, width=128, batch_size=128)
    assert 0.2 < stats.activation_variance[-1] < 20
    assert 0.05 < stats.gradient_variance[0] < 20


def test_xavier_vanishes_and_large_normal_explodes_with_relu():
    xavier = signal_propagation("xavier_normal", depth=50, width=128, batch_size=128)
    big = signal_propagation("normal", std=0.2, depth=50, width=128, batch_size=128)
    assert xavier.activation_variance[-1] < 1e-8 and xavier.gradient_variance[0] < 1e-8
    assert big.activation_variance[-1] > 1e8 and big.gradient_variance[0] > 1e8


def test_zero_init_has_no_signal_at_all():
    stats = signal_propagation("zeros", depth=5, width=16)
    assert stats.activation_variance.max() == 0.0
