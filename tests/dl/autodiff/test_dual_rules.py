"""Each forward-mode rule of :class:`Dual` against ``torch.func.jvp`` (float64) and, without a
reference, against central differences of the plain numpy function."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from deepcourse.dl.autodiff import Dual

# ufunc -> its torch counterpart
UNARY = {
    np.negative: torch.neg,
    np.exp: torch.exp,
    np.log: torch.log,
    np.tanh: torch.tanh,
    np.sqrt: torch.sqrt,
    np.sin: torch.sin,
    np.cos: torch.cos,
}
BINARY = {
    np.add: torch.add,
    np.subtract: torch.sub,
    np.multiply: torch.mul,
    np.true_divide: torch.div,
    np.power: torch.pow,
    np.matmul: torch.matmul,
}
SHAPES = {np.matmul: ((3, 4), (4, 2))}  # the others: elementwise with broadcasting
POSITIVE = {np.log, np.sqrt, np.true_divide, np.power}


def _points(ufunc, shapes, seed):
    rng = np.random.default_rng(seed)
    positive = ufunc in POSITIVE
    draw = (lambda s: rng.uniform(0.5, 2.0, s)) if positive else (lambda s: rng.normal(size=s))
    return [draw(s) for s in shapes], [rng.normal(size=s) for s in shapes]


def _dual_jvp(ufunc, xs, vs):
    out = ufunc(*(Dual(x, v) for x, v in zip(xs, vs, strict=True)))
    return out.primal, out.tangent


def _central_difference_jvp(ufunc, xs, vs, h=1e-6):
    plus = ufunc(*(x + h * v for x, v in zip(xs, vs, strict=True)))
    minus = ufunc(*(x - h * v for x, v in zip(xs, vs, strict=True)))
    return (plus - minus) / (2 * h)


@pytest.mark.parametrize("ufunc", list(UNARY) + list(BINARY), ids=lambda u: u.__name__)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_dual_rule_matches_torch_func_jvp(ufunc, seed) -> None:
    reference = UNARY.get(ufunc) or BINARY[ufunc]
    shapes = SHAPES.get(ufunc, ((3,),) if ufunc in UNARY else ((2, 3), (3,)))
    xs, vs = _points(ufunc, shapes, seed)
    value, tangent = _dual_jvp(ufunc, xs, vs)
    ref_value, ref_tangent = torch.func.jvp(
        reference, tuple(map(torch.tensor, xs)), tuple(map(torch.tensor, vs))
    )
    np.testing.assert_allclose(value, ref_value.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tangent, ref_tangent.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ufunc", list(UNARY) + list(BINARY), ids=lambda u: u.__name__)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_dual_rule_matches_central_differences(ufunc, seed) -> None:
    shapes = SHAPES.get(ufunc, ((3,),) if ufunc in UNARY else ((2, 3), (3,)))
    xs, vs = _points(ufunc, shapes, seed)
    _, tangent = _dual_jvp(ufunc, xs, vs)
    numeric = _central_difference_jvp(ufunc, xs, vs)
    np.testing.assert_allclose(tangent, numeric, rtol=1e-6, atol=1e-8)


def test_a_plain_array_operand_contributes_no_tangent() -> None:
    x, v, c = np.array([1.0, 2.0]), np.array([1.0, -1.0]), np.array([3.0, 5.0])
    out = Dual(x, v) * c + c
    np.testing.assert_array_equal(out.tangent, v * c)


def test_a_ufunc_without_a_rule_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="no derivative rule for numpy.arctan"):
        np.arctan(Dual(np.ones(2)))
