"""Each from-scratch initialiser has torch.nn.init's statistics (variance, bounds, fans)."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from deepcourse.dl import mlp

SHAPE = (400, 300)  # (fan_out, fan_in): 120,000 samples, so variances are known to ~1%

PAIRS = {
    "xavier_uniform": lambda w: nn.init.xavier_uniform_(w),
    "xavier_normal": lambda w: nn.init.xavier_normal_(w),
    "kaiming_uniform": lambda w: nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "kaiming_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "normal": lambda w: nn.init.normal_(w, std=1.0),
    "zeros": lambda w: nn.init.zeros_(w),
}


@pytest.mark.parametrize("scheme", sorted(PAIRS))
def test_init_matches_torch_statistics(scheme):
    ours = mlp.INITS[scheme](
        torch.empty(SHAPE, dtype=torch.float64), generator=torch.Generator().manual_seed(0)
    )
    torch.manual_seed(0)
    theirs = PAIRS[scheme](torch.empty(SHAPE, dtype=torch.float64))
    assert float(ours.mean()) == pytest.approx(
        float(theirs.mean()), abs=0.02 * float(theirs.std()) + 1e-12
    )
    assert float(ours.var()) == pytest.approx(float(theirs.var()), rel=0.02, abs=1e-12)
    assert float(ours.abs().max()) <= float(theirs.abs().max()) * 1.1 + 1e-12 or "normal" in scheme


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("xavier_uniform", 2 / (300 + 400)),
        ("xavier_normal", 2 / (300 + 400)),
        ("kaiming_uniform", 2 / 300),
        ("kaiming_normal", 2 / 300),
    ],
)
def test_init_variance_is_the_formula(scheme, expected):
    w = mlp.INITS[scheme](
        torch.empty(SHAPE, dtype=torch.float64), generator=torch.Generator().manual_seed(1)
    )
    assert float(w.var()) == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("scheme", ["xavier_uniform", "kaiming_uniform"])
def test_uniform_inits_respect_torch_bounds(scheme):
    w = mlp.INITS[scheme](torch.empty(SHAPE), generator=torch.Generator().manual_seed(2))
    bound = math.sqrt(6 / 700) if scheme == "xavier_uniform" else math.sqrt(2) * math.sqrt(3 / 300)
    assert float(w.abs().max()) <= bound
    assert float(w.abs().max()) > 0.99 * bound


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=2, max_size=4))
def test_fans_match_torch(shape):
    weight = torch.empty(shape)
    assert mlp.fans(weight) == nn.init._calculate_fan_in_and_fan_out(weight)


def test_init_weights_is_seeded_and_zeroes_biases():
    a = mlp.init_weights(mlp.MLP(3, [5], 2), "kaiming_normal", seed=4)
    b = mlp.init_weights(mlp.MLP(3, [5], 2), "kaiming_normal", seed=4)
    assert torch.equal(a.layers[0].weight, b.layers[0].weight)
    assert a.layers[0].bias.abs().sum().item() == 0.0


def test_unknown_scheme_and_vector_fans_are_refused():
    with pytest.raises(ValueError, match="'kaiming_normal'"):
        mlp.init_weights(mlp.MLP(3, [5], 2), "orthogonal")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        mlp.fans(torch.empty(5))


UNIFORM_BOUNDS = {
    "xavier_uniform": lambda fan_in, fan_out: math.sqrt(6 / (fan_in + fan_out)),
    "kaiming_uniform": lambda fan_in, fan_out: math.sqrt(2) * math.sqrt(3 / fan_in),
}


@settings(max_examples=40, deadline=None)
@given(
    scheme=st.sampled_from(sorted(UNIFORM_BOUNDS)),
    fan_in=st.integers(1, 64),
    fan_out=st.integers(1, 64),
    seed=st.integers(0, 2**31),
)
def test_uniform_inits_stay_within_torch_bound_for_any_shape(scheme, fan_in, fan_out, seed):
    weight = mlp.INITS[scheme](
        torch.empty(fan_out, fan_in), generator=torch.Generator().manual_seed(seed)
    )
    reference = PAIRS[scheme](torch.empty(fan_out, fan_in))
    bound = UNIFORM_BOUNDS[scheme](fan_in, fan_out)
    assert float(weight.abs().max()) <= bound * (1 + 1e-6)
    assert float(reference.abs().max()) <= bound * (1 + 1e-6)  # the same bound torch uses


@settings(max_examples=25, deadline=None)
@given(scheme=st.sampled_from(sorted(mlp.INITS)), seed=st.integers(0, 2**31))
def test_every_init_is_reproducible_from_its_seed(scheme, seed):
    a = mlp.INITS[scheme](torch.empty(7, 5), generator=torch.Generator().manual_seed(seed))
    b = mlp.INITS[scheme](torch.empty(7, 5), generator=torch.Generator().manual_seed(seed))
    assert torch.equal(a, b)


@settings(max_examples=20, deadline=None)
@given(
    scheme=st.sampled_from(
        ["xavier_normal", "kaiming_normal", "xavier_uniform", "kaiming_uniform"]
    ),
    fan_in=st.integers(50, 400),
)
def test_init_variance_follows_the_fan_in_for_any_width(scheme, fan_in):
    fan_out = 20_000 // fan_in + 50
    weight = mlp.INITS[scheme](
        torch.empty(fan_out, fan_in, dtype=torch.float64),
        generator=torch.Generator().manual_seed(0),
    )
    torch.manual_seed(0)
    reference = PAIRS[scheme](torch.empty(fan_out, fan_in, dtype=torch.float64))
    assert float(weight.var()) == pytest.approx(float(reference.var()), rel=0.08)
