"""Deciding an assertion in the grader's process, with Python's and numpy's semantics.

An assert step (:mod:`deepcourse.grader.testplan`) is a tree: comparisons, ``and``/``or``/
``not``, arithmetic and a few pure functions, over *constants* (from the bundle) and *sandbox
leaves* (values the student's code computed, decoded from plain data by :mod:`wire`). This module
evaluates the tree as Python would evaluate the original expression, so ``assert L == R`` means
``bool(L == R)``: a tuple is not a list, ``sorted(xs) == xs`` is true for a sorted list, and an
ndarray compared with a list is ambiguous in ``assert`` (a ``ValueError``, as in nbgrader).

Everything here runs on data the student chose, so each operation that could be made to cost
unbounded memory or time (broadcasting, sequence repetition, big powers, matrix products) is
checked against a size first and refused with :class:`ValueTooLarge`.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from deepcourse.grader.compare import short
from deepcourse.grader.testplan import OUTSIDE_BUILTINS
from deepcourse.grader.wire import MroInfo, TypeRef

MAX_ELEMENTS = 10_000_000
MAX_FLOPS = 2_000_000_000
MAX_SEQUENCE = 1_000_000
MAX_EXPONENT = 10_000


class ValueTooLarge(ValueError):
    """An operation on the student's values would be too large to evaluate."""


class Ungradable(Exception):
    """A sandbox leaf's value cannot be compared (not plain data)."""

    def __init__(self, src: str, why: str) -> None:
        super().__init__(f"{src}: {why}")
        self.src = src
        self.why = why


_CMP: dict[str, Callable[[object, object], object]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
_BIN: dict[str, Callable[[object, object], object]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "@": operator.matmul,
}
_BUILTIN_CALLS = OUTSIDE_BUILTINS | {"all", "any"}


def _np():
    import numpy

    return numpy


def _shape(value: object) -> tuple[int, ...] | None:
    np = _np()
    if isinstance(value, np.ndarray):
        return value.shape
    if isinstance(value, (list, tuple)):
        try:
            return np.shape(value)
        except ValueError:  # ragged
            return (len(value),)
    return None


def _guard_elementwise(*values: object) -> None:
    """Refuse broadcasting that would make more than :data:`MAX_ELEMENTS` elements."""
    np = _np()
    if not any(isinstance(v, np.ndarray) for v in values):
        return
    shapes = [s for s in (_shape(v) for v in values) if s is not None]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        return  # numpy raises its own error when it evaluates
    if math.prod(shape) > MAX_ELEMENTS:
        raise ValueTooLarge(f"the values are too large to compare (shape {shape})")


def _guard_binary(op: str, a: object, b: object) -> None:
    np = _np()
    _guard_elementwise(a, b)
    if op == "*":
        for seq, n in ((a, b), (b, a)):
            if isinstance(seq, (list, tuple, str, bytes)) and isinstance(n, int):
                if len(seq) * max(n, 0) > MAX_SEQUENCE:
                    raise ValueTooLarge("the repeated sequence would be too long")
    if op == "**" and isinstance(a, int) and isinstance(b, int) and abs(a) > 1:
        if b > MAX_EXPONENT:
            raise ValueTooLarge(f"the power is too large (exponent {b})")
    if op == "@" and isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        if a.ndim >= 1 and b.ndim >= 1 and a.size * (b.shape[-1] if b.ndim > 1 else 1) > MAX_FLOPS:
            raise ValueTooLarge("the matrix product is too large")


def _compare(op: str, a: object, b: object) -> object:
    if op in ("is", "is not"):
        same = a == b if isinstance(a, TypeRef) and isinstance(b, TypeRef) else a is b
        return same if op == "is" else not same
    _guard_elementwise(a, b)
    return _CMP[op](a, b)


def _as_types(spec: object) -> tuple[TypeRef, ...]:
    if isinstance(spec, TypeRef):
        return (spec,)
    if isinstance(spec, tuple) and all(isinstance(t, TypeRef) for t in spec):
        return spec
    raise TypeError("isinstance() arg 2 must be a type, a tuple of types, or a union")


def _isinstance(value: object, spec: object) -> bool:
    wanted = {t.name for t in _as_types(spec)}
    if isinstance(value, MroInfo):
        return bool(wanted & set(value.names))
    names = {
        f"{c.__module__}.{c.__qualname__}".removeprefix("builtins.") for c in type(value).__mro__
    }
    return bool(wanted & names)


def _call(fn: str, args: list, kwargs: dict) -> object:
    np = _np()
    if fn == "isinstance":
        return _isinstance(*args, **kwargs)
    if fn in _BUILTIN_CALLS:
        if fn in ("list", "tuple", "set", "frozenset", "sorted", "sum", "min", "max") and args:
            if isinstance(args[0], (str, bytes)) and len(args[0]) > MAX_SEQUENCE:
                raise ValueTooLarge("the sequence is too long")
        return getattr(builtins, fn)(*args, **kwargs)
    if fn == "math.isclose":
        return math.isclose(*args, **kwargs)
    if fn.startswith("torch."):
        name = fn.removeprefix("torch.")
        _guard_elementwise(*(np.asarray(a) if isinstance(a, list) else a for a in args))
        if name == "equal":
            a, b = (np.asarray(x) for x in args)
            return a.shape == b.shape and bool(np.array_equal(a, b))
        return getattr(np, name)(*args, **kwargs)  # allclose/isclose: torch's rule is numpy's
    if fn.startswith("numpy."):
        _guard_elementwise(*(np.asarray(a) if isinstance(a, list) else a for a in args[:2]))
        target: object = np
        for part in fn.split(".")[1:]:
            target = getattr(target, part)
        return target(*args, **kwargs)
    raise TypeError(f"the grader cannot evaluate {fn}()")  # pragma: no cover - compiler's list


def _assert_call(fn: str, args: list, kwargs: dict) -> bool:
    """nose's and numpy.testing's assertion functions, over plain data; raise as they do."""
    np = _np()
    if fn in ("assert_equal", "assert_not_equal"):
        first, second, *rest = args
        equal = bool(_compare("==", first, second))
        if equal != (fn == "assert_equal"):
            msg = rest[0] if rest else kwargs.get("msg")
            op = "!=" if fn == "assert_equal" else "=="
            raise AssertionError(msg or f"{short(first)} {op} {short(second)}")
        return True
    if fn in ("assert_true", "assert_false"):
        value, *rest = args
        if bool(value) != (fn == "assert_true"):
            msg = rest[0] if rest else kwargs.get("msg")
            raise AssertionError(msg or f"{short(value)} is not {fn == 'assert_true'}")
        return True
    name = fn.removeprefix("np_")
    _guard_elementwise(*(np.asarray(a) if isinstance(a, list) else a for a in args[:2]))
    getattr(np.testing, name)(*args, **kwargs)
    return True


@dataclass
class Evaluation:
    """Evaluates one tree; remembers the sandbox leaves' values for the failure message."""

    leaf: Callable[[str, str], object]  # (source, mode) -> decoded value
    const: Callable[[dict], object]  # const node -> decoded value
    seen: list[tuple[str, object]] = field(default_factory=list)

    def __call__(self, node: dict) -> object:
        kind = node["k"]
        if kind == "const":
            return self.const(node)
        if kind == "leaf":
            value = self.leaf(node["src"], node.get("as", "value"))
            self.seen.append((node["src"], value))
            return value
        if kind == "cmp":
            items = node["items"]
            left = self(items[0])
            result: object = True
            for op, right_node in zip(node["ops"], items[1:], strict=True):
                right = self(right_node)
                result = _compare(op, left, right)
                if len(node["ops"]) > 1 and not result:
                    return result
                left = right
            return result
        if kind == "bool":
            value: object = None
            for item in node["items"]:
                value = self(item)
                if bool(value) == (node["op"] == "or"):
                    return value
            return value
        if kind == "unary":
            value = self(node["item"])
            if node["op"] == "not":
                return not value
            _guard_elementwise(value)
            return -value if node["op"] == "-" else +value
        if kind == "bin":
            a, b = self(node["left"]), self(node["right"])
            _guard_binary(node["op"], a, b)
            return _BIN[node["op"]](a, b)
        if kind in ("list", "tuple"):
            items = [self(i) for i in node["items"]]
            return items if kind == "list" else tuple(items)
        if kind == "call":
            args = [self(a) for a in node["args"]]
            kwargs = {k: self(v) for k, v in node["kwargs"].items()}
            return _call(node["fn"], args, kwargs)
        if kind == "assertcall":
            args = [self(a) for a in node["args"]]
            kwargs = {k: self(v) for k, v in node["kwargs"].items()}
            return _assert_call(node["fn"], args, kwargs)
        raise ValueError(f"unknown node {kind!r}")

    def holds(self, tree: dict) -> bool:
        """``bool(tree)`` as ``assert`` takes it (raises what Python would raise)."""
        return bool(self(tree))

    def describe(self) -> str:
        """What the student's expressions evaluated to, for a public test's failure message."""
        shown = []
        for src, value in self.seen:
            if isinstance(value, MroInfo):
                shown.append(f"type({src}) is {value.names[0]}")
            else:
                shown.append(f"{src} is {short(value)}")
        return "; ".join(dict.fromkeys(shown))
