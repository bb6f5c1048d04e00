"""Dual numbers and the function transforms, against torch.func and torch.autograd.functional."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deepcourse.dl.autodiff import Dual, Tensor, grad, hvp, jacobian, jvp, vjp

RNG = np.random.default_rng(0)
A = RNG.normal(size=(3, 4))


def f(x):  # R^4 -> R^3, the same code for our Tensor and for torch
    a = torch.tensor(A) if isinstance(x, torch.Tensor) else A
    return (a @ x).tanh() * x[:3] + (x * x).sum() / 4


def scalar(x):  # R^4 -> R
    return (f(x) ** 2).sum() + (x[0] * x[1]).exp()


def test_jvp_returns_the_value_and_the_directional_derivative_like_torch_func() -> None:
    x, v = RNG.normal(size=4), RNG.normal(size=4)
    value, tangent = jvp(f, (x,), (v,))
    ref_value, ref_tangent = torch.func.jvp(f, (torch.tensor(x),), (torch.tensor(v),))
    np.testing.assert_allclose(value, ref_value.numpy(), rtol=1e-12)
    np.testing.assert_allclose(tangent, ref_tangent.numpy(), rtol=1e-12)


def test_jvp_of_a_function_of_two_inputs_adds_both_contributions() -> None:
    x, y, v, w = (RNG.normal(size=3) for _ in range(4))
    value, tangent = jvp(lambda a, b: (a * b).exp() / b, (x, y), (v, w))
    np.testing.assert_allclose(value, np.exp(x * y) / y, rtol=1e-12)
    expected = np.exp(x * y) * (v * y + x * w) / y - np.exp(x * y) * w / y**2
    np.testing.assert_allclose(tangent, expected, rtol=1e-12)


def test_vjp_pulls_a_cotangent_back_like_torch_func() -> None:
    x, u = RNG.normal(size=4), RNG.normal(size=3)
    value, vjp_fn = vjp(f, x)
    ref_value, ref_fn = torch.func.vjp(f, torch.tensor(x))
    np.testing.assert_allclose(value, ref_value.numpy(), rtol=1e-12)
    np.testing.assert_allclose(vjp_fn(u)[0], ref_fn(torch.tensor(u))[0].numpy(), rtol=1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_in_either_mode_matches_torch(mode: str) -> None:
    x = RNG.normal(size=4)
    expected = torch.autograd.functional.jacobian(f, torch.tensor(x)).numpy()
    np.testing.assert_allclose(jacobian(f, x, mode=mode), expected, rtol=1e-12, atol=1e-14)


def test_jacobian_rejects_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode must be 'forward' or 'reverse', not 'sideways'"):
        jacobian(f, np.ones(4), mode="sideways")


def test_grad_of_a_scalar_function_matches_torch() -> None:
    x = RNG.normal(size=4)
    xt = torch.tensor(x, requires_grad=True)
    scalar(xt).backward()
    np.testing.assert_allclose(grad(scalar)(x), xt.grad.numpy(), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    x=arrays(np.float64, 4, elements=st.floats(-1.5, 1.5)),
    v=arrays(np.float64, 4, elements=st.floats(-1, 1)),
)
def test_hessian_vector_product_forward_over_reverse_matches_torch(x, v) -> None:
    _, expected = torch.autograd.functional.hvp(scalar, torch.tensor(x), torch.tensor(v))
    np.testing.assert_allclose(hvp(scalar, x, v), expected.numpy(), rtol=1e-9, atol=1e-10)


def test_hvp_of_a_quadratic_is_the_matrix_times_the_vector() -> None:
    Q = RNG.normal(size=(4, 4))
    Q = Q + Q.T
    v = RNG.normal(size=4)
    np.testing.assert_allclose(
        hvp(lambda x: (x @ Q @ x) / 2, RNG.normal(size=4), v), Q @ v, rtol=1e-12
    )


def test_dual_numbers_follow_the_product_and_chain_rules() -> None:
    d = Dual(np.array([2.0]), np.array([1.0]))
    out = np.exp(d * d)  # d/dx e^{x^2} = 2x e^{x^2}
    np.testing.assert_allclose(out.tangent, 4 * np.exp(4.0))


def test_a_dual_with_mismatched_shapes_is_rejected() -> None:
    with pytest.raises(ValueError, match="same shape"):
        Dual(np.ones(2), np.ones(3))


def test_forward_mode_through_max_and_indexing_uses_the_selected_entry() -> None:
    _, tangent = jvp(
        lambda t: t.max() + t[1], (np.array([1.0, 3.0, 2.0]),), (np.array([10.0, 20.0, 30.0]),)
    )
    assert tangent == pytest.approx(40.0)


def test_jvp_checks_that_tangents_match_primals() -> None:
    with pytest.raises(ValueError, match=r"a tangent of shape \(2,\) for a primal of shape \(3,\)"):
        jvp(lambda t: t, (np.ones(3),), (np.ones(2),))


def test_a_tensor_keeps_a_dual_as_its_data() -> None:
    assert isinstance(Tensor(Dual(np.ones(2))).data, Dual)
