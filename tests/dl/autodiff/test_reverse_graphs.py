"""General graphs: shared nodes, repeated backward calls, no_grad, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepcourse.dl.autodiff import Tensor, draw_graph, no_grad, to_dot


def test_a_node_used_many_times_gets_the_sum_of_its_gradients() -> None:
    x = Tensor(3.0, requires_grad=True)
    y = x * x + x * x * x + x  # dy/dx = 2x + 3x^2 + 1
    y.backward()
    assert x.grad == pytest.approx(2 * 3 + 3 * 9 + 1)


def test_a_shared_intermediate_is_complete_before_it_is_propagated() -> None:
    # a feeds both b and c, and b feeds c: a naive depth-first order visits a too early.
    x = Tensor(np.array([0.3, -1.2]), requires_grad=True)
    a = x.tanh()
    b = a * a
    c = (a + b) * b
    c.sum().backward()
    xt = torch.tensor([0.3, -1.2], dtype=torch.float64, requires_grad=True)
    at = xt.tanh()
    bt = at * at
    ((at + bt) * bt).sum().backward()
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-12)


def test_backward_on_two_outputs_of_a_shared_graph_adds_their_gradients_once() -> None:
    # micrograd #67 / PR #64: intermediate gradients left over from the first call were added
    # again in the second. Here only leaves accumulate, as in torch.
    x = Tensor(2.0, requires_grad=True)
    h = x * x
    y1, y2 = h * 3.0, h + x
    y1.backward()
    y2.backward()
    assert x.grad == pytest.approx(3 * 2 * 2 + (2 * 2 + 1))


def test_calling_backward_twice_accumulates_leaf_gradients_like_torch() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * 2 * np.array([1.0, 2.0]))


def test_a_deep_chain_does_not_hit_the_recursion_limit() -> None:
    x = Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**5000)


def test_no_grad_records_nothing_and_is_restored_after_the_block() -> None:
    x = Tensor(np.ones(2), requires_grad=True)
    with no_grad():
        y = x * 2
    assert not y.requires_grad and y._parents == ()
    assert (x * 2).requires_grad


def test_constants_keep_the_float32_dtype_of_the_tensor() -> None:
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = ((x * 2.5 + 1) / 3 - 0.5) ** 2
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_integer_data_that_requires_grad_becomes_float() -> None:
    assert Tensor([1, 2], requires_grad=True).dtype == np.float64


def test_backward_on_a_non_scalar_without_a_gradient_explains_the_fix() -> None:
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"non-scalar output \(shape \(3,\)\)"):
        (x * 2).backward()


def test_backward_on_a_constant_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(1.0).backward()


def test_a_dim_out_of_range_is_reported() -> None:
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        Tensor(np.ones((2, 2))).sum(2)


def test_the_graph_draws_a_shared_node_once_with_several_out_edges() -> None:
    x = Tensor(np.ones(2), requires_grad=True)
    h = x.tanh()
    y = (h * h + h).sum()
    dot = to_dot(y, names={"x": x, "h": h})
    assert dot.count('label="h (2,)"') == 1
    h_node = next(line.split()[0] for line in dot.splitlines() if 'label="h (2,)"' in line)
    assert dot.count(f"{h_node} ->") == 3  # h is used twice by * and once by +
    import matplotlib

    matplotlib.use("Agg")
    ax = draw_graph(y, names={"x": x})
    labels = sorted(t.get_text().split()[0] for t in ax.texts if t.get_text())
    assert labels == sorted(["x", "tanh", "*", "+", "sum"])
