"""Schedule-free SGD and AdamW: iterate averaging in place of a learning-rate schedule.

Tutorial: course/tutorials/02-optimization.py, section "Schedules".
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer
from deepcourse.dl.optim._common import check_betas, check_range


class _ScheduleFree(SingleTensorOptimizer):
    r"""The schedule-free recursion shared by :class:`SGDScheduleFree` and :class:`AdamWScheduleFree`.

    Defazio et al. (2024), "The Road Less Scheduled". Three sequences: the base iterate $z$, the
    average $x$ (what to evaluate) and the point $y$ where gradients are taken ($\beta$ is
    ``momentum`` or ``betas[0]``):

    $$y_t = (1-\beta) z_t + \beta x_t, \qquad z_{t+1} = z_t - \gamma_t \hat g(y_t)$$
    $$x_{t+1} = (1 - c_{t+1})\, x_t + c_{t+1} z_{t+1}, \qquad
      c_{t+1} = \frac{w_{t+1}}{\sum_{i \le t+1} w_i}, \quad w_t = t^r \gamma_{\max}^{p}$$

    Parameters hold $y$ in train mode and $x$ in eval mode (call :meth:`train` / :meth:`eval`, as
    the model's). Substituting $x_t = (y_t - (1-\beta) z_t)/\beta$ gives the update done here
    without storing $x$ (as the authors' ``schedulefree`` package does):

    $$y_{t+1} = (1 - c)\, y_t + c\, z_t + \gamma (\beta(1-c) - 1)\, \hat g, \qquad
      z_{t+1} = z_t - \gamma \hat g$$

    $\gamma_t$ ramps linearly over ``warmup_steps``. Each group keeps the schedule's state: the
    steps taken ``k``, ``weight_sum`` $= \sum_i w_i$, ``lr_max`` $= \gamma_{\max}$, the current
    ``scheduled_lr`` $= \gamma_t$ and ``train_mode``.
    """

    def __init__(self, params, defaults: dict) -> None:
        schedule = dict(k=0, train_mode=False, weight_sum=0.0, lr_max=-1.0, scheduled_lr=0.0)
        super().__init__(params, {**defaults, **schedule})

    def _beta(self, group: dict) -> float:
        raise NotImplementedError  # pragma: no cover

    def _direction(
        self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict
    ) -> torch.Tensor:
        r"""The direction $\hat g$ that moves $z$ (and $y$)."""
        raise NotImplementedError  # pragma: no cover

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        state["z"] = theta.clone()

    @torch.no_grad()
    def eval(self) -> None:
        """Switch the parameters from $y$ to the average $x = (y - (1-\\beta)z)/\\beta$."""
        for group in self.param_groups:
            if group["train_mode"]:
                beta = self._beta(group)
                for theta in group["params"]:
                    if "z" in self.state[theta]:
                        theta.lerp_(self.state[theta]["z"], 1 - 1 / beta)
                group["train_mode"] = False

    @torch.no_grad()
    def train(self) -> None:
        """Switch the parameters from $x$ back to $y = (1-\\beta) z + \\beta x$."""
        for group in self.param_groups:
            if not group["train_mode"]:
                beta = self._beta(group)
                for theta in group["params"]:
                    if "z" in self.state[theta]:
                        theta.lerp_(self.state[theta]["z"], 1 - beta)
                group["train_mode"] = True

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """One step; the optimizer must be in train mode (call ``optimizer.train()`` first)."""
        if not self.param_groups[0]["train_mode"]:
            raise RuntimeError(
                f"{type(self).__name__}.step() called in eval mode: call optimizer.train() "
                "before training steps and optimizer.eval() before evaluating"
            )
        return super().step(closure)

    def _step_group(self, group: dict) -> None:
        """Advance the group's schedule ($\\gamma_t$, $c$), then step $y$ and $z$ of each tensor."""
        k = group["k"]
        warmup = (k + 1) / group["warmup_steps"] if k < group["warmup_steps"] else 1.0
        lr = group["lr"] * warmup
        group["scheduled_lr"] = lr
        group["lr_max"] = max(lr, group["lr_max"])
        weight = (k + 1) ** group["r"] * group["lr_max"] ** group["weight_lr_power"]
        group["weight_sum"] += weight
        c = weight / group["weight_sum"] if group["weight_sum"] != 0 else 0.0
        beta = self._beta(group)
        for y, g, state in self._tensors(group):
            z = state["z"]
            g_hat = self._direction(y, g, state, group)
            y.lerp_(z, c)  # y = (1 - c) y + c z
            y.add_(g_hat, alpha=lr * (beta * (1 - c) - 1))
            z.sub_(g_hat, alpha=lr)  # z = z - lr g_hat
        group["k"] = k + 1


class SGDScheduleFree(_ScheduleFree):
    r"""Schedule-free SGD, as the authors' ``schedulefree`` package (1.4).

    The direction is $\hat g = g + \lambda y$ (coupled weight decay, at $y$). See
    :class:`_ScheduleFree` for the recursion.

    Args:
        params: parameters or parameter groups.
        lr: $\gamma$ (the package's default 1.0). momentum: $\beta$ in (0, 1).
        weight_decay: $\lambda$. warmup_steps: linear warm-up of $\gamma$.
        r, weight_lr_power: the averaging weights $w_t = t^r \gamma_{\max}^{p}$.
        foreach: accepted and ignored.
    """

    def __init__(
        self,
        params,
        lr: float = 1.0,
        momentum: float = 0.9,
        weight_decay: float = 0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2,
        foreach: bool | None = True,
    ) -> None:
        check_range("learning rate", lr)
        check_range("weight_decay", weight_decay)
        if not 0 < momentum < 1:
            raise ValueError(f"momentum must be in (0, 1) for schedule-free SGD, got {momentum!r}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            weight_decay=weight_decay,
            warmup_steps=warmup_steps,
            r=r,
            weight_lr_power=weight_lr_power,
        )
        super().__init__(params, defaults)

    def _beta(self, group: dict) -> float:
        return group["momentum"]

    def _direction(
        self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict
    ) -> torch.Tensor:
        return g + group["weight_decay"] * theta if group["weight_decay"] != 0 else g


class AdamWScheduleFree(_ScheduleFree):
    r"""Schedule-free AdamW, as the authors' ``schedulefree`` package (1.4).

    The direction is Adam's without first moment, plus decoupled decay at $y$:

    $$v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \qquad
      \hat g = g_t / (\sqrt{v_t / (1-\beta_2^t)} + \epsilon) + \lambda y$$

    and $\beta = \beta_1$ in the recursion of :class:`_ScheduleFree`.

    Args:
        params: parameters or parameter groups.
        lr, betas, eps, weight_decay: $\gamma$, $(\beta_1, \beta_2)$, $\epsilon$, $\lambda$.
        warmup_steps, r, weight_lr_power: as :class:`SGDScheduleFree`. foreach: ignored.
    """

    def __init__(
        self,
        params,
        lr: float = 0.0025,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
        foreach: bool | None = True,
    ) -> None:
        check_range("learning rate", lr)
        check_range("weight_decay", weight_decay)
        check_betas(betas)
        if betas[0] == 0:
            raise ValueError(
                "betas[0] must be > 0 for schedule-free AdamW (it is the averaging beta)"
            )
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            warmup_steps=warmup_steps,
            r=r,
            weight_lr_power=weight_lr_power,
        )
        super().__init__(params, defaults)

    def _beta(self, group: dict) -> float:
        return group["betas"][0]

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        super()._init_state(theta, g, state, group)
        state["exp_avg_sq"] = torch.zeros_like(theta)  # v

    def _direction(
        self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict
    ) -> torch.Tensor:
        beta2 = group["betas"][1]
        v = state["exp_avg_sq"]
        v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
        bias_correction2 = 1 - beta2 ** (group["k"] + 1)
        g_hat = g / ((v / bias_correction2).sqrt() + group["eps"])
        if group["weight_decay"] != 0:
            g_hat = g_hat + group["weight_decay"] * theta
        return g_hat
