r"""Dual numbers for forward-mode differentiation: arrays that carry a tangent.

A dual number is $a + \dot a\,\varepsilon$ with $\varepsilon^2 = 0$; then
$f(a + \dot a\varepsilon) = f(a) + f'(a)\dot a\,\varepsilon$, so evaluating $f$ on duals computes
the value and the directional derivative (a Jacobian-vector product) in one forward pass.

:class:`Dual` holds a ``primal`` numpy array and a ``tangent`` of the same shape and behaves like
an array: numpy ufuncs (``np.exp``, ``+``, ``@``...) and the methods the autodiff
:class:`~deepcourse.dl.autodiff.reverse.Tensor` uses (``sum``, ``reshape``, indexing...) each apply
their derivative rule below. A ``Tensor`` whose ``data`` is a ``Dual`` therefore runs forward mode
with no change to its code, and running its ``backward()`` on duals differentiates the reverse
pass itself (forward-over-reverse, see :func:`~deepcourse.dl.autodiff.functional.hvp`).

Tutorial: course/tutorials/03-efficient-differentiation.py, section "Forward mode".
"""

from __future__ import annotations

from typing import Any

import numpy as np


def primal(x: Any) -> Any:
    """The value part of ``x`` (``x`` itself when it is not a :class:`Dual`)."""
    return x.primal if isinstance(x, Dual) else x


def tangent(x: Any) -> Any:
    """The tangent part of ``x``, or ``None`` (meaning zero) when ``x`` is not a :class:`Dual`."""
    return x.tangent if isinstance(x, Dual) else None


def _plus(*terms: Any) -> Any:
    """Sum the terms that are not ``None`` (``None`` is a zero tangent)."""
    present = [t for t in terms if t is not None]
    if not present:
        return None
    total = present[0]
    for t in present[1:]:
        total = total + t
    return total


def _times(t: Any, factor: Any) -> Any:
    return None if t is None else t * factor


# Each rule maps (primal inputs a, b and their tangents ta, tb, the output value y) to the output
# tangent: the derivative of the ufunc applied to the tangents (None = zero).
_UNARY_RULES = {
    np.negative: lambda a, ta, y: -ta,
    np.exp: lambda a, ta, y: ta * y,
    np.log: lambda a, ta, y: ta / a,
    np.tanh: lambda a, ta, y: ta * (1 - y * y),
    np.sqrt: lambda a, ta, y: ta / (2 * y),
    np.sin: lambda a, ta, y: ta * np.cos(a),
    np.cos: lambda a, ta, y: -ta * np.sin(a),
}

_BINARY_RULES = {
    np.add: lambda a, b, ta, tb, y: _plus(ta, tb),
    np.subtract: lambda a, b, ta, tb, y: _plus(ta, None if tb is None else -tb),
    np.multiply: lambda a, b, ta, tb, y: _plus(_times(ta, b), _times(tb, a)),
    np.true_divide: lambda a, b, ta, tb, y: _plus(
        None if ta is None else ta / b, _times(tb, -y / b)
    ),
    np.matmul: lambda a, b, ta, tb, y: _plus(
        None if ta is None else ta @ b, None if tb is None else a @ tb
    ),
    np.power: lambda a, b, ta, tb, y: _plus(
        _times(ta, b * a ** (b - 1)), None if tb is None else tb * y * np.log(a)
    ),
}

# Piecewise-constant functions: their derivative is zero, the result is a plain array.
_CONSTANT_UFUNCS = {np.sign, np.greater, np.greater_equal, np.less, np.less_equal, np.equal}


class Dual:
    """An array with a tangent: ``Dual(primal, tangent)``, both numpy arrays of one shape.

    Args:
        primal: the value $a$.
        tangent: the derivative $\\dot a$ (default: zeros).

    Raises:
        ValueError: the shapes differ.
    """

    __array_priority__ = 200

    def __init__(self, primal: Any, tangent: Any = None) -> None:
        self.primal = np.asarray(primal)
        if tangent is None:
            tangent = np.zeros_like(self.primal)
        self.tangent = np.asarray(tangent, dtype=np.result_type(self.primal, tangent))
        if self.primal.shape != self.tangent.shape:
            raise ValueError(
                f"a Dual's primal and tangent must have the same shape, got {self.primal.shape} "
                f"and {self.tangent.shape}"
            )

    # --- numpy protocol: ufuncs dispatch to the derivative rules above ---------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs.get("out") is not None:
            return NotImplemented
        values = [primal(x) for x in inputs]
        y = ufunc(*values, **kwargs)
        if ufunc in _CONSTANT_UFUNCS:
            return y
        tangents = [tangent(x) for x in inputs]
        if len(inputs) == 1 and ufunc in _UNARY_RULES:
            t = _UNARY_RULES[ufunc](values[0], tangents[0], y)
        elif len(inputs) == 2 and ufunc in _BINARY_RULES:
            t = _BINARY_RULES[ufunc](*values, *tangents, y)
        else:
            raise TypeError(f"Dual has no derivative rule for numpy.{ufunc.__name__}")
        return Dual(y, np.broadcast_to(t, np.shape(y)) if t is not None else np.zeros_like(y))

    # --- arithmetic operators go through the ufuncs ----------------------------------------
    def __add__(self, other):
        return np.add(self, other)

    def __radd__(self, other):
        return np.add(other, self)

    def __sub__(self, other):
        return np.subtract(self, other)

    def __rsub__(self, other):
        return np.subtract(other, self)

    def __mul__(self, other):
        return np.multiply(self, other)

    def __rmul__(self, other):
        return np.multiply(other, self)

    def __truediv__(self, other):
        return np.true_divide(self, other)

    def __rtruediv__(self, other):
        return np.true_divide(other, self)

    def __matmul__(self, other):
        return np.matmul(self, other)

    def __rmatmul__(self, other):
        return np.matmul(other, self)

    def __pow__(self, other):
        return np.power(self, other)

    def __rpow__(self, other):
        return np.power(other, self)

    def __neg__(self):
        return np.negative(self)

    # --- linear array methods: the same operation on value and tangent ---------------------
    def sum(self, axis=None, keepdims=False) -> Dual:
        return Dual(
            self.primal.sum(axis=axis, keepdims=keepdims),
            self.tangent.sum(axis=axis, keepdims=keepdims),
        )

    def reshape(self, *shape) -> Dual:
        return Dual(self.primal.reshape(*shape), self.tangent.reshape(*shape))

    def transpose(self, *axes) -> Dual:
        return Dual(self.primal.transpose(*axes), self.tangent.transpose(*axes))

    def swapaxes(self, a: int, b: int) -> Dual:
        return Dual(self.primal.swapaxes(a, b), self.tangent.swapaxes(a, b))

    def astype(self, dtype) -> Dual:
        return Dual(self.primal.astype(dtype), self.tangent.astype(dtype))

    def __getitem__(self, index) -> Dual:
        return Dual(self.primal[index], self.tangent[index])

    @property
    def T(self) -> Dual:  # noqa: N802
        return Dual(self.primal.T, self.tangent.T)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.primal.shape

    @property
    def ndim(self) -> int:
        return self.primal.ndim

    @property
    def size(self) -> int:
        return self.primal.size

    @property
    def dtype(self) -> np.dtype:
        return self.primal.dtype

    def __len__(self) -> int:
        return len(self.primal)

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"


def scatter_add(shape: tuple[int, ...], dtype: Any, index: Any, values: Any) -> Any:
    """Zeros of ``shape`` with ``values`` added at ``index`` (repeated indices add up).

    The adjoint of indexing: works for numpy arrays and for :class:`Dual` values.
    """
    if isinstance(values, Dual):
        return Dual(
            scatter_add(shape, dtype, index, values.primal),
            scatter_add(shape, dtype, index, values.tangent),
        )
    out = np.zeros(shape, dtype=dtype)
    np.add.at(out, index, values)
    return out
