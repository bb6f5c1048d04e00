"""Our learning-rate schedules against torch.optim.lr_scheduler's, step by step."""

from __future__ import annotations

import pytest
import torch
from _optim_harness import assert_same_parameters, train_side_by_side

from deepcourse.dl import optim

STEPS = 300
CASES = {
    "step": ("StepLR", dict(step_size=30, gamma=0.5), "SGD"),
    "exponential": ("ExponentialLR", dict(gamma=0.99), "SGD"),
    "cosine": ("CosineAnnealingLR", dict(T_max=STEPS, eta_min=1e-3), "SGD"),
    "cosine-past-t-max": ("CosineAnnealingLR", dict(T_max=120), "SGD"),
    "linear-warmup": ("LinearLR", dict(start_factor=0.01, total_iters=50), "SGD"),
    "linear-decay": ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=200), "SGD"),
    "one-cycle-momentum": ("OneCycleLR", dict(max_lr=0.2, total_steps=STEPS), "SGD"),
    "one-cycle-adam-betas": (
        "OneCycleLR",
        dict(max_lr=0.02, total_steps=STEPS, pct_start=0.25),
        "Adam",
    ),
    "one-cycle-three-phase-linear": (
        "OneCycleLR",
        dict(max_lr=0.2, epochs=10, steps_per_epoch=30, anneal_strategy="linear", three_phase=True),
        "SGD",
    ),
}


def _optimizer(name: str, params) -> torch.optim.Optimizer:
    if name == "SGD":
        return torch.optim.SGD(params, lr=0.1, momentum=0.9, foreach=False)
    return torch.optim.Adam(params, lr=0.01, foreach=False)


@pytest.mark.parametrize("case", CASES)
def test_schedule_gives_torchs_learning_rates_for_300_steps(case: str) -> None:
    name, kwargs, optimizer_name = CASES[case]
    rates = {}
    for source in (optim, torch.optim.lr_scheduler):
        optimizer = _optimizer(optimizer_name, [torch.zeros(3, requires_grad=True)])
        scheduler = getattr(source, name)(optimizer, **kwargs)
        trace = []
        for _ in range(STEPS - 1):
            optimizer.step()
            scheduler.step()
            group = optimizer.param_groups[0]
            trace.append((group["lr"], group.get("momentum", group.get("betas", (0,))[0])))
        rates[source] = torch.tensor(trace, dtype=torch.float64)
    torch.testing.assert_close(
        rates[optim], rates[torch.optim.lr_scheduler], atol=1e-12, rtol=1e-10
    )
    assert rates[optim][:, 0].std() > 0  # the schedule changed the rate


@pytest.mark.parametrize("case", ["cosine", "one-cycle-momentum"])
def test_training_under_our_schedule_matches_training_under_torchs(case: str) -> None:
    name, kwargs, _ = CASES[case]
    schedulers = {}

    def make(source):
        def build(params):
            optimizer = optim.SGD(params, lr=0.1, momentum=0.9)
            schedulers[optimizer] = getattr(source, name)(optimizer, **kwargs)
            return optimizer

        return build

    def advance(optimizer):
        if getattr(optimizer, "_stepped", False):
            schedulers[optimizer].step()
        optimizer._stepped = True

    ours, reference = train_side_by_side(
        make(optim), make(torch.optim.lr_scheduler), steps=STEPS, before_step=advance
    )
    assert_same_parameters(ours, reference)


def test_one_cycle_refuses_to_step_past_its_total_steps() -> None:
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    scheduler = optim.OneCycleLR(optimizer, max_lr=1.0, total_steps=3)
    for _ in range(3):
        optimizer.step()
        scheduler.step()
    optimizer.step()
    with pytest.raises(ValueError, match="past total_steps=3"):
        scheduler.step()


def test_one_cycle_needs_a_length() -> None:
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="give total_steps"):
        optim.OneCycleLR(optimizer, max_lr=1.0)
