"""The single neuron: the perceptron algorithm, and one trainable neuron for linear, logistic and
softmax regression (the same affine map $z = Wx + b$, different output and loss).
See ``course/tutorials/04-single-neuron.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from deepcourse.dl.neuron._labels import check_signed_labels

__all__ = ["Neuron", "PerceptronResult", "fit_full_batch", "perceptron"]


@dataclass(frozen=True)
class PerceptronResult:
    """Weights ``w``, bias ``b``, the number of updates (mistakes) and whether it separated."""

    w: np.ndarray
    b: float
    updates: int
    epochs: int
    converged: bool


def perceptron(X: np.ndarray, y: np.ndarray, *, max_epochs: int = 100) -> PerceptronResult:
    r"""Rosenblatt's perceptron: on each mistake $y_i (w^\top x_i + b) \le 0$, set
    $w \leftarrow w + y_i x_i$, $b \leftarrow b + y_i$.

    On data separable with margin $\gamma$ inside a ball of radius $R$ it makes at most
    $(R/\gamma)^2$ updates (Novikoff 1962) (with the bias folded in as a constant feature).

    Args:
        X: features (n, d).
        y: labels in {-1, +1}.
        max_epochs: passes over the data before giving up (non-separable data never converges).

    Raises:
        ValueError: if labels are not -1/+1.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    check_signed_labels(y, where="perceptron")
    w, b, updates = np.zeros(X.shape[1]), 0.0, 0
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (x_i @ w + b) <= 0:
                w, b = w + y_i * x_i, b + y_i
                mistakes += 1
        updates += mistakes
        if mistakes == 0:
            return PerceptronResult(w, b, updates, epoch, True)
    return PerceptronResult(w, b, updates, max_epochs, False)


class Neuron(nn.Module):
    r"""One layer of neurons: $\hat y = \phi(W x + b)$, $W \in \mathbb{R}^{k \times d}$.

    - linear regression: ``Neuron(d)`` with the MSE loss;
    - logistic regression: ``Neuron(d)`` returning logits, with BCE-with-logits
      (``predict_proba`` applies the sigmoid);
    - softmax regression: ``Neuron(d, k)`` returning logits, with cross entropy.

    ``activation`` (a callable) is applied in ``forward``; leave it ``None`` when the loss works
    on logits, which is the numerically stable choice.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int = 1,
        *,
        activation: Callable[[torch.Tensor], torch.Tensor] | None = None,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, out_features, bias=bias)
        self.activation = activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (n, d) -> (n, k)
        z = self.linear(x)
        return z if self.activation is None else self.activation(z)


def fit_full_batch(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    *,
    lr: float = 0.1,
    steps: int = 100,
) -> list[float]:
    """Full-batch gradient descent (``torch.optim.SGD``) for ``steps`` steps; returns the losses.

    Raises:
        ValueError: for a non-positive ``lr`` or ``steps``.
    """
    if lr <= 0 or steps < 1:
        raise ValueError(f"lr and steps must be positive, got lr={lr}, steps={steps}")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
