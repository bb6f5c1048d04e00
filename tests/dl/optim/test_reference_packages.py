"""Optimizers torch lacks, against their authors' packages (or the paper, for Adan)."""

from __future__ import annotations

import math

import adabelief_pytorch
import madgrad
import numpy as np
import pytest
import schedulefree
import torch
from _optim_harness import assert_same_parameters, batches, small_network, train_side_by_side

from deepcourse.dl import optim

ADABELIEF_CASES = {
    "rectified-default": dict(lr=1e-2),
    "unrectified": dict(lr=1e-2, rectify=False, weight_decay=1e-2),
    "coupled-decay-amsgrad": dict(
        lr=1e-2, rectify=False, weight_decouple=False, weight_decay=1e-2, amsgrad=True
    ),
    "fixed-decay": dict(lr=1e-2, fixed_decay=True, weight_decay=1e-3, eps=1e-4),
}


@pytest.mark.parametrize("case", ADABELIEF_CASES)
def test_adabelief_matches_the_authors_adabelief_pytorch_package(case: str) -> None:
    kwargs = ADABELIEF_CASES[case]
    ours, reference = train_side_by_side(
        lambda params: optim.AdaBelief(params, **kwargs),
        lambda params: adabelief_pytorch.AdaBelief(params, print_change_log=False, **kwargs),
    )
    assert_same_parameters(ours, reference)


MADGRAD_CASES = {
    "momentum": dict(lr=1e-2),
    "no-momentum": dict(lr=1e-2, momentum=0.0),
    "coupled-decay": dict(lr=1e-2, weight_decay=1e-2),
    "decoupled-decay": dict(lr=1e-2, weight_decay=1e-2, decouple_decay=True),
}


@pytest.mark.parametrize("case", MADGRAD_CASES)
def test_madgrad_matches_the_authors_madgrad_package(case: str) -> None:
    kwargs = MADGRAD_CASES[case]
    ours, reference = train_side_by_side(
        lambda params: optim.MADGRAD(params, **kwargs),
        lambda params: madgrad.MADGRAD(params, **kwargs),
    )
    assert_same_parameters(ours, reference)


SCHEDULE_FREE_CASES = {
    "sgd": ("SGDScheduleFree", dict(lr=0.1)),
    "sgd-warmup-decay-r": (
        "SGDScheduleFree",
        dict(lr=0.1, momentum=0.8, weight_decay=1e-2, warmup_steps=20, r=0.5),
    ),
    "adamw": ("AdamWScheduleFree", dict(lr=1e-2)),
    "adamw-warmup-decay": (
        "AdamWScheduleFree",
        dict(lr=1e-2, betas=(0.8, 0.99), weight_decay=1e-2, warmup_steps=30),
    ),
}


@pytest.mark.parametrize("case", SCHEDULE_FREE_CASES)
def test_schedule_free_matches_the_authors_schedulefree_package_in_train_and_eval_mode(
    case: str,
) -> None:
    name, kwargs = SCHEDULE_FREE_CASES[case]
    made = []

    def record(optimizer_class):
        def make(params):
            optimizer = optimizer_class(params, foreach=False, **kwargs)
            optimizer.train()
            made.append(optimizer)
            return optimizer

        return make

    ours, reference = train_side_by_side(
        record(getattr(optim, name)), record(getattr(schedulefree, name))
    )
    assert_same_parameters(ours, reference)  # y, where gradients are taken
    for optimizer in made:
        optimizer.eval()
    assert_same_parameters(ours, reference)  # x, the average that is evaluated


def test_schedule_free_refuses_to_step_in_eval_mode() -> None:
    optimizer = optim.SGDScheduleFree([torch.zeros(2, requires_grad=True)])
    with pytest.raises(RuntimeError, match=r"call optimizer.train\(\)"):
        optimizer.step()


def _adan_paper_algorithm_1(theta, grads, *, lr, beta1, beta2, beta3, eps, weight_decay):
    """Adan, Algorithm 1 of Xie et al. (2022), in the paper's own convention, in numpy.

    The paper's betas are small (0.02, 0.08, 0.01): m_k = (1 - b1) m_{k-1} + b1 g_k and so on,
    with the Nesterov gradient g_k + (1 - b2)(g_k - g_{k-1}), and the proximal update
    theta_{k+1} = (theta_k - eta_k * (m_k + (1 - b2) v_k)) / (1 + lambda eta). The moments here
    are bias-corrected as in the authors' released code (their README's "restart" variant aside).
    """
    b1, b2, b3 = 1 - beta1, 1 - beta2, 1 - beta3  # the paper's betas from the code's
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    n = np.zeros_like(theta)
    g_prev = grads(theta)
    for k in range(1, 301):
        g = grads(theta)
        diff = g - g_prev if k > 1 else np.zeros_like(g)
        m = (1 - b1) * m + b1 * g
        v = (1 - b2) * v + b2 * diff
        n = (1 - b3) * n + b3 * (g + (1 - b2) * diff) ** 2
        m_hat, v_hat, n_hat = (
            m / (1 - (1 - b1) ** k),
            v / (1 - (1 - b2) ** k),
            n / (1 - (1 - b3) ** k),
        )
        eta = lr / (np.sqrt(n_hat) + eps)
        theta = (theta - eta * (m_hat + (1 - b2) * v_hat)) / (1 + lr * weight_decay)
        g_prev = g
    return theta


@pytest.mark.parametrize("weight_decay", [0.0, 0.02])
def test_adan_matches_the_papers_algorithm_box_on_a_nonconvex_function(weight_decay: float) -> None:
    # Adan is not on PyPI from its authors (sail-sg/Adan installs from git), so the reference is
    # the paper's Algorithm 1, written above independently of deepcourse's code.
    A = np.random.default_rng(0).normal(size=(6, 6))

    def grads(x):  # gradient of f(x) = sum(sin(A x)) + 0.1 |x|^2
        return A.T @ np.cos(A @ x) + 0.2 * x

    x0 = np.linspace(-1, 1, 6)
    kwargs = dict(lr=1e-2, eps=1e-8, weight_decay=weight_decay)
    expected = _adan_paper_algorithm_1(x0, grads, beta1=0.98, beta2=0.92, beta3=0.99, **kwargs)
    theta = torch.tensor(x0, requires_grad=True)
    optimizer = optim.Adan([theta], betas=(0.98, 0.92, 0.99), **kwargs)
    for _ in range(300):
        theta.grad = torch.from_numpy(grads(theta.detach().numpy()))
        optimizer.step()
    assert np.abs(expected - x0).max() > 1e-2
    np.testing.assert_allclose(theta.detach().numpy(), expected, rtol=1e-10, atol=1e-10)


def test_adan_trains_a_small_network_downhill() -> None:
    model = small_network()
    optimizer = optim.Adan(model.parameters(), lr=1e-2, weight_decay=1e-2)
    data = batches(1)[0]
    losses = []
    for _ in range(200):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(data[0]), data[1])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert all(math.isfinite(x) for x in losses)


def test_adan_expects_three_betas() -> None:
    with pytest.raises(ValueError, match="betas must be a tuple of 3 numbers"):
        optim.Adan([torch.zeros(2, requires_grad=True)], betas=(0.9, 0.99))
