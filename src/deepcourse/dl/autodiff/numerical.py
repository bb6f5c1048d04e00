r"""Numerical differentiation: central differences and a gradient check.

The central difference $\frac{f(x + h e_i) - f(x - h e_i)}{2h}$ has truncation error
$O(h^2)$ and rounding error $O(\epsilon_{\text{mach}}/h)$; $h \approx \epsilon_{\text{mach}}^{1/3}
\approx 6\cdot 10^{-6}$ balances them in float64 (about $10^{-10}$ relative error). It costs
$2n$ evaluations of $f$ for $n$ inputs, against one backward pass for reverse mode: a check,
not a method.

Tutorial: course/tutorials/03-efficient-differentiation.py, section "Numerical differentiation".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from deepcourse.dl.autodiff.reverse import Tensor


def _evaluate(f: Callable[..., Any], args: list[np.ndarray]) -> np.ndarray:
    out = f(*[Tensor(a) for a in args])
    return np.asarray(out.data if isinstance(out, Tensor) else out, dtype=np.float64)


def central_difference(
    f: Callable[..., Any], *inputs: Any, argnums: int = 0, h: float = 1e-6
) -> np.ndarray:
    """The Jacobian of ``f`` with respect to ``inputs[argnums]`` by central differences.

    Args:
        f: a function of Tensors (or of arrays) returning a Tensor or an array.
        inputs: the point, numpy arrays (converted to float64).
        argnums: which input to differentiate.
        h: the step.

    Returns:
        An array of shape ``f(*inputs).shape + inputs[argnums].shape``.
    """
    args = [np.array(x, dtype=np.float64) for x in inputs]
    x = args[argnums]
    out_shape = _evaluate(f, args).shape
    jac = np.zeros(out_shape + x.shape)
    for i in np.ndindex(*x.shape):
        saved = x[i]
        x[i] = saved + h
        plus = _evaluate(f, args)
        x[i] = saved - h
        minus = _evaluate(f, args)
        x[i] = saved
        jac[(...,) + i] = (plus - minus) / (2 * h)
    return jac


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message names the worst entry."""


def gradcheck(
    f: Callable[..., Tensor],
    *inputs: Any,
    h: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> bool:
    """Check backpropagation through ``f`` against central differences, like ``torch.autograd.gradcheck``.

    Every input (float64) is differentiated; for a non-scalar output the check uses
    $\\sum_j w_j f_j$ with fixed random weights $w$, so one backward pass checks all outputs.

    Returns:
        ``True`` when every entry satisfies $|a - n| \\le atol + rtol\\,|n|$.

    Raises:
        GradcheckError: an entry does not (the message gives the input, index and both values).
    """
    args = [np.array(x, dtype=np.float64) for x in inputs]
    weights = np.random.default_rng(0).uniform(0.5, 1.5, size=_evaluate(f, args).shape)

    def weighted(*xs: Tensor) -> Tensor:
        return (f(*xs) * weights).sum()

    leaves = [Tensor(a, requires_grad=True) for a in args]
    weighted(*leaves).backward()
    for k, leaf in enumerate(leaves):
        analytic = leaf.grad if leaf.grad is not None else np.zeros_like(args[k])
        numeric = central_difference(weighted, *args, argnums=k, h=h)
        bad = np.abs(analytic - numeric) > atol + rtol * np.abs(numeric)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise GradcheckError(
                f"gradient of input {k} at index {index}: backpropagation gives "
                f"{analytic[index]!r}, central differences {numeric[index]!r} (h={h})"
            )
    return True
