"""Activation functions from scratch, each with its hand-derived derivative.

Every function is written in torch ops, so autograd can differentiate it too; the tests check
value and gradient against ``torch.nn.functional`` (float64) and the derivative ``*_grad``
against autograd and finite differences. See ``course/tutorials/04-single-neuron.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "gelu",
    "gelu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softplus",
    "softplus_grad",
    "tanh",
    "tanh_grad",
]


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    r"""$\sigma(z) = 1 / (1 + e^{-z})$, computed without overflow for large $|z|$."""
    e = torch.exp(-z.abs())  # in (0, 1]: never overflows
    return torch.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z: torch.Tensor) -> torch.Tensor:
    r"""$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$: at most 1/4, so deep sigmoid nets vanish."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: torch.Tensor) -> torch.Tensor:
    r"""$\tanh(z) = 2\sigma(2z) - 1$ (a rescaled, zero-centred sigmoid)."""
    return 2.0 * sigmoid(2.0 * z) - 1.0


def tanh_grad(z: torch.Tensor) -> torch.Tensor:
    r"""$\tanh'(z) = 1 - \tanh^2(z)$."""
    return 1.0 - tanh(z) ** 2


def relu(z: torch.Tensor) -> torch.Tensor:
    r"""$\mathrm{ReLU}(z) = \max(z, 0)$."""
    return torch.where(z > 0, z, torch.zeros_like(z))


def relu_grad(z: torch.Tensor) -> torch.Tensor:
    r"""$\mathbb{1}[z > 0]$; at $z = 0$ we take 0, as PyTorch does."""
    return (z > 0).to(z.dtype)


def leaky_relu(z: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    r"""$z$ for $z > 0$, else $\alpha z$ (default $\alpha = 0.01$, PyTorch's default)."""
    return torch.where(z > 0, z, negative_slope * z)


def leaky_relu_grad(z: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    r"""1 for $z > 0$, else $\alpha$."""
    return torch.where(z > 0, torch.ones_like(z), torch.full_like(z, negative_slope))


def gelu(z: torch.Tensor) -> torch.Tensor:
    r"""$\mathrm{GELU}(z) = z\,\Phi(z)$ with $\Phi$ the standard normal CDF (the exact form)."""
    return z * 0.5 * (1.0 + torch.erf(z / math.sqrt(2.0)))


def gelu_grad(z: torch.Tensor) -> torch.Tensor:
    r"""$\Phi(z) + z\,\varphi(z)$, $\varphi(z) = e^{-z^2/2} / \sqrt{2\pi}$."""
    cdf = 0.5 * (1.0 + torch.erf(z / math.sqrt(2.0)))
    pdf = torch.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)
    return cdf + z * pdf


def softplus(z: torch.Tensor) -> torch.Tensor:
    r"""$\log(1 + e^z) = \max(z, 0) + \log(1 + e^{-|z|})$ (the second form never overflows)."""
    return relu(z) + torch.log1p(torch.exp(-z.abs()))


def softplus_grad(z: torch.Tensor) -> torch.Tensor:
    r"""$\mathrm{softplus}'(z) = \sigma(z)$."""
    return sigmoid(z)


@dataclass(frozen=True)
class Activation:
    """An activation, its derivative, and PyTorch's version to check both against."""

    name: str
    fn: Callable[[torch.Tensor], torch.Tensor]
    grad: Callable[[torch.Tensor], torch.Tensor]
    reference: Callable[[torch.Tensor], torch.Tensor]


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("sigmoid", sigmoid, sigmoid_grad, torch.sigmoid),
        Activation("tanh", tanh, tanh_grad, torch.tanh),
        Activation("relu", relu, relu_grad, F.relu),
        Activation("leaky_relu", leaky_relu, leaky_relu_grad, F.leaky_relu),
        Activation("gelu", gelu, gelu_grad, F.gelu),
        Activation("softplus", softplus, softplus_grad, F.softplus),
    ]
}
