"""Adan: adaptive Nesterov momentum, estimated from gradient differences.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import math

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_betas, check_range


class Adan(SingleTensorOptimizer):
    r"""Adan (Xie et al., 2022, "Adan: Adaptive Nesterov Momentum Algorithm"), Algorithm 1.

    With gradient difference $\Delta_t = g_t - g_{t-1}$ ($\Delta_1 = 0$):

    $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2)\Delta_t$$
    $$n_t = \beta_3 n_{t-1} + (1-\beta_3)\,[g_t + \beta_2 \Delta_t]^2$$
    $$u_t = \Big(\frac{m_t}{1-\beta_1^t} + \beta_2 \frac{v_t}{1-\beta_2^t}\Big) \Big/
      \Big(\sqrt{\frac{n_t}{1-\beta_3^t}} + \epsilon\Big)$$
    $$\theta_t = (\theta_{t-1} - \gamma u_t) / (1 + \gamma\lambda) \quad
      \text{(proximal; or } \theta_t = \theta_{t-1}(1-\gamma\lambda) - \gamma u_t \text{ with no\_prox)}$$

    Conventions: the paper writes $m_t = (1-\beta_1) m_{t-1} + \beta_1 g_t$ with $\beta_1 = 0.02$;
    like the authors' code (sail-sg/Adan), ``betas`` here are one minus the paper's,
    $(0.98, 0.92, 0.99)$, and the moments are bias-corrected. The paper's Nesterov term weight
    $1-\beta_2$ (paper) is $\beta_2$ here.

    The constructor is the authors' (sail-sg/Adan) without ``max_grad_norm`` (clip gradients
    with ``torch.nn.utils.clip_grad_norm_`` instead) and without their ``foreach``/``fused``
    kernels.

    Args:
        params: parameters or parameter groups.
        lr, betas, eps, weight_decay: $\gamma$, $(\beta_1, \beta_2, \beta_3)$, $\epsilon$, $\lambda$.
        no_prox: decay the weights before the step (AdamW-like) instead of the proximal division.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float, float] = (0.98, 0.92, 0.99),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        no_prox: bool = False,
    ) -> None:
        check_range("learning rate", lr)
        check_range("epsilon value", eps)
        check_betas(betas, count=3)
        check_range("weight_decay value", weight_decay)
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, no_prox=no_prox
        )
        super().__init__(params, defaults)

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(theta)  # m
        state["exp_avg_diff"] = torch.zeros_like(theta)  # v
        state["exp_avg_sq"] = torch.zeros_like(theta)  # n
        state["prev_grad"] = g.clone()  # so that Delta_1 = 0

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2, beta3 = group["betas"]
        state["step"] += 1
        t = state["step"]
        m, v, n = state["exp_avg"], state["exp_avg_diff"], state["exp_avg_sq"]
        delta = g - state["prev_grad"]
        m.mul_(beta1).add_(g, alpha=1 - beta1)
        v.mul_(beta2).add_(delta, alpha=1 - beta2)
        nesterov_g = g + beta2 * delta
        n.mul_(beta3).addcmul_(nesterov_g, nesterov_g, value=1 - beta3)
        denom = n.sqrt() / math.sqrt(1 - beta3**t) + eps
        u = (m / (1 - beta1**t) + beta2 * v / (1 - beta2**t)) / denom
        if group["no_prox"]:
            theta.mul_(1 - lr * weight_decay).add_(u, alpha=-lr)
        else:
            theta.add_(u, alpha=-lr).div_(1 + lr * weight_decay)
        state["prev_grad"].copy_(g)
