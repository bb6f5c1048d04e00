"""MADGRAD: momentumized, adaptive, dual-averaged gradient descent.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import math

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_range


class MADGRAD(SingleTensorOptimizer):
    r"""MADGRAD (Defazio and Jelassi, 2021), as the authors' ``madgrad`` package (1.3).

    Dual averaging with a cube-root denominator. With $\lambda_t = (\gamma + \epsilon)\sqrt{t}$
    (steps counted from $t = 1$), $c = 1 - \mu$ and $x_0$ the initial parameters:

    $$s_t = s_{t-1} + \lambda_t g_t, \qquad \nu_t = \nu_{t-1} + \lambda_t g_t^2$$
    $$z_t = x_0 - s_t / (\nu_t^{1/3} + \epsilon), \qquad \theta_t = (1 - c)\,\theta_{t-1} + c\, z_t$$

    Conventions (the package's): the learning rate is nudged to $\gamma + \epsilon$ when nonzero
    "for stability"; coupled weight decay adds $\lambda\theta$ to $g_t$, decoupled
    (``decouple_decay``) subtracts $\gamma\lambda\theta_{t-1}$ after the step. With
    ``momentum=0`` the package re-derives $x_0 = \theta_{t-1} + s_{t-1}/(\nu_{t-1}^{1/3}+\epsilon)$
    each step instead of storing it; this code does the same.

    Args:
        params: parameters or parameter groups.
        lr, momentum, weight_decay, eps: $\gamma$, $\mu$, $\lambda$, $\epsilon$.
        decouple_decay: AdamW-style decay.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        momentum: float = 0.9,
        weight_decay: float = 0,
        eps: float = 1e-6,
        decouple_decay: bool = False,
    ) -> None:
        check_range("learning rate", lr)
        check_range("momentum", momentum, high=1.0)
        check_range("weight_decay", weight_decay)
        check_range("eps", eps)
        defaults = dict(
            lr=lr,
            momentum=momentum,
            weight_decay=weight_decay,
            eps=eps,
            decouple_decay=decouple_decay,
        )
        super().__init__(params, defaults)

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] = 0
        state["grad_sum_sq"] = torch.zeros_like(theta)  # nu
        state["s"] = torch.zeros_like(theta)
        if group["momentum"] != 0:
            state["x0"] = theta.clone()

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        eps, mu, decay = group["eps"], group["momentum"], group["weight_decay"]
        lr = group["lr"] + eps if group["lr"] != 0 else 0.0
        c = 1 - mu
        state["step"] += 1
        lamb = lr * math.sqrt(state["step"])
        nu, s = state["grad_sum_sq"], state["s"]
        if decay != 0 and not group["decouple_decay"]:
            g = g + decay * theta
        if mu == 0:
            x0 = theta + s / (nu.pow(1 / 3) + eps)
        else:
            x0 = state["x0"]
        theta_prev = theta.clone()
        nu.addcmul_(g, g, value=lamb)  # nu = nu + lambda g^2
        s.add_(g, alpha=lamb)  # s = s + lambda g
        z = x0 - s / (nu.pow(1 / 3) + eps)
        if mu == 0:
            theta.copy_(z)
        else:
            theta.mul_(1 - c).add_(z, alpha=c)
        if decay != 0 and group["decouple_decay"]:
            theta.add_(theta_prev, alpha=-lr * decay)
