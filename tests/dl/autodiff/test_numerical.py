"""Backpropagation against central differences (hypothesis), and the gradcheck itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deepcourse.dl.autodiff import GradcheckError, Tensor, central_difference, gradcheck

FUNCTIONS = {
    "smooth-composite": lambda x: (x.tanh() * x.sigmoid() + (x * x).exp() / 3).sum(),
    "log-sum-exp": lambda x: x.exp().sum().log(),
    "matrix-quadratic": lambda x: ((x.reshape(-1, 1) @ x.reshape(1, -1)).tanh() ** 2).mean(),
    "vector-output": lambda x: x * x[0] - x.T,
}
finite = st.floats(-2, 2, allow_nan=False, allow_subnormal=False)


@pytest.mark.parametrize("name", FUNCTIONS)
@settings(max_examples=30, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 5), elements=finite))
def test_backpropagation_agrees_with_central_differences(name, x) -> None:
    assert gradcheck(FUNCTIONS[name], x)


@settings(max_examples=30, deadline=None)
@given(x=arrays(np.float64, 3, elements=st.floats(0.5, 3)), p=st.floats(-2, 3))
def test_power_rule_agrees_with_central_differences_in_both_operands(x, p) -> None:
    assert gradcheck(lambda a, b: a**b, x, np.array(p))


def test_central_differences_are_accurate_to_about_1e_10_for_a_smooth_function() -> None:
    x = np.array([0.3, -0.7])
    jac = central_difference(lambda t: t.exp(), x)
    np.testing.assert_allclose(jac, np.diag(np.exp(x)), rtol=1e-9)


def test_gradcheck_reports_a_wrong_derivative_with_its_location() -> None:
    def wrong_square(t: Tensor) -> Tensor:
        y = t * t
        y._backward = lambda g: (g * t.data, None)  # drops one of the two uses of t
        return y

    with pytest.raises(GradcheckError, match=r"gradient of input 0 at index \(0,\)"):
        gradcheck(wrong_square, np.array([1.0, 2.0]))


PIECEWISE = {
    # relu, abs and max are differentiable wherever no entry sits at a kink or a tie
    "relu-abs-div": lambda x: (x.relu() + x.abs() / (x * x + 1)).sum(),
    "max-and-indexing": lambda x: x.reshape(1, -1).max(1) * x[0] + x[np.array([0, -1, 0])].sum(),
    "sum-mean-over-a-dim": lambda x: (x.reshape(1, -1) * x.reshape(-1, 1)).sum(0).mean(0, True),
}
away_from_zero = st.floats(0.05, 2).flatmap(lambda v: st.sampled_from([v, -v]))


@pytest.mark.parametrize("name", PIECEWISE)
@settings(max_examples=30, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 5), elements=away_from_zero, unique=True))
def test_piecewise_operations_agree_with_central_differences_off_their_kinks(name, x) -> None:
    assume(len(x) < 2 or np.diff(np.sort(x)).min() > 1e-3)  # no tie for max within the step
    assert gradcheck(PIECEWISE[name], x)
