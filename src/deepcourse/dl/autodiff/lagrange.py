r"""Backpropagation as Lagrange multipliers: the adjoint view of the course's Hebrew syllabus.

Write a tanh network's forward pass as equality constraints on the states $s_k$
($s_0 = x$, $\varphi_k = \tanh$ for hidden layers and the identity for the last, $L$ layers):

$$c_k(s, \theta) = s_k - \varphi_k(W_k s_{k-1} + b_k) = 0, \qquad k = 1..L,$$

and minimise $J(s_L) = \tfrac12\lVert s_L - y\rVert^2$ subject to them. With the Lagrangian
$\mathcal{L} = J(s_L) - \sum_k \lambda_k^T c_k$, stationarity in the states,
$\partial\mathcal{L}/\partial s = 0$, is one linear system for all the multipliers,

$$\Big(\frac{\partial c}{\partial s}\Big)^T \lambda = \nabla_s J ,$$

and the gradient of the loss is the partial derivative of the Lagrangian in the parameters:
$\partial J/\partial W_k = (D_k \lambda_k) s_{k-1}^T$ and $\partial J/\partial b_k = D_k \lambda_k$,
with $D_k = \operatorname{diag}\varphi_k'$. Because $\partial c/\partial s$ is block
lower-bidiagonal with identity blocks on the diagonal, solving the system by back-substitution
*is* backpropagation: $\lambda_L = \nabla J$, $\lambda_k = W_{k+1}^T D_{k+1} \lambda_{k+1}$. Here the
system is assembled and solved as a whole, a derivation independent of the chain rule, and the
tutorial shows both give the same numbers.

Tutorial: course/tutorials/03-efficient-differentiation.py, section "Backpropagation twice".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def backprop_by_lagrange(
    weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Gradients of $\\tfrac12\\lVert f(x) - y\\rVert^2$ for a tanh MLP, via the multipliers.

    Args:
        weights: $W_1..W_L$, $W_k$ of shape ``(n_k, n_{k-1})``.
        biases: $b_1..b_L$, shape ``(n_k,)``.
        x: one input, shape ``(n_0,)``. y: its target, shape ``(n_L,)``.

    Returns:
        ``(grad_weights, grad_biases, multipliers)``: lists over the layers.

    Raises:
        ValueError: the layer shapes do not chain.
    """
    if len(weights) != len(biases) or not weights:
        raise ValueError("give one bias per weight matrix, and at least one layer")
    L = len(weights)  # noqa: N806
    # Forward pass: the states s_k and the derivatives D_k of each activation.
    states, slopes = [np.asarray(x, dtype=float)], []
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):  # noqa: N806
        if W.shape[1] != states[-1].shape[0] or b.shape != (W.shape[0],):
            raise ValueError(f"layer {k + 1}: W {W.shape}, b {b.shape} after {states[-1].shape}")
        u = W @ states[-1] + b
        if k < L - 1:
            states.append(np.tanh(u))
            slopes.append(1 - states[-1] ** 2)
        else:
            states.append(u)
            slopes.append(np.ones_like(u))
    # Assemble dc/ds: block row k is c_k = s_k - phi(W_k s_{k-1} + b_k), over states s_1..s_L.
    sizes = [s.shape[0] for s in states[1:]]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    dc_ds = np.eye(offsets[-1])
    for k in range(1, L):  # d c_{k+1} / d s_k = -D_{k+1} W_{k+1}
        rows = slice(offsets[k], offsets[k + 1])
        cols = slice(offsets[k - 1], offsets[k])
        dc_ds[rows, cols] = -slopes[k][:, None] * weights[k]
    dJ_ds = np.zeros(offsets[-1])  # noqa: N806
    dJ_ds[offsets[L - 1] :] = states[-1] - np.asarray(y, dtype=float)
    lam = np.linalg.solve(dc_ds.T, dJ_ds)  # stationarity of the Lagrangian in the states
    multipliers = [lam[offsets[k] : offsets[k + 1]] for k in range(L)]
    grad_biases = [slopes[k] * multipliers[k] for k in range(L)]
    grad_weights = [np.outer(grad_biases[k], states[k]) for k in range(L)]
    return grad_weights, grad_biases, multipliers
