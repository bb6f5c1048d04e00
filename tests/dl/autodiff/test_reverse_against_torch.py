"""Every Tensor operation's value and gradient against torch.autograd, float64, random shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

from deepcourse.dl.autodiff import Tensor

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "add-reflected-chain": lambda a, b: (2.0 - a) * b + 1.5 / b,
}
UNARY = {
    "neg": lambda a: -a,
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "abs": lambda a: a.abs(),
    "pow-constant": lambda a: a**3 + a**0.5,
    "sum": lambda a: a.sum(),
    "sum-last-keepdim": lambda a: a.sum(-1, keepdim=True),
    "mean-first": lambda a: a.mean(0),
    "max-all": lambda a: a.max() if isinstance(a, Tensor) else a.amax(),
    "max-last": lambda a: a.max(-1) if isinstance(a, Tensor) else a.amax(-1),
    "max-first-keepdim": lambda a: a.max(0, True) if isinstance(a, Tensor) else a.amax(0, True),
    "reshape": lambda a: a.reshape(-1),
    "transpose": lambda a: a.T if isinstance(a, Tensor) else a.permute(*reversed(range(a.ndim))),
    "index-first-row-twice": lambda a: a[0] + a[0] * a[-1],
}
POSITIVE_ONLY = {"log", "pow", "pow-constant", "div", "add-reflected-chain"}


def _compare(fn, arrays: list[np.ndarray]) -> None:
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = fn(*ours), fn(*theirs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    cotangent = np.random.default_rng(1).normal(size=out.shape)
    out.backward(cotangent)
    expected.backward(torch.tensor(cotangent))
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


def _arrays(data, shapes, positive: bool) -> list[np.ndarray]:
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 2.0, size=s) if positive else rng.normal(size=s) for s in shapes]


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=25, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4),
    data=st.data(),
)
def test_binary_operation_with_broadcasting_matches_torch(name, shapes, data) -> None:
    _compare(BINARY[name], _arrays(data, shapes.input_shapes, name in POSITIVE_ONLY))


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=25, deadline=None)
@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=4), data=st.data())
def test_unary_operation_matches_torch(name, shape, data) -> None:
    _compare(UNARY[name], _arrays(data, [shape], name in POSITIVE_ONLY))


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((2, 1, 3, 4), (5, 4, 2)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matrix_product_matches_torch_including_vectors_and_batches(shapes) -> None:
    rng = np.random.default_rng(0)
    _compare(lambda a, b: a @ b, [rng.normal(size=s) for s in shapes])


def test_an_mlp_with_softmax_cross_entropy_matches_torch() -> None:
    rng = np.random.default_rng(0)
    X, W1, b1, W2 = (
        rng.normal(size=(8, 5)),
        rng.normal(size=(5, 6)),
        rng.normal(size=6),
        rng.normal(size=(6, 3)),
    )
    labels = rng.integers(0, 3, size=8)

    def loss(X, W1, b1, W2):
        logits = (X @ W1 + b1).relu() @ W2
        if isinstance(logits, Tensor):
            shifted = logits - logits.max(1, keepdim=True)
            log_probs = shifted - shifted.exp().sum(1, keepdim=True).log()
            return -log_probs[np.arange(8), labels].mean()
        return torch.nn.functional.cross_entropy(logits, torch.tensor(labels))

    _compare(loss, [X, W1, b1, W2])


def test_power_with_a_tensor_exponent_differentiates_both_operands() -> None:
    _compare(lambda a, b: a**b + 2.0**b, [np.array([0.5, 1.5, 2.0]), np.array([1.0, -0.5, 2.5])])
