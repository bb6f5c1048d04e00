"""Our SGD, Adagrad, RMSprop, Adam and AdamW against torch.optim's, 300 steps in float64."""

from __future__ import annotations

import inspect

import pytest
import torch
from _optim_harness import assert_same_parameters, train_side_by_side

from deepcourse.dl import optim

CASES = {
    "sgd-plain": ("SGD", dict(lr=0.05)),
    "sgd-momentum-dampening": ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    "sgd-nesterov-weight-decay": (
        "SGD",
        dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2),
    ),
    "sgd-maximize": ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    "adagrad": ("Adagrad", dict(lr=0.05)),
    "adagrad-decay-accumulator": (
        "Adagrad",
        dict(lr=0.05, lr_decay=1e-3, weight_decay=1e-2, initial_accumulator_value=0.1),
    ),
    "rmsprop": ("RMSprop", dict(lr=1e-3)),
    "rmsprop-centered-momentum": (
        "RMSprop",
        dict(lr=1e-3, alpha=0.9, momentum=0.8, centered=True, weight_decay=1e-2),
    ),
    "adam": ("Adam", dict(lr=1e-2)),
    "adam-amsgrad-weight-decay": (
        "Adam",
        dict(lr=1e-2, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
    ),
    "adam-decoupled": ("Adam", dict(lr=1e-2, weight_decay=0.1, decoupled_weight_decay=True)),
    "adamw": ("AdamW", dict(lr=1e-2)),
    "adamw-amsgrad": ("AdamW", dict(lr=1e-2, weight_decay=0.3, amsgrad=True, eps=1e-6)),
}


@pytest.mark.parametrize("case", CASES)
def test_optimizer_matches_torch_over_300_steps_in_float64(case: str) -> None:
    name, kwargs = CASES[case]
    ours, reference = train_side_by_side(
        lambda params: getattr(optim, name)(params, **kwargs),
        lambda params: getattr(torch.optim, name)(params, foreach=False, **kwargs),
    )
    assert_same_parameters(ours, reference)


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW"])
def test_optimizer_has_the_constructor_signature_of_its_torch_counterpart(name: str) -> None:
    ours = inspect.signature(getattr(optim, name).__init__)
    theirs = inspect.signature(getattr(torch.optim, name).__init__)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]


def test_learning_rate_schedule_on_our_sgd_changes_the_steps_like_on_torch_sgd() -> None:
    def ours(params):
        return optim.SGD(params, lr=0.1, momentum=0.9)

    def reference(params):
        return torch.optim.SGD(params, lr=0.1, momentum=0.9, foreach=False)

    schedulers = {}

    def decay(optimizer):
        if optimizer not in schedulers:
            schedulers[optimizer] = torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.99)
        else:
            schedulers[optimizer].step()

    a, b = train_side_by_side(ours, reference, before_step=decay)
    assert_same_parameters(a, b)


def test_negative_learning_rate_is_rejected_with_the_value_in_the_message() -> None:
    with pytest.raises(ValueError, match=r"invalid learning rate: -0.1"):
        optim.SGD([torch.zeros(2, requires_grad=True)], lr=-0.1)


def test_nesterov_without_momentum_is_rejected() -> None:
    with pytest.raises(ValueError, match="Nesterov momentum requires momentum > 0"):
        optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1, nesterov=True)


def test_betas_outside_the_unit_interval_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"beta at index 1: 1.5"):
        optim.Adam([torch.zeros(2, requires_grad=True)], betas=(0.9, 1.5))


def test_fused_kernels_are_refused_rather_than_silently_ignored() -> None:
    with pytest.raises(NotImplementedError, match="fused=True is not supported"):
        optim.Adam([torch.zeros(2, requires_grad=True)], fused=True)


def test_parameters_without_gradients_are_left_alone() -> None:
    frozen = torch.ones(3, requires_grad=True)
    optimizer = optim.Adam([frozen], lr=0.1)
    optimizer.step()
    assert torch.equal(frozen, torch.ones(3))
