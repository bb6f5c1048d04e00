"""Bundled and generated data sets load offline, split without leakage, and repeat with a seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from deepcourse.dl.data import TABULAR_SETS, digits, mnist1d, split_arrays, tabular


@pytest.mark.parametrize("name", sorted(TABULAR_SETS))
def test_every_tabular_set_loads_offline(name):
    X, y = tabular(name)
    assert X.ndim == 2 and len(X) == len(y) > 100


def test_an_unknown_set_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match="'digits'"):
        tabular("boston")


def test_digits_split_is_standardised_with_training_statistics_only():
    split = digits(test_fraction=0.25, seed=1)
    assert split.X_train.shape[1] == 64 and split.num_classes == 10
    assert len(split.X_train) + len(split.X_test) == 1797
    informative = split.std > 1e-6
    torch.testing.assert_close(split.X_train.mean(0), torch.zeros(64), atol=1e-5, rtol=0)
    assert float(split.X_test.mean(0)[informative].abs().max()) > 1e-4  # not refitted on test


def test_splits_with_one_seed_are_identical_and_other_seeds_differ():
    a, b, c = digits(seed=3), digits(seed=3), digits(seed=4)
    assert torch.equal(a.y_train, b.y_train)
    assert not torch.equal(a.y_train, c.y_train)


def test_split_refuses_a_fraction_outside_zero_one():
    with pytest.raises(ValueError, match="test_fraction"):
        split_arrays(np.zeros((4, 1)), np.zeros(4), test_fraction=1.5)


def test_mnist1d_is_generated_without_download_and_leaves_global_random_state_alone():
    state = np.random.get_state()[1].copy()
    split = mnist1d(num_samples=200, seed=7)
    assert np.array_equal(np.random.get_state()[1], state)
    assert split.X_train.shape == (160, 40) and split.X_test.shape == (40, 40)
    assert set(split.y_train.tolist()) == set(range(10))
    again = mnist1d(num_samples=200, seed=7)
    assert torch.equal(split.X_train, again.X_train)
