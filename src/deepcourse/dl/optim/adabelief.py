"""AdaBelief: Adam whose second moment tracks the belief $(g_t - m_t)^2$ instead of $g_t^2$.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import math

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_betas, check_range


class AdaBelief(SingleTensorOptimizer):
    r"""AdaBelief (Zhuang et al., NeurIPS 2020), as the authors' ``adabelief-pytorch`` 0.2 package.

    $$\theta \leftarrow \theta(1 - \gamma\lambda) \text{ (decoupled) or }
      g_t \leftarrow g_t + \lambda\theta \text{ (coupled)}$$
    $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
      s_t = \beta_2 s_{t-1} + (1-\beta_2)(g_t - m_t)^2 + \epsilon$$
    $$\theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,
      \frac{m_t}{\sqrt{s_t}/\sqrt{1-\beta_2^t} + \epsilon}$$

    With ``rectify=True`` (the package's default) the step is RAdam's: with
    $\rho_\infty = 2/(1-\beta_2) - 1$ and $\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)$, when
    $\rho_t \ge 5$ the step is $\gamma r_t m_t / (\sqrt{s_t} + \epsilon)$ with
    $r_t = \sqrt{(1-\beta_2^t)\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}
    / (1-\beta_1^t)$, and before that an SGD-with-momentum step $\gamma m_t / (1-\beta_1^t)$
    (``degenerated_to_sgd``) or none.

    Conventions (the package's, kept so the two agree): $\epsilon$ is added to $s_t$ inside the
    state at every step (Algorithm 2 of the paper) and again outside the root; AMSGrad takes the
    maximum of $s_t + \epsilon$.

    The constructor is the package's without ``print_change_log`` (which only prints).

    Args:
        params: parameters or parameter groups.
        lr, betas, eps, weight_decay: $\gamma$, $(\beta_1, \beta_2)$, $\epsilon$, $\lambda$.
        amsgrad: keep the running maximum of $s_t$ (ignored with ``rectify``, as in the package).
        weight_decouple: AdamW-style decay; fixed_decay: decay by $\lambda$, not $\gamma\lambda$.
        rectify, degenerated_to_sgd: RAdam's rectification, as above.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-16,
        weight_decay: float = 0,
        amsgrad: bool = False,
        weight_decouple: bool = True,
        fixed_decay: bool = False,
        rectify: bool = True,
        degenerated_to_sgd: bool = True,
    ) -> None:
        check_range("learning rate", lr)
        check_range("epsilon value", eps)
        check_betas(betas)
        check_range("weight_decay value", weight_decay)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            weight_decouple=weight_decouple,
            fixed_decay=fixed_decay,
            rectify=rectify,
            degenerated_to_sgd=degenerated_to_sgd,
        )
        super().__init__(params, defaults)

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(theta)  # m
        state["exp_avg_var"] = torch.zeros_like(theta)  # s
        if group["amsgrad"]:
            state["max_exp_avg_var"] = torch.zeros_like(theta)

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if group["weight_decouple"]:
            theta.mul_(1 - (weight_decay if group["fixed_decay"] else lr * weight_decay))
        elif weight_decay != 0:
            g = g + weight_decay * theta
        state["step"] += 1
        t, m, s = state["step"], state["exp_avg"], state["exp_avg_var"]
        m.mul_(beta1).add_(g, alpha=1 - beta1)  # m = beta1 m + (1 - beta1) g
        belief = g - m
        s.mul_(beta2).addcmul_(belief, belief, value=1 - beta2).add_(eps)
        if not group["rectify"]:
            if group["amsgrad"]:
                s_hat = state["max_exp_avg_var"]
                torch.maximum(s_hat, s, out=s_hat)
            else:
                s_hat = s
            denom = s_hat.sqrt() / math.sqrt(1 - beta2**t) + eps
            theta.addcdiv_(m, denom, value=-lr / (1 - beta1**t))
            return
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t >= 5:
            r_t = math.sqrt(
                (1 - beta2**t)
                * (rho_t - 4)
                / (rho_inf - 4)
                * (rho_t - 2)
                / rho_t
                * rho_inf
                / (rho_inf - 2)
            ) / (1 - beta1**t)
            theta.addcdiv_(m, s.sqrt() + eps, value=-r_t * lr)
        elif group["degenerated_to_sgd"]:
            theta.add_(m, alpha=-lr / (1 - beta1**t))
