"""A readable multilayer perceptron and its residual cousin.
See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["ACTIVATION_MODULES", "MLP", "ResidualMLP"]

ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
}


def _activation(name: str) -> nn.Module:
    if name not in ACTIVATION_MODULES:
        known = ", ".join(repr(k) for k in ACTIVATION_MODULES)
        raise ValueError(f"unknown activation {name!r}, expected one of {known}")
    return ACTIVATION_MODULES[name]()


class MLP(nn.Module):
    r"""$h_0 = x$, $h_l = \phi(W_l h_{l-1} + b_l)$ for each hidden layer, output $W_L h_{L-1} + b_L$.

    Args:
        in_features: input dimension $d$.
        hidden_sizes: widths of the hidden layers, e.g. ``[128, 64]`` (empty: a linear model).
        out_features: output dimension (classes, or 1 for regression).
        activation: name of $\phi$ (see :data:`ACTIVATION_MODULES`).
        bias: whether the affine maps have biases.

    ``layers`` lists the ``nn.Linear`` maps in order, for code that inspects weights.
    """

    def __init__(
        self,
        in_features: int,
        hidden_sizes: Sequence[int],
        out_features: int,
        *,
        activation: str = "relu",
        bias: bool = True,
    ) -> None:
        super().__init__()
        sizes = [in_features, *hidden_sizes, out_features]
        if min(sizes) < 1:
            raise ValueError(f"every layer size must be a positive integer, got {sizes}")
        blocks: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            blocks.append(nn.Linear(fan_in, fan_out, bias=bias))
            if i < len(sizes) - 2:
                blocks.append(_activation(activation))
        self.net = nn.Sequential(*blocks)

    @property
    def layers(self) -> list[nn.Linear]:
        return [m for m in self.net if isinstance(m, nn.Linear)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (n, d) -> (n, out)
        return self.net(x.flatten(1))


class ResidualMLP(nn.Module):
    r"""$h_0 = W_{in} x$; $h_l = h_{l-1} + W_l\,\phi(h_{l-1})$ for ``depth`` blocks; $W_{out} h$.

    With ``residual=False`` the same layers compose plainly, $h_l = W_l\,\phi(h_{l-1})$, which
    is the deep plain network that fails to train: the skip connection gives the gradient a
    path with Jacobian $I + \dots$ through every block.
    """

    def __init__(
        self,
        in_features: int,
        width: int,
        depth: int,
        out_features: int,
        *,
        activation: str = "relu",
        residual: bool = True,
    ) -> None:
        super().__init__()
        if depth < 1 or width < 1:
            raise ValueError(f"depth and width must be positive, got depth={depth}, width={width}")
        self.residual = residual
        self.inp = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(
            nn.Sequential(_activation(activation), nn.Linear(width, width)) for _ in range(depth)
        )
        self.out = nn.Linear(width, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x.flatten(1))  # (n, width)
        for block in self.blocks:
            h = h + block(h) if self.residual else block(h)
        return self.out(h)
