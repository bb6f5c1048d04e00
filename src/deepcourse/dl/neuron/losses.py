"""Losses from scratch, each with its hand-derived gradient with respect to the prediction.

Conventions (the naming glossary): ``y_hat`` predictions, ``y`` targets, ``logits`` raw scores
$z$, ``p`` probabilities; every loss is the *mean* over the batch, as PyTorch's default
``reduction="mean"``. The ``*_grad`` functions return $\\partial L / \\partial(\text{input})$ of
that mean. Tests compare values and gradients with ``torch.nn.functional`` (float64).
See ``course/tutorials/04-single-neuron.py``.
"""

from __future__ import annotations

import torch

from deepcourse.dl.neuron._labels import check_signed_labels
from deepcourse.dl.neuron.activations import sigmoid, softplus

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "hinge",
    "hinge_grad",
    "log_softmax",
    "mse",
    "mse_grad",
    "softmax",
]


def _same_shape(a: torch.Tensor, b: torch.Tensor, what: str) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{what}: prediction and target shapes differ, {tuple(a.shape)} and {tuple(b.shape)}; "
            "reshape the target (e.g. y.view_as(y_hat))"
        )


def mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Mean squared error $L = \frac1n \sum_i (\hat y_i - y_i)^2$ (mean over all elements)."""
    _same_shape(y_hat, y, "mse")
    return ((y_hat - y) ** 2).mean()


def mse_grad(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""$\partial L / \partial \hat y_i = \frac2n (\hat y_i - y_i)$."""
    return 2.0 * (y_hat - y) / y_hat.numel()


def binary_cross_entropy(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""$L = -\frac1n \sum_i [y_i \log p_i + (1 - y_i) \log(1 - p_i)]$ for $p_i \in (0, 1)$.

    Prefer :func:`binary_cross_entropy_with_logits`: $\log p$ loses precision as $p \to 0$.
    """
    _same_shape(p, y, "binary_cross_entropy")
    return -(y * torch.log(p) + (1.0 - y) * torch.log1p(-p)).mean()


def binary_cross_entropy_grad(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""$\partial L / \partial p_i = \frac1n \frac{p_i - y_i}{p_i (1 - p_i)}$."""
    return (p - y) / (p * (1.0 - p)) / p.numel()


def binary_cross_entropy_with_logits(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""BCE of $p = \sigma(z)$ written stably: $L = \frac1n \sum_i [\mathrm{softplus}(z_i) - y_i z_i]$.

    (Because $-\log \sigma(z) = \mathrm{softplus}(-z) = \mathrm{softplus}(z) - z$.)
    """
    _same_shape(logits, y, "binary_cross_entropy_with_logits")
    return (softplus(logits) - y * logits).mean()


def binary_cross_entropy_with_logits_grad(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""$\partial L / \partial z_i = \frac1n (\sigma(z_i) - y_i)$: prediction minus target."""
    return (sigmoid(logits) - y) / logits.numel()


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    r"""$\log \mathrm{softmax}(z)_k = z_k - \log \sum_j e^{z_j}$, shifted by $\max_j z_j$ first."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))


def softmax(logits: torch.Tensor) -> torch.Tensor:
    r"""$\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}$ along the last dimension."""
    return torch.exp(log_softmax(logits))


def _check_labels(logits: torch.Tensor, labels: torch.Tensor) -> None:
    if logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise ValueError(
            f"cross_entropy: expected logits (n, C) and integer labels (n,), got "
            f"{tuple(logits.shape)} and {tuple(labels.shape)}"
        )
    if labels.dtype.is_floating_point:
        raise ValueError("cross_entropy: labels must be integer class indices, got floats")


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    r"""Categorical cross entropy of softmax probabilities:
    $L = \frac1n \sum_i [\log \sum_k e^{z_{ik}} - z_{i y_i}]$.

    Args:
        logits: $z$ of shape (n, C).
        labels: integer classes $y$ of shape (n,).
    """
    _check_labels(logits, labels)
    return -log_softmax(logits).gather(1, labels[:, None]).mean()


def cross_entropy_grad(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    r"""$\partial L / \partial z_{ik} = \frac1n (\mathrm{softmax}(z_i)_k - \mathbb{1}[k = y_i])$."""
    _check_labels(logits, labels)
    one_hot = torch.zeros_like(logits).scatter_(1, labels[:, None], 1.0)
    return (softmax(logits) - one_hot) / logits.shape[0]


def hinge(scores: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Hinge loss of the (soft-margin) SVM: $L = \frac1n \sum_i \max(0, 1 - y_i s_i)$, $y_i = \pm 1$."""
    _same_shape(scores, y, "hinge")
    check_signed_labels(y, where="hinge")
    return torch.clamp(1.0 - y * scores, min=0.0).mean()


def hinge_grad(scores: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""$\partial L / \partial s_i = -\frac1n y_i \mathbb{1}[y_i s_i < 1]$ (a subgradient; 0 at the kink)."""
    return -y * (y * scores < 1.0).to(scores.dtype) / scores.numel()
