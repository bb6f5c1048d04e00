"""Subgradient conventions, implicit differentiation and backpropagation as Lagrange multipliers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepcourse.dl.autodiff import Tensor, backprop_by_lagrange, implicit_jacobian, jacobian


@pytest.mark.parametrize(
    ("name", "ours", "torchs", "expected"),
    [
        ("relu at 0", lambda t: t.relu(), torch.relu, [0.0, 0.0, 1.0]),
        ("abs at 0", lambda t: t.abs(), torch.abs, [-1.0, 0.0, 1.0]),
        ("max with a tie", lambda t: t.max(), torch.amax, [0.0, 0.5, 0.5]),
    ],
)
def test_subgradient_convention_at_the_kink_matches_torch(name, ours, torchs, expected) -> None:
    data = np.array([-1.0, 0.0, 1.0]) if "max" not in name else np.array([-1.0, 2.0, 2.0])
    x = Tensor(data, requires_grad=True)
    ours(x).sum().backward()
    xt = torch.tensor(data, requires_grad=True)
    torchs(xt).sum().backward()
    np.testing.assert_array_equal(x.grad, expected)
    np.testing.assert_array_equal(x.grad, xt.grad.numpy())


def _ridge_residual(X, y):
    """F(w, theta) = grad_w [ |X w - y|^2 / 2 + exp(theta) |w|^2 / 2 ], with lambda = exp(theta)."""

    def F(w, theta):  # noqa: N802
        return X.T @ (X @ w - y) + theta.exp() * w

    return F


def test_implicit_differentiation_through_ridge_regression_matches_closed_form_and_unrolled() -> (
    None
):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    theta = np.array([0.5])
    lam = np.exp(theta[0])
    w_star = np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y)
    implicit = implicit_jacobian(_ridge_residual(X, y), w_star, theta)
    # Closed form: dw*/dlambda = -(X^T X + lambda I)^{-1} w*, times dlambda/dtheta = lambda.
    closed = -np.linalg.solve(X.T @ X + lam * np.eye(3), w_star)[:, None] * lam
    np.testing.assert_allclose(implicit, closed, rtol=1e-10)

    def unrolled(theta_t: Tensor, steps: int = 400) -> Tensor:  # gradient descent, differentiated
        w = Tensor(np.zeros(3))
        step = 1.0 / (np.linalg.norm(X, 2) ** 2 + lam + 1)
        for _ in range(steps):
            w = w - _ridge_residual(X, y)(w, theta_t) * step
        return w

    np.testing.assert_allclose(jacobian(unrolled, theta), implicit, rtol=1e-6)
    assert not np.allclose(jacobian(lambda t: unrolled(t, 5), theta), implicit, rtol=1e-2)


def test_implicit_differentiation_refuses_a_point_that_is_not_a_solution() -> None:
    F = _ridge_residual(np.eye(2), np.ones(2))  # noqa: N806
    with pytest.raises(ValueError, match="away from zero: solve the equation more accurately"):
        implicit_jacobian(F, np.zeros(2), np.array([0.0]))


def test_lagrange_multipliers_give_the_same_gradients_as_backpropagation_and_torch() -> None:
    rng = np.random.default_rng(0)
    sizes = [4, 5, 3, 2]
    Ws = [rng.normal(size=(m, n)) for n, m in zip(sizes, sizes[1:], strict=False)]  # noqa: N806
    bs = [rng.normal(size=m) for m in sizes[1:]]
    x, y = rng.normal(size=4), rng.normal(size=2)
    grad_W, grad_b, multipliers = backprop_by_lagrange(Ws, bs, x, y)  # noqa: N806

    params = [Tensor(p, requires_grad=True) for p in (*Ws, *bs)]
    s = Tensor(x)
    for k in range(3):
        s = params[k] @ s + params[3 + k]
        s = s.tanh() if k < 2 else s
    ((s - y) ** 2).sum().__mul__(0.5).backward()
    for mine, chain in zip([*grad_W, *grad_b], params, strict=True):
        np.testing.assert_allclose(mine, chain.grad, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(multipliers[-1], s.data - y)  # lambda_L = dJ/ds_L


def test_lagrange_view_checks_that_layer_shapes_chain() -> None:
    with pytest.raises(ValueError, match=r"layer 2: W \(2, 4\)"):
        backprop_by_lagrange(
            [np.ones((3, 2)), np.ones((2, 4))], [np.ones(3), np.ones(2)], np.ones(2), np.ones(2)
        )
