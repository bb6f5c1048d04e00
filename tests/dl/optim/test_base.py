"""The plumbing of SingleTensorOptimizer, through a tiny optimizer that records what it is given."""

from __future__ import annotations

import torch

from deepcourse.dl.optim._base import SingleTensorOptimizer


class _Recorder(SingleTensorOptimizer):
    """theta <- theta - lr * g, counting state initialisations and updates per tensor."""

    def __init__(self, params, lr: float = 0.1, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, maximize=maximize))

    def _init_state(self, theta, g, state, group) -> None:
        state["inits"] = 1
        state["updates"] = 0

    def _update(self, theta, g, state, group) -> None:
        state["updates"] += 1
        theta.add_(g, alpha=-group["lr"])


def test_step_returns_the_loss_of_the_closure_computed_with_gradients_enabled() -> None:
    theta = torch.tensor([1.0, 2.0], requires_grad=True)
    optimizer = _Recorder([theta])

    def closure():
        optimizer.zero_grad()
        loss = (theta**2).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    assert loss.item() == 5.0
    assert torch.allclose(theta, torch.tensor([0.8, 1.6]))  # the closure's gradient was used


def test_step_without_a_closure_returns_none() -> None:
    theta = torch.zeros(2, requires_grad=True)
    theta.grad = torch.ones(2)
    assert _Recorder([theta]).step() is None


def test_parameters_without_gradients_are_skipped_and_get_no_state() -> None:
    trained, frozen = torch.zeros(2, requires_grad=True), torch.ones(2, requires_grad=True)
    trained.grad = torch.ones(2)
    optimizer = _Recorder([trained, frozen])
    optimizer.step()
    assert torch.equal(frozen, torch.ones(2))
    assert frozen not in optimizer.state


def test_state_is_initialised_once_on_the_first_update() -> None:
    theta = torch.zeros(2, requires_grad=True)
    theta.grad = torch.ones(2)
    optimizer = _Recorder([theta])
    for _ in range(3):
        optimizer.step()
    assert optimizer.state[theta] == {"inits": 1, "updates": 3}


def test_maximize_flips_the_gradient_so_the_step_ascends() -> None:
    descending, ascending = torch.zeros(2, requires_grad=True), torch.zeros(2, requires_grad=True)
    descending.grad = ascending.grad = torch.tensor([1.0, -2.0])
    _Recorder([descending], lr=0.5).step()
    _Recorder([ascending], lr=0.5, maximize=True).step()
    assert torch.equal(descending, torch.tensor([-0.5, 1.0]))
    assert torch.equal(ascending, -descending)
