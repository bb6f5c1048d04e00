r"""Reference-free checks: each optimizer's first step, worked out by hand from its update rule.

From zero state, one step with gradient $g$ gives (elementwise, $\gamma$ = ``lr``):

- SGD: $\theta - \gamma g$ (with or without momentum: the buffer starts at $g$);
- Adam, AdamW (no decay): $m_1 = (1-\beta_1) g$, $v_1 = (1-\beta_2) g^2$, and bias correction
  leaves $\theta - \gamma\, g / (|g| + \epsilon)$, a step of length $\approx\gamma$ per coordinate;
- Adagrad: $\theta - \gamma\, g / (|g| + \epsilon)$;
- RMSprop: $\theta - \gamma\, g / (\sqrt{1-\alpha}\,|g| + \epsilon)$.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deepcourse.dl import optim

LR, EPS, ALPHA = 0.05, 1e-8, 0.99
FIRST_STEP = {
    "SGD": (lambda p: optim.SGD(p, lr=LR), lambda g: LR * g),
    "SGD-momentum": (lambda p: optim.SGD(p, lr=LR, momentum=0.9), lambda g: LR * g),
    "Adam": (lambda p: optim.Adam(p, lr=LR, eps=EPS), lambda g: LR * g / (g.abs() + EPS)),
    "AdamW": (
        lambda p: optim.AdamW(p, lr=LR, eps=EPS, weight_decay=0.0),
        lambda g: LR * g / (g.abs() + EPS),
    ),
    "Adagrad": (lambda p: optim.Adagrad(p, lr=LR, eps=EPS), lambda g: LR * g / (g.abs() + EPS)),
    "RMSprop": (
        lambda p: optim.RMSprop(p, lr=LR, alpha=ALPHA, eps=EPS),
        lambda g: LR * g / ((1 - ALPHA) ** 0.5 * g.abs() + EPS),
    ),
}
values = st.floats(-10, 10, allow_subnormal=False)


@pytest.mark.parametrize("name", FIRST_STEP)
@settings(max_examples=30, deadline=None)
@given(theta=arrays(np.float64, 4, elements=values), g=arrays(np.float64, 4, elements=values))
def test_the_first_step_is_the_hand_derived_update(name, theta, g) -> None:
    make, step = FIRST_STEP[name]
    param = torch.tensor(theta, requires_grad=True)
    param.grad = torch.tensor(g)
    make([param]).step()
    expected = torch.tensor(theta) - step(torch.tensor(g))
    torch.testing.assert_close(param.detach(), expected, rtol=1e-12, atol=1e-12)
