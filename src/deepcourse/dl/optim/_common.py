"""Argument checks shared by the optimizers (errors say what was received and what is expected)."""

from __future__ import annotations

from typing import Any


def check_range(name: str, value: float, *, low: float = 0.0, high: float | None = None) -> None:
    """Raise ``ValueError`` unless ``low <= value`` (and ``value < high`` when given)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if value < low or (high is not None and value >= high):
        bound = f"in [{low}, {high})" if high is not None else f">= {low}"
        raise ValueError(f"invalid {name}: {value!r} (expected a value {bound})")


def check_betas(betas: Any, count: int = 2) -> None:
    """Raise ``ValueError`` unless ``betas`` is a tuple of ``count`` numbers in [0, 1)."""
    if not isinstance(betas, tuple | list) or len(betas) != count:
        raise ValueError(f"betas must be a tuple of {count} numbers in [0, 1), got {betas!r}")
    for i, beta in enumerate(betas):
        check_range(f"beta at index {i}", beta, low=0.0, high=1.0)


def reject_unsupported(**flags: Any) -> None:
    """Raise ``NotImplementedError`` for torch flags that this readable implementation lacks.

    ``foreach`` is accepted and ignored: it selects torch's multi-tensor kernel, an implementation
    detail that does not change the result. ``fused``, ``capturable`` and ``differentiable`` change
    what the optimizer can do, so asking for them is an error rather than a silent no-op.
    """
    for name, value in flags.items():
        if value:
            raise NotImplementedError(
                f"{name}=True is not supported by deepcourse.dl.optim (a readable single-tensor "
                f"implementation); use torch.optim for {name} kernels"
            )
