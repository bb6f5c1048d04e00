"""Adagrad: per-coordinate step sizes from the sum of squared gradients.

Tutorial: course/tutorials/02-optimization.py, section "Adaptive learning rates".
"""

from __future__ import annotations

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_range, reject_unsupported


class Adagrad(SingleTensorOptimizer):
    r"""Adagrad (Duchi, Hazan and Singer, 2011), a drop-in replacement for :class:`torch.optim.Adagrad`.

    With ``lr`` $=\gamma$, ``lr_decay`` $=\eta$, ``weight_decay`` $=\lambda$, ``eps`` $=\epsilon$:

    $$g_t \leftarrow g_t + \lambda \theta_{t-1}, \qquad \tilde\gamma_t = \gamma / (1 + (t-1)\eta)$$
    $$s_t = s_{t-1} + g_t^2 \quad (s_0 = \text{initial\_accumulator\_value})$$
    $$\theta_t = \theta_{t-1} - \tilde\gamma_t \, g_t / (\sqrt{s_t} + \epsilon)$$

    Convention: the paper has no $\epsilon$ and no decay; $\epsilon$ is added outside the root, as
    torch does.

    Args:
        params: parameters or parameter groups.
        lr, lr_decay, weight_decay, initial_accumulator_value, eps: as in the rule above.
        foreach: accepted and ignored. maximize: ascend instead of descend.
        differentiable, fused: not supported.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_range("learning rate", lr)
        check_range("lr_decay", lr_decay)
        check_range("weight_decay", weight_decay)
        check_range("initial_accumulator_value", initial_accumulator_value)
        check_range("epsilon value", eps)
        reject_unsupported(differentiable=differentiable, fused=fused)
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] = 0
        state["sum"] = torch.full_like(theta, group["initial_accumulator_value"])  # s_0

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["step"] += 1
        t, s = state["step"], state["sum"]
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * theta
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        s.addcmul_(g, g)  # s = s + g^2
        theta.addcdiv_(g, s.sqrt() + group["eps"], value=-lr_t)
