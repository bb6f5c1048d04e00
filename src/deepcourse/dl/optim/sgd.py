"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

Tutorial: course/tutorials/02-optimization.py, sections "Gradient descent" and "Momentum".
"""

from __future__ import annotations

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_range, reject_unsupported


class SGD(SingleTensorOptimizer):
    r"""Stochastic gradient descent, a drop-in replacement for :class:`torch.optim.SGD`.

    For each parameter $\theta$ with gradient $g_t$ at step $t$ (``lr`` $=\gamma$, ``momentum``
    $=\mu$, ``dampening`` $=\tau$, ``weight_decay`` $=\lambda$):

    $$g_t \leftarrow g_t + \lambda \theta_{t-1}$$
    $$b_t = g_t \text{ if } t = 1, \text{ else } \mu b_{t-1} + (1 - \tau) g_t$$
    $$d_t = g_t + \mu b_t \text{ (Nesterov) or } b_t \text{ (heavy ball)}$$
    $$\theta_t = \theta_{t-1} - \gamma d_t$$

    Convention (as torch's): Polyak's and Sutskever et al.'s papers write the velocity as
    $v_t = \mu v_{t-1} + \gamma g_t$ and $\theta_t = \theta_{t-1} - v_t$, with the learning rate
    inside the buffer. Here (and in torch) the buffer holds gradients only and $\gamma$ multiplies it
    at the update, so the two agree for a constant $\gamma$ and differ when $\gamma$ is scheduled.
    The first buffer is $g_1$ itself (no dampening on the first step).

    Args:
        params: parameters or parameter groups to optimize.
        lr: the step size $\gamma$.
        momentum: $\mu \ge 0$; 0 is plain (stochastic) gradient descent.
        dampening: $\tau$, the weight taken off new gradients in the buffer.
        weight_decay: $\lambda$, an L2 penalty added to the gradient.
        nesterov: Nesterov's look-ahead form (needs ``momentum > 0`` and ``dampening == 0``).
        maximize: ascend instead of descend.
        foreach: accepted for compatibility and ignored.
        differentiable, fused: not supported (``NotImplementedError`` when true).

    Raises:
        ValueError: a negative ``lr``, ``momentum`` or ``weight_decay``, or Nesterov without
            momentum or with dampening.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_range("learning rate", lr)
        check_range("momentum", momentum)
        check_range("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                f"Nesterov momentum requires momentum > 0 and dampening == 0 "
                f"(got momentum={momentum}, dampening={dampening})"
            )
        reject_unsupported(differentiable=differentiable, fused=fused)
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        d = g
        if mu != 0:
            if "momentum_buffer" not in state:
                b = state["momentum_buffer"] = g.clone()  # b_1 = g_1
            else:
                b = state["momentum_buffer"]
                b.mul_(mu).add_(g, alpha=1 - tau)  # b = mu * b + (1 - tau) * g
            d = g + mu * b if group["nesterov"] else b
        theta.add_(d, alpha=-lr)  # theta = theta - lr * d
