r"""Weight initialisation from scratch, checked against ``torch.nn.init``'s statistics.

For a weight $W \in \mathbb{R}^{\text{fan\_out} \times \text{fan\_in}}$:

- zeros: every hidden unit computes the same function and gets the same gradient: the
  permutation symmetry is never broken;
- normal: $N(0, \sigma^2)$ with a fixed $\sigma$, blind to the width;
- Xavier/Glorot (2010): $\mathrm{Var}\,W = 2 / (\text{fan\_in} + \text{fan\_out})$, keeps both the
  forward and backward variance for linear/tanh units;
- Kaiming/He (2015): $\mathrm{Var}\,W = 2 / \text{fan\_in}$, compensates ReLU halving the second moment.

A uniform $U(-a, a)$ has variance $a^2/3$, hence the $\sqrt 3$ in the uniform variants.
See ``course/tutorials/05-multilayer-networks.py``.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "INITS",
    "fans",
    "init_weights",
    "kaiming_normal",
    "kaiming_uniform",
    "normal",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]


def fans(weight: torch.Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a (out, in, *kernel) weight, as PyTorch counts them."""
    if weight.ndim < 2:
        raise ValueError(
            f"fans need a weight with at least 2 dimensions, got shape {tuple(weight.shape)}"
        )
    receptive = math.prod(weight.shape[2:])
    return weight.shape[1] * receptive, weight.shape[0] * receptive


@torch.no_grad()
def zeros(weight: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """$W = 0$."""
    return weight.zero_()


@torch.no_grad()
def normal(
    weight: torch.Tensor, *, std: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""$W_{ij} \sim N(0, \sigma^2)$."""
    return weight.copy_(std * torch.randn(weight.shape, generator=generator, dtype=weight.dtype))


def _uniform(weight: torch.Tensor, a: float, generator: torch.Generator | None) -> torch.Tensor:
    r"""Fill ``weight`` with $U(-a, a)$ draws: $a(2u - 1)$ for $u \sim U(0, 1)$."""
    u = torch.rand(weight.shape, generator=generator, dtype=weight.dtype)
    return weight.copy_((2.0 * u - 1.0) * a)


@torch.no_grad()
def xavier_uniform(
    weight: torch.Tensor, *, gain: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""$U(-a, a)$, $a = \text{gain}\sqrt{6 / (\text{fan\_in} + \text{fan\_out})}$."""
    fan_in, fan_out = fans(weight)
    return _uniform(weight, gain * math.sqrt(6.0 / (fan_in + fan_out)), generator)


@torch.no_grad()
def xavier_normal(
    weight: torch.Tensor, *, gain: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""$N(0, \sigma^2)$, $\sigma = \text{gain}\sqrt{2 / (\text{fan\_in} + \text{fan\_out})}$."""
    fan_in, fan_out = fans(weight)
    return normal(weight, std=gain * math.sqrt(2.0 / (fan_in + fan_out)), generator=generator)


@torch.no_grad()
def kaiming_uniform(
    weight: torch.Tensor, *, gain: float = math.sqrt(2.0), generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""$U(-a, a)$, $a = \text{gain}\sqrt{3 / \text{fan\_in}}$ (gain $\sqrt2$ for ReLU)."""
    fan_in, _ = fans(weight)
    return _uniform(weight, gain * math.sqrt(3.0 / fan_in), generator)


@torch.no_grad()
def kaiming_normal(
    weight: torch.Tensor, *, gain: float = math.sqrt(2.0), generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""$N(0, \sigma^2)$, $\sigma = \text{gain} / \sqrt{\text{fan\_in}}$ (gain $\sqrt2$ for ReLU)."""
    fan_in, _ = fans(weight)
    return normal(weight, std=gain / math.sqrt(fan_in), generator=generator)


INITS = {
    "zeros": zeros,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "kaiming_uniform": kaiming_uniform,
    "kaiming_normal": kaiming_normal,
}


def init_weights(model: nn.Module, scheme: str, *, seed: int = 0, **kwargs) -> nn.Module:
    """Apply ``scheme`` to every ``nn.Linear`` weight of ``model`` and zero its biases.

    Raises:
        ValueError: for an unknown scheme.
    """
    if scheme not in INITS:
        known = ", ".join(repr(k) for k in INITS)
        raise ValueError(f"unknown init scheme {scheme!r}, expected one of {known}")
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.Linear):
            INITS[scheme](module.weight, generator=generator, **kwargs)
            if module.bias is not None:
                with torch.no_grad():
                    module.bias.zero_()
    return model
