r"""Reverse-mode automatic differentiation (backpropagation) over numpy arrays.

A :class:`Tensor` wraps a numpy array (``.data``) and, when it requires a gradient, remembers the
operation that made it and its inputs (``_parents``). Each operation below computes its value and,
right beside it, its ``backward``: given $\bar y = \partial L/\partial y$ (the gradient of the
final scalar $L$ with respect to the output), it returns $\bar x_i = (\partial y/\partial x_i)^T
\bar y$ for each input. :meth:`Tensor.backward` visits the graph in reverse topological order, so
every node's $\bar y$ is complete (summed over all its uses) before it is passed on:

$$\bar x = \sum_{y \,:\, x \to y} \Big(\frac{\partial y}{\partial x}\Big)^T \bar y .$$

General graphs, not trees: a tensor used several times gets the sum of its gradients, and
intermediate gradients live only during one ``backward()`` call, so calling ``backward()`` on two
outputs that share nodes gives each leaf exactly the sum of both (micrograd's issue #67 and PR
#64 report the bugs this avoids). As in PyTorch, leaf gradients accumulate in ``.grad`` across
calls; set ``.grad = None`` to reset.

Subgradients (non-differentiable points), the convention used and checked against torch:
``relu'(0) = 0``, ``abs'(0) = 0``, and ``max`` splits the gradient evenly among tied maxima
(a convex combination of the one-hot subgradients, as ``torch.amax``).

Tutorial: course/tutorials/03-efficient-differentiation.py, section "Reverse mode".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from deepcourse.dl.autodiff.dual import Dual, primal, scatter_add

_grad_enabled = True


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Within this block, operations record no graph (results have ``requires_grad=False``)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled() -> bool:
    """Whether operations currently record the graph (``False`` inside :func:`no_grad`)."""
    return _grad_enabled


Backward = Callable[[Any], Sequence[Any]]


def _as_array(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.data
    if isinstance(data, np.ndarray | Dual):
        return data
    return np.asarray(data)


def _unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    stretched = tuple(i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1)
    g = g.sum(axis=tuple(range(extra)) + stretched, keepdims=True)
    return g.reshape(shape)


def _swap_last(x: Any) -> Any:
    return x.swapaxes(-1, -2)


class Tensor:
    """A numpy array that can record the operations applied to it and backpropagate through them.

    Args:
        data: a numpy array, nested lists, a number or a :class:`~deepcourse.dl.autodiff.dual.Dual`.
            Integers are converted to float64 when ``requires_grad`` is true.
        requires_grad: record operations on this tensor and fill ``.grad`` on ``backward()``.

    Attributes:
        data: the value (a numpy array, or a ``Dual`` in forward mode).
        grad: after ``backward()``, $\\partial L/\\partial$ ``data`` (same shape), else ``None``.
    """

    __array_ufunc__ = None  # numpy defers to Tensor's reflected operators (ndarray + Tensor)

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        *,
        _parents: tuple[Tensor, ...] = (),
        _backward: Backward | None = None,
        _op: str = "",
    ) -> None:
        data = _as_array(data)
        if requires_grad and not np.issubdtype(data.dtype, np.floating):
            data = data.astype(np.float64)
        self.data = data
        self.requires_grad = requires_grad
        self.grad: Any = None
        self._parents = _parents
        self._backward = _backward
        self._op = _op

    # --- building the graph ------------------------------------------------------------------
    def _lift(self, other: Any) -> Tensor:
        """A constant operand as a Tensor, keeping this tensor's float dtype for Python numbers."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, int | float) and np.issubdtype(self.dtype, np.floating):
            return Tensor(np.asarray(other, dtype=self.dtype))
        return Tensor(other)

    @staticmethod
    def _make(data: Any, parents: tuple[Tensor, ...], backward: Backward, op: str) -> Tensor:
        if _grad_enabled and any(p.requires_grad for p in parents):
            return Tensor(data, True, _parents=parents, _backward=backward, _op=op)
        return Tensor(data)

    # --- arithmetic, with numpy broadcasting -------------------------------------------------
    def __add__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self, other

        def backward(g):  # d(a + b) = da + db
            return _unbroadcast(g, a.shape), _unbroadcast(g, b.shape)

        return self._make(a.data + b.data, (a, b), backward, "+")

    def __mul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self, other

        def backward(g):  # d(a b) = b da + a db
            return _unbroadcast(g * b.data, a.shape), _unbroadcast(g * a.data, b.shape)

        return self._make(a.data * b.data, (a, b), backward, "*")

    def __truediv__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self, other
        y = a.data / b.data

        def backward(g):  # d(a / b) = da / b - (a / b^2) db
            return _unbroadcast(g / b.data, a.shape), _unbroadcast(-g * y / b.data, b.shape)

        return self._make(y, (a, b), backward, "/")

    def __pow__(self, exponent: Any) -> Tensor:
        a, p = self, self._lift(exponent)
        y = a.data**p.data

        def backward(g):  # d(a^p) = p a^(p-1) da + a^p log(a) dp
            grad_p = _unbroadcast(g * y * np.log(a.data), p.shape) if p.requires_grad else None
            return _unbroadcast(g * p.data * a.data ** (p.data - 1), a.shape), grad_p

        return self._make(y, (a, p), backward, "**")

    def __matmul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        a, b = self, other

        def backward(g):  # d(A B) = dA B + A dB  =>  grad A = G B^T, grad B = A^T G
            # 1-D operands are a row (a) or a column (b), as in numpy's matmul.
            a2 = a.data if a.ndim > 1 else a.data.reshape(1, -1)
            b2 = b.data if b.ndim > 1 else b.data.reshape(-1, 1)
            batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
            g2 = g.reshape(batch + (a2.shape[-2], b2.shape[-1]))
            grad_a = grad_b = None
            if a.requires_grad:
                grad_a = _unbroadcast(g2 @ _swap_last(b2), a2.shape).reshape(a.shape)
            if b.requires_grad:
                grad_b = _unbroadcast(_swap_last(a2) @ g2, b2.shape).reshape(b.shape)
            return grad_a, grad_b

        return self._make(a.data @ b.data, (a, b), backward, "@")

    def __neg__(self) -> Tensor:
        return self._make(-self.data, (self,), lambda g: (-g,), "neg")

    def __sub__(self, other: Any) -> Tensor:
        return self + (-self._lift(other))

    def __radd__(self, other: Any) -> Tensor:
        return self._lift(other) + self

    def __rsub__(self, other: Any) -> Tensor:
        return self._lift(other) - self

    def __rmul__(self, other: Any) -> Tensor:
        return self._lift(other) * self

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._lift(other) / self

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._lift(other) @ self

    def __rpow__(self, other: Any) -> Tensor:
        return self._lift(other) ** self

    # --- elementwise functions ----------------------------------------------------------------
    def exp(self) -> Tensor:
        y = np.exp(self.data)
        return self._make(y, (self,), lambda g: (g * y,), "exp")  # (e^x)' = e^x

    def log(self) -> Tensor:
        x = self.data
        return self._make(np.log(x), (self,), lambda g: (g / x,), "log")  # (log x)' = 1/x

    def tanh(self) -> Tensor:
        y = np.tanh(self.data)
        return self._make(y, (self,), lambda g: (g * (1 - y * y),), "tanh")  # 1 - tanh^2

    def sigmoid(self) -> Tensor:
        y = 0.5 * (np.tanh(0.5 * self.data) + 1)  # = 1 / (1 + e^-x), without overflow
        return self._make(y, (self,), lambda g: (g * y * (1 - y),), "sigmoid")  # s (1 - s)

    def relu(self) -> Tensor:
        mask = primal(self.data) > 0  # subgradient convention: relu'(0) = 0
        return self._make(self.data * mask, (self,), lambda g: (g * mask,), "relu")

    def abs(self) -> Tensor:
        sign = np.sign(primal(self.data))  # subgradient convention: abs'(0) = 0
        return self._make(self.data * sign, (self,), lambda g: (g * sign,), "abs")

    # --- reductions ---------------------------------------------------------------------------
    def sum(self, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> Tensor:
        shape = self.shape
        axes = _axes(dim, self.ndim)

        def backward(g):  # every input element contributes once: copy g back along `dim`
            if not keepdim:
                g = g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))
            return (g * np.ones(shape, dtype=primal(g).dtype),)

        return self._make(self.data.sum(axis=axes, keepdims=keepdim), (self,), backward, "sum")

    def mean(self, dim: int | tuple[int, ...] | None = None, keepdim: bool = False) -> Tensor:
        count = int(np.prod([self.shape[i] for i in _axes(dim, self.ndim)]))
        return self.sum(dim, keepdim) / count

    def max(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """The maximum over ``dim`` (all elements if ``None``); ties share the gradient evenly.

        Unlike ``torch.max(dim)``, which returns ``(values, indices)``, this returns the values
        only; its gradient matches ``torch.amax``'s.
        """
        axes = _axes(dim, self.ndim)
        x = primal(self.data)
        is_max = x == x.max(axis=axes, keepdims=True)
        weights = is_max / is_max.sum(axis=axes, keepdims=True)  # 1/k on each of k ties
        if isinstance(self.data, Dual):  # the tangent of a max: the weighted tangents
            value = (self.data * weights).sum(axis=axes, keepdims=keepdim)
        else:
            value = x.max(axis=axes, keepdims=keepdim)
        shape = self.shape

        def backward(g):
            if not keepdim:
                g = g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))
            return (g * weights,)

        return self._make(value, (self,), backward, "max")

    # --- shape --------------------------------------------------------------------------------
    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], tuple | list):
            shape = tuple(shape[0])
        old = self.shape
        return self._make(self.data.reshape(shape), (self,), lambda g: (g.reshape(old),), "reshape")

    @property
    def T(self) -> Tensor:  # noqa: N802
        """The transpose (all axes reversed, as numpy's ``.T``)."""
        return self._make(self.data.T, (self,), lambda g: (g.T,), "T")

    def __getitem__(self, index: Any) -> Tensor:
        if isinstance(index, Tensor):
            index = index.data
        shape, dtype = self.shape, primal(self.data).dtype

        def backward(g):  # each selected element receives its gradient (repeats add up)
            return (scatter_add(shape, dtype, index, g),)

        return self._make(self.data[index], (self,), backward, "[]")

    # --- backpropagation ----------------------------------------------------------------------
    def backward(self, gradient: Any = None) -> None:
        """Fill ``.grad`` of every leaf this tensor depends on with $\\partial L/\\partial$ leaf.

        Args:
            gradient: $\\bar y$, the gradient of the final scalar with respect to this tensor
                (same shape). May be omitted for a single-element tensor (then 1).

        Raises:
            RuntimeError: this tensor does not require a gradient, or is not a scalar and no
                ``gradient`` was given.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: create the inputs with "
                "Tensor(data, requires_grad=True) and do not compute it under no_grad()"
            )
        if gradient is None:
            if self.size != 1:
                raise RuntimeError(
                    f"backward() needs a gradient argument for a non-scalar output (shape "
                    f"{self.shape}); pass gradient=np.ones(shape) to sum the outputs"
                )
            gradient = np.ones(self.shape, dtype=primal(self.data).dtype)
        else:
            gradient = _as_array(gradient)
            if gradient.shape != self.shape:
                raise RuntimeError(f"gradient has shape {gradient.shape}, expected {self.shape}")

        grads: dict[int, Any] = {id(self): gradient}  # node -> its complete gradient so far
        for node in reversed(self._topological_order()):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._backward is None:  # a leaf: accumulate, as torch does
                node.grad = g if node.grad is None else node.grad + g
                continue
            for parent, parent_grad in zip(node._parents, node._backward(g), strict=True):
                if parent_grad is None or not parent.requires_grad:
                    continue
                key = id(parent)
                grads[key] = parent_grad if key not in grads else grads[key] + parent_grad

    def _topological_order(self) -> list[Tensor]:
        """Nodes that require grad, each after all of its parents (iterative depth-first search)."""
        order: list[Tensor] = []
        visited: set[int] = set()
        stack: list[tuple[Tensor, bool]] = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            for parent in node._parents:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
        return order

    # --- conveniences -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        return primal(self.data).item()

    def numpy(self) -> np.ndarray:
        """The value as a numpy array (the primal part in forward mode)."""
        return primal(self.data)

    def detach(self) -> Tensor:
        """The same value, cut from the graph."""
        return Tensor(self.data)

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({primal(self.data)!r}{grad})"


def _axes(dim: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    for d in dims:
        if not -ndim <= d < max(ndim, 1):
            raise IndexError(f"dim {d} is out of range for a tensor with {ndim} dimensions")
    return tuple(d % max(ndim, 1) for d in dims)


def tensor(data: Any, requires_grad: bool = False) -> Tensor:
    """``Tensor(data, requires_grad)``, as ``torch.tensor``."""
    return Tensor(data, requires_grad)
