"""Adam and AdamW: momentum plus per-coordinate scaling, with bias correction.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import math

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_betas, check_range, reject_unsupported


class Adam(SingleTensorOptimizer):
    r"""Adam (Kingma and Ba, 2015), a drop-in replacement for :class:`torch.optim.Adam`.

    With ``lr`` $=\gamma$, ``weight_decay`` $=\lambda$, ``eps`` $=\epsilon$:

    $$g_t \leftarrow g_t + \lambda\theta_{t-1} \quad
      \text{(or } \theta \leftarrow \theta(1 - \gamma\lambda) \text{ with decoupled\_weight\_decay)}$$
    $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2$$
    $$\hat v_t = \max(\hat v_{t-1}, v_t) \text{ (AMSGrad) or } v_t$$
    $$\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,
      \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}$$

    Convention: the paper applies $\epsilon$ to the bias-corrected $\sqrt{\hat v_t}$; torch (and
    this code) divides $\sqrt{v_t}$ by $\sqrt{1-\beta_2^t}$ and then adds $\epsilon$, which is the
    same thing.
    ``weight_decay`` here is an L2 penalty in the gradient, which Loshchilov and Hutter showed is
    not weight decay for Adam; use :class:`AdamW` for the decoupled form.

    Args:
        params: parameters or parameter groups.
        lr: $\gamma$. betas: $(\beta_1, \beta_2)$. eps: $\epsilon$.
        weight_decay: $\lambda$. amsgrad: use the running maximum of $v_t$ (Reddi et al., 2018).
        decoupled_weight_decay: behave as :class:`AdamW`.
        foreach: accepted and ignored. maximize: ascend instead of descend.
        capturable, differentiable, fused: not supported.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_range("learning rate", lr)
        check_range("epsilon value", eps)
        check_betas(betas)
        check_range("weight_decay value", weight_decay)
        reject_unsupported(capturable=capturable, differentiable=differentiable, fused=fused)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(theta)  # m
        state["exp_avg_sq"] = torch.zeros_like(theta)  # v
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = torch.zeros_like(theta)  # v_hat

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                theta.mul_(1 - lr * weight_decay)
            else:
                g = g + weight_decay * theta
        m.lerp_(g, 1 - beta1)  # m = beta1 m + (1 - beta1) g
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v = beta2 v + (1 - beta2) g^2
        if group["amsgrad"]:
            v_hat = state["max_exp_avg_sq"]
            torch.maximum(v_hat, v, out=v_hat)
        else:
            v_hat = v
        step_size = lr / (1 - beta1**t)
        denom = v_hat.sqrt() / math.sqrt(1 - beta2**t) + eps
        theta.addcdiv_(m, denom, value=-step_size)


class AdamW(Adam):
    r"""AdamW (Loshchilov and Hutter, 2019), a drop-in replacement for :class:`torch.optim.AdamW`.

    Adam with decoupled weight decay: $\theta \leftarrow \theta(1 - \gamma\lambda)$ before the Adam
    step, instead of adding $\lambda\theta$ to the gradient. Convention: the paper multiplies the
    decay by a schedule multiplier $\eta_t$ only; torch (and this code) multiplies it by the
    learning rate $\gamma$, so a schedule on ``lr`` also schedules the decay.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
