"""A data-only encoding of answer values, the one format that leaves the sandbox.

The sandboxed worker encodes each value a test hands to ``check(name, value)`` into JSON-ready
dictionaries; the grader decodes them in its own process. Only plain data crosses: numbers,
strings, bytes, lists, tuples, dicts, sets, ``None``, and numpy arrays and torch tensors as
dtype + shape + base64 bytes. Nothing is ever unpickled, and a value of any other type (a
student's class, or a subclass of ``float`` whose ``__eq__`` always returns True) is refused, so
it cannot pass by pretending to be equal: the comparison (:mod:`deepcourse.grader.compare`) runs
in the grader on decoded plain data.

This module runs inside the sandbox too, so it imports only the standard library; numpy and torch
are used only if the notebook already imported them.
"""

from __future__ import annotations

import base64
import math
import sys

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
MAX_BYTES = 8 * 1024 * 1024  # one value fits a frame (MAX_FRAME), base64 and all

# The frames that carry these values out of the sandbox (written by worker.py, read by
# sandbox.py; both import these, as the one definition of the protocol):
#: each frame's header: body length, then the nonce of the request it answers (ASCII)
FRAME_HEADER = ">I32s"
#: the largest frame a worker may send: a reply with its values and capped output
MAX_FRAME = 16 * 1024 * 1024
#: the tag of the zygote's own frames (a child can forge them: the grader checks)
ZYGOTE_TAG = "zygote".ljust(32, "-")
_NUMERIC_KINDS = "biufc"


class WireError(ValueError):
    """A value cannot be encoded or decoded (unsupported type, too large, malformed)."""


class _Budget:
    def __init__(self) -> None:
        self.items = 0
        self.bytes = 0

    def spend(self, items: int = 1, nbytes: int = 0) -> None:
        self.items += items
        self.bytes += nbytes
        if self.items > MAX_ITEMS or self.bytes > MAX_BYTES:
            raise WireError("value too large to grade (over 1e6 items or 8 MiB)")


def _type_name(value: object) -> str:
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}" if t.__module__ != "builtins" else t.__qualname__


def _ndarray(arr, budget: _Budget) -> dict:
    if arr.dtype.kind not in _NUMERIC_KINDS:
        raise WireError(f"cannot grade an array of dtype {arr.dtype} (numbers and booleans only)")
    data = arr.tobytes(order="C")
    budget.spend(1, len(data))
    return {
        "t": "ndarray",
        "dtype": arr.dtype.str,
        "shape": list(arr.shape),
        "b64": base64.b64encode(data).decode("ascii"),
    }


def encode(value: object, _depth: int = 0, _budget: _Budget | None = None) -> dict:
    """Encode ``value`` as JSON-ready plain data.

    Raises:
        WireError: an unsupported type (only exact built-in types, numpy arrays/scalars and
            torch tensors are accepted; subclasses are refused), too deep or too large.
    """
    budget = _budget or _Budget()
    budget.spend()
    if _depth > MAX_DEPTH:
        raise WireError("value nested too deeply to grade")
    t = type(value)
    if value is None:
        return {"t": "none"}
    if t is bool:
        return {"t": "bool", "v": value}
    if t is int:
        text = str(value)
        budget.spend(0, len(text))
        return {"t": "int", "v": text}
    if t is float:
        return {"t": "float", "v": repr(value)}
    if t is complex:
        return {"t": "complex", "re": repr(value.real), "im": repr(value.imag)}
    if t is str:
        budget.spend(0, len(value))
        return {"t": "str", "v": value}
    if t is bytes:
        budget.spend(0, len(value))
        return {"t": "bytes", "b64": base64.b64encode(value).decode("ascii")}
    if t in (list, tuple, set, frozenset):
        items = [encode(v, _depth + 1, budget) for v in list(value)]
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}[t]
        return {"t": kind, "v": items}
    if isinstance(value, type):  # a class: crosses by its qualified name only
        return {"t": "type", "v": _qualname(value)}
    if t is dict:
        return {
            "t": "dict",
            "v": [
                [encode(k, _depth + 1, budget), encode(v, _depth + 1, budget)]
                for k, v in value.items()
            ],
        }
    np = sys.modules.get("numpy")
    if np is not None:
        if t is np.ndarray:
            return _ndarray(value, budget)
        if isinstance(value, np.generic) and t is np.dtype(t).type:  # no subclasses
            return (
                encode(value.item(), _depth + 1, budget)
                if value.dtype.kind in _NUMERIC_KINDS
                else _fail(value)
            )
    torch = sys.modules.get("torch")
    if torch is not None and t in (torch.Tensor, torch.nn.Parameter):
        arr = value.detach().cpu()
        if arr.dtype == torch.bfloat16:
            arr = arr.float()
        return {**_ndarray(arr.numpy(), budget), "torch": True}
    return _fail(value)


def _qualname(cls: type) -> str:
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", "") or getattr(cls, "__name__", "?")
    return f"{module}.{name}"[:200] if module != "builtins" else str(name)[:200]


_ABSTRACT = (
    ("numbers", ("Number", "Complex", "Real", "Rational", "Integral")),
    (
        "collections.abc",
        (
            "Iterable",
            "Iterator",
            "Sized",
            "Container",
            "Collection",
            "Sequence",
            "MutableSequence",
            "Mapping",
            "MutableMapping",
            "Set",
            "MutableSet",
            "Callable",
            "Hashable",
            "Generator",
        ),
    ),
)


def encode_type(value: object) -> dict:
    """What ``isinstance`` needs of ``value``: its classes' names, and the abstract base classes
    of ``numbers`` and ``collections.abc`` it is an instance of (they are not in the MRO)."""
    names = [_qualname(c) for c in type(value).__mro__][:64]
    for module_name, classes in _ABSTRACT:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for cls_name in classes:
            cls = getattr(module, cls_name, None)
            try:
                if cls is not None and isinstance(value, cls):
                    names.append(f"{module_name}.{cls_name}")
            except Exception:  # noqa: BLE001 - a hostile __class__ or registry
                pass
    return {"t": "mro", "v": names}


class TypeRef:
    """A class, as the grader sees it: its qualified name (``int``, ``numpy.ndarray``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TypeRef) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("TypeRef", self.name))

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"


class MroInfo:
    """What ``isinstance(value, T)`` needs of a value: the names of the classes it is one of."""

    __slots__ = ("names",)

    def __init__(self, names: list[str]) -> None:
        self.names = tuple(names)

    def __repr__(self) -> str:
        return f"<a {self.names[0] if self.names else '?'}>"


def _fail(value: object) -> dict:
    raise WireError(
        f"cannot grade a value of type {_type_name(value)}: check() accepts numbers, strings, "
        "lists, tuples, dicts, sets, None, numpy arrays and torch tensors"
    )


def decode(data: object, _depth: int = 0):
    """Decode what :func:`encode` produced (in the grader; numpy is imported for arrays).

    Raises:
        WireError: malformed or oversized data (a forged or corrupted message).
    """
    if _depth > MAX_DEPTH + 1 or not isinstance(data, dict):
        raise WireError("malformed value")
    try:
        t = data["t"]
        if t == "none":
            return None
        if t == "bool":
            if type(data["v"]) is not bool:
                raise WireError("malformed bool")
            return data["v"]
        if t == "int":
            text = data["v"]
            if not isinstance(text, str) or len(text) > 100_000:
                raise WireError("malformed int")
            return int(text)
        if t == "float":
            return float(data["v"])
        if t == "complex":
            return complex(float(data["re"]), float(data["im"]))
        if t == "str":
            if not isinstance(data["v"], str):
                raise WireError("malformed str")
            return data["v"]
        if t == "bytes":
            return base64.b64decode(data["b64"], validate=True)
        if t in ("list", "tuple"):
            items = [decode(v, _depth + 1) for v in data["v"]]
            return items if t == "list" else tuple(items)
        if t in ("set", "frozenset"):
            items = [_hashable(decode(v, _depth + 1)) for v in data["v"]]
            return set(items) if t == "set" else frozenset(items)
        if t in ("type", "mro"):
            names = [data["v"]] if t == "type" else data["v"]
            if not isinstance(names, list) or not all(
                isinstance(n, str) and len(n) <= 200 for n in names[:64]
            ):
                raise WireError(f"malformed {t}")
            return TypeRef(names[0]) if t == "type" else MroInfo(names[:80])
        if t == "dict":
            return {_hashable(decode(k, _depth + 1)): decode(v, _depth + 1) for k, v in data["v"]}
        if t == "ndarray":
            import numpy as np

            dtype = np.dtype(str(data["dtype"]))
            if dtype.kind not in _NUMERIC_KINDS:
                raise WireError("malformed array dtype")
            shape = tuple(int(n) for n in data["shape"])
            raw = base64.b64decode(data["b64"], validate=True)
            if math.prod(shape) * dtype.itemsize != len(raw):
                raise WireError("array bytes do not match its shape")
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    except WireError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"malformed value ({exc})") from None
    raise WireError(f"unknown value tag {str(t)[:40]!r}")


def _hashable(key):
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    return key
