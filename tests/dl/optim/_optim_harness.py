"""Run two optimizers side by side on identical small float64 networks (shared by the tests)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch


def small_network(seed: int = 0) -> torch.nn.Module:
    """A 5-8-3 tanh network in float64 (weights and biases, so shapes differ)."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
    ).double()


def batches(steps: int, seed: int = 1) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    return [
        (
            torch.randn(16, 5, generator=generator, dtype=torch.float64),
            torch.randn(16, 3, generator=generator, dtype=torch.float64),
        )
        for _ in range(steps)
    ]


def train_side_by_side(
    make_ours: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    make_reference: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    *,
    steps: int = 300,
    before_step: Callable[[torch.optim.Optimizer], None] | None = None,
) -> tuple[torch.nn.Module, torch.nn.Module]:
    """Train copies of one network with each optimizer on the same batches; return both."""
    ours_model = small_network()
    reference_model = copy.deepcopy(ours_model)
    ours = make_ours(list(ours_model.parameters()))
    reference = make_reference(list(reference_model.parameters()))
    for X, y in batches(steps):
        for model, optimizer in ((ours_model, ours), (reference_model, reference)):
            if before_step is not None:
                before_step(optimizer)
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(X), y)
            loss.backward()
            optimizer.step()
    return ours_model, reference_model


def assert_same_parameters(a: torch.nn.Module, b: torch.nn.Module, tol: float = 1e-10) -> None:
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q, atol=tol, rtol=tol)
    # The check is meaningful only if training moved the parameters.
    start = small_network()
    moved = max(
        (p - s).abs().max().item() for p, s in zip(a.parameters(), start.parameters(), strict=True)
    )
    assert moved > 1e-3, f"the parameters barely moved ({moved:.2e}); the comparison is vacuous"
