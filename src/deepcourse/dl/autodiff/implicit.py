r"""Implicit differentiation: gradients through the solution of an equation.

If $x^\star(\theta)$ solves $F(x, \theta) = 0$ and $\partial_x F$ is invertible there, the implicit
function theorem gives, without differentiating the solver,

$$\frac{\partial x^\star}{\partial \theta} = -\big(\partial_x F\big)^{-1} \partial_\theta F
\Big|_{(x^\star, \theta)} .$$

An inner optimisation $x^\star(\theta) = \arg\min_x g(x, \theta)$ is the case
$F = \nabla_x g$. The alternative, unrolled differentiation, backpropagates through every solver
iteration: memory grows with the iterations and the answer is exact only as the solver converges.

Tutorial: course/tutorials/03-efficient-differentiation.py, section "Implicit functions".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from deepcourse.dl.autodiff.functional import jacobian
from deepcourse.dl.autodiff.reverse import Tensor


def implicit_jacobian(
    F: Callable[[Tensor, Tensor], Tensor],  # noqa: N803
    x_star: np.ndarray,
    theta: np.ndarray,
) -> np.ndarray:
    """$\\partial x^\\star / \\partial \\theta$ for the root $x^\\star$ of $F(x, \\theta) = 0$.

    Args:
        F: the residual, a function of Tensors ``(x, theta)`` returning a Tensor of ``x``'s shape.
        x_star: a root of ``F(., theta)`` (1-D), found by any solver.
        theta: the parameters (1-D).

    Returns:
        The Jacobian, shape ``(len(x_star), len(theta))``.

    Raises:
        ValueError: the inputs are not 1-D, or ``F(x_star, theta)`` is far from zero.
    """
    x_star, theta = np.asarray(x_star, dtype=float), np.asarray(theta, dtype=float)
    if x_star.ndim != 1 or theta.ndim != 1:
        raise ValueError(f"x_star and theta must be 1-D, got shapes {x_star.shape}, {theta.shape}")
    residual = np.abs(F(Tensor(x_star), Tensor(theta)).data).max()
    if residual > 1e-6 * max(1.0, np.abs(x_star).max()):
        raise ValueError(
            f"F(x_star, theta) is {residual:.3g} away from zero: solve the equation more "
            "accurately before differentiating through its solution"
        )
    d_x = jacobian(lambda x: F(x, Tensor(theta)), x_star)  # (n, n)
    d_theta = jacobian(lambda t: F(Tensor(x_star), t), theta)  # (n, p)
    return -np.linalg.solve(d_x, d_theta)
