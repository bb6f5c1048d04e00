r"""Learning-rate schedules with torch's ``lr_scheduler`` interface, each a closed-form $\gamma_t$.

Each class has the name and constructor of its ``torch.optim.lr_scheduler`` counterpart and works
with any optimizer (ours or torch's): ``scheduler.step()`` after ``optimizer.step()`` sets every
group's ``lr`` to $\gamma_t$ for $t$ = the number of ``scheduler.step()`` calls so far. Here
$\gamma_0$ is the group's initial learning rate. Linear warm-up is :class:`LinearLR`.

Tutorial: course/tutorials/02-optimization.py, section "Schedules".
"""

from __future__ import annotations

import math
from typing import Literal

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler


def _per_group(name: str, optimizer: Optimizer, value: float | list[float]) -> list[float]:
    groups = len(optimizer.param_groups)
    if isinstance(value, list | tuple):
        if len(value) != groups:
            raise ValueError(
                f"{name} has {len(value)} values but the optimizer has {groups} groups"
            )
        return list(value)
    return [value] * groups


class StepLR(LRScheduler):
    r"""Step decay: $\gamma_t = \gamma_0 \cdot \text{gamma}^{\lfloor t / \text{step\_size} \rfloor}$."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ):
        if step_size < 1:
            raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        return [lr0 * self.gamma ** (t // self.step_size) for lr0 in self.base_lrs]


class ExponentialLR(LRScheduler):
    r"""Exponential decay: $\gamma_t = \gamma_0 \cdot \text{gamma}^t$."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [lr0 * self.gamma**self.last_epoch for lr0 in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing (SGDR without restarts, Loshchilov and Hutter 2017).

    $$\gamma_t = \eta_{\min} + \tfrac12 (\gamma_0 - \eta_{\min})(1 + \cos(\pi t / T_{\max}))$$

    Convention: torch computes the same curve by a recursion; for $t > T_{\max}$ both keep
    following the cosine (the rate rises again), they do not restart.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ):
        if T_max < 1:
            raise ValueError(f"T_max must be a positive integer, got {T_max!r}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cos = 1 + math.cos(math.pi * self.last_epoch / self.T_max)
        return [self.eta_min + 0.5 * (lr0 - self.eta_min) * cos for lr0 in self.base_lrs]


class LinearLR(LRScheduler):
    r"""Linear warm-up (or decay) of a factor over ``total_iters`` steps, then constant.

    $$\gamma_t = \gamma_0 \big(f_s + (f_e - f_s)\min(t, T)/T\big)$$
    with $f_s$ = ``start_factor``, $f_e$ = ``end_factor``, $T$ = ``total_iters``. With $T = 0$
    the factor stays at $f_s$, as in torch (whose recursive form never reaches $f_e$ then).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ):
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor!r}")
        if total_iters < 0:
            raise ValueError(f"total_iters must be >= 0 (a number of steps), got {total_iters!r}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        T = self.total_iters
        progress = min(self.last_epoch, T) / T if T > 0 else 0.0
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [lr0 * factor for lr0 in self.base_lrs]


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith and Topin, 2018): warm up to ``max_lr``, then anneal far below.

    With $\gamma_{\text{init}} = \text{max\_lr}/\text{div\_factor}$ and
    $\gamma_{\min} = \gamma_{\text{init}}/\text{final\_div\_factor}$, phases end at steps
    $p T - 1$ and $T - 1$ ($p$ = ``pct_start``, $T$ = ``total_steps``); within a phase from $a$ to
    $b$ at fraction $s \in [0, 1]$ the rate is $b + (a - b)(1 + \cos \pi s)/2$ (``"cos"``) or
    $a + (b - a)s$ (``"linear"``):

    - two phases: $\gamma_{\text{init}} \to \text{max\_lr} \to \gamma_{\min}$;
    - ``three_phase``: $\gamma_{\text{init}} \to \text{max\_lr} \to \gamma_{\text{init}}$ (ending
      at $2pT - 2$) $\to \gamma_{\min}$.

    With ``cycle_momentum`` the momentum (or Adam's $\beta_1$) moves the opposite way, between
    ``max_momentum`` and ``base_momentum``. Convention: as torch's, the phase boundaries are
    step indices counted from 0 (hence the $-1$), and it is an error to step past $T$.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ):
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("give total_steps, or both epochs and steps_per_epoch")
            total_steps = epochs * steps_per_epoch
        if total_steps <= 0:
            raise ValueError(f"total_steps must be a positive integer, got {total_steps!r}")
        if not 0 <= pct_start <= 1:
            raise ValueError(f"pct_start must be between 0 and 1, got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be 'cos' or 'linear', not {anneal_strategy!r}")
        self.total_steps, self.anneal_strategy = total_steps, anneal_strategy
        up_end = pct_start * total_steps - 1
        if three_phase:
            self.phases = [
                (up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (
                    2 * pct_start * total_steps - 2,
                    "max_lr",
                    "initial_lr",
                    "base_momentum",
                    "max_momentum",
                ),
                (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            self.phases = [
                (up_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        if last_epoch == -1:
            for peak, group in zip(
                _per_group("max_lr", optimizer, max_lr), optimizer.param_groups, strict=True
            ):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError("cycle_momentum needs an optimizer with `momentum` or `betas`")
            self.use_beta1 = "betas" in optimizer.defaults
            highs = _per_group("max_momentum", optimizer, max_momentum)
            lows = _per_group("base_momentum", optimizer, base_momentum)
            if last_epoch == -1:
                for high, low, group in zip(highs, lows, optimizer.param_groups, strict=True):
                    self._set_momentum(group, high)
                    group["max_momentum"], group["base_momentum"] = high, low
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, s: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2 * (1 + math.cos(math.pi * s))
        return start + (end - start) * s

    def get_lr(self) -> list[float]:
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(
                f"stepped {t} times, past total_steps={self.total_steps}: raise total_steps"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            phase_start = 0.0
            for i, (phase_end, lr_a, lr_b, mom_a, mom_b) in enumerate(self.phases):
                if t <= phase_end or i == len(self.phases) - 1:
                    s = (t - phase_start) / (phase_end - phase_start)
                    lrs.append(self._anneal(group[lr_a], group[lr_b], s))
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[mom_a], group[mom_b], s))
                    break
                phase_start = phase_end
        return lrs
