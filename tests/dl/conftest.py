"""Shared by the tests of deepcourse.dl: one torch thread per test process.

Small models train faster on one thread than on two on the project's machines, and under
``pytest -n 2`` two workers with two threads each would contend for two cores.
"""

from __future__ import annotations

import torch

torch.set_num_threads(1)
