"""Expected versus actual, in the grader's own process, with tolerances for floats and arrays.

Both sides are plain data decoded by :mod:`deepcourse.grader.wire` (never live objects from the
sandbox), so no ``__eq__`` written by a student takes part in the decision. Floats compare with
$|a - e| \\le \\text{atol} + \\text{rtol}\\,|e|$ (numpy's ``allclose`` rule); NaN equals NaN.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8


@dataclass(frozen=True)
class Comparison:
    ok: bool
    message: str = ""


def short(value: object, width: int = 120) -> str:
    """A one-line repr cut to ``width`` characters (arrays show shape and dtype)."""
    try:
        import numpy as np

        if isinstance(value, np.ndarray):
            body = np.array2string(value, threshold=20, edgeitems=3, max_line_width=10**6)
            text = f"array(shape={value.shape}, dtype={value.dtype}) {body}".replace("\n", " ")
        else:
            text = repr(value)
    except ImportError:  # pragma: no cover
        text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_number(x: object) -> bool:
    return type(x) in (int, float)


def _close(e: complex, a: complex, rtol: float, atol: float) -> bool:
    """Whether $|a - e| \\le \\text{atol} + \\text{rtol}\\,|e|$ (numbers: int, float, complex).

    As in numpy's ``isclose``, an infinity is close only to itself, and NaN (floats) only to NaN;
    ints too large for a float compare exactly.
    """
    try:
        ce, ca = complex(e), complex(a)
    except OverflowError:
        return e == a
    if ce == ca:
        return True
    if type(e) is float and type(a) is float and math.isnan(e) and math.isnan(a):
        return True
    if not (cmath.isfinite(ce) and cmath.isfinite(ca)):
        return False
    return abs(ca - ce) <= atol + rtol * abs(ce)


def compare(
    expected: object, actual: object, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL
) -> Comparison:
    """Compare decoded values.

    Returns:
        ``Comparison(ok, message)``; the message says where and how they differ.
    """
    problem = _diff(expected, actual, rtol, atol, "value")
    if problem is None:
        return Comparison(True)
    if not problem.startswith("value:"):  # nested: say where, then show both whole values
        problem = f"at {problem[len('value') :].split(':', 1)[0]}:{problem.split(':', 1)[1]}; whole value: expected {short(expected)}, got {short(actual)}"
    else:
        problem = problem[len("value: ") :]
    return Comparison(False, problem)


def _diff(e: object, a: object, rtol: float, atol: float, where: str) -> str | None:
    import numpy as np

    if isinstance(e, np.ndarray) or isinstance(a, np.ndarray):
        try:
            ea = np.asarray(e)
            aa = np.asarray(a)
        except Exception:  # noqa: BLE001 - ragged lists etc.
            return f"{where}: expected {short(e)}, got {short(a)}"
        if aa.dtype.kind not in "biufc":
            return f"{where}: expected an array of numbers, got {short(a)}"
        if ea.dtype.kind not in "biufc":  # e.g. a list of strings, answered with an array
            return f"{where}: expected {short(e)}, got {short(a)}"
        if ea.shape != aa.shape:
            return f"{where}: expected shape {ea.shape}, got shape {aa.shape}"
        if ea.dtype.kind in "fc" or aa.dtype.kind in "fc":
            ok = np.allclose(aa, ea, rtol=rtol, atol=atol, equal_nan=True)
        else:
            ok = bool(np.array_equal(aa, ea))
        if ok:
            return None
        bad = int(
            np.size(ea) - np.count_nonzero(np.isclose(aa, ea, rtol=rtol, atol=atol, equal_nan=True))
        )
        return f"{where}: {bad} of {ea.size} entries differ; expected {short(ea)}, got {short(aa)}"
    if type(e) is bool or type(a) is bool:
        return None if type(e) is type(a) and e == a else f"{where}: expected {e!r}, got {short(a)}"
    if _is_number(e) or type(e) is complex:
        if not (_is_number(a) or type(a) is complex):
            return f"{where}: expected a number {e!r}, got {short(a)}"
        if type(e) is int and type(a) is int:
            return None if e == a else f"{where}: expected {e!r}, got {a!r}"
        if _close(e, a, rtol, atol):
            return None
        return (
            f"{where}: expected {e!r}, got {a!r} (relative tolerance {rtol:g}, absolute {atol:g})"
        )
    if isinstance(e, (set, frozenset)):
        if not isinstance(a, (set, frozenset)):
            return f"{where}: expected a set, got {short(a)}"
        return None if e == a else f"{where}: expected {short(e)}, got {short(a)}"
    if isinstance(e, (list, tuple)):
        if not isinstance(a, (list, tuple)):
            return f"{where}: expected a {type(e).__name__} of {len(e)}, got {short(a)}"
        if len(e) != len(a):
            return f"{where}: expected {len(e)} items, got {len(a)}"
        for i, (ei, ai) in enumerate(zip(e, a, strict=True)):
            problem = _diff(ei, ai, rtol, atol, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(e, dict):
        if not isinstance(a, dict):
            return f"{where}: expected a dict, got {short(a)}"
        if set(e) != set(a):
            missing, extra = set(e) - set(a), set(a) - set(e)
            return f"{where}: keys differ (missing {short(sorted(map(repr, missing)))}, unexpected {short(sorted(map(repr, extra)))})"
        for k in e:
            problem = _diff(e[k], a[k], rtol, atol, f"{where}[{k!r}]")
            if problem:
                return problem
        return None
    if type(e) is not type(a):
        return f"{where}: expected {short(e)} ({type(e).__name__}), got {short(a)} ({type(a).__name__})"
    return None if e == a else f"{where}: expected {short(e)}, got {short(a)}"
