"""Our learning-rate schedules against torch.optim.lr_scheduler's, step by step, and their shape
(endpoints, peak, monotone phases) without a reference."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _optim_harness import assert_same_parameters, train_side_by_side
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _lr_trace(make_scheduler, steps: int, lr: float = 0.1) -> list[float]:
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    trace = [optimizer.param_groups[0]["lr"]]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        trace.append(optimizer.param_groups[0]["lr"])
    return trace


@settings(max_examples=25, deadline=None)
@given(t_max=st.integers(1, 200), eta_min=st.floats(0.0, 0.05))
def test_cosine_falls_monotonically_from_the_initial_rate_to_eta_min(t_max, eta_min) -> None:
    trace = _lr_trace(lambda o: optim.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), t_max)
    assert trace[0] == pytest.approx(0.1) and trace[-1] == pytest.approx(eta_min, abs=1e-15)
    assert (np.diff(trace) <= 1e-15).all()  # never rises on [0, T_max]
    if t_max % 2 == 0:  # halfway, the cosine term is zero: the mean of the two ends
        assert trace[t_max // 2] == pytest.approx((0.1 + eta_min) / 2)


@settings(max_examples=25, deadline=None)
@given(
    total=st.integers(20, 300),
    pct_start=st.floats(0.1, 0.9),
    max_lr=st.floats(0.01, 1.0),
    anneal=st.sampled_from(["cos", "linear"]),
)
def test_one_cycle_rises_to_max_lr_then_falls_to_the_minimum(total, pct_start, max_lr, anneal):
    trace = _lr_trace(
        lambda o: optim.OneCycleLR(
            o, max_lr=max_lr, total_steps=total, pct_start=pct_start, anneal_strategy=anneal
        ),
        total - 1,
    )
    peak = int(np.argmax(trace))
    assert trace[0] == pytest.approx(max_lr / 25)  # max_lr / div_factor
    assert max(trace) <= max_lr * (1 + 1e-12)
    assert abs(peak - (pct_start * total - 1)) <= 1  # the warm-up ends at step pct_start T - 1
    assert trace[-1] == pytest.approx(max_lr / 25 / 1e4)  # ... / final_div_factor
    assert (np.diff(trace[: peak + 1]) >= -1e-15).all()  # rises to the peak
    assert (np.diff(trace[peak:]) <= 1e-15).all()  # then only falls


def test_linear_lr_with_zero_iterations_stays_at_the_start_factor_like_torch() -> None:
    rates = {}
    for source in (optim, torch.optim.lr_scheduler):
        optimizer = _optimizer("SGD", [torch.zeros(3, requires_grad=True)])
        scheduler = source.LinearLR(optimizer, start_factor=0.5, total_iters=0)
        trace = [optimizer.param_groups[0]["lr"]]
        for _ in range(5):
            optimizer.step()
            scheduler.step()
            trace.append(optimizer.param_groups[0]["lr"])
        rates[source] = trace
    assert rates[optim] == pytest.approx(rates[torch.optim.lr_scheduler]) == [0.05] * 6


def test_linear_lr_refuses_a_negative_number_of_iterations() -> None:
    optimizer = _optimizer("SGD", [torch.zeros(3, requires_grad=True)])
    with pytest.raises(ValueError, match="total_iters must be >= 0"):
        optim.LinearLR(optimizer, total_iters=-1)
