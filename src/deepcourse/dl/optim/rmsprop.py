"""RMSprop: gradients divided by a running root-mean-square, optionally centred and with momentum.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_range, reject_unsupported


class RMSprop(SingleTensorOptimizer):
    r"""RMSprop (Hinton's lecture 6e), a drop-in replacement for :class:`torch.optim.RMSprop`.

    With ``lr`` $=\gamma$, ``alpha`` $=\alpha$, ``momentum`` $=\mu$, ``weight_decay`` $=\lambda$:

    $$g_t \leftarrow g_t + \lambda\theta_{t-1}, \qquad v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$$
    $$\bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t, \quad
      \tilde v_t = v_t - \bar g_t^2 \text{ (centered) or } v_t$$
    $$b_t = \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon), \qquad \theta_t = \theta_{t-1} - \gamma b_t$$

    Without momentum ($\mu = 0$) the update is $\theta_t = \theta_{t-1} - \gamma g_t /
    (\sqrt{\tilde v_t} + \epsilon)$. Convention: $\epsilon$ is added outside the square root (as in
    torch; TensorFlow adds it inside), and the centred variant is Graves (2013).

    Args:
        params: parameters or parameter groups.
        lr, alpha, eps, weight_decay, momentum, centered: as in the rule above.
        capturable, differentiable: not supported. foreach: accepted and ignored.
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_range("learning rate", lr)
        check_range("epsilon value", eps)
        check_range("momentum value", momentum)
        check_range("weight_decay value", weight_decay)
        check_range("alpha value", alpha)
        reject_unsupported(capturable=capturable, differentiable=differentiable)
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] = 0
        state["square_avg"] = torch.zeros_like(theta)  # v
        if group["momentum"] > 0:
            state["momentum_buffer"] = torch.zeros_like(theta)  # b
        if group["centered"]:
            state["grad_avg"] = torch.zeros_like(theta)  # g_bar

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        alpha, mu = group["alpha"], group["momentum"]
        state["step"] += 1
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        v = state["square_avg"]
        v.mul_(alpha).addcmul_(g, g, value=1 - alpha)  # v = alpha v + (1 - alpha) g^2
        if group["centered"]:
            g_bar = state["grad_avg"]
            g_bar.lerp_(g, 1 - alpha)  # g_bar = alpha g_bar + (1 - alpha) g
            rms = (v - g_bar * g_bar).sqrt() + group["eps"]
        else:
            rms = v.sqrt() + group["eps"]
        if mu > 0:
            b = state["momentum_buffer"]
            b.mul_(mu).addcdiv_(g, rms)  # b = mu b + g / rms
            theta.add_(b, alpha=-group["lr"])
        else:
            theta.addcdiv_(g, rms, value=-group["lr"])
