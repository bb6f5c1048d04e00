"""Adam and AdamW: momentum plus per-coordinate scaling, with bias correction.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from deepcourse.dl.optim._common import check_betas, check_range, reject_unsupported


def adam_update(
    theta: torch.Tensor,
    g: torch.Tensor,
    state: dict,
    *,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    amsgrad: bool,
    decoupled: bool,
) -> None:
    r"""One Adam (``decoupled=False``) or AdamW (``decoupled=True``) step on one tensor, in place.

    $$\text{AdamW: } \theta \leftarrow \theta(1 - \gamma\lambda); \quad
      \text{Adam: } g_t \leftarrow g_t + \lambda\theta_{t-1}$$
    $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2$$
    $$\hat v_t = \max(\hat v_{t-1}, v_t) \text{ (AMSGrad) or } v_t$$
    $$\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,
      \frac{m_t}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}$$
    """
    if not state:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(theta)
        state["exp_avg_sq"] = torch.zeros_like(theta)
        if amsgrad:
            state["max_exp_avg_sq"] = torch.zeros_like(theta)
    state["step"] += 1
    t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
    if weight_decay != 0:
        if decoupled:
            theta.mul_(1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
    m.lerp_(g, 1 - beta1)  # m = beta1 m + (1 - beta1) g
    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v = beta2 v + (1 - beta2) g^2
    if amsgrad:
        v_hat = state["max_exp_avg_sq"]
        torch.maximum(v_hat, v, out=v_hat)
    else:
        v_hat = v
    step_size = lr / (1 - beta1**t)
    denom = v_hat.sqrt() / math.sqrt(1 - beta2**t) + eps
    theta.addcdiv_(m, denom, value=-step_size)


class Adam(torch.optim.Optimizer):
    r"""Adam (Kingma and Ba, 2015), a drop-in replacement for :class:`torch.optim.Adam`.

    The rule is :func:`adam_update`'s with ``decoupled=decoupled_weight_decay``. Convention: the
    paper applies $\epsilon$ to the bias-corrected $\sqrt{\hat v_t}$; torch (and this code) divides
    $\sqrt{v_t}$ by $\sqrt{1-\beta_2^t}$ and then adds $\epsilon$, which is the same thing.
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

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Take one step for every parameter that has a gradient; return ``closure()`` if given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for theta in group["params"]:
                if theta.grad is None:
                    continue
                adam_update(
                    theta,
                    -theta.grad if group["maximize"] else theta.grad,
                    self.state[theta],
                    lr=group["lr"],
                    beta1=beta1,
                    beta2=beta2,
                    eps=group["eps"],
                    weight_decay=group["weight_decay"],
                    amsgrad=group["amsgrad"],
                    decoupled=group["decoupled_weight_decay"],
                )
        return loss


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
