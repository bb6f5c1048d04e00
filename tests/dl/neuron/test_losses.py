"""Each from-scratch loss matches torch.nn.functional (values and gradients, float64), its
hand-derived gradient matches autograd and finite differences, and bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deepcourse.dl.neuron import losses as L

N = 16


def _leaf(t: torch.Tensor) -> torch.Tensor:
    return t.detach().clone().double().requires_grad_()


def _both(ours, theirs, inp, target):
    a, b = _leaf(inp), _leaf(inp)
    va, vb = ours(a, target), theirs(b, target)
    (ga,) = torch.autograd.grad(va, a)
    (gb,) = torch.autograd.grad(vb, b)
    return va, vb, ga, gb


def _cases():
    g = torch.Generator().manual_seed(0)
    logits = 3 * torch.randn(N, dtype=torch.float64, generator=g)
    labels01 = (torch.rand(N, generator=g) < 0.5).double()
    signs = 2 * labels01 - 1
    return {
        "mse": (
            L.mse,
            F.mse_loss,
            L.mse_grad,
            torch.randn(N, 3, dtype=torch.float64, generator=g),
            torch.randn(N, 3, dtype=torch.float64, generator=g),
        ),
        "bce": (
            L.binary_cross_entropy,
            F.binary_cross_entropy,
            L.binary_cross_entropy_grad,
            torch.sigmoid(logits),
            labels01,
        ),
        "bce_logits": (
            L.binary_cross_entropy_with_logits,
            F.binary_cross_entropy_with_logits,
            L.binary_cross_entropy_with_logits_grad,
            logits,
            labels01,
        ),
        "cross_entropy": (
            L.cross_entropy,
            F.cross_entropy,
            L.cross_entropy_grad,
            torch.randn(N, 5, dtype=torch.float64, generator=g) * 3,
            torch.randint(0, 5, (N,), generator=g),
        ),
        # binary hinge = 2 x multi-margin loss on the two scores (0, s): max(0, 1 - y s)
        "hinge": (
            L.hinge,
            lambda s, y: (
                2
                * F.multi_margin_loss(
                    torch.stack([torch.zeros_like(s), s], 1), ((y + 1) / 2).long()
                )
            ),
            L.hinge_grad,
            logits,
            signs,
        ),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_value_and_gradient_match_torch(name):
    ours, theirs, _, inp, target = CASES[name]
    va, vb, ga, gb = _both(ours, theirs, inp, target)
    torch.testing.assert_close(va, vb, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ga, gb, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_derived_loss_gradient_matches_autograd(name):
    ours, _, grad, inp, target = CASES[name]
    a = _leaf(inp)
    (auto,) = torch.autograd.grad(ours(a, target), a)
    torch.testing.assert_close(grad(inp, target), auto, rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    logits=arrays(np.float64, (4, 3), elements=st.floats(-20, 20)),
    labels=arrays(np.int64, (4,), elements=st.integers(0, 2)),
)
def test_cross_entropy_gradient_matches_finite_differences(logits, labels):
    z, y = torch.tensor(logits), torch.tensor(labels)
    grad = L.cross_entropy_grad(z, y)
    h = 1e-6
    for i, k in [(0, 0), (1, 2), (3, 1)]:
        step = torch.zeros_like(z)
        step[i, k] = h
        numeric = (L.cross_entropy(z + step, y) - L.cross_entropy(z - step, y)) / (2 * h)
        assert float(grad[i, k]) == pytest.approx(float(numeric), abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(
    logits=arrays(np.float64, (5,), elements=st.floats(-500, 500)),
    labels=arrays(np.float64, (5,), elements=st.sampled_from([0.0, 1.0])),
)
def test_bce_with_logits_is_finite_and_non_negative_for_extreme_logits(logits, labels):
    value = L.binary_cross_entropy_with_logits(torch.tensor(logits), torch.tensor(labels))
    assert torch.isfinite(value) and float(value) >= 0.0


@settings(max_examples=60, deadline=None)
@given(
    logits=arrays(np.float64, (3, 4), elements=st.floats(-50, 50)),
    shift=st.floats(-100, 100),
)
def test_softmax_is_a_distribution_and_ignores_a_common_shift(logits, shift):
    z = torch.tensor(logits)
    p = L.softmax(z)
    torch.testing.assert_close(p.sum(1), torch.ones(3, dtype=torch.float64))
    torch.testing.assert_close(L.softmax(z + shift), p, rtol=1e-9, atol=1e-12)


def test_mse_refuses_mismatched_shapes_and_says_how_to_fix_them():
    with pytest.raises(ValueError, match=r"view_as"):
        L.mse(torch.zeros(4, 1), torch.zeros(4))


def test_hinge_refuses_zero_one_labels():
    with pytest.raises(ValueError, match=r"2 \* y - 1"):
        L.hinge(torch.zeros(3), torch.tensor([0.0, 1.0, 1.0]))


def test_cross_entropy_refuses_float_labels():
    with pytest.raises(ValueError, match="integer class indices"):
        L.cross_entropy(torch.zeros(3, 2), torch.zeros(3))


def _central_difference(loss, inp, target, index, h=1e-6):
    step = torch.zeros_like(inp)
    step[index] = h
    return (loss(inp + step, target) - loss(inp - step, target)) / (2 * h)


@settings(max_examples=40, deadline=None)
@given(
    values=arrays(np.float64, (6,), elements=st.floats(-5, 5)),
    targets=arrays(np.float64, (6,), elements=st.sampled_from([0.0, 1.0])),
    index=st.integers(0, 5),
)
def test_binary_losses_hand_gradients_match_finite_differences(values, targets, index):
    z, y = torch.tensor(values), torch.tensor(targets)
    p = 0.01 + 0.98 * torch.sigmoid(z)  # probabilities away from 0 and 1
    signs = 2 * y - 1
    margins_ok = (signs * z - 1).abs().min() > 1e-3  # hinge: stay off the kink
    checks = [
        (L.mse, L.mse_grad, z, y),
        (L.binary_cross_entropy, L.binary_cross_entropy_grad, p, y),
        (L.binary_cross_entropy_with_logits, L.binary_cross_entropy_with_logits_grad, z, y),
    ]
    if margins_ok:
        checks.append((L.hinge, L.hinge_grad, z, signs))
    for loss, grad, inp, target in checks:
        numeric = _central_difference(loss, inp, target, index)
        assert float(grad(inp, target)[index]) == pytest.approx(float(numeric), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize(
    ("ours", "theirs"), [(L.log_softmax, F.log_softmax), (L.softmax, F.softmax)]
)
def test_softmax_and_log_softmax_values_and_gradients_match_torch(ours, theirs):
    z = 10 * torch.randn(6, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    cotangent = torch.randn(6, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    a, b = _leaf(z), _leaf(z)
    va, vb = ours(a), theirs(b, dim=-1)
    (ga,) = torch.autograd.grad(va, a, cotangent)
    (gb,) = torch.autograd.grad(vb, b, cotangent)
    torch.testing.assert_close(va, vb, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ga, gb, rtol=1e-10, atol=1e-12)
