r"""Function transforms over :class:`~deepcourse.dl.autodiff.reverse.Tensor` code, as ``torch.func``.

``f`` is a Python function of Tensors written with the Tensor operations; ``primals`` are numpy
arrays. For $f: \mathbb{R}^n \to \mathbb{R}^m$ with Jacobian $J$:

- :func:`jvp` pushes a tangent forward, $J v$, with dual numbers: one pass per input direction,
  so a full Jacobian costs $n$ passes (forward mode, cheap for few inputs);
- :func:`vjp` pulls a cotangent back, $u^T J$, by backpropagation: one pass per output
  direction, $m$ passes for a Jacobian (reverse mode, cheap for few outputs: a loss gradient
  costs one);
- :func:`hvp` is forward-over-reverse: the reverse pass run on dual numbers gives
  $\nabla f(x + \varepsilon v) = \nabla f(x) + \varepsilon H v$.

Tutorial: course/tutorials/03-efficient-differentiation.py, sections "Forward mode" and
"Second-order derivatives".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from deepcourse.dl.autodiff.dual import Dual, primal
from deepcourse.dl.autodiff.reverse import Tensor, no_grad


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, tuple | list) else (x,)


def _float_array(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def jvp(f: Callable[..., Tensor], primals: Any, tangents: Any) -> tuple[np.ndarray, np.ndarray]:
    """The value $f(x)$ and the Jacobian-vector product $J_f(x)\\,v$, in one forward pass.

    Args:
        f: a function of one or more Tensors returning one Tensor.
        primals: the point $x$: a numpy array, or a tuple of them (one per argument of ``f``).
        tangents: the direction $v$: same structure and shapes as ``primals``.

    Returns:
        ``(value, tangent_out)`` as numpy arrays, like ``torch.func.jvp``.

    Raises:
        ValueError: ``primals`` and ``tangents`` differ in number or shape.
    """
    primals, tangents = _as_tuple(primals), _as_tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"got {len(primals)} primals but {len(tangents)} tangents")
    inputs = []
    for x, v in zip(primals, tangents, strict=True):
        x, v = _float_array(x), _float_array(v)
        if x.shape != v.shape:
            raise ValueError(f"a tangent of shape {v.shape} for a primal of shape {x.shape}")
        inputs.append(Tensor(Dual(x, v)))
    with no_grad():
        out = f(*inputs).data
    if isinstance(out, Dual):
        return out.primal, out.tangent
    return np.asarray(out), np.zeros_like(out)  # f does not depend on its inputs


def vjp(f: Callable[..., Tensor], *primals: Any) -> tuple[np.ndarray, Callable[[Any], tuple]]:
    """The value $f(x)$ and a function $u \\mapsto u^T J_f(x)$ (one backward pass per call).

    Returns:
        ``(value, vjp_fn)`` like ``torch.func.vjp``; ``vjp_fn(u)`` returns a tuple with one
        gradient per primal.
    """
    inputs = [Tensor(_float_array(x), requires_grad=True) for x in primals]
    out = f(*inputs)

    def vjp_fn(cotangent: Any) -> tuple[np.ndarray, ...]:
        for x in inputs:
            x.grad = None
        if out.requires_grad:
            out.backward(np.asarray(cotangent, dtype=primal(out.data).dtype))
        return tuple(x.grad if x.grad is not None else np.zeros_like(x.data) for x in inputs)

    return primal(out.data), vjp_fn


def grad(f: Callable[..., Tensor], argnums: int = 0) -> Callable[..., np.ndarray]:
    """The gradient function of a scalar-valued ``f`` with respect to argument ``argnums``."""

    def gradient(*primals: Any) -> np.ndarray:
        value, vjp_fn = vjp(f, *primals)
        if np.size(value) != 1:
            raise ValueError(f"grad needs a scalar output, f returned shape {np.shape(value)}")
        return vjp_fn(np.ones_like(value))[argnums]

    return gradient


def jacobian(
    f: Callable[[Tensor], Tensor], x: Any, mode: Literal["forward", "reverse"] = "reverse"
) -> np.ndarray:
    """The Jacobian of ``f`` at ``x``, shape ``f(x).shape + x.shape``.

    ``mode="forward"`` builds it a column at a time ($n$ :func:`jvp` passes, one per input
    coordinate); ``mode="reverse"`` a row at a time ($m$ :func:`vjp` passes, one per output).

    Raises:
        ValueError: an unknown ``mode``.
    """
    x = _float_array(x)
    if mode == "forward":
        columns = []
        for i in range(x.size):
            basis = np.zeros(x.size, dtype=x.dtype)
            basis[i] = 1
            value, column = jvp(f, (x,), (basis.reshape(x.shape),))
            columns.append(column)
        return np.stack(columns, axis=-1).reshape(np.shape(value) + x.shape)
    if mode == "reverse":
        value, vjp_fn = vjp(f, x)
        rows = []
        for i in range(np.size(value)):
            basis = np.zeros(np.size(value), dtype=x.dtype)
            basis[i] = 1
            rows.append(vjp_fn(basis.reshape(np.shape(value)))[0])
        return np.stack(rows).reshape(np.shape(value) + x.shape)
    raise ValueError(f"mode must be 'forward' or 'reverse', not {mode!r}")


def hvp(f: Callable[[Tensor], Tensor], x: Any, v: Any) -> np.ndarray:
    """The Hessian-vector product $\\nabla^2 f(x)\\, v$ of a scalar ``f``, forward-over-reverse.

    Backpropagation through ``f`` evaluated at the dual point $x + \\varepsilon v$ returns
    $\\nabla f(x) + \\varepsilon\\, \\nabla^2 f(x) v$; the tangent is the answer. It costs a small
    constant times one gradient, never forming the $n \\times n$ Hessian.

    Raises:
        ValueError: ``v`` has another shape than ``x``, or ``f`` is not scalar.
    """
    x, v = _float_array(x), _float_array(v)
    if x.shape != v.shape:
        raise ValueError(f"v has shape {v.shape}, expected x's shape {x.shape}")
    point = Tensor(Dual(x, v), requires_grad=True)
    out = f(point)
    if out.size != 1:
        raise ValueError(f"hvp needs a scalar output, f returned shape {out.shape}")
    if not out.requires_grad:
        return np.zeros_like(x)
    out.backward()
    gradient = point.grad
    return gradient.tangent if isinstance(gradient, Dual) else np.zeros_like(x)
