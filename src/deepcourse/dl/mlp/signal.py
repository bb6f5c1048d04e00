"""How activations and gradients propagate through a deep network at initialisation.
See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepcourse.dl.mlp.init import init_weights
from deepcourse.dl.mlp.model import MLP

__all__ = ["SignalStats", "signal_propagation"]


@dataclass(frozen=True)
class SignalStats:
    """Per hidden layer: the variance of its pre-activations on a batch, and of the loss
    gradient with respect to them (index 0 = first layer)."""

    activation_variance: np.ndarray
    gradient_variance: np.ndarray


def signal_propagation(
    scheme: str,
    *,
    depth: int = 50,
    width: int = 256,
    activation: str = "relu",
    batch_size: int = 256,
    seed: int = 0,
    **init_kwargs,
) -> SignalStats:
    r"""Initialise a ``depth``-layer MLP with ``scheme``, push a standard normal batch through it
    and back-propagate a standard normal output gradient (as if $\partial L / \partial
    \text{out} \sim N(0, 1)$); record the variances per layer.

    With the right scheme both stay of order one across depth; otherwise they vanish or explode
    geometrically, by a factor $\text{fan\_in}\,\mathrm{Var}(W) \cdot E[\phi'(z)^2]$ per layer.
    """
    generator = torch.Generator().manual_seed(seed + 1)  # not the stream the weights use
    model = MLP(width, [width] * (depth - 1), width, activation=activation, bias=False)
    model = model.double()
    init_weights(model, scheme, seed=seed, **init_kwargs)
    pre_activations: list[torch.Tensor] = []

    def keep(_module, _inputs, output):
        output.retain_grad()
        pre_activations.append(output)

    hooks = [layer.register_forward_hook(keep) for layer in model.layers]
    try:
        x = torch.randn(batch_size, width, generator=generator, dtype=torch.float64)
        out = model(x)
        out.backward(torch.randn(out.shape, generator=generator, dtype=torch.float64))
    finally:
        for hook in hooks:
            hook.remove()
    act = np.array([float(z.detach().var()) for z in pre_activations])
    grad = np.array([float(z.grad.var()) if z.grad is not None else 0.0 for z in pre_activations])
    return SignalStats(act, grad)
