"""The plumbing every optimizer here shares, so that each file shows only its update rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch


class SingleTensorOptimizer(torch.optim.Optimizer):
    """A :class:`torch.optim.Optimizer` that applies one update rule to each tensor in turn.

    :meth:`step` evaluates the closure (with gradients on), then for every parameter that has a
    gradient takes $g$ (negated when the group has ``maximize=True``), creates the parameter's
    state on first use with :meth:`_init_state`, and applies :meth:`_update`. A subclass writes
    those two methods; one whose rule also has per-group quantities (schedule-free's step counter
    and averaging weight) overrides :meth:`_step_group` and iterates :meth:`_tensors` itself.
    """

    def _init_state(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        """Fill the empty ``state`` of ``theta`` before its first update (default: nothing)."""

    def _update(self, theta: torch.Tensor, g: torch.Tensor, state: dict, group: dict) -> None:
        """Update ``theta`` in place from its gradient ``g``, its ``state`` and ``group``."""
        raise NotImplementedError  # pragma: no cover

    def _tensors(self, group: dict) -> Iterator[tuple[torch.Tensor, torch.Tensor, dict]]:
        """Yield ``(theta, g, state)`` for each parameter of ``group`` that has a gradient."""
        for theta in group["params"]:
            if theta.grad is None:
                continue
            g = -theta.grad if group.get("maximize", False) else theta.grad
            state = self.state[theta]
            if not state:
                self._init_state(theta, g, state, group)
            yield theta, g, state

    def _step_group(self, group: dict) -> None:
        """Apply :meth:`_update` to each parameter of ``group`` that has a gradient."""
        for theta, g, state in self._tensors(group):
            self._update(theta, g, state, group)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Take one step for every parameter that has a gradient; return ``closure()`` if given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._step_group(group)
        return loss
